#include "log/logger.hpp"

#include "util/unique_fd.hpp"

#include <array>
#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <ctime>

#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>

namespace gorgon {

namespace {

enum class Sink { Stderr, File, Syslog };

struct State {
    LogLevel level = LogLevel::Info;
    Sink sink = Sink::Stderr;
    std::string path;
    UniqueFd fd;
};

State& state() {
    static State s;  // host-only; never in a plugin
    return s;
}

int syslogPriority(LogLevel level) {
    switch (level) {
        case LogLevel::Error:
            return LOG_ERR;
        case LogLevel::Warn:
            return LOG_WARNING;
        case LogLevel::Info:
            return LOG_INFO;
        case LogLevel::Debug:
            return LOG_DEBUG;
    }
    return LOG_INFO;
}

Result<UniqueFd> openLogFile(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
    if (!fd.valid()) return fail("cannot open log file " + path + ": " + std::strerror(errno));
    return fd;
}

void writeAll(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // nowhere left to report a logging failure
        data.remove_prefix(static_cast<size_t>(n));
    }
}

}  // namespace

std::optional<LogLevel> parseLogLevel(std::string_view name) {
    if (name == "error") return LogLevel::Error;
    if (name == "warn" || name == "warning") return LogLevel::Warn;
    if (name == "info") return LogLevel::Info;
    if (name == "debug") return LogLevel::Debug;
    return std::nullopt;
}

std::string_view logLevelName(LogLevel level) {
    switch (level) {
        case LogLevel::Error:
            return "error";
        case LogLevel::Warn:
            return "warn";
        case LogLevel::Info:
            return "info";
        case LogLevel::Debug:
            return "debug";
    }
    return "info";
}

Result<void> Logger::configure(LogLevel level, const std::string& target) {
    State& s = state();
    if (target == "stderr" || target.empty()) {
        s.fd.reset();
        s.sink = Sink::Stderr;
    } else if (target == "syslog") {
        s.fd.reset();
        openlog("gorgon", LOG_PID | LOG_NDELAY, LOG_DAEMON);
        s.sink = Sink::Syslog;
    } else {
        auto fd = openLogFile(target);
        if (!fd) return fail(fd.error());
        s.fd = std::move(fd.value());
        s.sink = Sink::File;
    }
    s.path = target;
    s.level = level;
    return {};
}

void Logger::setLevel(LogLevel level) noexcept {
    state().level = level;
}
LogLevel Logger::level() noexcept {
    return state().level;
}
bool Logger::enabled(LogLevel level) noexcept {
    return level <= state().level;
}

Result<void> Logger::reopen() {
    State& s = state();
    if (s.sink != Sink::File) return {};
    auto fd = openLogFile(s.path);
    if (!fd) return fail(fd.error());
    s.fd = std::move(fd.value());
    return {};
}

void Logger::write(LogLevel level, std::string_view msg) noexcept {
    State& s = state();
    if (!enabled(level)) return;
    // Escape control characters: a plugin or a peer must not be able to forge log lines.
    std::array<char, 4096> line{};
    size_t n = 0;
    if (s.sink != Sink::Syslog) {
        timespec ts{};
        clock_gettime(CLOCK_REALTIME, &ts);
        tm utc{};
        gmtime_r(&ts.tv_sec, &utc);
        n = strftime(line.data(), line.size(), "%Y-%m-%dT%H:%M:%S", &utc);
        int k = snprintf(line.data() + n, line.size() - n, ".%03ldZ [%s] ", ts.tv_nsec / 1000000,
                         logLevelName(level).data());
        n += static_cast<size_t>(k > 0 ? k : 0);
    }
    for (char c : msg) {
        if (n + 5 >= line.size()) break;
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) {
            n += static_cast<size_t>(snprintf(line.data() + n, 5, "\\x%02x", u));
        } else {
            line[n++] = c;
        }
    }
    if (s.sink == Sink::Syslog) {
        syslog(syslogPriority(level), "%.*s", static_cast<int>(n), line.data());
        return;
    }
    line[n++] = '\n';
    writeAll(s.sink == Sink::File ? s.fd.get() : STDERR_FILENO, {line.data(), n});
}

void logf(LogLevel level, const char* fmt, ...) noexcept {
    std::array<char, 4096> buf{};
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf.data(), buf.size(), fmt, ap);
    va_end(ap);
    if (n < 0) return;
    Logger::write(level, {buf.data(), std::min(static_cast<size_t>(n), buf.size() - 1)});
}

}  // namespace gorgon
