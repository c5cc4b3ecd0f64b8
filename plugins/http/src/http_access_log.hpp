// The access log of one server: Combined Log Format or one JSON object per line, built in memory
// and written with write(2) when 32 KiB have gathered or at least once a second (the plugin's
// housekeeping timer), and when the server closes. The file is reopened when the path names a
// different inode (checked at most once a second), so logrotate's rename-and-create works
// without a signal.
#pragma once

#include <gorgon/plugin.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gorgon::http {

enum class LogFormat { Combined, Json };

// One line's worth. Views are valid for the call that formats them.
struct LogRecord {
    std::string_view peer;          // address without the port
    std::string_view time_clf;      // "10/Oct/2000:13:55:36 -0700"
    std::string_view time_iso;      // "2000-10-10T13:55:36-07:00"
    std::string_view request_line;  // as received; empty if none was read
    std::string_view method;
    std::string_view target;
    std::string_view protocol;  // "HTTP/1.1"
    std::string_view host;
    std::string_view referer;
    std::string_view user_agent;
    std::string_view user;  // set_user() of an extension (http-auth); empty: "-"
    int status = 0;
    std::int64_t bytes = 0;  // body bytes sent; -1 when not known (a body of unknown length)
    std::int64_t duration_ms = 0;
};

// `%h - %u [%t] "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`, with '"', '\' and bytes outside
// 0x20-0x7e written as \xHH (as nginx does), so no client can forge a line or a field.
void appendCombined(std::string& out, const LogRecord& r);
// One JSON object and a newline; strings are valid JSON whatever the client sent (invalid UTF-8
// and controls are escaped as \u00HH).
void appendJson(std::string& out, const LogRecord& r);

class AccessLog {
  public:
    // Opens (creating) `path` for appending. Throws std::runtime_error naming the path and the
    // reason.
    AccessLog(Host host, std::string path, LogFormat format);
    ~AccessLog();
    AccessLog(const AccessLog&) = delete;
    AccessLog& operator=(const AccessLog&) = delete;
    AccessLog(AccessLog&&) = delete;
    AccessLog& operator=(AccessLog&&) = delete;

    void append(const LogRecord& r);
    // Writes out what is buffered; at most once a second, reopens the file if it was rotated.
    void flush(std::int64_t now_ms);
    [[nodiscard]] bool pending() const noexcept { return !buf_.empty(); }
    [[nodiscard]] LogFormat format() const noexcept { return format_; }

    static constexpr std::size_t kFlushAt = std::size_t{32} * 1024;

  private:
    bool openFile(std::string& error);
    void reopenIfRotated();
    void writeOut();

    Host host_;
    std::string path_;
    LogFormat format_;
    int fd_ = -1;
    std::uint64_t dev_ = 0;
    std::uint64_t ino_ = 0;
    std::int64_t checked_ms_ = 0;
    std::int64_t error_logged_ms_ = INT64_MIN;
    std::int64_t now_ms_ = 0;
    std::string buf_;
};

}  // namespace gorgon::http
