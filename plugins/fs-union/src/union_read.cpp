#include "union_lookup.hpp"
#include "union_merge.hpp"
#include "union_ops.hpp"
#include "union_paths.hpp"

#include <new>
#include <string>
#include <vector>

namespace gorgon::fsunion {

namespace {

constexpr std::uint32_t kChanges =
    GORGON_FS_WRITE | GORGON_FS_CREATE | GORGON_FS_TRUNCATE | GORGON_FS_APPEND;
constexpr std::uint32_t kKnown = kChanges | GORGON_FS_EXCLUSIVE;

// Opens for writing, always in the top layer (see README.md: no copy-up).
gorgon_status openForWriting(const Lookup& look, const std::string& p, std::uint32_t flags,
                             std::uint32_t mode, int* fd) {
    if (p.empty()) return GORGON_E_INVAL;  // the root is a directory
    Found f;
    gorgon_status s = look.locate(p, f);
    if (s == GORGON_OK && f.layer == 0) {
        return look.lower().open(look.top(), p.data(), p.size(), flags, mode, fd);
    }
    if (s == GORGON_OK) {
        // Only in a lower layer: writing there is never allowed, so the top layer gets a file
        // of that name, which then hides the lower one. Its content would have to be copied up
        // first unless the caller replaces it all.
        if ((flags & GORGON_FS_EXCLUSIVE) != 0) return GORGON_E_EXISTS;
        gorgon_fs_stat st{};
        if (gorgon_status t = look.stat(f.layer, p, 0, st); t != GORGON_OK) return t;
        if (st.type != GORGON_FS_FILE) return GORGON_E_INVAL;
        if ((flags & GORGON_FS_TRUNCATE) == 0) return GORGON_E_PERM;
        if (gorgon_status d = look.makeTopDirs(parentOf(p)); d != GORGON_OK) return d;
        return look.lower().open(look.top(), p.data(), p.size(), flags | GORGON_FS_CREATE, st.mode,
                                 fd);
    }
    if (s != GORGON_E_NOTFOUND) return s;
    if ((flags & GORGON_FS_CREATE) == 0) return GORGON_E_NOTFOUND;
    if (gorgon_status d = look.isDirectory(parentOf(p)); d != GORGON_OK) return d;
    if (gorgon_status d = look.makeTopDirs(parentOf(p)); d != GORGON_OK) return d;
    return look.lower().open(look.top(), p.data(), p.size(), flags, mode, fd);
}

// One layer's entries of directory `p`.
struct Collect {
    std::vector<Entry> entries;
    static int add(void* user, const char* name, std::size_t len,
                   const gorgon_fs_stat* st) noexcept {
        auto* self = static_cast<Collect*>(user);
        try {
            Entry e{std::string(name, len), {}};
            e.st.struct_size = sizeof e.st;
            copyStat(*st, &e.st);
            self->entries.push_back(std::move(e));
            return 0;
        } catch (const std::bad_alloc&) {
            self->failed = true;
            return 1;
        }
    }
    bool failed = false;
};

gorgon_status mergeDirectory(const Lookup& look, const std::string& p, std::size_t max_entries,
                             gorgon_fs_list_fn fn, void* user) {
    MergedListing merged;
    bool found = false;
    bool complete = true;
    for (std::size_t i = 0; i < look.layers() && complete; ++i) {
        gorgon_fs_stat st{};
        gorgon_status s = look.stat(i, p, 0, st);
        if (s == GORGON_OK && st.type == GORGON_FS_DIRECTORY) {
            Collect c;
            s = look.lower().list(look.layer(i), p.data(), p.size(), max_entries, &Collect::add,
                                  &c);
            if (c.failed) return GORGON_E_NOMEM;
            if (s != GORGON_OK && s != GORGON_E_TOOBIG) return s;
            complete = s == GORGON_OK && merged.addLayer(std::move(c.entries), max_entries);
            found = true;
            continue;
        }
        if (s == GORGON_OK) break;  // not a directory: it hides the names below
        if (s != GORGON_E_NOTFOUND) return s;
        // Missing here: a link that leads nowhere, or a file above it, hides the layers below.
        if (look.stat(i, p, GORGON_FS_NOFOLLOW, st) == GORGON_OK) break;
        bool hidden = false;
        if (gorgon_status h = look.hides(i, p, hidden); h != GORGON_OK) return h;
        if (hidden) break;
    }
    if (!found) return GORGON_E_NOTFOUND;
    for (const Entry& e : merged.entries()) {
        if (fn(user, e.name.c_str(), e.name.size(), &e.st) != 0) return GORGON_OK;
    }
    return complete ? GORGON_OK : GORGON_E_TOOBIG;
}

}  // namespace

gorgon_status statPath(gorgon_fs* fs, const char* path, std::size_t len, std::uint32_t flags,
                       gorgon_fs_stat* out) noexcept {
    if (fs == nullptr || out == nullptr) return GORGON_E_INVAL;
    try {
        std::string p;
        if (gorgon_status s = normalizePath(path, len, p); s != GORGON_OK) return s;
        const Lookup look(*fs);
        Found f;
        if (gorgon_status s = look.locate(p, f); s != GORGON_OK) return s;
        if ((flags & GORGON_FS_NOFOLLOW) != 0) {
            copyStat(f.st, out);
            return GORGON_OK;
        }
        gorgon_fs_stat st{};
        if (gorgon_status s = look.stat(f.layer, p, flags, st); s != GORGON_OK) return s;
        copyStat(st, out);
        return GORGON_OK;
    } catch (const std::bad_alloc&) {
        return GORGON_E_NOMEM;
    }
}

gorgon_status openFile(gorgon_fs* fs, const char* path, std::size_t len, std::uint32_t flags,
                       std::uint32_t mode, int* fd) noexcept {
    if (fs == nullptr || fd == nullptr) return GORGON_E_INVAL;
    *fd = -1;
    if ((flags & ~kKnown) != 0) return GORGON_E_INVAL;
    const bool changes = (flags & kChanges) != 0;
    if (changes && (fs->flags & GORGON_FS_READ_ONLY) != 0) return GORGON_E_PERM;
    try {
        std::string p;
        if (gorgon_status s = normalizePath(path, len, p); s != GORGON_OK) return s;
        const Lookup look(*fs);
        if (changes) return openForWriting(look, p, flags, mode, fd);
        Found f;
        if (gorgon_status s = look.locate(p, f); s != GORGON_OK) return s;
        return look.lower().open(look.layer(f.layer), p.data(), p.size(), flags, mode, fd);
    } catch (const std::bad_alloc&) {
        return GORGON_E_NOMEM;
    }
}

gorgon_status listDir(gorgon_fs* fs, const char* path, std::size_t len, std::size_t max_entries,
                      gorgon_fs_list_fn fn, void* user) noexcept {
    if (fs == nullptr || fn == nullptr) return GORGON_E_INVAL;
    try {
        std::string p;
        if (gorgon_status s = normalizePath(path, len, p); s != GORGON_OK) return s;
        return mergeDirectory(Lookup(*fs), p, max_entries, fn, user);
    } catch (const std::bad_alloc&) {
        return GORGON_E_NOMEM;
    }
}

}  // namespace gorgon::fsunion
