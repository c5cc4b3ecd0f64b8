#include "fs_resolve.hpp"

#include <cerrno>

#include <fcntl.h>
#include <linux/openat2.h>  // struct open_how, RESOLVE_*: glibc 2.36 has no wrapper
#include <sys/syscall.h>

namespace gorgon::fsos {

namespace {

// A concurrent rename anywhere in the tree makes a RESOLVE_BENEATH lookup fail with EAGAIN
// (the kernel cannot prove the walk stayed beneath). A few retries absorb that; an endless
// stream of renames then surfaces as an I/O error rather than a spinning loop.
constexpr int kAgainRetries = 8;

}  // namespace

int openBeneath(int root, const char* path, std::uint64_t flags, std::uint64_t mode) noexcept {
    open_how how{};
    how.flags = flags | O_CLOEXEC;
    how.mode = mode;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    for (int attempt = 0;; ++attempt) {
        long fd = ::syscall(SYS_openat2, root, path, &how, sizeof how);
        if (fd >= 0) return static_cast<int>(fd);
        if (errno == EINTR) continue;
        if (errno == EAGAIN && attempt < kAgainRetries) continue;
        return -1;
    }
}

}  // namespace gorgon::fsos
