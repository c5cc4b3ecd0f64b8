// The operations of the "filesystem:os" provider, one function per member of
// gorgon_fs_provider (gorgon/fs.h). They never throw and never allocate on the heap except
// open_root (the gorgon_fs object) and list (the kernel's directory stream).
#pragma once

#include <gorgon/fs.h>

#include <cstddef>
#include <cstdint>

// An open root: a directory opened with O_PATH, below which every path is resolved.
struct gorgon_fs {
    int root = -1;
    std::uint32_t flags = 0;  // GORGON_FS_READ_ONLY
};

namespace gorgon::fsos {

// fs_root.cpp
gorgon_status openRoot(void* ctx, const char* root, std::uint32_t flags, gorgon_fs** out, char* err,
                       std::size_t err_cap) noexcept;
void closeRoot(gorgon_fs* fs) noexcept;

// fs_read.cpp
gorgon_status statPath(gorgon_fs* fs, const char* path, std::size_t len, std::uint32_t flags,
                       gorgon_fs_stat* out) noexcept;
gorgon_status openFile(gorgon_fs* fs, const char* path, std::size_t len, std::uint32_t flags,
                       std::uint32_t mode, int* fd) noexcept;
gorgon_status listDir(gorgon_fs* fs, const char* path, std::size_t len, std::size_t max_entries,
                      gorgon_fs_list_fn fn, void* user) noexcept;

// fs_write.cpp
gorgon_status makeDir(gorgon_fs* fs, const char* path, std::size_t len,
                      std::uint32_t mode) noexcept;
gorgon_status renamePath(gorgon_fs* fs, const char* from, std::size_t from_len, const char* to,
                         std::size_t to_len) noexcept;
gorgon_status removeFile(gorgon_fs* fs, const char* path, std::size_t len) noexcept;
gorgon_status removeDir(gorgon_fs* fs, const char* path, std::size_t len) noexcept;

}  // namespace gorgon::fsos
