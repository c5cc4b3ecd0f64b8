// gorgon/http.hpp — header-only C++20 layer for HTTP extensions (gorgon/http.h).
//
// An extension is one class, one object per route, built from the route's `config:`:
//
//   class Hello {
//     public:
//       Hello(gorgon::http::Env env, gorgon::Config config);  // throw ConfigError to refuse
//       bool match(const gorgon::http::Request& req);          // optional: default, every request
//       gorgon::http::Result handle(gorgon::http::Request& req);
//       void abort(gorgon::http::Request& req);                // optional (see Deferred)
//   };
//   GORGON_HTTP_EXTENSION(Hello, "http-hello", "hello", "1.0.0", "Says hello")
//
// The constructor refuses unknown keys with config.allowKeys(host, keys): the error names the
// key, located at it, and reaches the operator through the http plugin.
//
// The macro defines the plugin "http-hello", which provides and publishes
// "http-extension:hello"; a route names it with `extension: hello`. Every call from the http
// plugin goes through a noexcept trampoline: an exception thrown by the class becomes a located
// configuration error (route_open) or a logged 500 (handle), never a crossing of the ABI.
//
// handle() answers with `return req.respond(...)`, passes with `return Result::decline`, or
// keeps the request for later: `auto later = req.defer(); ...; return Result::later;`, then
// answers through `later` from a timer, a work-pool completion or a body notification. A
// Deferred turns false when the request is gone (client left, timeout, shutdown), so a late
// completion checks `if (!later) return;` and never touches a freed request.
//
// State shared by all routes of one plugin generation (a cache, counters, a lockout table) is a
// second class, built from the plugin's own `config:`, and passed to each route's constructor:
//
//   class Shared { public: Shared(gorgon::Host host, gorgon::Config config); };
//   class Route  { public: Route(Shared& shared, gorgon::http::Env env, gorgon::Config config); };
//   GORGON_HTTP_EXTENSION_SHARED(Shared, Route, "http-x", "x", "1.0.0", "...", GORGON_NONE)
#ifndef GORGON_HTTP_HPP
#define GORGON_HTTP_HPP

#include <gorgon/http.h>
#include <gorgon/plugin.hpp>
#include <gorgon/producer.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace gorgon::http {

// A response header field; both strings are copied by respond().
struct Header {
    std::string_view name;
    std::string_view value;
};

// What handle() returns.
enum class Result {
    done,     // respond() or error() was called
    later,    // defer() was called; the answer comes from the loop later
    decline,  // not for this route: the next route gets the request
};

// What a route is built with: the host, and the http plugin's table.
class Env {
  public:
    Env(Host host, const gorgon_http_api* api) noexcept : host_(host), api_(api) {}
    [[nodiscard]] const Host& host() const noexcept { return host_; }
    [[nodiscard]] const gorgon_http_api* api() const noexcept { return api_; }

  private:
    Host host_;
    const gorgon_http_api* api_;
};

class Deferred;

namespace detail {
struct Pending;
class RouteCore;
inline std::string_view view(gorgon_str s) noexcept {
    return s.ptr != nullptr ? std::string_view(s.ptr, s.len) : std::string_view();
}
}  // namespace detail

// One request: a view over the http plugin's request, valid during handle(), or while the
// Deferred made from it is true.
class Request {
  public:
    Request(Env env, gorgon_http_request* req, detail::RouteCore* core) noexcept
        : env_(env), req_(req), core_(core) {}

