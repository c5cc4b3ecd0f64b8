#include "http_access_log.hpp"

#include "http_text.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gorgon::http {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";
constexpr char kHexLower[] = "0123456789abcdef";

void appendClfEscaped(std::string& out, std::string_view s) {
    if (s.empty()) {
        out.push_back('-');
        return;
    }
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
            out.append("\\x");
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        } else {
            out.push_back(ch);
        }
    }
}

// Length of the valid UTF-8 sequence at s[i], or 0 if there is none (RFC 3629: no overlong
// forms, no surrogates, nothing past U+10FFFF).
std::size_t utf8Sequence(std::string_view s, std::size_t i) noexcept {
    auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = at(i);
    std::size_t n = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0) lo = 0xa0;
        if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0) lo = 0x90;
        if (c == 0xf4) hi = 0x8f;
    } else {
        return 0;
    }
    if (s.size() - i < n) return 0;
    if (at(i + 1) < lo || at(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k) {
        if (at(i + k) < 0x80 || at(i + k) > 0xbf) return 0;
    }
    return n;
}

void appendJsonString(std::string& out, std::string_view s) {
    out.push_back('"');
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(s[i]);
            ++i;
        } else if (c >= 0x20 && c < 0x7f) {
            out.push_back(s[i]);
            ++i;
        } else if (std::size_t n = c >= 0x80 ? utf8Sequence(s, i) : 0; n != 0) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            out.append("\\u00");
            out.push_back(kHexLower[c >> 4]);
            out.push_back(kHexLower[c & 15]);
            ++i;
        }
    }
    out.push_back('"');
}

void appendJsonField(std::string& out, std::string_view key, std::string_view value) {
    out.push_back(',');
    out.push_back('"');
    out.append(key);
    out.append("\":");
    appendJsonString(out, value);
}

void appendJsonNumber(std::string& out, std::string_view key, std::int64_t v) {
    out.append(",\"");
    out.append(key);
    out.append("\":");
    if (v < 0) {
        out.append("null");
    } else {
        appendDecimal(out, static_cast<std::uint64_t>(v));
    }
}

}  // namespace

void appendCombined(std::string& out, const LogRecord& r) {
    appendClfEscaped(out, r.peer);
    out.append(" - ");
    if (r.user.empty()) {
        out.push_back('-');
    } else {
        appendClfEscaped(out, r.user);
    }
    out.append(" [");
    out.append(r.time_clf);
    out.append("] \"");
    appendClfEscaped(out, r.request_line);
    out.append("\" ");
    appendDecimal(out, static_cast<std::uint64_t>(r.status));
    out.push_back(' ');
    if (r.bytes <= 0) {
        out.push_back('-');  // CLF's way of writing "no body" (and "not known")
    } else {
        appendDecimal(out, static_cast<std::uint64_t>(r.bytes));
    }
    out.append(" \"");
    appendClfEscaped(out, r.referer);
    out.append("\" \"");
    appendClfEscaped(out, r.user_agent);
    out.append("\"\n");
}

void appendJson(std::string& out, const LogRecord& r) {
    out.append("{\"time\":");
    appendJsonString(out, r.time_iso);
    appendJsonField(out, "remote_addr", r.peer);
    if (!r.user.empty()) appendJsonField(out, "remote_user", r.user);
    appendJsonField(out, "request", r.request_line);
    appendJsonField(out, "method", r.method);
    appendJsonField(out, "uri", r.target);
    appendJsonField(out, "protocol", r.protocol);
    appendJsonField(out, "host", r.host);
    appendJsonNumber(out, "status", r.status);
    appendJsonNumber(out, "bytes", r.bytes);
    appendJsonField(out, "referer", r.referer);
    appendJsonField(out, "user_agent", r.user_agent);
    appendJsonNumber(out, "request_time_ms", r.duration_ms);
    out.append("}\n");
}

AccessLog::AccessLog(Host host, std::string path, LogFormat format)
    : host_(host), path_(std::move(path)), format_(format) {
    std::string error;
    if (!openFile(error)) throw std::runtime_error(error);
    buf_.reserve(kFlushAt + 4096);
}

AccessLog::~AccessLog() {
    writeOut();
    if (fd_ >= 0) ::close(fd_);
}

bool AccessLog::openFile(std::string& error) {
    int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
    if (fd < 0) {
        error = "access log " + path_ + ": " + std::strerror(errno);
        return false;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        error = "access log " + path_ + ": not a regular file";
        ::close(fd);
        return false;
    }
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
    dev_ = static_cast<std::uint64_t>(st.st_dev);
    ino_ = static_cast<std::uint64_t>(st.st_ino);
    return true;
}

void AccessLog::append(const LogRecord& r) {
    if (format_ == LogFormat::Json) {
        appendJson(buf_, r);
    } else {
        appendCombined(buf_, r);
    }
    if (buf_.size() >= kFlushAt) writeOut();
}

void AccessLog::flush(std::int64_t now_ms) {
    now_ms_ = now_ms;
    if (now_ms - checked_ms_ >= 1000) {
        checked_ms_ = now_ms;
        reopenIfRotated();
    }
    writeOut();
}

void AccessLog::reopenIfRotated() {
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0 && static_cast<std::uint64_t>(st.st_dev) == dev_ &&
        static_cast<std::uint64_t>(st.st_ino) == ino_) {
        return;
    }
    // Renamed away (and maybe recreated): write what is buffered to the new file.
    std::string error;
    if (!openFile(error) && now_ms_ - error_logged_ms_ >= 60'000) {
        error_logged_ms_ = now_ms_;
        host_.error(error + "; still writing to the old file");
    }
}

void AccessLog::writeOut() {
    std::size_t done = 0;
    while (done < buf_.size() && fd_ >= 0) {
        ssize_t n = ::write(fd_, buf_.data() + done, buf_.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            // A full disk must not stop the server: drop the lines, say so once a minute.
            if (now_ms_ - error_logged_ms_ >= 60'000) {
                error_logged_ms_ = now_ms_;
                host_.error("access log " + path_ + ": " +
                            (n < 0 ? std::strerror(errno) : "short write") + "; lines dropped");
            }
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    buf_.clear();
}

}  // namespace gorgon::http
