// Turning a caller's (pointer, length) path into what openat2(2) takes: NUL-terminated,
// relative to the root, never containing a NUL byte. Pure logic, no system calls.
#pragma once

#include <gorgon/plugin.h>

#include <cstddef>
#include <string_view>

namespace gorgon::fsos {

// The kernel refuses longer paths (ENAMETOOLONG) anyway; a fixed buffer keeps every operation
// free of heap allocation.
inline constexpr std::size_t kMaxPath = 4096;

// A NUL-terminated relative path in a fixed buffer.
class PathBuf {
  public:
    [[nodiscard]] const char* c_str() const noexcept { return buf_; }
    [[nodiscard]] std::string_view view() const noexcept { return {buf_, len_}; }
    // Replaces the contents; false if `s` does not fit.
    bool assign(std::string_view s) noexcept;

  private:
    char buf_[kMaxPath] = {};
    std::size_t len_ = 0;
};

// Prepares `path` for resolution beneath a root: leading '/' are dropped (paths are relative to
// the root) and the empty path becomes ".". GORGON_E_INVAL if it holds a NUL byte or is too long.
[[nodiscard]] gorgon_status preparePath(const char* path, std::size_t len, PathBuf& out) noexcept;

// Splits `path` into the directory that holds its last component and that component, for
// operations that act on a name in a directory (mkdir, rename, unlink). Trailing '/' are
// ignored ("a/b/" names "b" in "a"). GORGON_E_INVAL for a NUL byte, an over-long path, or a last
// component that is empty (the root itself), "." or "..".
[[nodiscard]] gorgon_status splitPath(const char* path, std::size_t len, PathBuf& parent,
                                      PathBuf& name) noexcept;

}  // namespace gorgon::fsos