    [[nodiscard]] std::string_view method() const noexcept {
        return detail::view(api()->method(req_));
    }
    // The request-target exactly as received (or as rewrite() set it).
    [[nodiscard]] std::string_view target() const noexcept {
        return detail::view(api()->target(req_));
    }
    // Percent-decoded, normalised, starting with '/'; never climbs above '/'.
    [[nodiscard]] std::string_view path() const noexcept { return detail::view(api()->path(req_)); }
    // Raw, without the '?'.
    [[nodiscard]] std::string_view query() const noexcept {
        return detail::view(api()->query(req_));
    }
    // 10 or 11.
    [[nodiscard]] int version() const noexcept { return api()->version(req_); }
    [[nodiscard]] std::string_view host() const noexcept { return detail::view(api()->host(req_)); }
    [[nodiscard]] std::string_view peer() const noexcept { return detail::view(api()->peer(req_)); }
    [[nodiscard]] std::string_view serverName() const noexcept {
        return detail::view(api()->server_name(req_));
    }
    // The first field called `name` (case-insensitive).
    [[nodiscard]] std::optional<std::string_view> header(const char* name) const noexcept {
        gorgon_str v{};
        if (api()->header(req_, name, &v) == 0) return std::nullopt;
        return detail::view(v);
    }
    // Calls fn(name, value) for every field, in arrival order.
    template <class Fn>
    void forEachHeader(Fn&& fn) const {
        const std::size_t n = api()->header_count(req_);
        for (std::size_t i = 0; i < n; ++i) {
            gorgon_str name{};
            gorgon_str value{};
            if (api()->header_at(req_, i, &name, &value) == 0) break;
            fn(detail::view(name), detail::view(value));
        }
    }
    // Content-Length, -1 for a chunked body, 0 for none.
    [[nodiscard]] std::int64_t bodyLength() const noexcept { return api()->body_length(req_); }
    // Copies up to buf.size() body bytes that have arrived: the count (0: none yet), or a
    // negative gorgon_status. `finished` turns true once the whole body has been read.
    [[nodiscard]] std::int64_t readBody(std::span<char> buf, bool& finished) noexcept {
        int fin = 0;
        const std::int64_t n = api()->body_read(req_, buf.data(), buf.size(), &fin);
        finished = fin != 0;
        return n;
    }

    // ABI 1.4 (false / empty on an older http plugin).
    [[nodiscard]] bool secure() const noexcept {
        return GORGON_HTTP_HAS(api(), secure) && api()->secure(req_) != 0;
    }
    [[nodiscard]] std::string_view user() const noexcept {
        return GORGON_HTTP_HAS(api(), user) ? detail::view(api()->user(req_)) : std::string_view();
    }
    gorgon_status setUser(std::string_view name) noexcept {
        if (!GORGON_HTTP_HAS(api(), set_user)) return GORGON_E_UNSUPPORTED;
        return api()->set_user(req_, name.data(), name.size());
    }
    // Replaces target, path and query (origin form); the routes after this one see the new
    // ones once this one declines.
    gorgon_status rewrite(std::string_view target) noexcept {
        if (!GORGON_HTTP_HAS(api(), rewrite)) return GORGON_E_UNSUPPORTED;
        return api()->rewrite(req_, target.data(), target.size());
    }

    // ---- Answers. Each returns Result::done, so handle() can `return req.respond(...)`. If the
    // http plugin refuses the answer (a field holding CR or LF, say), the refusal is logged and
    // the client gets a 500 instead: a request is never left unanswered.
    Result respond(int status, std::span<const Header> headers, std::string_view body) {
        Producer p = Producer::memory(env_.host(), body);
        if (!p && !body.empty()) return error(500);
        return respond(status, headers, std::move(p), static_cast<std::int64_t>(body.size()));
    }
    Result respond(int status, std::initializer_list<Header> headers, std::string_view body) {
        return respond(status, std::span<const Header>(headers.begin(), headers.size()), body);
    }
    // `length`: the body's length, or -1 if unknown (chunked on HTTP/1.1).
    Result respond(int status, std::span<const Header> headers, Producer body,
                   std::int64_t length) {
        std::vector<gorgon_http_header> fields = convert(headers);
        const std::int64_t body_length = body ? length : 0;
        const gorgon_status s =
            api()->respond(req_, status, fields.data(), fields.size(), body.release(), body_length);
        return answered(s);
    }
    Result respond(int status, std::initializer_list<Header> headers, Producer body,
                   std::int64_t length) {
        return respond(status, std::span<const Header>(headers.begin(), headers.size()),
                       std::move(body), length);
    }
    // The http plugin's short HTML page for `status`, with extra fields (e.g. Allow).
    Result error(int status, std::span<const Header> headers = {}) {
        std::vector<gorgon_http_header> fields = convert(headers);
        return answered(api()->respond_error(req_, status, fields.data(), fields.size()));
    }
    Result error(int status, std::initializer_list<Header> headers) {
        return error(status, std::span<const Header>(headers.begin(), headers.size()));
    }

    // The request was answered through the C tables rather than respond(): by a service that
    // answers for this extension (http-static:serve), say. `s` is what that call returned:
    // GORGON_OK once it responded; on an error (nothing was sent) the client gets a 500.
    Result answeredBy(gorgon_status s) { return answered(s); }

    // Keeps the request for an answer from the loop later; handle() then returns
    // Result::later. Call it once per request.
    [[nodiscard]] Deferred defer();

    [[nodiscard]] const Env& env() const noexcept { return env_; }
    [[nodiscard]] const gorgon_http_api* api() const noexcept { return env_.api(); }
    [[nodiscard]] gorgon_http_request* raw() const noexcept { return req_; }

