#include "fs_errno.hpp"
#include "fs_ops.hpp"
#include "fs_resolve.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>

#include <fcntl.h>

namespace gorgon::fsos {

gorgon_status openRoot(void* /*ctx*/, const char* root, std::uint32_t flags, gorgon_fs** out,
                       char* err, std::size_t err_cap) noexcept {
    // snprintf with a null buffer and a capacity of 0 writes nothing: a consumer that does
    // not want the reason passes (nullptr, 0).
    if (err == nullptr) err_cap = 0;
    if (err_cap != 0) err[0] = '\0';
    if (out == nullptr) return GORGON_E_INVAL;
    *out = nullptr;
    if (root == nullptr || root[0] == '\0') {
        (void)std::snprintf(err, err_cap, "no root directory given");
        return GORGON_E_INVAL;
    }
    if ((flags & ~GORGON_FS_READ_ONLY) != 0) {
        (void)std::snprintf(err, err_cap, "unknown open_root flags 0x%x",
                            flags & ~GORGON_FS_READ_ONLY);
        return GORGON_E_INVAL;
    }
    // O_PATH: the root is only ever a starting point for openat2, never read itself, so it
    // needs no read permission of its own and holds no open file state.
    UniqueFd dir(::open(root, O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir.valid()) {
        int e = errno;
        (void)std::snprintf(err, err_cap, "cannot open root directory %s: %s", root,
                            std::strerror(e));
        return statusFromErrno(e);
    }
    // Without openat2 there is no race-free way to keep symbolic links inside the root, so a
    // kernel that lacks it (before Linux 5.6, or a seccomp filter that hides it) gets no root
    // at all rather than a weaker fallback.
    UniqueFd probe(openBeneath(dir.get(), ".", O_PATH | O_DIRECTORY));
    if (!probe.valid()) {
        int e = errno;
        if (e == ENOSYS) {
            (void)std::snprintf(err, err_cap,
                                "openat2(2) is not available (Linux 5.6 or later is needed); "
                                "refusing to serve %s because paths could not be kept inside it",
                                root);
        } else {
            (void)std::snprintf(err, err_cap, "openat2(2) fails on %s (%s); refusing to serve it",
                                root, std::strerror(e));
        }
        return GORGON_E_UNSUPPORTED;
    }
    std::unique_ptr<gorgon_fs> fs;
    try {
        fs = std::make_unique<gorgon_fs>();
    } catch (const std::bad_alloc&) {
        (void)std::snprintf(err, err_cap, "out of memory");
        return GORGON_E_NOMEM;
    }
    fs->root = dir.release();
    fs->flags = flags;
    *out = fs.release();  // the consumer owns it until close_root
    return GORGON_OK;
}

void closeRoot(gorgon_fs* fs) noexcept {
    std::unique_ptr<gorgon_fs> owned(fs);  // taken back from the consumer
    if (owned && owned->root >= 0) ::close(owned->root);
}

}  // namespace gorgon::fsos
