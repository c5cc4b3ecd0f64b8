#include "monitor_secret.hpp"

#include <gorgon/fd.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gorgon::monitor {

namespace {

std::string octalMode(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

}  // namespace

bool loadSecret(const std::string& path, std::uint32_t owner_uid, std::string& secret,
                std::string& error) {
    const std::string what = "secret_file " + path + ": ";
    // O_NOFOLLOW: a symbolic link could point anywhere, and its own mode says nothing.
    // O_NONBLOCK: opening a FIFO must not hang the server; it is refused below.
    const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    if (fd.get() < 0) {
        const int e = errno;
        error = what + (e == ELOOP ? std::string("is a symbolic link; name the file itself")
                                   : std::string(std::strerror(e)));
        return false;
    }
    // Every check is on the descriptor read from, so the file cannot change in between.
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        error = what + std::strerror(errno);
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        error = what + "is not a regular file";
        return false;
    }
    if (st.st_uid != owner_uid) {
        error = what + "is owned by uid " + std::to_string(st.st_uid) +
                "; it must be owned by the user gorgon runs as (uid " + std::to_string(owner_uid) +
                ")";
        return false;
    }
    if ((st.st_mode & 077) != 0) {
        error = what + "has mode " + octalMode(st.st_mode) +
                ", which lets others read it; it must be mode 0600 (chmod 600 " + path + ")";
        return false;
    }
    if (st.st_size <= 0 || static_cast<std::uint64_t>(st.st_size) > kMaxSecretLength + 2) {
        error = what + "must hold " + std::to_string(kMinSecretLength) + " to " +
                std::to_string(kMaxSecretLength) + " bytes (it holds " +
                std::to_string(st.st_size) + ")";
        return false;
    }
    std::string data(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t got = 0;
    while (got < data.size()) {
        const ssize_t n = ::read(fd.get(), data.data() + got, data.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            wipeSecret(data);
            error = what + std::strerror(errno);
            return false;
        }
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    data.resize(got);
    while (!data.empty() && (data.back() == '\n' || data.back() == '\r')) data.pop_back();
    if (data.size() < kMinSecretLength || data.size() > kMaxSecretLength) {
        error = what + "the secret must be " + std::to_string(kMinSecretLength) + " to " +
                std::to_string(kMaxSecretLength) + " bytes (it is " + std::to_string(data.size()) +
                "); make one with: head -c 32 /dev/urandom | base64 > " + path;
        wipeSecret(data);
        return false;
    }
    wipeSecret(secret);
    secret = std::move(data);
    return true;
}

void wipeSecret(std::string& secret) noexcept {
    // explicit_bzero is not optimised away, unlike a memset before free.
    if (!secret.empty()) explicit_bzero(secret.data(), secret.size());
    secret.clear();
}

}  // namespace gorgon::monitor
