#include "core/config_check.hpp"

#include "util/unique_fd.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace gorgon {

namespace {

constexpr size_t kMaxOutput = 64 * 1024;

}  // namespace

ConfigCheckResult checkConfigInChild(const std::string& path, uint64_t timeout_ms) {
    ConfigCheckResult result;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        result.output = std::string("cannot create a pipe: ") + std::strerror(errno);
        return result;
    }
    UniqueFd read_end(fds[0]);
    UniqueFd write_end(fds[1]);
    pid_t pid = ::fork();
    if (pid < 0) {
        result.output = std::string("cannot fork: ") + std::strerror(errno);
        return result;
    }
    if (pid == 0) {
        // Only async-signal-safe calls between fork and exec.
        ::dup2(write_end.get(), STDOUT_FILENO);
        ::dup2(write_end.get(), STDERR_FILENO);
        ::execl("/proc/self/exe", "gorgon", "--check-config", path.c_str(),
                static_cast<char*>(nullptr));
        ::_exit(127);
    }
    write_end.reset();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    bool timed_out = false;
    char buf[4096];
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        pollfd p{read_end.get(), POLLIN, 0};
        int n = ::poll(&p, 1, static_cast<int>(left));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) continue;
        ssize_t got = ::read(read_end.get(), buf, sizeof buf);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        if (result.output.size() < kMaxOutput) result.output.append(buf, static_cast<size_t>(got));
    }
    if (timed_out) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out) {
        result.output += "the check did not finish within " + std::to_string(timeout_ms) + " ms\n";
        return result;
    }
    result.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && result.output.empty()) {
        result.output = "cannot run /proc/self/exe --check-config\n";
    }
    return result;
}

}  // namespace gorgon
