// An open union root: one root of the lower provider ("filesystem:os") per layer, top first,
// and the lease that keeps that provider loaded for as long as the root is open. Every path is
// resolved by the lower provider inside one layer's root, so its confinement (openat2 with
// RESOLVE_BENEATH) holds for each layer; fs-union only chooses the layer.
#pragma once

#include <gorgon/fs.h>
#include <gorgon/plugin.hpp>

#include <cstdint>
#include <memory>
#include <vector>

namespace gorgon::fsunion {

// One pin on the lower provider (service_acquire), released when this goes.
class LowerLease {
  public:
    LowerLease(Host host, const gorgon_fs_provider* fs) noexcept : host_(host), fs_(fs) {}
    ~LowerLease() {
        // The host may already have released it while retiring this generation: harmless then.
        if (fs_ != nullptr) host_.api()->service_release(host_.self(), fs_);
    }
    LowerLease(const LowerLease&) = delete;
    LowerLease& operator=(const LowerLease&) = delete;
    LowerLease(LowerLease&&) = delete;
    LowerLease& operator=(LowerLease&&) = delete;

    [[nodiscard]] const gorgon_fs_provider* get() const noexcept { return fs_; }

  private:
    Host host_;
    const gorgon_fs_provider* fs_;
};

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
