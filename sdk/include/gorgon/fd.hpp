// gorgon/fd.hpp — a file descriptor that closes itself (header-only, part of the C++ layer).
//
// Compiled into each plugin: nothing here crosses the ABI, so it may change between SDK versions.
// Descriptors never travel through it to the host; a plugin that hands one over calls release().
//
//   gorgon::UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
//   if (!fd) return error(errno);          // closed on every path out from here on
#ifndef GORGON_FD_HPP
#define GORGON_FD_HPP

#include <utility>

#include <unistd.h>

namespace gorgon {

// Owns one descriptor (or none: -1). Move-only; the destructor and reset() close it. close(2)
// errors are ignored, as they must be: the descriptor is gone either way (Linux close(2) NOTES).
class UniqueFd {
  public:
    UniqueFd() noexcept = default;
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
    explicit operator bool() const noexcept { return valid(); }
    // Gives the descriptor up without closing it; this object is then empty.
    int release() noexcept { return std::exchange(fd_, -1); }
    // Closes the current descriptor (if any) and takes `fd`. reset(get()) would close what it
    // is about to keep, so taking the same descriptor again is a no-op.
    void reset(int fd = -1) noexcept {
        if (fd == fd_) return;
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

  private:
    int fd_ = -1;
};

}  // namespace gorgon

#endif  // GORGON_FD_HPP
