// Confined path resolution: every lookup below a root goes through openat2(2) with
// RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, so neither "..", an absolute path, nor a symbolic
// link (absolute or relative) can reach outside the root, and /proc magic links are refused.
#pragma once

#include <cstdint>
#include <utility>

#include <unistd.h>

namespace gorgon::fsos {

// A file descriptor that closes itself.
class UniqueFd {
  public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) noexcept : fd_(fd) {}
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& o) noexcept {
        if (this != &o) reset(std::exchange(o.fd_, -1));
        return *this;
    }
    ~UniqueFd() { reset(); }

    [[nodiscard]] int get() const noexcept { return fd_; }
    [[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
    int release() noexcept { return std::exchange(fd_, -1); }
    void reset(int fd = -1) noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

  private:
    int fd_ = -1;
};

// openat2(root, path, flags | O_CLOEXEC, mode) confined beneath `root`. Returns the descriptor,
// or -1 with errno set. `path` must be relative and NUL-terminated (see preparePath). Retries
// the EAGAIN the kernel returns when a rename raced with the lookup, a bounded number of times.
[[nodiscard]] int openBeneath(int root, const char* path, std::uint64_t flags,
                              std::uint64_t mode = 0) noexcept;

}  // namespace gorgon::fsos
