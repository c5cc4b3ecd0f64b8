// An open union root: one root of the lower provider ("filesystem:os") per layer, top first,
// and the lease that keeps that provider loaded for as long as the root is open. Every path is
// resolved by the lower provider inside one layer's root, so its confinement (openat2 with
// RESOLVE_BENEATH) holds for each layer; fs-union only chooses the layer.
#pragma once

#include <gorgon/fs.h>
#include <gorgon/plugin.hpp>
#include <gorgon/service.hpp>

#include <cstdint>
#include <memory>
#include <vector>

namespace gorgon::fsunion {

// One pin on the lower provider (service_acquire), released when the last root using it goes.
using LowerLease = ServiceLease<gorgon_fs_provider>;

// The lower provider's service name: each layer is an fs-os root.
inline constexpr const char* kLowerService = "filesystem:os";

}  // namespace gorgon::fsunion

// PLUGIN-OWNED by the consumer between open_root and close_root.
struct gorgon_fs {
    gorgon_fs() = default;
    ~gorgon_fs();
    gorgon_fs(const gorgon_fs&) = delete;
    gorgon_fs& operator=(const gorgon_fs&) = delete;
    gorgon_fs(gorgon_fs&&) = delete;
    gorgon_fs& operator=(gorgon_fs&&) = delete;

    std::shared_ptr<const gorgon::fsunion::LowerLease> lower;
    std::vector<gorgon_fs*> layers;  // the lower provider's roots, top first; closed with this
    std::uint32_t flags = 0;         // GORGON_FS_READ_ONLY
};
