/*
 * gorgon/fs.h — filesystem objects (Medusa's filesys), ABI 1.1.
 *
 * A filesystem object is a rooted tree: every path is resolved inside its root and nothing,
 * neither "..", an encoded "..", nor a symbolic link, reaches outside it. HTTP serves files
 * through one and FTP will too. A provider plugin (fs-os: the operating system's files) publishes
 * a gorgon_fs_provider under a service name "filesystem:NAME"; a consumer acquires it with
 * service_acquire and opens roots with open_root.
 *
 * Paths are '/'-separated and relative to the root ("" and "/" are the root itself); a leading
 * '/' is ignored. They are (pointer, length) and must not contain NUL bytes: those are refused
 * with GORGON_E_INVAL, as is any path that would leave the root.
 *
 * File descriptors returned by open() are PLUGIN-OWNED by the caller: close them.
 * Operations block for as long as the underlying filesystem does (local disks: microseconds).
 */
#ifndef GORGON_FS_H
#define GORGON_FS_H

#include <gorgon/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An open root. PLUGIN-OWNED by the consumer that opened it, until close_root. */
typedef struct gorgon_fs gorgon_fs;

typedef enum gorgon_fs_type {
    GORGON_FS_OTHER = 0,
    GORGON_FS_FILE = 1,
    GORGON_FS_DIRECTORY = 2,
    GORGON_FS_SYMLINK = 3 /**< only from list() and stat() with GORGON_FS_NOFOLLOW */
} gorgon_fs_type;

/** What stat() and list() report. Filled up to the smaller of the two struct sizes. */
typedef struct gorgon_fs_stat {
    uint32_t struct_size;
    int32_t type; /**< gorgon_fs_type */
    uint64_t size;
    int64_t mtime_sec; /**< seconds since the epoch */
    int64_t mtime_nsec;
    uint32_t mode; /**< permission bits (07777) */
    uint32_t nlink;
    uint64_t uid;
    uint64_t gid;
    uint64_t inode;
    uint64_t device;
} gorgon_fs_stat;

/** Flags for open_root. */
#define GORGON_FS_READ_ONLY 1u /**< refuse every change (open for writing, mkdir, ...) */

/** Flags for open. */
#define GORGON_FS_READ 0u
#define GORGON_FS_WRITE 1u     /**< write only */
#define GORGON_FS_CREATE 2u    /**< create if missing (with `mode`) */
#define GORGON_FS_EXCLUSIVE 4u /**< with CREATE: fail with GORGON_E_EXISTS if it exists */
#define GORGON_FS_TRUNCATE 8u
#define GORGON_FS_APPEND 16u
/** Flag for stat: do not follow a final symbolic link. */
#define GORGON_FS_NOFOLLOW 32u

/** One directory entry for list(); strings BORROWED for the callback. Return nonzero to stop. */
typedef int (*gorgon_fs_list_fn)(void* user, const char* name, size_t name_len,
                                 const gorgon_fs_stat* st);

/**
 * What a filesystem provider offers. HOST-OWNED by the provider's generation (it stays valid
 * while the consumer holds the service). Every function returns GORGON_OK or:
 *   GORGON_E_NOTFOUND (no such entry, or a component of the path is a file),
 *   GORGON_E_PERM (not allowed, or read-only),
 *   GORGON_E_EXISTS, GORGON_E_INVAL (bad path, NUL byte, it would leave the root, an unknown
 *   flag, a NULL argument, or the wrong kind of entry: see each function),
 *   GORGON_E_BUSY (directory not empty, or in use), GORGON_E_TOOBIG (list: more than
 *   max_entries), GORGON_E_NOMEM, GORGON_E_UNSUPPORTED (open_root only, below),
 *   GORGON_E_IO (anything else; errno is preserved).
 * A provider returns no other status (a consumer treats any other as GORGON_E_IO). Each
 * function below notes the statuses that matter for it besides NOTFOUND, PERM, INVAL, NOMEM
 * and IO, which any of them may return.
 */
typedef struct gorgon_fs_provider {
    uint32_t struct_size;
    void* ctx; /**< passed back as the first argument of open_root */
    /** Opens the tree rooted at `root` (an absolute path, or relative to the working directory).
     *  On failure, writes a NUL-terminated reason into err[0..err_cap) (err may be NULL).
     *  GORGON_E_INVAL for a NULL `out`, no root or an unknown flag; GORGON_E_UNSUPPORTED when
     *  the provider cannot keep paths inside a root on this system (fs-os: no openat2(2)). */
    gorgon_status (*open_root)(void* ctx, const char* root, uint32_t flags, gorgon_fs** out,
                               char* err, size_t err_cap);
    void (*close_root)(gorgon_fs* fs);
    /** Fills `out` up to the smaller struct_size. GORGON_FS_NOFOLLOW reports a final symbolic
     *  link as one. */
    gorgon_status (*stat)(gorgon_fs* fs, const char* path, size_t len, uint32_t flags,
                          gorgon_fs_stat* out);
    /** Opens a regular file (directories and other non-files are refused with GORGON_E_INVAL).
     *  *fd is the caller's. GORGON_E_EXISTS with GORGON_FS_CREATE | GORGON_FS_EXCLUSIVE when it
     *  exists; GORGON_E_PERM for a change on a read-only root; GORGON_E_INVAL also for
     *  TRUNCATE or APPEND without WRITE. */
    gorgon_status (*open)(gorgon_fs* fs, const char* path, size_t len, uint32_t flags,
                          uint32_t mode, int* fd);
    /** Calls fn for each entry of a directory except "." and "..", in no particular order, and
     *  stops with GORGON_E_TOOBIG after `max_entries`. GORGON_OK when fn stops it (nonzero). */
    gorgon_status (*list)(gorgon_fs* fs, const char* path, size_t len, size_t max_entries,
                          gorgon_fs_list_fn fn, void* user);
    /** GORGON_E_EXISTS if the entry exists. The changing functions (mkdir, rename, remove,
     *  rmdir) return GORGON_E_PERM on a read-only root. */
    gorgon_status (*mkdir)(gorgon_fs* fs, const char* path, size_t len, uint32_t mode);
    /** Atomic within the tree (rename(2)): replaces `to` if it is a file. GORGON_E_IO when the
     *  two paths are on different mounts inside the tree (it could not be atomic). */
    gorgon_status (*rename)(gorgon_fs* fs, const char* from, size_t from_len, const char* to,
                            size_t to_len);
    /** Removes a file (a directory: GORGON_E_INVAL). */
    gorgon_status (*remove)(gorgon_fs* fs, const char* path, size_t len);
    /** Removes an empty directory (one that is not: GORGON_E_BUSY; a file: GORGON_E_INVAL). */
    gorgon_status (*rmdir)(gorgon_fs* fs, const char* path, size_t len);
} gorgon_fs_provider;

/** The service name a provider publishes: "filesystem:" followed by its kind, e.g. "os". */
#define GORGON_FS_SERVICE_PREFIX "filesystem:"

#ifdef __cplusplus
}
#endif

#endif /* GORGON_FS_H */
