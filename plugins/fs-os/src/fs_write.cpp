#include "fs_errno.hpp"
#include "fs_ops.hpp"
#include "fs_path.hpp"
#include "fs_resolve.hpp"

#include <cerrno>
#include <cstdio>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gorgon::fsos {

namespace {

// The directory that holds `path`'s last component, opened (confined) as a base for the *at
// call that acts on that component. The component itself is never resolved, so a symbolic link
// there is acted on as a link (removed, renamed, or in the way of mkdir), never followed.
struct Parent {
    UniqueFd dir;
    PathBuf name;
};

gorgon_status openParent(gorgon_fs* fs, const char* path, std::size_t len, Parent& out) noexcept {
    PathBuf parent;
    if (gorgon_status s = splitPath(path, len, parent, out.name); s != GORGON_OK) return s;
    out.dir.reset(openBeneath(fs->root, parent.c_str(), O_PATH | O_DIRECTORY));
    if (!out.dir.valid()) return statusFromErrno(errno);
    return GORGON_OK;
}

gorgon_status checkWritable(const gorgon_fs* fs) noexcept {
    if (fs == nullptr) return GORGON_E_INVAL;
    return (fs->flags & GORGON_FS_READ_ONLY) != 0 ? GORGON_E_PERM : GORGON_OK;
}

}  // namespace

gorgon_status makeDir(gorgon_fs* fs, const char* path, std::size_t len,
                      std::uint32_t mode) noexcept {
    if (gorgon_status s = checkWritable(fs); s != GORGON_OK) return s;
    Parent p;
    if (gorgon_status s = openParent(fs, path, len, p); s != GORGON_OK) return s;
    if (::mkdirat(p.dir.get(), p.name.c_str(), mode & 07777U) != 0) return statusFromErrno(errno);
    return GORGON_OK;
}

gorgon_status renamePath(gorgon_fs* fs, const char* from, std::size_t from_len, const char* to,
                         std::size_t to_len) noexcept {
    if (gorgon_status s = checkWritable(fs); s != GORGON_OK) return s;
    Parent src;
    if (gorgon_status s = openParent(fs, from, from_len, src); s != GORGON_OK) return s;
    Parent dst;
    if (gorgon_status s = openParent(fs, to, to_len, dst); s != GORGON_OK) return s;
    if (::renameat(src.dir.get(), src.name.c_str(), dst.dir.get(), dst.name.c_str()) != 0) {
        // Here EXDEV means two mounts inside the tree, where rename cannot be atomic: an I/O
        // error (errno kept), not a path outside the root.
        if (errno == EXDEV) return GORGON_E_IO;
        return statusFromErrno(errno);
    }
    return GORGON_OK;
}

gorgon_status removeFile(gorgon_fs* fs, const char* path, std::size_t len) noexcept {
    if (gorgon_status s = checkWritable(fs); s != GORGON_OK) return s;
    Parent p;
    if (gorgon_status s = openParent(fs, path, len, p); s != GORGON_OK) return s;
    // A directory gives EISDIR: GORGON_E_INVAL.
    if (::unlinkat(p.dir.get(), p.name.c_str(), 0) != 0) return statusFromErrno(errno);
    return GORGON_OK;
}

gorgon_status removeDir(gorgon_fs* fs, const char* path, std::size_t len) noexcept {
    if (gorgon_status s = checkWritable(fs); s != GORGON_OK) return s;
    Parent p;
    if (gorgon_status s = openParent(fs, path, len, p); s != GORGON_OK) return s;
    if (::unlinkat(p.dir.get(), p.name.c_str(), AT_REMOVEDIR) != 0) {
        // The parent is already resolved, so ENOTDIR is about the last component: a file.
        if (errno == ENOTDIR) return GORGON_E_INVAL;
        // rmdir(2) may say EEXIST for a directory that is not empty.
        if (errno == EEXIST) return GORGON_E_BUSY;
        return statusFromErrno(errno);
    }
    return GORGON_OK;
}

}  // namespace gorgon::fsos
