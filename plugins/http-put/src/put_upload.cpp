#include "put_upload.hpp"

#include <cerrno>

#include <unistd.h>

namespace gorgon::httpput {

bool Upload::write(std::span<const char> data) noexcept {
    while (!data.empty()) {
        const ssize_t n = ::write(fd_.get(), data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        if (n == 0) {
            errno = EIO;
            return false;
        }
        data = data.subspan(static_cast<std::size_t>(n));
        written_ += static_cast<std::uint64_t>(n);
    }
    return true;
}

bool Upload::close(bool sync) noexcept {
    if (!fd_) return true;
    // Without fsync, a crash soon after the rename can leave the new name on an empty or
    // partial file (the rename's metadata may reach the disk before the data): the one thing
    // an atomic replace promises not to do.
    if (sync && ::fsync(fd_.get()) != 0) return false;
    return ::close(fd_.release()) == 0;
}

gorgon_status Upload::commit() noexcept {
    const gorgon_status s = fs_->rename(temp_, target_);
    if (s == GORGON_OK) done_ = true;
    return s;
}

void Upload::discard() noexcept {
    fd_.reset();
    if (done_) return;
    done_ = true;
    (void)fs_->remove(temp_);
}

}  // namespace gorgon::httpput