  private:
    friend class Deferred;
    // The request is no longer this route's (answered or declined).
    void forget() noexcept;
    static std::vector<gorgon_http_header> convert(std::span<const Header> headers) {
        std::vector<gorgon_http_header> fields;
        fields.reserve(headers.size());
        for (const Header& h : headers) {
            fields.push_back({{h.name.data(), h.name.size()}, {h.value.data(), h.value.size()}});
        }
        return fields;
    }
    Result answered(gorgon_status s);

    Env env_;
    gorgon_http_request* req_;
    detail::RouteCore* core_;
};

namespace detail {

// A request kept past handle(). Shared by the route's table and every Deferred copy, so a
// completion that arrives after an abort finds `alive` false instead of freed memory.
struct Pending : std::enable_shared_from_this<Pending> {
    Pending(Env env, gorgon_http_request* req, RouteCore* core) : request(env, req, core) {}
    Request request;
    bool alive = true;
    std::function<void(Request&)> on_body;
    std::function<void()> on_abort;
};

// What every route object shares: its Env and its table of deferred requests.
class RouteCore {
  public:
    explicit RouteCore(Env env) noexcept : env_(env) {}
    RouteCore(const RouteCore&) = delete;
    RouteCore& operator=(const RouteCore&) = delete;
    ~RouteCore() {
        for (auto& [req, p] : pending_) p->alive = false;
    }
    [[nodiscard]] const Env& env() const noexcept { return env_; }

    std::shared_ptr<Pending> keep(gorgon_http_request* req) {
        auto p = std::make_shared<Pending>(env_, req, this);
        pending_[req] = p;
        return p;
    }
    // The request was answered or declined: it is no longer ours.
    void forget(gorgon_http_request* req) noexcept {
        auto it = pending_.find(req);
        if (it == pending_.end()) return;
        std::shared_ptr<Pending> p = std::move(it->second);
        pending_.erase(it);
        p->alive = false;
    }
    // The http plugin dropped it: tell whoever waits, then forget it.
    void aborted(gorgon_http_request* req) noexcept {
        auto it = pending_.find(req);
        if (it == pending_.end()) return;
        std::shared_ptr<Pending> p = std::move(it->second);
        pending_.erase(it);
        p->alive = false;
        if (p->on_abort) {
            try {
                p->on_abort();
            } catch (...) {
                env_.host().error("exception in an abort callback");
            }
        }
    }
    [[nodiscard]] bool empty() const noexcept { return pending_.empty(); }

  private:
    Env env_;
    std::unordered_map<gorgon_http_request*, std::shared_ptr<Pending>> pending_;
};

}  // namespace detail

// A request answered later. Cheap to copy (all copies name the same request); false once the
// request was answered, declined or dropped by the http plugin.
class Deferred {
  public:
    Deferred() = default;
    explicit Deferred(std::shared_ptr<detail::Pending> p) noexcept : p_(std::move(p)) {}

    explicit operator bool() const noexcept { return p_ && p_->alive; }
    // Only while *this is true.
    Request& request() const noexcept { return p_->request; }
    Request* operator->() const noexcept { return &p_->request; }

    // Passes the request to the routes after this one (ABI 1.4: GORGON_E_UNSUPPORTED on an
    // older http plugin; answer it instead).
    gorgon_status decline() noexcept {
        if (!*this) return GORGON_E_STALE;
        const gorgon_http_api* api = p_->request.api();
        if (!GORGON_HTTP_HAS(api, decline)) return GORGON_E_UNSUPPORTED;
        std::shared_ptr<detail::Pending> keep = p_;
        const gorgon_status s = api->decline(keep->request.raw());
        if (s == GORGON_OK || s == GORGON_E_STALE) forget();
        return s;
    }
    // Calls fn(request) whenever more of the body has arrived, and once it is complete. Read it
    // with readBody() inside fn.
    gorgon_status onBody(std::function<void(Request&)> fn) {
        if (!*this) return GORGON_E_STALE;
        p_->on_body = std::move(fn);
        return p_->request.api()->body_notify(p_->request.raw(), &bodyThunk, p_.get());
    }
    // Called (at most once) if the http plugin drops the request before it is answered.
    void onAbort(std::function<void()> fn) {
        if (p_) p_->on_abort = std::move(fn);
    }

