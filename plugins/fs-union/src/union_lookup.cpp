#include "union_lookup.hpp"

#include "union_paths.hpp"

#include <cstring>
#include <string>

namespace gorgon::fsunion {

gorgon_status Lookup::stat(std::size_t layer, std::string_view p, std::uint32_t flags,
                           gorgon_fs_stat& out) const noexcept {
    out = {};
    out.struct_size = sizeof out;
    return low_.stat(fs_.layers[layer], p.data(), p.size(), flags, &out);
}

gorgon_status Lookup::locate(std::string_view p, Found& out, std::size_t from) const noexcept {
    for (std::size_t i = from; i < layers(); ++i) {
        // The entry itself, not what a link points at: a link that leads nowhere still hides
        // the name below it.
        gorgon_status s = stat(i, p, GORGON_FS_NOFOLLOW, out.st);
        if (s == GORGON_OK) {
            out.layer = i;
            return GORGON_OK;
        }
        if (s != GORGON_E_NOTFOUND) return s;
        if (i + 1 == layers()) break;
        bool hidden = false;
        if (gorgon_status h = hides(i, p, hidden); h != GORGON_OK) return h;
        if (hidden) break;
    }
    return GORGON_E_NOTFOUND;
}

gorgon_status Lookup::hides(std::size_t layer, std::string_view p, bool& hidden) const noexcept {
    hidden = false;
    // From the longest directory above `p` upwards: the first one this layer has decides. If it
    // is a directory, so is every one above it (the lookup went through them).
    for (std::string_view dir = parentOf(p); !dir.empty(); dir = parentOf(dir)) {
        gorgon_fs_stat st{};
        gorgon_status s = stat(layer, dir, 0, st);
        if (s == GORGON_OK) {
            hidden = st.type != GORGON_FS_DIRECTORY;
            return GORGON_OK;
        }
        if (s != GORGON_E_NOTFOUND) return s;
        // Missing when followed; a link that leads nowhere is still an entry that hides.
        s = stat(layer, dir, GORGON_FS_NOFOLLOW, st);
        if (s == GORGON_OK) {
            hidden = true;
            return GORGON_OK;
        }
        if (s != GORGON_E_NOTFOUND) return s;
    }
    return GORGON_OK;  // the layer's root is a directory
}

gorgon_status Lookup::isDirectory(std::string_view p) const noexcept {
    if (p.empty()) return GORGON_OK;  // the root
    Found f;
    if (gorgon_status s = locate(p, f); s != GORGON_OK) return s;
    gorgon_fs_stat st{};
    if (gorgon_status s = stat(f.layer, p, 0, st); s != GORGON_OK) return s;
    return st.type == GORGON_FS_DIRECTORY ? GORGON_OK : GORGON_E_NOTFOUND;
}

gorgon_status Lookup::makeTopDirs(std::string_view dir) const {
    if (dir.empty()) return GORGON_OK;
    std::size_t end = 0;
    while (end != std::string_view::npos) {
        end = dir.find('/', end + 1);
        const std::string_view prefix = dir.substr(0, end);
        gorgon_fs_stat st{};
        gorgon_status s = stat(0, prefix, 0, st);
        if (s == GORGON_OK) {
            if (st.type != GORGON_FS_DIRECTORY) return GORGON_E_NOTFOUND;
            continue;
        }
        if (s != GORGON_E_NOTFOUND) return s;
        // The merged tree's directory of this name, in the layer that has it: its mode.
        Found f;
        if (gorgon_status l = locate(prefix, f); l != GORGON_OK) return l;
        gorgon_fs_stat below{};
        if (gorgon_status b = stat(f.layer, prefix, 0, below); b != GORGON_OK) return b;
        if (below.type != GORGON_FS_DIRECTORY) return GORGON_E_NOTFOUND;
        s = low_.mkdir(top(), prefix.data(), prefix.size(), below.mode);
        if (s != GORGON_OK && s != GORGON_E_EXISTS) return s;  // EXISTS: made meanwhile
    }
    return GORGON_OK;
}

void copyStat(const gorgon_fs_stat& from, gorgon_fs_stat* to) noexcept {
    const std::uint32_t size = to->struct_size;
    const std::size_t n = size < sizeof from ? size : sizeof from;
    if (n > sizeof(std::uint32_t)) {
        std::memcpy(reinterpret_cast<char*>(to) + sizeof(std::uint32_t),
                    reinterpret_cast<const char*>(&from) + sizeof(std::uint32_t),
                    n - sizeof(std::uint32_t));
    }
}

}  // namespace gorgon::fsunion
