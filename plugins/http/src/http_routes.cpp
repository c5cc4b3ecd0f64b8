#include "http_routes.hpp"

#include <cstddef>
#include <stdexcept>

namespace gorgon::http {

namespace {

constexpr std::size_t kErrorCap = 1024;

// The struct must reach `handle`; `abort` is optional and only read if it is inside the struct.
constexpr std::size_t kMinExtensionSize =
    offsetof(gorgon_http_extension, handle) + sizeof(gorgon_http_extension::handle);
constexpr std::size_t kAbortEnd =
    offsetof(gorgon_http_extension, abort) + sizeof(gorgon_http_extension::abort);

std::string where(const gorgon_host_api* api, const gorgon_config* node) {
    char buf[512];
    api->config_where(node, buf, sizeof buf);
    return buf;
}

}  // namespace

Routes::Routes(Host host, const gorgon_http_api* api, const std::vector<RouteConfig>& routes,
               std::string label)
    : host_(host), label_(std::move(label)), api_(api) {
    routes_.reserve(routes.size());
    try {
        for (const RouteConfig& rc : routes) {
            Route r;
            r.extension = rc.extension;
            r.service = GORGON_HTTP_EXTENSION_SERVICE_PREFIX + rc.extension;
            r.config = rc.config;
            r.node = rc.node;
            const void* iface = nullptr;
            // The host loads the plugin that provides the service if nothing publishes it yet.
            if (host_.api()->service_acquire(host_.self(), r.service.c_str(), &iface) !=
                    GORGON_OK ||
                iface == nullptr) {
                const Config ext(host_.api(), host_.api()->config_get(rc.node, "extension"));
                ext.fail("no plugin provides " + r.service);
            }
            std::string error;
            std::unique_ptr<Binding> b = open(r, iface, error);
            if (!b) {
                host_.api()->service_release(host_.self(), iface);
                throw std::runtime_error(error);
            }
            routes_.push_back(std::move(r));
            routes_.back().active = b.get();
            bindings_.push_back(std::move(b));
        }
    } catch (...) {
        for (auto& b : bindings_) close(*b);
        throw;
    }
    // Names are referenced by bindings: fix them once routes_ no longer moves.
    for (Route& r : routes_) r.active->name = &r.extension;
}

Routes::~Routes() {
    // The server aborted every request first; whatever is left holds none.
    for (auto& b : bindings_) close(*b);
}

std::unique_ptr<Binding> Routes::open(const Route& r, const void* iface, std::string& error) {
    const auto* ext = static_cast<const gorgon_http_extension*>(iface);
    const std::string at = where(host_.api(), r.node);
    if (ext->struct_size < kMinExtensionSize || ext->route_open == nullptr ||
        ext->match == nullptr || ext->handle == nullptr) {
        error = at + ": extension " + r.extension + " publishes an incomplete interface";
        return nullptr;
    }
    auto b = std::make_unique<Binding>();
    b->ext = ext;
    b->has_abort = ext->struct_size >= kAbortEnd && ext->abort != nullptr;
    char err[kErrorCap] = {};
    const gorgon_status s = ext->route_open(ext->ctx, api_, r.config, &b->route, err, sizeof err);
    if (s != GORGON_OK) {
        err[kErrorCap - 1] = '\0';
        error = err[0] != '\0' ? std::string(err)
                               : at + ": extension " + r.extension + " refused the route (status " +
                                     std::to_string(s) + ")";
        return nullptr;
    }
    return b;
}

Binding* Routes::current(std::size_t i, std::int64_t now_ms) {
    Route& r = routes_[i];
    if (now_ms != r.checked_ms) {
        r.checked_ms = now_ms;
        const void* cur = host_.api()->service_current(host_.self(), r.service.c_str());
        if (cur != nullptr && cur != r.active->ext && cur != r.refused) rebind(r, i);
    }
    return r.active;
}

void Routes::refresh(std::int64_t now_ms) {
    for (std::size_t i = 0; i < routes_.size(); ++i) (void)current(i, now_ms);
}

void Routes::rebind(Route& r, std::size_t index) {
    const void* iface = nullptr;
    const void* cur = host_.api()->service_current(host_.self(), r.service.c_str());
    if (host_.api()->service_acquire(host_.self(), r.service.c_str(), &iface) != GORGON_OK ||
        iface == nullptr) {
        r.refused = cur;
        host_.error(routeName(index) + ": cannot acquire " + r.service +
                    "; the previous generation keeps serving");
        return;
    }
    std::string error;
    std::unique_ptr<Binding> b;
    try {
        b = open(r, iface, error);
    } catch (...) {
        error = "out of memory";
    }
    if (!b) {
        host_.api()->service_release(host_.self(), iface);
        r.refused = cur;
        host_.error(routeName(index) + " (extension " + r.extension +
                    "): the reloaded extension refused the route, the previous generation keeps "
                    "serving: " +
                    error);
        return;
    }
    b->name = &r.extension;
    Binding* old = r.active;
    old->retired = true;
    ++retired_;
    r.active = b.get();
    bindings_.push_back(std::move(b));
    host_.info(routeName(index) + ": extension " + r.extension +
               " was reloaded; new requests go to its new generation");
    // Callers reach here from dispatch, before any extension code runs: the old binding can go
    // at once if it holds no request (else the next sweep closes it).
    sweep();
}

std::string Routes::routeName(std::size_t index) const {
    std::string out = label_.empty() ? std::string() : label_ + ", ";
    return out + "route " + std::to_string(index);
}

void Routes::sweep() noexcept {
    for (auto it = bindings_.begin(); it != bindings_.end();) {
        Binding& b = **it;
        if (!b.retired || b.inflight != 0) {
            ++it;
            continue;
        }
        close(b);
        --retired_;
        it = bindings_.erase(it);
    }
}

void Routes::close(Binding& b) noexcept {
    if (b.ext == nullptr) return;
    if (b.ext->route_close != nullptr && b.route != nullptr) b.ext->route_close(b.route);
    host_.api()->service_release(host_.self(), b.ext);
    b.ext = nullptr;
    b.route = nullptr;
}

}  // namespace gorgon::http
