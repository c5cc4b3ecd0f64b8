// The error log: levels, and one sink (stderr, a file reopened on SIGUSR1, or syslog).
// Process-wide because every part of the host writes to it; set up once by main.
#pragma once

#include "util/result.hpp"

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace gorgon {

enum class LogLevel { Error = 0, Warn = 1, Info = 2, Debug = 3 };

std::optional<LogLevel> parseLogLevel(std::string_view name);
std::string_view logLevelName(LogLevel level);

class Logger {
  public:
    // `target` is "stderr", "syslog" or a file path.
    static Result<void> configure(LogLevel level, const std::string& target);
    static void setLevel(LogLevel level) noexcept;
    static LogLevel level() noexcept;
    static bool enabled(LogLevel level) noexcept;
    // Reopens a file sink (after logrotate moved it). Harmless for other sinks.
    static Result<void> reopen();
    // Writes one line; control characters in `msg` are escaped so a line stays one line.
    static void write(LogLevel level, std::string_view msg) noexcept;
};

// printf-style convenience: GLOG(Info, "server %s listening on %s", a, b).
void logf(LogLevel level, const char* fmt, ...) noexcept __attribute__((format(printf, 2, 3)));

#define GLOG(level, ...)                                            \
    do {                                                            \
        if (::gorgon::Logger::enabled(::gorgon::LogLevel::level)) { \
            ::gorgon::logf(::gorgon::LogLevel::level, __VA_ARGS__); \
        }                                                           \
    } while (0)

}  // namespace gorgon
