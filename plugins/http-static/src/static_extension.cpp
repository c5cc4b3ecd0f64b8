// The C faces of the plugin: gorgon_http_extension's hooks, and "http-static:serve"'s calls
// (gorgon/http_static.h), each a noexcept trampoline into a Route, so that no exception reaches
// the caller.
#include "static_config.hpp"
#include "static_mime.hpp"
#include "static_plugin.hpp"
#include "static_route.hpp"

#include <gorgon/http_static.h>

#include <cstdio>
#include <exception>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

namespace gorgon::httpstatic {

namespace {

// Every http API member a route calls, up to the last one (respond_error).
constexpr std::size_t kHttpNeeded =
    offsetof(gorgon_http_api, respond_error) + sizeof(gorgon_http_api::respond_error);

void writeError(char* err, std::size_t cap, const std::string& msg) noexcept {
    if (err != nullptr && cap != 0) (void)std::snprintf(err, cap, "%s", msg.c_str());
}

// "FILE:LINE:COL: key.path: message", or the message alone without a node.
void writeLocated(const gorgon_host_api* api, const gorgon_config* node, const char* msg, char* err,
                  std::size_t cap) noexcept {
    if (err == nullptr || cap == 0) return;
    char where[512] = {};
    if (node != nullptr) api->config_where(node, where, sizeof where);
    if (where[0] != '\0') {
        (void)std::snprintf(err, cap, "%s: %s", where, msg);
    } else {
        (void)std::snprintf(err, cap, "%s", msg);
    }
}

// Closes a root unless a Route took it.
struct RootGuard {
    explicit RootGuard(const gorgon_fs_provider* provider) noexcept : fs(provider) {}
    const gorgon_fs_provider* fs;
    gorgon_fs* root = nullptr;
    RootGuard(const RootGuard&) = delete;
    RootGuard& operator=(const RootGuard&) = delete;
    ~RootGuard() {
        if (root != nullptr) fs->close_root(root);
    }
};

// The route's MIME table: the built-in types, then the configured file's.
MimeTable loadMime(const RouteConfig& config) {
    MimeTable mime(config.default_type, TypePatterns(config.gzip_types));
    if (!config.mime_types.empty()) {
        std::string why;
        // The default file may be missing (the built-in table covers the common types);
        // a file named in the configuration must be readable.
        if (!mime.loadFile(config.mime_types, why) && config.mime_types_given) {
            throw ConfigError(config.mime_types_node, why);
        }
    }
    return mime;
}

gorgon_status routeOpen(void* ctx, const gorgon_http_api* http, const gorgon_config* node,
                        void** route_out, char* err, std::size_t err_cap) noexcept {
    auto* plugin = static_cast<StaticPlugin*>(ctx);
    const gorgon_host_api* api = plugin->host().api();
    if (err != nullptr && err_cap != 0) err[0] = '\0';
    if (route_out == nullptr || http == nullptr) return GORGON_E_INVAL;
    *route_out = nullptr;
    if (http->struct_size < kHttpNeeded) {
        writeError(err, err_cap, "the http plugin's extension API is older than http-static needs");
        return GORGON_E_UNSUPPORTED;
    }
    try {
        RouteConfig config = parseRouteConfig(Config(api, node));
        MimeTable mime = loadMime(config);
        FsLease lease;
        try {
            lease = plugin->leaseFs(config.filesystem);
        } catch (const std::runtime_error& e) {
            // Located at `filesystem:` (or at the route's map when the default was taken).
            throw ConfigError(config.filesystem_node != nullptr ? config.filesystem_node : node,
                              e.what());
        }
        const gorgon_fs_provider* fs = lease.get();
        char fs_err[512] = {};
        RootGuard root(fs);
        if (fs->open_root(fs->ctx, config.root.c_str(), GORGON_FS_READ_ONLY, &root.root, fs_err,
                          sizeof fs_err) != GORGON_OK) {
            throw ConfigError(config.root_node,
                              fs_err[0] != '\0' ? fs_err : "cannot open the root directory");
        }
        auto route = std::make_unique<Route>(*plugin, http, std::move(lease), root.root,
                                             std::move(config), std::move(mime));
        root.root = nullptr;           // the route closes it now
        *route_out = route.release();  // the http plugin holds it until route_close
        plugin->routeOpened();
        return GORGON_OK;
    } catch (const ConfigError& e) {
        writeLocated(api, e.node(), e.what(), err, err_cap);
        return GORGON_E_INVAL;
    } catch (const std::bad_alloc&) {
        writeError(err, err_cap, "out of memory");
        return GORGON_E_NOMEM;
    } catch (const std::exception& e) {
        writeError(err, err_cap, e.what());
        return GORGON_E_INTERNAL;
    }
}

void routeClose(void* route) noexcept {
    std::unique_ptr<Route> owned(static_cast<Route*>(route));  // back from the http plugin
    if (owned) owned->owner().routeClosed();
}

int routeMatch(void* route, const gorgon_http_request* req) noexcept {
    return static_cast<Route*>(route)->match(req) ? 1 : 0;
}

gorgon_status routeHandle(void* route, gorgon_http_request* req) noexcept {
    try {
        return static_cast<Route*>(route)->handle(req);
    } catch (const std::bad_alloc&) {
        return GORGON_E_NOMEM;  // nothing was sent yet: the http plugin answers 500
    } catch (...) {
        return GORGON_E_INTERNAL;
    }
}

// ---- "http-static:serve": a Route without a root of its own is the options object.

gorgon_status optionsOpen(void* ctx, const gorgon_http_api* http, const gorgon_config* node,
                          gorgon_http_static_options** out, char* err,
                          std::size_t err_cap) noexcept {
    auto* plugin = static_cast<StaticPlugin*>(ctx);
    const gorgon_host_api* api = plugin->host().api();
    if (err != nullptr && err_cap != 0) err[0] = '\0';
    if (out == nullptr || http == nullptr) return GORGON_E_INVAL;
    *out = nullptr;
    if (http->struct_size < kHttpNeeded) {
        writeError(err, err_cap, "the http plugin's extension API is older than http-static needs");
        return GORGON_E_UNSUPPORTED;
    }
    try {
        RouteConfig config = parseRouteConfig(Config(api, node), ConfigUse::serve);
        MimeTable mime = loadMime(config);
        auto route = std::make_unique<Route>(*plugin, http, FsLease(), nullptr, std::move(config),
                                             std::move(mime));
        // An opaque handle for the caller: it is this Route until options_close.
        *out = reinterpret_cast<gorgon_http_static_options*>(route.release());
        plugin->routeOpened();
        return GORGON_OK;
    } catch (const ConfigError& e) {
        writeLocated(api, e.node() != nullptr ? e.node() : node, e.what(), err, err_cap);
        return GORGON_E_INVAL;
    } catch (const std::bad_alloc&) {
        writeError(err, err_cap, "out of memory");
        return GORGON_E_NOMEM;
    } catch (const std::exception& e) {
        writeError(err, err_cap, e.what());
        return GORGON_E_INTERNAL;
    }
}

void optionsClose(gorgon_http_static_options* options) noexcept {
    routeClose(options);
}

gorgon_status serve(void* /*ctx*/, gorgon_http_request* req, const gorgon_fs_provider* fs,
                    gorgon_fs* root, const char* path, std::size_t len,
                    const gorgon_http_static_options* options) noexcept {
    if (req == nullptr || fs == nullptr || root == nullptr || options == nullptr ||
        (path == nullptr && len != 0)) {
        return GORGON_E_INVAL;
    }
    // The caller's handle is a Route that options_open made; serving changes only its counters.
    auto* route = reinterpret_cast<Route*>(const_cast<gorgon_http_static_options*>(options));
    try {
        return route->serve(req, fs, root, std::string_view(path, len));
    } catch (const std::bad_alloc&) {
        return GORGON_E_NOMEM;  // nothing was sent yet: the caller answers 500
    } catch (...) {
        return GORGON_E_INTERNAL;
    }
}

}  // namespace

gorgon_http_static makeServeService(StaticPlugin* plugin) noexcept {
    gorgon_http_static svc{};
    svc.struct_size = sizeof svc;
    svc.ctx = plugin;
    svc.options_open = &optionsOpen;
    svc.options_close = &optionsClose;
    svc.serve = &serve;
    return svc;
}

gorgon_http_extension makeExtension(StaticPlugin* plugin) noexcept {
    gorgon_http_extension ext{};
    ext.struct_size = sizeof ext;
    ext.ctx = plugin;
    ext.route_open = &routeOpen;
    ext.route_close = &routeClose;
    ext.match = &routeMatch;
    ext.handle = &routeHandle;
    ext.abort = nullptr;  // every request is answered inside handle(): none is ever pending
    return ext;
}

}  // namespace gorgon::httpstatic
