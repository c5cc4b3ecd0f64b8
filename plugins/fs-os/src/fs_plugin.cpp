// The fs-os plugin object: publishes the "filesystem:os" provider for as long as it is loaded.
// Consumers (http-static, ftp) find it with service_acquire("filesystem:os").
#include "fs_provider.hpp"

#include <gorgon/plugin.hpp>

#include <stdexcept>

namespace gorgon::fsos {

namespace {

constexpr const char* kService = "filesystem:os";

}  // namespace

class FsOsPlugin {
  public:
    FsOsPlugin(Host host, const Config& config) {
        // Nothing to configure: roots and their flags come from each consumer's open_root.
        if (config.present()) {
            if (config.type() != GORGON_CONFIG_MAP) config.fail("expected an empty map");
            static constexpr const char* kNoKeys[] = {nullptr};
            config.allowKeys(host, kNoKeys);
        }
        if (host.api()->service_publish(host.self(), kService, &osProvider()) != GORGON_OK) {
            throw std::runtime_error("cannot publish the filesystem:os service");
        }
    }
};

}  // namespace gorgon::fsos

GORGON_PLUGIN(gorgon::fsos::FsOsPlugin, "fs-os", "0.1.0",
              "The operating system's files, confined beneath each root with openat2",
              GORGON_PROVIDES("filesystem:os"), GORGON_NONE)
