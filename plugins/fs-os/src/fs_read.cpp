#include "fs_errno.hpp"
#include "fs_ops.hpp"
#include "fs_path.hpp"
#include "fs_resolve.hpp"

#include <cerrno>
#include <cstring>
#include <memory>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

namespace gorgon::fsos {

namespace {

gorgon_fs_stat toFsStat(const struct stat& st) noexcept {
    gorgon_fs_stat out{};
    out.struct_size = sizeof out;
    if (S_ISREG(st.st_mode)) {
        out.type = GORGON_FS_FILE;
    } else if (S_ISDIR(st.st_mode)) {
        out.type = GORGON_FS_DIRECTORY;
    } else if (S_ISLNK(st.st_mode)) {
        out.type = GORGON_FS_SYMLINK;
    } else {
        out.type = GORGON_FS_OTHER;
    }
    out.size = static_cast<std::uint64_t>(st.st_size);
    out.mtime_sec = st.st_mtim.tv_sec;
    out.mtime_nsec = st.st_mtim.tv_nsec;
    out.mode = st.st_mode & 07777U;
    out.nlink = static_cast<std::uint32_t>(st.st_nlink);
    out.uid = st.st_uid;
    out.gid = st.st_gid;
    out.inode = st.st_ino;
    out.device = st.st_dev;
    return out;
}

// Fills the caller's struct up to the smaller of the two sizes, keeping its struct_size, so a
// consumer built against an older, shorter gorgon_fs_stat is never overrun.
void copyOut(const gorgon_fs_stat& from, gorgon_fs_stat* to) noexcept {
    std::uint32_t size = to->struct_size;
    std::size_t n = size < sizeof from ? size : sizeof from;
    if (n > sizeof(std::uint32_t)) {
        std::memcpy(reinterpret_cast<char*>(to) + sizeof(std::uint32_t),
                    reinterpret_cast<const char*>(&from) + sizeof(std::uint32_t),
                    n - sizeof(std::uint32_t));
    }
}

struct DirCloser {
    void operator()(DIR* d) const noexcept { ::closedir(d); }
};

}  // namespace

gorgon_status statPath(gorgon_fs* fs, const char* path, std::size_t len, std::uint32_t flags,
                       gorgon_fs_stat* out) noexcept {
    if (fs == nullptr || out == nullptr) return GORGON_E_INVAL;
    PathBuf rel;
    if (gorgon_status s = preparePath(path, len, rel); s != GORGON_OK) return s;
    // O_PATH opens anything (no read permission needed, no side effects on devices or FIFOs);
    // with O_NOFOLLOW a final symbolic link is opened itself instead of its target.
    std::uint64_t oflags = O_PATH | ((flags & GORGON_FS_NOFOLLOW) != 0 ? O_NOFOLLOW : 0);
    UniqueFd fd(openBeneath(fs->root, rel.c_str(), oflags));
    if (!fd.valid()) return statusFromErrno(errno);
    struct stat st {};
    if (::fstatat(fd.get(), "", &st, AT_EMPTY_PATH) != 0) return statusFromErrno(errno);
    copyOut(toFsStat(st), out);
    return GORGON_OK;
}

gorgon_status openFile(gorgon_fs* fs, const char* path, std::size_t len, std::uint32_t flags,
                       std::uint32_t mode, int* fd_out) noexcept {
    constexpr std::uint32_t kKnown = GORGON_FS_WRITE | GORGON_FS_CREATE | GORGON_FS_EXCLUSIVE |
                                     GORGON_FS_TRUNCATE | GORGON_FS_APPEND;
    constexpr std::uint32_t kChanges =
        GORGON_FS_WRITE | GORGON_FS_CREATE | GORGON_FS_TRUNCATE | GORGON_FS_APPEND;
    if (fs == nullptr || fd_out == nullptr) return GORGON_E_INVAL;
    *fd_out = -1;
    if ((flags & ~kKnown) != 0) return GORGON_E_INVAL;
    if ((flags & kChanges) != 0 && (fs->flags & GORGON_FS_READ_ONLY) != 0) return GORGON_E_PERM;
    const bool write = (flags & GORGON_FS_WRITE) != 0;
    if ((flags & (GORGON_FS_TRUNCATE | GORGON_FS_APPEND)) != 0 && !write) return GORGON_E_INVAL;
    if ((flags & GORGON_FS_EXCLUSIVE) != 0 && (flags & GORGON_FS_CREATE) == 0) {
        return GORGON_E_INVAL;
    }
    PathBuf rel;
    if (gorgon_status s = preparePath(path, len, rel); s != GORGON_OK) return s;

    // O_NONBLOCK: opening a FIFO for reading would otherwise block the event loop until a
    // writer appears. It changes nothing for the regular files that are all we hand out.
    std::uint64_t oflags = (write ? O_WRONLY : O_RDONLY) | O_NOCTTY | O_NONBLOCK;
    std::uint64_t omode = 0;
    if ((flags & GORGON_FS_CREATE) != 0) {
        oflags |= O_CREAT;
        omode = mode & 07777U;
    }
    if ((flags & GORGON_FS_EXCLUSIVE) != 0) oflags |= O_EXCL;
    if ((flags & GORGON_FS_TRUNCATE) != 0) oflags |= O_TRUNC;
    if ((flags & GORGON_FS_APPEND) != 0) oflags |= O_APPEND;

    UniqueFd fd(openBeneath(fs->root, rel.c_str(), oflags, omode));
    if (!fd.valid()) return statusFromErrno(errno);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return statusFromErrno(errno);
    // Directories, FIFOs, sockets and devices are not files to serve or overwrite.
    if (!S_ISREG(st.st_mode)) return GORGON_E_INVAL;
    *fd_out = fd.release();  // the caller's from here on
    return GORGON_OK;
}

gorgon_status listDir(gorgon_fs* fs, const char* path, std::size_t len, std::size_t max_entries,
                      gorgon_fs_list_fn fn, void* user) noexcept {
    if (fs == nullptr || fn == nullptr) return GORGON_E_INVAL;
    PathBuf rel;
    if (gorgon_status s = preparePath(path, len, rel); s != GORGON_OK) return s;
    UniqueFd fd(openBeneath(fs->root, rel.c_str(), O_RDONLY | O_DIRECTORY));
    if (!fd.valid()) return statusFromErrno(errno);
    std::unique_ptr<DIR, DirCloser> dir(::fdopendir(fd.get()));
    if (!dir) return statusFromErrno(errno);
    fd.release();  // the directory stream owns it now

    std::size_t count = 0;
    for (;;) {
        errno = 0;
        const dirent* e = ::readdir(dir.get());
        if (e == nullptr) break;
        const char* name = e->d_name;
        if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
        // Never follow: an entry that is a symbolic link is reported as one, whatever it points
        // at, so listing a directory cannot reveal anything outside the root.
        struct stat st {};
        if (::fstatat(::dirfd(dir.get()), name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            continue;  // removed since readdir saw it, or unreadable: not worth failing the list
        }
        if (count == max_entries) return GORGON_E_TOOBIG;
        ++count;
        gorgon_fs_stat info = toFsStat(st);
        if (fn(user, name, std::strlen(name), &info) != 0) return GORGON_OK;
    }
    if (errno != 0) return statusFromErrno(errno);
    return GORGON_OK;
}

}  // namespace gorgon::fsos
