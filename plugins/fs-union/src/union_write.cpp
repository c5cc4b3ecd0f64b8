#include "union_lookup.hpp"
#include "union_ops.hpp"
#include "union_paths.hpp"

#include <new>
#include <string>

namespace gorgon::fsunion {

namespace {

// Every change is made in the top layer of a writable root.
gorgon_status writable(const gorgon_fs* fs) noexcept {
    if (fs == nullptr) return GORGON_E_INVAL;
    return (fs->flags & GORGON_FS_READ_ONLY) != 0 ? GORGON_E_PERM : GORGON_OK;
}

// A name that is not the root, normalised.
gorgon_status named(const char* path, std::size_t len, std::string& out) {
    if (gorgon_status s = normalizePath(path, len, out); s != GORGON_OK) return s;
    return out.empty() ? GORGON_E_INVAL : GORGON_OK;
}

// Removing or moving an entry of the top layer is only done when no lower layer has an entry
// of that name: without whiteouts, the lower one would show through again (README.md).
gorgon_status topOnly(const Lookup& look, const std::string& p) noexcept {
    Found f;
    if (gorgon_status s = look.locate(p, f); s != GORGON_OK) return s;
    if (f.layer != 0) return GORGON_E_PERM;
    if (look.layers() == 1) return GORGON_OK;
    Found below;
    gorgon_status s = look.locate(p, below, 1);
    if (s == GORGON_OK) return GORGON_E_PERM;
    return s == GORGON_E_NOTFOUND ? GORGON_OK : s;
}

template <class Fn>
gorgon_status guarded(Fn&& fn) noexcept {
    try {
        return fn();
    } catch (const std::bad_alloc&) {
        return GORGON_E_NOMEM;
    }
}

}  // namespace

gorgon_status makeDir(gorgon_fs* fs, const char* path, std::size_t len,
                      std::uint32_t mode) noexcept {
    if (gorgon_status s = writable(fs); s != GORGON_OK) return s;
    return guarded([&] {
        std::string p;
        if (gorgon_status s = named(path, len, p); s != GORGON_OK) return s;
        const Lookup look(*fs);
        Found f;
        gorgon_status s = look.locate(p, f);
        if (s == GORGON_OK) return GORGON_E_EXISTS;
        if (s != GORGON_E_NOTFOUND) return s;
        if (s = look.isDirectory(parentOf(p)); s != GORGON_OK) return s;
        if (s = look.makeTopDirs(parentOf(p)); s != GORGON_OK) return s;
        return look.lower().mkdir(look.top(), p.data(), p.size(), mode);
    });
}

gorgon_status renamePath(gorgon_fs* fs, const char* from, std::size_t from_len, const char* to,
                         std::size_t to_len) noexcept {
    if (gorgon_status s = writable(fs); s != GORGON_OK) return s;
    return guarded([&] {
        std::string a;
        std::string b;
        if (gorgon_status s = named(from, from_len, a); s != GORGON_OK) return s;
        if (gorgon_status s = named(to, to_len, b); s != GORGON_OK) return s;
        const Lookup look(*fs);
        if (gorgon_status s = topOnly(look, a); s != GORGON_OK) return s;
        Found target;
        gorgon_status s = look.locate(b, target);
        if (s == GORGON_OK && target.layer != 0) {
            // A lower file is hidden by the one moved over it; a lower directory cannot be
            // replaced (its entries would show through the moved one).
            gorgon_fs_stat st{};
            if (s = look.stat(target.layer, b, 0, st); s != GORGON_OK) return s;
            if (st.type == GORGON_FS_DIRECTORY) return GORGON_E_PERM;
        } else if (s == GORGON_E_NOTFOUND) {
            if (s = look.isDirectory(parentOf(b)); s != GORGON_OK) return s;
        } else if (s != GORGON_OK) {
            return s;
        }
        if (s = look.makeTopDirs(parentOf(b)); s != GORGON_OK) return s;
        return look.lower().rename(look.top(), a.data(), a.size(), b.data(), b.size());
    });
}

gorgon_status removeFile(gorgon_fs* fs, const char* path, std::size_t len) noexcept {
    if (gorgon_status s = writable(fs); s != GORGON_OK) return s;
    return guarded([&] {
        std::string p;
        if (gorgon_status s = named(path, len, p); s != GORGON_OK) return s;
        const Lookup look(*fs);
        if (gorgon_status s = topOnly(look, p); s != GORGON_OK) return s;
        return look.lower().remove(look.top(), p.data(), p.size());
    });
}

gorgon_status removeDir(gorgon_fs* fs, const char* path, std::size_t len) noexcept {
    if (gorgon_status s = writable(fs); s != GORGON_OK) return s;
    return guarded([&] {
        std::string p;
        if (gorgon_status s = named(path, len, p); s != GORGON_OK) return s;
        const Lookup look(*fs);
        if (gorgon_status s = topOnly(look, p); s != GORGON_OK) return s;
        return look.lower().rmdir(look.top(), p.data(), p.size());
    });
}

}  // namespace gorgon::fsunion
