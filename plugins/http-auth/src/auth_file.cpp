#include "auth_file.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gorgon::httpauth {

namespace {

constexpr std::int64_t kCheckEveryMs = 1000;
constexpr off_t kMaxFileBytes = 16 * 1024 * 1024;

std::int64_t nanoseconds(const timespec& t) noexcept {
    return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

}  // namespace

PasswordFile::PasswordFile(Host host, std::string path, std::size_t cache_entries,
                           std::int64_t cache_ttl_ms)
    : host_(host), path_(std::move(path)), cache_(cache_entries, cache_ttl_ms) {
    std::string why;
    if (!load(seen_, table_, why)) throw std::runtime_error(why);
    checked_ms_ = host_.api()->now_ms(host_.self());
}

bool PasswordFile::load(Signature& sig, std::shared_ptr<const PasswordTable>& out,
                        std::string& why) const {
    // A small local file, read at most once a second and only when it changed.
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        why = "cannot open the password file " + path_ + ": " + std::strerror(errno);
        return false;
    }
    struct stat st {};
    std::string text;
    bool ok = ::fstat(fd, &st) == 0;
    if (!ok) why = "cannot stat the password file " + path_ + ": " + std::strerror(errno);
    if (ok && !S_ISREG(st.st_mode)) {
        why = "the password file " + path_ + " is not a regular file";
        ok = false;
    }
    if (ok && st.st_size > kMaxFileBytes) {
        why = "the password file " + path_ + " is larger than 16 MiB";
        ok = false;
    }
    if (ok) {
        text.resize(static_cast<std::size_t>(st.st_size));
        std::size_t got = 0;
        while (got < text.size()) {
            const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            got += static_cast<std::size_t>(n);
        }
        text.resize(got);
    }
    ::close(fd);
    if (!ok) return false;
    sig = Signature{st.st_dev, st.st_ino, st.st_size, nanoseconds(st.st_mtim),
                    nanoseconds(st.st_ctim)};
    auto table = std::make_shared<PasswordTable>();
    std::string error;
    if (!parsePasswordFile(text, *table, error)) {
        why = path_ + ": " + error;
        return false;
    }
    if ((st.st_mode & S_IROTH) != 0) {
        host_.warn("the password file " + path_ +
                   " is world-readable: its hashes can be attacked offline (chmod o-r)");
    }
    out = std::move(table);
    return true;
}

std::shared_ptr<const PasswordTable> PasswordFile::table(std::int64_t now_ms) {
    if (now_ms - checked_ms_ < kCheckEveryMs) return table_;
    std::string why;
    if (!refresh(now_ms, why)) host_.warn(why + "; keeping the users read before");
    return table_;
}

void PasswordFile::recheck(std::int64_t now_ms) {
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) {
        throw std::runtime_error("cannot stat the password file " + path_ + ": " +
                                 std::strerror(errno));
    }
    seen_ = Signature{};  // read it whatever it looks like
    std::string why;
    if (!refresh(now_ms, why)) throw std::runtime_error(why);
}

bool PasswordFile::refresh(std::int64_t now_ms, std::string& why) {
    checked_ms_ = now_ms;
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) {
        // Gone (or being replaced): the users stay as they were until a readable file is back.
        const bool had_file = seen_.ino != 0;
        why = "cannot stat the password file " + path_ + ": " + std::strerror(errno);
        seen_ = Signature{};
        return !had_file;  // said once
    }
    const Signature now{st.st_dev, st.st_ino, st.st_size, nanoseconds(st.st_mtim),
                        nanoseconds(st.st_ctim)};
    if (now == seen_) return true;
    seen_ = now;  // a bad file is reported once; its next change is read again
    Signature sig;
    std::shared_ptr<const PasswordTable> fresh;
    if (!load(sig, fresh, why)) return false;
    seen_ = sig;
    table_ = std::move(fresh);
    ++version_;
    cache_.clear();
    host_.info("password file " + path_ + " read: " + std::to_string(table_->users.size()) +
               " users");
    return true;
}

}  // namespace gorgon::httpauth
