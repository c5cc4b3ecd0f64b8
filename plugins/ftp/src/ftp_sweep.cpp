#include "ftp_sweep.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <ftw.h>
#include <sys/file.h>
#include <unistd.h>

namespace gorgon::ftp {

namespace {

// Descriptors nftw may hold open at once (one per directory level).
constexpr int kWalkFds = 32;

// nftw passes no user pointer; sweeps run on the loop thread, one at a time.
std::size_t* g_removed = nullptr;

// Removes `path` if nobody holds it: a lock that is free now belongs to no live upload.
bool removeIfAbandoned(const char* path) noexcept {
    const int fd = ::open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return false;
    bool removed = false;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) removed = ::unlink(path) == 0;
    ::close(fd);  // drops the lock
    return removed;
}

int visit(const char* path, const struct stat* st, int type, struct FTW* ftw) noexcept {
    if (type != FTW_F || !S_ISREG(st->st_mode)) return FTW_CONTINUE;
    if (!isUploadTempName(path + ftw->base)) return FTW_CONTINUE;
    if (removeIfAbandoned(path) && g_removed != nullptr) ++*g_removed;
    return FTW_CONTINUE;
}

}  // namespace

bool isUploadTempName(std::string_view name) noexcept {
    return name.size() > kUploadPrefix.size() + kUploadSuffix.size() &&
           name.starts_with(kUploadPrefix) && name.ends_with(kUploadSuffix);
}

void claimUploadFile(int fd) noexcept {
    // Best effort: a file system without flock(2) support only loses the guard against a
    // sweep of another worker starting at that moment.
    (void)::flock(fd, LOCK_EX | LOCK_NB);
}

std::size_t sweepStaleUploads(const std::string& root, std::string& error) {
    std::size_t removed = 0;
    g_removed = &removed;
    const int r = ::nftw(root.c_str(), &visit, kWalkFds, FTW_PHYS | FTW_MOUNT | FTW_ACTIONRETVAL);
    g_removed = nullptr;
    if (r != 0) error = "cannot walk " + root + ": " + std::strerror(errno);
    return removed;
}

}  // namespace gorgon::ftp
