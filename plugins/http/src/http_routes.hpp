// A server's routes: each names an extension ("http-extension:NAME") and its config. The route
// is opened on the extension generation current at server_open, and again on a newer one when
// the extension is reloaded; the old binding keeps the requests it already has and is closed
// (route_close, service_release) once it holds none, so the old generation can unload.
#pragma once

#include "http_config.hpp"

#include <gorgon/http.h>
#include <gorgon/plugin.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gorgon::http {

// One route_open on one generation of an extension.
struct Binding {
    const gorgon_http_extension* ext = nullptr;  // pinned by service_acquire while we hold it
    void* route = nullptr;
    const std::string* name = nullptr;  // the extension's name, for log lines
    std::uint64_t inflight = 0;         // requests in handle() or pending on it
    bool retired = false;               // a newer generation serves new requests
    bool has_abort = false;
};

class Routes {
  public:
    // Acquires and opens every route. Throws (ConfigError or std::runtime_error with the
    // extension's own, located, message) if one cannot be opened; those already opened are
    // closed again. `label` names the set in log lines ("virtual host example.com"), if not
    // empty.
    Routes(Host host, const gorgon_http_api* api, const std::vector<RouteConfig>& routes,
           std::string label = {});
    ~Routes();
    Routes(const Routes&) = delete;
    Routes& operator=(const Routes&) = delete;
    Routes(Routes&&) = delete;
    Routes& operator=(Routes&&) = delete;

    [[nodiscard]] std::size_t size() const noexcept { return routes_.size(); }

    // The binding that takes new requests on route `i`. At most once per `now_ms` value it asks
    // the host whether the extension has a newer generation, and moves to it if so.
    Binding* current(std::size_t i, std::int64_t now_ms);

    // Moves every route whose extension has a newer generation to it, as current() does, so
    // that a set no request reaches does not keep an old generation loaded. Never call it with
    // extension code on the stack (it may close a retired route).
    void refresh(std::int64_t now_ms);

    // A request that was counted in b->inflight is finished (answered or aborted).
    static void finished(Binding& b) noexcept {
        if (b.inflight > 0) --b.inflight;
    }
    [[nodiscard]] bool hasRetired() const noexcept { return retired_ != 0; }
    // Closes retired bindings that hold no request. Never call it with extension code on the
    // stack: route_close frees what that code may still be using.
    void sweep() noexcept;

  private:
    struct Route {
        std::string extension;  // NAME
        std::string service;    // "http-extension:NAME"
        const gorgon_config* config = nullptr;
        const gorgon_config* node = nullptr;
        Binding* active = nullptr;
        const void* refused = nullptr;  // a generation whose route_open failed: not retried
        std::int64_t checked_ms = INT64_MIN;
    };

    std::unique_ptr<Binding> open(const Route& r, const void* iface, std::string& error);
    void rebind(Route& r, std::size_t index);
    void close(Binding& b) noexcept;
    [[nodiscard]] std::string routeName(std::size_t index) const;

    Host host_;
    std::string label_;
    const gorgon_http_api* api_;
    std::vector<Route> routes_;
    std::vector<std::unique_ptr<Binding>> bindings_;  // active and retired
    std::size_t retired_ = 0;
};

}  // namespace gorgon::http
