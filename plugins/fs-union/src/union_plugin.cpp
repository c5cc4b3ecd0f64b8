// Publishes "filesystem:union" for as long as the plugin is loaded. Consumers (http-static,
// ftp) find it with service_acquire("filesystem:union") when a route or server names
// `filesystem: union`.
#include "union_plugin.hpp"

#include "union_ops.hpp"

#include <cstddef>
#include <new>
#include <stdexcept>

namespace gorgon::fsunion {

namespace {

constexpr const char* kService = "filesystem:union";

// Every lower provider member this plugin calls, up to the last one (rmdir).
constexpr std::size_t kLowerNeeded =
    offsetof(gorgon_fs_provider, rmdir) + sizeof(gorgon_fs_provider::rmdir);

std::shared_ptr<const LowerLease> acquireLower(Host host) {
    auto lease = LowerLease::tryAcquire(host, kLowerService);
    if (!lease || lease->get()->struct_size < kLowerNeeded) return nullptr;
    return std::make_shared<const LowerLease>(std::move(*lease));
}

Host checked(Host host, const Config& config) {
    // Nothing to configure: the layers and the flags come from each consumer's open_root.
    if (config.present()) {
        if (config.type() != GORGON_CONFIG_MAP) config.fail("expected an empty map");
        static constexpr const char* kNoKeys[] = {nullptr};
        config.allowKeys(host, kNoKeys);
    }
    return host;
}

}  // namespace

UnionPlugin::UnionPlugin(Host host, const Config& config)
    : host_(checked(host, config)), lower_(acquireLower(host_)) {
    if (!lower_) {
        throw std::runtime_error(
            "cannot acquire filesystem:os (or it is too old): fs-union builds each layer on it; "
            "is the fs-os plugin in the plugin directory?");
    }
    provider_ = {
        sizeof(gorgon_fs_provider),
        this,
        &openRoot,
        &closeRoot,
        &statPath,
        &openFile,
        &listDir,
        &makeDir,
        &renamePath,
        &removeFile,
        &removeDir,
    };
    if (host_.api()->service_publish(host_.self(), kService, &provider_) != GORGON_OK) {
        throw std::runtime_error("cannot publish the filesystem:union service");
    }
}

std::shared_ptr<const LowerLease> UnionPlugin::lower() noexcept {
    try {
        const void* current = host_.api()->service_current(host_.self(), kLowerService);
        if (current != nullptr && current != lower_->get()) {
            if (auto newer = acquireLower(host_)) lower_ = std::move(newer);
        }
    } catch (const std::bad_alloc&) {
        // Keep serving on the generation already held.
    }
    return lower_;
}

}  // namespace gorgon::fsunion

GORGON_PLUGIN(gorgon::fsunion::UnionPlugin, "fs-union", "0.1.0",
              "Several directories overlaid as one tree (Medusa's merged_filesystem), each "
              "confined by fs-os",
              GORGON_PROVIDES("filesystem:union"), GORGON_DEPENDS("filesystem:os"))
