// The operations of the "filesystem:union" provider, one per member of gorgon_fs_provider
// (gorgon/fs.h); README.md says what each does across the layers. None throws.
#pragma once

#include <gorgon/fs.h>

#include <cstddef>
#include <cstdint>

namespace gorgon::fsunion {

// union_open.cpp: `ctx` is the UnionPlugin.
gorgon_status openRoot(void* ctx, const char* root, std::uint32_t flags, gorgon_fs** out, char* err,
                       std::size_t err_cap) noexcept;
void closeRoot(gorgon_fs* fs) noexcept;

// union_read.cpp
gorgon_status statPath(gorgon_fs* fs, const char* path, std::size_t len, std::uint32_t flags,
                       gorgon_fs_stat* out) noexcept;
gorgon_status openFile(gorgon_fs* fs, const char* path, std::size_t len, std::uint32_t flags,
                       std::uint32_t mode, int* fd) noexcept;
gorgon_status listDir(gorgon_fs* fs, const char* path, std::size_t len, std::size_t max_entries,
                      gorgon_fs_list_fn fn, void* user) noexcept;

// union_write.cpp
gorgon_status makeDir(gorgon_fs* fs, const char* path, std::size_t len,
                      std::uint32_t mode) noexcept;
gorgon_status renamePath(gorgon_fs* fs, const char* from, std::size_t from_len, const char* to,
                         std::size_t to_len) noexcept;
gorgon_status removeFile(gorgon_fs* fs, const char* path, std::size_t len) noexcept;
gorgon_status removeDir(gorgon_fs* fs, const char* path, std::size_t len) noexcept;

}  // namespace gorgon::fsunion
