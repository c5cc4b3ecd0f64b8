// The http-static plugin object: holds the "filesystem:os" provider it acquired (the default
// kind, named in its descriptor), publishes the "http-extension:static" extension, and counts the
// routes the http plugin has open on it. A route that names another kind (`filesystem: union`)
// acquires "filesystem:union" for itself when it is opened.
#pragma once

#include <gorgon/fs.h>
#include <gorgon/http.h>
#include <gorgon/http_static.h>
#include <gorgon/plugin.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace gorgon::httpstatic {

// One pin on a filesystem provider ("filesystem:KIND", service_acquire), released when this
// goes. The provider's code stays mapped while any lease on it lives.
class FsLease {
  public:
    FsLease() = default;
    // Pins the newest provider of `service`; throws std::runtime_error if there is none, or it
    // is too old.
    static FsLease acquire(Host host, const std::string& service);
    FsLease(FsLease&& o) noexcept : host_(o.host_), fs_(std::exchange(o.fs_, nullptr)) {}
    FsLease& operator=(FsLease&& o) noexcept {
        if (this != &o) {
            reset();
            host_ = o.host_;
            fs_ = std::exchange(o.fs_, nullptr);
        }
        return *this;
    }
    FsLease(const FsLease&) = delete;
    FsLease& operator=(const FsLease&) = delete;
    ~FsLease() { reset(); }

    [[nodiscard]] const gorgon_fs_provider* get() const noexcept { return fs_; }
    void reset() noexcept;

  private:
    FsLease(Host host, const gorgon_fs_provider* fs) noexcept : host_(host), fs_(fs) {}
    Host host_;
    const gorgon_fs_provider* fs_ = nullptr;
};

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
