// Confined path resolution: every lookup below a root goes through openat2(2) with
// RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, so neither "..", an absolute path, nor a symbolic
// link (absolute or relative) can reach outside the root, and /proc magic links are refused.
#pragma once

#include <gorgon/fd.hpp>

#include <cstdint>

namespace gorgon::fsos {

// openat2(root, path, flags | O_CLOEXEC, mode) confined beneath `root`. Returns the descriptor,
// or -1 with errno set. `path` must be relative and NUL-terminated (see preparePath). Retries
// the EAGAIN the kernel returns when a rename raced with the lookup, a bounded number of times.
[[nodiscard]] int openBeneath(int root, const char* path, std::uint64_t flags,
                              std::uint64_t mode = 0) noexcept;

}  // namespace gorgon::fsos
