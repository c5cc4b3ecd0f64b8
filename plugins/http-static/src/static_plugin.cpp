#include "static_plugin.hpp"

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

namespace gorgon::httpstatic {

namespace {

constexpr const char* kFilesystem = "filesystem:os";  // the default, in the descriptor
constexpr const char* kService = "http-extension:static";

// Every provider member this plugin calls, up to the last one (list).
constexpr std::size_t kFsNeeded =
    offsetof(gorgon_fs_provider, list) + sizeof(gorgon_fs_provider::list);

Host checked(Host host, const Config& config) {
    if (config.present()) {
        if (config.type() != GORGON_CONFIG_MAP) config.fail("expected an empty map");
        static constexpr const char* kNoKeys[] = {nullptr};
        config.allowKeys(host, kNoKeys);
    }
    // Producers, now_ms and config_where came with ABI 1.1. (Spelled out rather than with
    // GORGON_HOST_HAS, whose C cast -Wold-style-cast rejects in C++.)
    constexpr std::size_t kHostNeeded =
        offsetof(gorgon_host_api, service_current) + sizeof(gorgon_host_api::service_current);
    if (host.api()->struct_size < kHostNeeded) {
        throw std::runtime_error("http-static needs a host with ABI 1.1 or later");
    }
    return host;
}

// Pins the newest provider of `service`; throws std::runtime_error if there is none, or it is
// too old.
FsLease acquireFs(Host host, const std::string& service) {
    auto lease = FsLease::tryAcquire(host, service);
    if (!lease) {
        throw std::runtime_error("no plugin provides " + service +
                                 " (is the plugin that does in the plugin directory?)");
    }
    if ((*lease)->struct_size < kFsNeeded) {
        throw std::runtime_error("the " + service + " provider is too old for http-static");
    }
    return std::move(*lease);
}

}  // namespace

StaticPlugin::StaticPlugin(Host host, const Config& config)
    : host_(checked(host, config)),
      fs_(acquireFs(host_, kFilesystem)),
      extension_(makeExtension(this)) {
    if (host_.api()->service_publish(host_.self(), kService, &extension_) != GORGON_OK) {
        throw std::runtime_error("cannot publish http-extension:static");
    }
    serve_ = makeServeService(this);
    if (host_.api()->service_publish(host_.self(), GORGON_HTTP_STATIC_SERVICE, &serve_) !=
        GORGON_OK) {
        throw std::runtime_error("cannot publish " GORGON_HTTP_STATIC_SERVICE);
    }
}

FsLease StaticPlugin::leaseFs(std::string_view kind) {
    const std::string service = GORGON_FS_SERVICE_PREFIX + std::string(kind);
    if (service == kFilesystem) {
        const void* current = host_.api()->service_current(host_.self(), kFilesystem);
        if (current != nullptr && current != fs_.get()) fs_ = acquireFs(host_, service);
    }
    // Any other kind is not in the descriptor: service_acquire loads its provider from the
    // plugin directory on demand, and this lease keeps it loaded while the route is open.
    return acquireFs(host_, service);
}

StaticPlugin::~StaticPlugin() {
    if (routes_ != 0) {
        // The http plugin closes its routes before it lets go of this extension; if it did not,
        // they would call into unmapped code.
        host_.error(std::to_string(routes_) + " static routes are still open at shutdown");
    }
}

}  // namespace gorgon::httpstatic

GORGON_PLUGIN(gorgon::httpstatic::StaticPlugin, "http-static", "0.1.0",
              "Static files for HTTP: ranges, conditionals, gzip, index files and listings",
              GORGON_PROVIDES("http-extension:static", GORGON_HTTP_STATIC_SERVICE),
              GORGON_DEPENDS("filesystem:os"))
