// The transfer log in wu-ftpd's xferlog(5) format, as vsftpd writes it, so existing log
// analysers read it:
//   Wed Nov 25 03:17:51 2026 1 192.0.2.1 1234 /pub/file b _ o a guest@ ftp 0 * c
#pragma once

#include <gorgon/fd.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace gorgon::ftp {

struct XferRecord {
    std::int64_t end_sec = 0;       // when the transfer ended (UTC, seconds since the epoch)
    std::uint64_t duration_ms = 0;  // how long it took
    std::string_view remote;        // the client's address
    std::uint64_t bytes = 0;
    std::string_view path;  // the virtual path
    bool ascii = false;     // TYPE A
    char direction = 'o';   // o(utgoing), i(ncoming), d(eleted)
    char access = 'a';      // a(nonymous), g(uest: virtual user), r(eal)
    std::string_view user;  // the login name (for anonymous, the password given)
    bool complete = true;
};

// One line, ending in "\n". Whitespace and control bytes in the path and user become '_' so the
// line keeps its fields.
[[nodiscard]] std::string formatXferlog(const XferRecord& r);

// Appends lines to a file opened with O_APPEND. The file is reopened when it was renamed or
// removed (log rotation) since the last line.
class XferLog {
  public:
    XferLog() = default;
    explicit XferLog(std::string path) : path_(std::move(path)) {}
    XferLog(const XferLog&) = delete;
    XferLog& operator=(const XferLog&) = delete;
    ~XferLog() = default;

    // Names the file (nothing is opened yet); an empty path disables the log.
    void setPath(std::string path) { path_ = std::move(path); }
    // False (with errno) if the file cannot be opened.
    bool open();
    [[nodiscard]] bool enabled() const noexcept { return !path_.empty(); }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    // One write(2) of the whole line; false if it failed.
    bool write(std::string_view line);

  private:
    std::string path_;
    UniqueFd fd_;
    std::uint64_t dev_ = 0;
    std::uint64_t ino_ = 0;
};

}  // namespace gorgon::ftp
