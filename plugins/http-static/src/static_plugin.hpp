// The http-static plugin object: holds the "filesystem:os" provider it acquired (the default
// kind, named in its descriptor), publishes the "http-extension:static" extension, and counts the
// routes the http plugin has open on it. A route that names another kind (`filesystem: union`)
// acquires "filesystem:union" for itself when it is opened.
#pragma once

#include <gorgon/fs.h>
#include <gorgon/http.h>
#include <gorgon/http_static.h>
#include <gorgon/plugin.hpp>
#include <gorgon/service.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace gorgon::httpstatic {

// One pin on a filesystem provider ("filesystem:KIND", service_acquire), released when this
// goes. The provider's code stays mapped while any lease on it lives.
using FsLease = ServiceLease<gorgon_fs_provider>;

class StaticPlugin {
  public:
    StaticPlugin(Host host, const Config& config);
    ~StaticPlugin();
    StaticPlugin(const StaticPlugin&) = delete;
    StaticPlugin& operator=(const StaticPlugin&) = delete;
    StaticPlugin(StaticPlugin&&) = delete;
    StaticPlugin& operator=(StaticPlugin&&) = delete;

    [[nodiscard]] Host host() const noexcept { return host_; }
    // A pin on the newest provider of `kind` ("os", "union", ...) for one route. After the
    // provider is reloaded, routes opened from then on use its new generation (and, for fs-os,
    // the plugin's own pin moves to it), so the old generation is unloaded once the routes
    // opened on it are closed.
    [[nodiscard]] FsLease leaseFs(std::string_view kind);
    void routeOpened() noexcept { ++routes_; }
    void routeClosed() noexcept { --routes_; }

  private:
    Host host_;
    FsLease fs_;  // taken in init, as the descriptor's `depends` promises; released last
    // Published by address: it must live exactly as long as this object.
    gorgon_http_extension extension_{};
    gorgon_http_static serve_{};  // "http-static:serve", for extensions that choose the root
    std::size_t routes_ = 0;
};

// The extension's table, with `plugin` as its ctx (static_extension.cpp).
[[nodiscard]] gorgon_http_extension makeExtension(StaticPlugin* plugin) noexcept;
// "http-static:serve"'s table (gorgon/http_static.h), with `plugin` as its ctx.
[[nodiscard]] gorgon_http_static makeServeService(StaticPlugin* plugin) noexcept;

}  // namespace gorgon::httpstatic
