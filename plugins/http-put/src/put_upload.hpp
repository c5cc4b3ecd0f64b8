// One upload's temporary file: created beside the target, written as the body arrives, and
// either renamed over the target once complete or removed. Whatever ends the upload (the
// client leaving, a size or write error, a timeout, the route closing), the destructor removes
// a temporary file that was not renamed: nothing is ever left behind.
#pragma once

#include <gorgon/fd.hpp>
#include <gorgon/filesystem.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace gorgon::httpput {

class Upload {
  public:
    Upload(std::shared_ptr<const FsRoot> fs, std::string target, std::string temp, UniqueFd fd)
        : fs_(std::move(fs)),
          target_(std::move(target)),
          temp_(std::move(temp)),
          fd_(std::move(fd)) {}
    Upload(const Upload&) = delete;
    Upload& operator=(const Upload&) = delete;
    ~Upload() { discard(); }

    // Writes all of `data` (a local disk takes microseconds: this runs on the loop). False on
    // a write error, with errno set.
    [[nodiscard]] bool write(std::span<const char> data) noexcept;
    // fsync(2) if asked, then close(2), whose error (a full disk, NFS) counts too. False with
    // errno set.
    [[nodiscard]] bool close(bool sync) noexcept;
    // Renames the closed temporary file over the target; after GORGON_OK nothing is removed.
    [[nodiscard]] gorgon_status commit() noexcept;
    // Closes and removes the temporary file unless it was committed (idempotent).
    void discard() noexcept;

    [[nodiscard]] std::uint64_t written() const noexcept { return written_; }
    [[nodiscard]] const std::string& target() const noexcept { return target_; }

  private:
    std::shared_ptr<const FsRoot> fs_;  // shared: an upload may outlive its route by a moment
    std::string target_;
    std::string temp_;
    UniqueFd fd_;
    std::uint64_t written_ = 0;
    bool done_ = false;  // renamed or removed
};

}  // namespace gorgon::httpput