  private:
    void forget() noexcept;
    static void bodyThunk(void* user, gorgon_http_request* /*req*/) noexcept {
        auto* raw = static_cast<detail::Pending*>(user);
        if (!raw->alive || !raw->on_body) return;
        // The callback may answer, which makes the route forget the request: keep the state
        // and the callback alive until it returns.
        std::shared_ptr<detail::Pending> keep = raw->shared_from_this();
        std::function<void(Request&)> fn = keep->on_body;
        Request& req = keep->request;
        try {
            fn(req);
        } catch (const std::exception& e) {
            req.env().host().error(std::string("exception in a body callback: ") + e.what());
            if (keep->alive) req.error(500);
        } catch (...) {
            req.env().host().error("unknown exception in a body callback");
            if (keep->alive) req.error(500);
        }
    }
    std::shared_ptr<detail::Pending> p_;
};

inline Deferred Request::defer() {
    return Deferred(core_->keep(req_));
}

inline void Request::forget() noexcept {
    core_->forget(req_);
}

inline Result Request::answered(gorgon_status s) {
    if (s != GORGON_OK && s != GORGON_E_STALE) {
        env_.host().error("the http plugin refused a response (status " + std::to_string(s) +
                          "); answering 500");
        (void)api()->respond_error(req_, 500, nullptr, 0);
    }
    forget();
    return Result::done;
}

inline void Deferred::forget() noexcept {
    p_->request.forget();
}

// ---- Small helpers every extension needs ----

// True when `path` is `prefix` or below it: "/a" covers "/a", "/a/" and "/a/b", not "/ab".
// A prefix ending in '/' covers what starts with it; "/" covers everything.
[[nodiscard]] inline bool pathUnder(std::string_view path, std::string_view prefix) noexcept {
    if (prefix.empty() || prefix == "/") return true;
    if (!path.starts_with(prefix)) return false;
    return prefix.back() == '/' || path.size() == prefix.size() || path[prefix.size()] == '/';
}

