#include "ftp_listing.hpp"

#include <gorgon/text.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace gorgon::ftp {

namespace {

struct FactName {
    std::string_view name;
    std::uint32_t bit;
};
constexpr FactName kFacts[] = {
    {"type", kFactType},        {"size", kFactSize},        {"modify", kFactModify},
    {"perm", kFactPerm},        {"unique", kFactUnique},    {"UNIX.mode", kFactUnixMode},
    {"UNIX.uid", kFactUnixUid}, {"UNIX.gid", kFactUnixGid},
};

constexpr std::int64_t kSixMonths = 182LL * 24 * 3600;
constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";

std::tm utc(std::int64_t seconds) noexcept {
    std::tm tm{};
    auto t = static_cast<std::time_t>(seconds);
    if (gmtime_r(&t, &tm) == nullptr) tm = std::tm{};
    return tm;
}

void appendPerms(std::string& out, const gorgon_fs_stat& st) {
    char p[11];
    p[0] = st.type == GORGON_FS_DIRECTORY ? 'd' : st.type == GORGON_FS_SYMLINK ? 'l' : '-';
    const std::uint32_t m = st.mode;
    const char* rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; ++i) p[1 + i] = (m & (0400U >> i)) != 0 ? rwx[i] : '-';
    if ((m & 04000U) != 0) p[3] = (m & 0100U) != 0 ? 's' : 'S';
    if ((m & 02000U) != 0) p[6] = (m & 0010U) != 0 ? 's' : 'S';
    if ((m & 01000U) != 0) p[9] = (m & 0001U) != 0 ? 't' : 'T';
    p[10] = '\0';
    out.append(p, 10);
}

}  // namespace

std::string factList(std::uint32_t enabled) {
    std::string out;
    for (const FactName& f : kFacts) {
        out += f.name;
        if ((enabled & f.bit) != 0) out += '*';
        out += ';';
    }
    return out;
}

std::uint32_t parseFactOpts(std::string_view arg, std::string& echo) {
    std::uint32_t set = 0;
    echo.clear();
    while (!arg.empty()) {
        std::size_t semi = arg.find(';');
        std::string_view name = arg.substr(0, semi);
        arg.remove_prefix(semi == std::string_view::npos ? arg.size() : semi + 1);
        for (const FactName& f : kFacts) {
            if (text::equalsIgnoreCase(name, f.name) && (set & f.bit) == 0) {
                set |= f.bit;
                echo += f.name;
                echo += ';';
            }
        }
    }
    return set;
}

void sortEntries(std::vector<ListEntry>& entries) {
    std::sort(entries.begin(), entries.end(),
              [](const ListEntry& a, const ListEntry& b) { return a.name < b.name; });
}

void appendLongLine(std::string& out, const ListEntry& e, std::int64_t now) {
    appendPerms(out, e.st);
    const std::tm tm = utc(e.st.mtime_sec);
    const bool recent = e.st.mtime_sec > now - kSixMonths && e.st.mtime_sec < now + 3600;
    char buf[128];
    int n = std::snprintf(
        buf, sizeof buf, " %4u %-8llu %-8llu %12llu %.3s %2d ", e.st.nlink,
        static_cast<unsigned long long>(e.st.uid), static_cast<unsigned long long>(e.st.gid),
        static_cast<unsigned long long>(e.st.size),
        kMonths.data() + 3 * (tm.tm_mon >= 0 && tm.tm_mon < 12 ? tm.tm_mon : 0), tm.tm_mday);
    if (n > 0) out.append(buf, static_cast<std::size_t>(n));
    n = recent ? std::snprintf(buf, sizeof buf, "%02d:%02d ", tm.tm_hour, tm.tm_min)
               : std::snprintf(buf, sizeof buf, " %4d ", tm.tm_year + 1900);
    if (n > 0) out.append(buf, static_cast<std::size_t>(n));
    out += e.name;
    out += "\r\n";
}

void appendNameLine(std::string& out, const ListEntry& e) {
    out += e.name;
    out += "\r\n";
}

void appendFacts(std::string& out, const gorgon_fs_stat& st, std::string_view name,
                 std::uint32_t facts, bool writable) {
    const bool dir = st.type == GORGON_FS_DIRECTORY;
    char buf[64];
    if ((facts & kFactType) != 0) out += dir ? "type=dir;" : "type=file;";
    if ((facts & kFactSize) != 0) {
        int n =
            std::snprintf(buf, sizeof buf, "size=%llu;", static_cast<unsigned long long>(st.size));
        if (n > 0) out.append(buf, static_cast<std::size_t>(n));
    }
    if ((facts & kFactModify) != 0) {
        out += "modify=";
        out += formatTimeVal(st.mtime_sec);
        out += ';';
    }
    if ((facts & kFactPerm) != 0) {
        // RFC 3659 7.5.5: what this user may do. Directories: enter, list, and when writable
        // create files, make directories, delete, rename, purge. Files: read, and when
        // writable append, delete, rename, write.
        out += "perm=";
        if (dir) {
            out += writable ? "elcmdfp" : "el";
        } else {
            out += writable ? "radfw" : "r";
        }
        out += ';';
    }
    if ((facts & kFactUnique) != 0) {
        int n = std::snprintf(buf, sizeof buf, "unique=%llxg%llx;",
                              static_cast<unsigned long long>(st.device),
                              static_cast<unsigned long long>(st.inode));
        if (n > 0) out.append(buf, static_cast<std::size_t>(n));
    }
    if ((facts & kFactUnixMode) != 0) {
        int n = std::snprintf(buf, sizeof buf, "UNIX.mode=0%o;", st.mode & 07777U);
        if (n > 0) out.append(buf, static_cast<std::size_t>(n));
    }
    if ((facts & kFactUnixUid) != 0) {
        int n = std::snprintf(buf, sizeof buf, "UNIX.uid=%llu;",
                              static_cast<unsigned long long>(st.uid));
        if (n > 0) out.append(buf, static_cast<std::size_t>(n));
    }
    if ((facts & kFactUnixGid) != 0) {
        int n = std::snprintf(buf, sizeof buf, "UNIX.gid=%llu;",
                              static_cast<unsigned long long>(st.gid));
        if (n > 0) out.append(buf, static_cast<std::size_t>(n));
    }
    out += ' ';
    out += name;
}

void appendEntry(std::string& out, ListFormat format, const ListEntry& e, std::int64_t now,
                 std::uint32_t facts, bool writable) {
    switch (format) {
        case ListFormat::Long:
            appendLongLine(out, e, now);
            break;
        case ListFormat::Names:
            appendNameLine(out, e);
            break;
        case ListFormat::Facts:
            appendFacts(out, e.st, e.name, facts, writable);
            out += "\r\n";
            break;
    }
}

std::string formatTimeVal(std::int64_t seconds) {
    const std::tm tm = utc(seconds);
    char buf[32];
    int n = std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900,
                          tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

bool listableName(std::string_view name) noexcept {
    return !name.empty() &&
           name.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

}  // namespace gorgon::ftp
