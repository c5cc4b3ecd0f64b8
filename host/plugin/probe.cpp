#include "plugin/probe.hpp"

#include "core/host.hpp"
#include "log/logger.hpp"
#include "plugin/host_api.hpp"

#include <event2/event.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

namespace gorgon {

namespace {

bool g_in_probe = false;  // set only in a forked child, which never returns to the loop

[[noreturn]] void runChild(Host& host, PluginObject& object) {
    g_in_probe = true;
    Logger::setLevel(LogLevel::Error);
    // The child shares the parent's epoll instance until it makes its own: without this, an
    // event added or removed here would change what the live process watches.
    if (event_reinit(host.loop().base()) != 0) _exit(70);
    Generation gen(host, std::move(object), 0);
    gen.serial = UINT64_MAX;
    const ConfigNode* cfg = host.pluginConfig(gen.name());
    gorgon_status s = gen.hooks().init(&hostApi(), &gen, asConfig(cfg), &gen.plugin_state);
    if (s == GORGON_OK) {
        (void)host.servers().attach(gen);
        host.servers().detach(gen);
        gen.hooks().shutdown(gen.plugin_state);
    }
    // No destructors, no atexit handlers, no buffered output: the parent owns all of that.
    _exit(0);
}

std::string describe(int status) {
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        const char* name = sigabbrev_np(sig);
        return std::string("crashed in its probe (signal ") + std::to_string(sig) +
               (name != nullptr ? std::string(", SIG") + name : std::string()) + ")";
    }
    return "its probe exited with status " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

bool inProbeChild() noexcept {
    return g_in_probe;
}

Result<void> probeInChild(Host& host, PluginObject& object, uint64_t timeout_ms) {
    pid_t pid = ::fork();
    if (pid < 0) return fail(std::string("cannot fork the probe: ") + std::strerror(errno));
    if (pid == 0) runChild(host, object);

    // The loop waits: loads are rare, operator-driven, and bounded by the timeout.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    auto pause = std::chrono::microseconds(200);
    for (;;) {
        int status = 0;
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
            return fail(describe(status));
        }
        if (r < 0 && errno != EINTR) {
            return fail(std::string("lost the probe: ") + std::strerror(errno));
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return fail("did not finish its probe within " + std::to_string(timeout_ms) +
                        " ms (killed)");
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::microseconds(20'000));
    }
}

}  // namespace gorgon