// The raw value of `key` in a query "a=1&b=2" (not percent-decoded; "" for "a" or "a="), or
// nullopt if the key is absent.
[[nodiscard]] inline std::optional<std::string_view> queryValue(std::string_view query,
                                                                std::string_view key) noexcept {
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view item = query.substr(0, amp);
        const std::size_t eq = item.find('=');
        if (item.substr(0, eq) == key) {
            return eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
        }
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

namespace detail {

// The default shared state: none, and the plugin's own `config:` must be empty.
class NoShared {
  public:
    NoShared(Host host, Config config) {
        static const char* const none[] = {nullptr};
        config.allowKeys(host, none);
    }
};

// Writes "FILE:LINE:COL: key.path: message" (or just the message) into err[0..cap).
inline void reportError(const gorgon_host_api* api, const gorgon_config* node,
                        std::string_view message, char* err, std::size_t cap) noexcept {
    if (err == nullptr || cap == 0) return;
    std::size_t at = 0;
    if (node != nullptr) {
        at = api->config_where(node, err, cap);
        if (at >= cap - 1) return;
        if (at > 0 && at + 2 < cap) {
            err[at++] = ':';
            err[at++] = ' ';
        }
    }
    const std::size_t n = std::min(message.size(), cap - 1 - at);
    std::memcpy(err + at, message.data(), n);
    err[at + n] = '\0';
}

// One route: the class's object and the table of its deferred requests.
template <class R>
struct RouteBox {
    template <class... Args>
    explicit RouteBox(Env env, Args&&... args) : core(env), route(std::forward<Args>(args)...) {}
    RouteCore core;
    R route;
};

// The plugin object behind GORGON_HTTP_EXTENSION: builds S from the plugin's config, publishes
// the extension, and turns each C hook into a call on a route object of class R.
template <class S, class R, class Traits>
class ExtensionPlugin {
  public:
    ExtensionPlugin(Host host, Config config) : host_(host), shared_(host, config) {
        ext_.struct_size = sizeof ext_;
        ext_.ctx = this;
        ext_.route_open = &routeOpen;
        ext_.route_close = &routeClose;
        ext_.match = &match;
        ext_.handle = &handle;
        ext_.abort = &abort;
        if (host.api()->service_publish(host.self(), Traits::service, &ext_) != GORGON_OK) {
            throw std::runtime_error(std::string("cannot publish ") + Traits::service);
        }
    }
    ExtensionPlugin(const ExtensionPlugin&) = delete;
    ExtensionPlugin& operator=(const ExtensionPlugin&) = delete;

  private:
    using Box = RouteBox<R>;

    static gorgon_status routeOpen(void* ctx, const gorgon_http_api* http,
                                   const gorgon_config* config, void** out, char* err,
                                   std::size_t cap) noexcept {
        auto* self = static_cast<ExtensionPlugin*>(ctx);
        const gorgon_host_api* api = self->host_.api();
        try {
            Env env(self->host_, http);
            Config cfg(api, config);
            std::unique_ptr<Box> box;
            if constexpr (std::is_constructible_v<R, S&, Env, Config>) {
                box = std::make_unique<Box>(env, self->shared_, env, cfg);
            } else {
                box = std::make_unique<Box>(env, env, cfg);
            }
            *out = box.release();  // the http plugin owns it until route_close
            return GORGON_OK;
        } catch (const ConfigError& e) {
            reportError(api, e.node() != nullptr ? e.node() : config, e.what(), err, cap);
            return GORGON_E_INVAL;
        } catch (const std::bad_alloc&) {
            reportError(api, config, "out of memory", err, cap);
            return GORGON_E_NOMEM;
        } catch (const std::exception& e) {
            reportError(api, config, e.what(), err, cap);
            return GORGON_E_INVAL;
        } catch (...) {
            reportError(api, config, "unknown exception", err, cap);
            return GORGON_E_INTERNAL;
        }
    }
    static void routeClose(void* route) noexcept {
        std::unique_ptr<Box> box(static_cast<Box*>(route));
    }
    static int match(void* route, const gorgon_http_request* req) noexcept {
        auto* box = static_cast<Box*>(route);
        if constexpr (requires(R & r, const Request& q) { r.match(q); }) {
            try {
                const Request r(box->core.env(), const_cast<gorgon_http_request*>(req), &box->core);
                return box->route.match(r) ? 1 : 0;
            } catch (...) {
                return 0;
            }
        } else {
            return 1;
        }
    }
    static gorgon_status handle(void* route, gorgon_http_request* req) noexcept {
        auto* box = static_cast<Box*>(route);
        Request r(box->core.env(), req, &box->core);
        try {
            switch (box->route.handle(r)) {
                case Result::done:
                    return GORGON_OK;
                case Result::later:
                    return GORGON_E_AGAIN;
                case Result::decline:
                    box->core.forget(req);
                    return GORGON_DECLINED;
            }
            return GORGON_E_INTERNAL;
        } catch (const std::exception& e) {
            box->core.forget(req);
            box->core.env().host().error(std::string("exception in handle: ") + e.what());
        } catch (...) {
            box->core.forget(req);
            box->core.env().host().error("unknown exception in handle");
        }
        return GORGON_E_INTERNAL;  // the http plugin answers 500
    }
    static void abort(void* route, gorgon_http_request* req) noexcept {
        auto* box = static_cast<Box*>(route);
        if constexpr (requires(R & r, Request & q) { r.abort(q); }) {
            try {
                Request r(box->core.env(), req, &box->core);
                box->route.abort(r);
            } catch (...) {
                box->core.env().host().error("exception in abort");
            }
        }
        box->core.aborted(req);
    }

    Host host_;
    S shared_;
    gorgon_http_extension ext_{};
};

}  // namespace detail

}  // namespace gorgon::http

// Defines plugin `PluginName` serving extension `ExtName` (a string literal) with one `Route`
// object per route, built as Route(Env, Config).
#define GORGON_HTTP_EXTENSION(Route, PluginName, ExtName, Version, Description)                \
    GORGON_HTTP_EXTENSION_SHARED(::gorgon::http::detail::NoShared, Route, PluginName, ExtName, \
                                 Version, Description, GORGON_NONE)

// As above, with state shared by the routes: Shared(Host, Config) from the plugin's `config:`,
// and Route(Shared&, Env, Config). The last argument is the dependencies, as for GORGON_PLUGIN:
// GORGON_DEPENDS("a", "b") or GORGON_NONE.
#define GORGON_HTTP_EXTENSION_SHARED(Shared, Route, PluginName, ExtName, Version, Description, \
                                     ...)                                                      \
    struct GorgonHttpExtensionTraits {                                                         \
        static constexpr const char* service = GORGON_HTTP_EXTENSION_SERVICE_PREFIX ExtName;   \
    };                                                                                         \
    using GorgonHttpExtensionPlugin =                                                          \
        ::gorgon::http::detail::ExtensionPlugin<Shared, Route, GorgonHttpExtensionTraits>;     \
    GORGON_PLUGIN(GorgonHttpExtensionPlugin, PluginName, Version, Description,                 \
                  GORGON_PROVIDES(GORGON_HTTP_EXTENSION_SERVICE_PREFIX ExtName), __VA_ARGS__)

#endif  // GORGON_HTTP_HPP
