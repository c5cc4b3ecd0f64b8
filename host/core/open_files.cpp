#include "core/open_files.hpp"

#include "log/logger.hpp"

#include <cerrno>
#include <cstring>

#include <sys/resource.h>

namespace gorgon {

namespace {

// Descriptors the host needs beside connections: listeners, plugin files, logs, the loop's
// own, FTP data channels, CGI pipes. A rough allowance, not a promise.
constexpr uint64_t kReserve = 64;

using ull = unsigned long long;

}  // namespace

uint64_t raiseOpenFileLimit(uint64_t max_open_files) {
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
    rlim_t want = max_open_files != 0 ? static_cast<rlim_t>(max_open_files) : rl.rlim_max;
    if (want == rl.rlim_cur) return rl.rlim_cur;
    rlimit next = rl;
    next.rlim_cur = want;
    if (want > rl.rlim_max) {
        next.rlim_max = want;  // only root (CAP_SYS_RESOURCE) may raise the hard limit
        if (::setrlimit(RLIMIT_NOFILE, &next) != 0) {
            GLOG(Warn,
                 "max_open_files: cannot raise the open-file limit to %llu (%s); the hard limit "
                 "%llu is used instead",
                 static_cast<ull>(want), std::strerror(errno), static_cast<ull>(rl.rlim_max));
            next.rlim_max = rl.rlim_max;
            next.rlim_cur = rl.rlim_max;
        }
    }
    if (next.rlim_cur != rl.rlim_cur && ::setrlimit(RLIMIT_NOFILE, &next) != 0) {
        GLOG(Warn, "cannot set the open-file limit to %llu: %s", static_cast<ull>(next.rlim_cur),
             std::strerror(errno));
        return rl.rlim_cur;
    }
    if (next.rlim_cur != rl.rlim_cur) {
        GLOG(Info, "open-file limit set to %llu (was %llu; hard limit %llu)",
             static_cast<ull>(next.rlim_cur), static_cast<ull>(rl.rlim_cur),
             static_cast<ull>(next.rlim_max));
    }
    return next.rlim_cur;
}

std::optional<std::string> openFileShortfall(const Config& config, uint64_t limit) {
    uint64_t need = kReserve;
    std::string parts;
    for (const auto& s : config.servers) {
        need += s.limits.max_connections + s.listen.size();
        parts +=
            (parts.empty() ? "" : " + ") + s.name + " " + std::to_string(s.limits.max_connections);
    }
    if (need <= limit) return std::nullopt;
    return "the servers' connection limits (" + parts + ", plus " + std::to_string(kReserve) +
           " for the host) need " + std::to_string(need) + " open files but the limit is " +
           std::to_string(limit) +
           ": past it every accept fails (EMFILE). Raise max_open_files or the hard limit "
           "(systemd: LimitNOFILE=), or lower limits.max_connections";
}

void checkOpenFiles(const Config& config) {
    uint64_t limit = raiseOpenFileLimit(config.max_open_files);
    if (limit == 0) return;
    if (auto w = openFileShortfall(config, limit)) GLOG(Warn, "%s", w->c_str());
}

}  // namespace gorgon
