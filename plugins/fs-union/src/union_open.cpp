#include "union_ops.hpp"
#include "union_paths.hpp"
#include "union_plugin.hpp"

#include <cstdio>
#include <memory>
#include <new>
#include <string>
#include <vector>

gorgon_fs::~gorgon_fs() {
    for (gorgon_fs* layer : layers) lower->get()->close_root(layer);
}

namespace gorgon::fsunion {

gorgon_status openRoot(void* ctx, const char* root, std::uint32_t flags, gorgon_fs** out, char* err,
                       std::size_t err_cap) noexcept {
    // snprintf with a null buffer and a capacity of 0 writes nothing.
    if (err == nullptr) err_cap = 0;
    if (err_cap != 0) err[0] = '\0';
    if (out == nullptr || ctx == nullptr) return GORGON_E_INVAL;
    *out = nullptr;
    if ((flags & ~GORGON_FS_READ_ONLY) != 0) {
        (void)std::snprintf(err, err_cap, "unknown open_root flags 0x%x",
                            flags & ~GORGON_FS_READ_ONLY);
        return GORGON_E_INVAL;
    }
    try {
        std::vector<std::string> layers;
        std::string why;
        if (!parseLayers(root == nullptr ? std::string_view() : std::string_view(root), layers,
                         why)) {
            (void)std::snprintf(err, err_cap, "%s", why.c_str());
            return GORGON_E_INVAL;
        }
        auto fs = std::make_unique<gorgon_fs>();
        fs->lower = static_cast<UnionPlugin*>(ctx)->lower();
        if (!fs->lower) {
            (void)std::snprintf(err, err_cap, "the filesystem:os provider is not available");
            return GORGON_E_UNSUPPORTED;
        }
        fs->flags = flags;
        fs->layers.reserve(layers.size());
        const gorgon_fs_provider& low = *fs->lower->get();
        for (std::size_t i = 0; i < layers.size(); ++i) {
            // Only the top layer is ever written; the others are opened read-only so that no
            // mistake here could change them.
            const std::uint32_t layer_flags = i == 0 ? flags : GORGON_FS_READ_ONLY;
            gorgon_fs* layer = nullptr;
            char lerr[400] = {};
            gorgon_status s =
                low.open_root(low.ctx, layers[i].c_str(), layer_flags, &layer, lerr, sizeof lerr);
            if (s != GORGON_OK || layer == nullptr) {
                (void)std::snprintf(err, err_cap, "layer %zu (%s): %s", i + 1, layers[i].c_str(),
                                    lerr[0] != '\0' ? lerr : "cannot open it");
                return s != GORGON_OK ? s : GORGON_E_IO;
            }
            fs->layers.push_back(layer);  // reserved: cannot throw
        }
        *out = fs.release();  // the consumer's until close_root
        return GORGON_OK;
    } catch (const std::bad_alloc&) {
        (void)std::snprintf(err, err_cap, "out of memory");
        return GORGON_E_NOMEM;
    }
}

void closeRoot(gorgon_fs* fs) noexcept {
    std::unique_ptr<gorgon_fs> owned(fs);  // taken back from the consumer
}

}  // namespace gorgon::fsunion
