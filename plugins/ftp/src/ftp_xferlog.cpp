#include "ftp_xferlog.hpp"

#include <cstdio>
#include <ctime>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gorgon::ftp {

namespace {

void appendField(std::string& out, std::string_view s) {
    if (s.empty()) {
        out += '-';
        return;
    }
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        out += (u <= 0x20 || u == 0x7F) ? '_' : c;
    }
}

}  // namespace

std::string formatXferlog(const XferRecord& r) {
    std::tm tm{};
    auto t = static_cast<std::time_t>(r.end_sec);
    if (gmtime_r(&t, &tm) == nullptr) tm = std::tm{};
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    // Whole seconds, at least 1, as wu-ftpd and vsftpd write them.
    std::uint64_t seconds = (r.duration_ms + 500) / 1000;
    if (seconds == 0) seconds = 1;
    char head[96];
    int n = std::snprintf(head, sizeof head, "%s %s %2d %02d:%02d:%02d %d %llu ",
                          kDays[tm.tm_wday >= 0 && tm.tm_wday < 7 ? tm.tm_wday : 0],
                          kMonths[tm.tm_mon >= 0 && tm.tm_mon < 12 ? tm.tm_mon : 0], tm.tm_mday,
                          tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900,
                          static_cast<unsigned long long>(seconds));
    std::string out;
    out.reserve(128 + r.path.size());
    if (n > 0) out.append(head, static_cast<std::size_t>(n));
    appendField(out, r.remote);
    out += ' ';
    out += std::to_string(r.bytes);
    out += ' ';
    appendField(out, r.path);
    out += r.ascii ? " a _ " : " b _ ";
    out += r.direction;
    out += ' ';
    out += r.access;
    out += ' ';
    appendField(out, r.user);
    out += " ftp 0 * ";
    out += r.complete ? 'c' : 'i';
    out += '\n';
    return out;
}

bool XferLog::open() {
    if (path_.empty()) return true;
    UniqueFd fd(::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640));
    if (!fd) return false;
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
    fd_ = std::move(fd);
    dev_ = st.st_dev;
    ino_ = st.st_ino;
    return true;
}

bool XferLog::write(std::string_view line) {
    if (path_.empty()) return true;
    // A rotated log (renamed or removed) is reopened under its name: one stat per transfer.
    struct stat st {};
    if (!fd_ || ::stat(path_.c_str(), &st) != 0 || st.st_dev != dev_ || st.st_ino != ino_) {
        if (!open()) return false;
    }
    ssize_t w = ::write(fd_.get(), line.data(), line.size());
    return w == static_cast<ssize_t>(line.size());
}

}  // namespace gorgon::ftp
