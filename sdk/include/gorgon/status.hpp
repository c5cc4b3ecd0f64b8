// gorgon/status.hpp — header-only copies of what the host reports through its ABI 1.2/1.3
// status calls: the process (host_status), servers (server_list), plugin generations
// (plugin_list), connections (conn_list) and plugin counters (stat_list).
//
// Nothing here crosses the ABI; it is compiled into each plugin that includes it. The host's
// strings live only during its callbacks, so everything is copied into plain C++ values that
// a plugin renders as it likes (the monitor's text/JSON, http-status's HTML/JSON/metrics).
// Fields a host older than the struct's newest member does not fill (struct_size) stay zero.
//
// Each call returns nullopt when the host call fails, with the host's status in `status`.
// Copying may throw std::bad_alloc: it is caught inside the host's callback and rethrown after
// the host call returns, so it never unwinds through the host's frames.
#ifndef GORGON_STATUS_HPP
#define GORGON_STATUS_HPP

#include <gorgon/plugin.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gorgon::status {

struct Generation {
    std::string name;
    std::string version;
    std::string description;
    std::string file;
    std::string sha256;
    std::string state;  // "active", "draining" or "resident"
    std::uint64_t generation = 0;
    std::uint64_t connections = 0;
    std::uint64_t references = 0;
    std::int64_t loaded_ms = 0;  // 0 on a host older than 1.2
    std::uint64_t requests_inflight = 0;
    std::uint64_t requests_total = 0;
};

struct Server {
    std::uint64_t id = 0;
    std::string name;
    std::string protocol;
    std::string listen;  // bound addresses, separated by ", "
    std::string plugin;
    std::uint64_t connections = 0;
    std::uint64_t connections_total = 0;
    std::uint64_t requests_total = 0;
    std::uint64_t requests_inflight = 0;
    std::uint64_t bytes_in = 0;
    std::uint64_t bytes_out = 0;
};

struct Connection {
    std::uint64_t id = 0;
    bool in_request = false;
    std::string server;
    std::string peer;
    std::string plugin;
    std::uint64_t generation = 0;
    std::int64_t opened_ms = 0;
    std::int64_t active_ms = 0;
    std::uint64_t requests = 0;
    std::uint64_t bytes_in = 0;
    std::uint64_t bytes_out = 0;
    std::uint64_t pending = 0;
};

struct Stat {
    std::string plugin;
    std::string name;
    std::int64_t value = 0;
};

// Upper bounds of gorgon_host_status.lag_buckets, in milliseconds; the last bucket is open.
inline constexpr std::array<std::uint32_t, GORGON_LAG_BUCKETS - 1> kLagBucketBoundsMs{1, 5, 20, 100,
                                                                                      500};

struct Process {
    std::string version;
    std::string config_file;
    std::uint32_t log_level = 0;
    std::int64_t pid = 0;
    std::int64_t started_ms = 0;
    std::int64_t now_ms = 0;  // the host's clock when the status was read
    std::uint64_t connections = 0;
    std::uint64_t connections_total = 0;
    std::uint64_t requests_total = 0;
    std::uint64_t bytes_in = 0;
    std::uint64_t bytes_out = 0;
    bool stopping = false;
    std::uint32_t generations = 0;
    // ABI 1.3 hosts only (has_watchdog false on a 1.2 host): the loop-lag watchdog, work pool.
    bool has_watchdog = false;
    std::uint64_t lag_max_us = 0;
    std::string lag_max_plugin;
    std::string lag_max_hook;
    std::array<std::uint64_t, GORGON_LAG_BUCKETS> lag_buckets{};
    std::uint32_t lag_warn_ms = 0;
    std::uint32_t work_threads = 0;
    std::uint64_t work_pending = 0;
    std::uint64_t work_total = 0;
};

namespace detail {

inline std::string copy(const char* s) {
    return s != nullptr ? std::string(s) : std::string();
}

// True when a struct the host filled is long enough to hold `member` (older hosts fill less).
template <class S, class M>
[[nodiscard]] bool has(const S* s, const M S::*member) noexcept {
    const auto* base = reinterpret_cast<const char*>(s);
    const auto* field = reinterpret_cast<const char*>(&(s->*member));
    return s->struct_size >= static_cast<std::size_t>(field - base) + sizeof(M);
}

// What a listing callback fills: at most `limit` entries, `seen` counts them all.
template <class T>
struct Listing {
    std::vector<T> out;
    std::exception_ptr error;
    std::size_t limit = SIZE_MAX;
    std::uint64_t seen = 0;

    template <class Make>
    void add(Make make) noexcept {
        ++seen;
        if (error || out.size() >= limit) return;
        try {
            out.push_back(make());
        } catch (...) {
            error = std::current_exception();
        }
    }
    [[nodiscard]] std::optional<std::vector<T>> finish(gorgon_status rc, gorgon_status& status) {
        if (error) std::rethrow_exception(error);
        status = rc;
        if (rc != GORGON_OK) return std::nullopt;
        return std::move(out);
    }
};

}  // namespace detail

// True when the host has the status calls at all (ABI 1.2 and later).
[[nodiscard]] inline bool available(Host host) noexcept {
    return GORGON_HOST_HAS(host.api(), stat_list);
}

[[nodiscard]] inline std::optional<Process> readProcess(Host host, gorgon_status& status) {
    gorgon_host_status s{};
    s.struct_size = sizeof s;
    status = host.api()->host_status(host.self(), &s);
    if (status != GORGON_OK) return std::nullopt;
    using detail::copy;
    Process p;
    p.version = copy(s.version);
    p.config_file = copy(s.config_file);
    p.log_level = s.log_level;
    p.pid = s.pid;
    p.started_ms = s.started_ms;
    p.now_ms = host.api()->now_ms(host.self());
    p.connections = s.connections;
    p.connections_total = s.connections_total;
    p.requests_total = s.requests_total;
    p.bytes_in = s.bytes_in;
    p.bytes_out = s.bytes_out;
    p.stopping = s.stopping != 0;
    p.generations = s.generations;
    // A 1.2 host fills only its own (shorter) struct and says so in struct_size.
    if (detail::has(&s, &gorgon_host_status::work_total)) {
        p.has_watchdog = true;
        p.lag_max_us = s.lag_max_us;
        p.lag_max_plugin = copy(s.lag_max_plugin);
        p.lag_max_hook = copy(s.lag_max_hook);
        std::copy(std::begin(s.lag_buckets), std::end(s.lag_buckets), p.lag_buckets.begin());
        p.lag_warn_ms = s.lag_warn_ms;
        p.work_threads = s.work_threads;
        p.work_pending = s.work_pending;
        p.work_total = s.work_total;
    }
    return p;
}

[[nodiscard]] inline std::optional<std::vector<Generation>> listPlugins(Host host,
                                                                        gorgon_status& status) {
    detail::Listing<Generation> l;
    const gorgon_status rc = host.api()->plugin_list(
        host.self(),
        [](void* user, const gorgon_plugin_info* p) noexcept {
            static_cast<detail::Listing<Generation>*>(user)->add([p] {
                using detail::copy;
                Generation g;
                g.name = copy(p->name);
                g.version = copy(p->version);
                g.description = copy(p->description);
                g.file = copy(p->file);
                g.sha256 = copy(p->sha256);
                g.state = copy(p->state);
                g.generation = p->generation;
                g.connections = p->connections;
                g.references = p->references;
                if (detail::has(p, &gorgon_plugin_info::requests_total)) {
                    g.loaded_ms = p->loaded_ms;
                    g.requests_inflight = p->requests_inflight;
                    g.requests_total = p->requests_total;
                }
                return g;
            });
        },
        &l);
    return l.finish(rc, status);
}

[[nodiscard]] inline std::optional<std::vector<Server>> listServers(Host host,
                                                                    gorgon_status& status) {
    detail::Listing<Server> l;
    const gorgon_status rc = host.api()->server_list(
        host.self(),
        [](void* user, const gorgon_server_status* s) noexcept {
            static_cast<detail::Listing<Server>*>(user)->add([s] {
                using detail::copy;
                Server v;
                v.id = s->id;
                v.name = copy(s->name);
                v.protocol = copy(s->protocol);
                v.listen = copy(s->listen);
                v.plugin = copy(s->plugin);
                v.connections = s->connections;
                v.connections_total = s->connections_total;
                v.requests_total = s->requests_total;
                v.requests_inflight = s->requests_inflight;
                v.bytes_in = s->bytes_in;
                v.bytes_out = s->bytes_out;
                return v;
            });
        },
        &l);
    return l.finish(rc, status);
}

// The connections of `server` (empty: of every server). At most `limit` are copied; `total`
// counts all of them, listed or not.
[[nodiscard]] inline std::optional<std::vector<Connection>> listConnections(
    Host host, const std::string& server, std::size_t limit, std::uint64_t& total,
    gorgon_status& status) {
    detail::Listing<Connection> l;
    l.limit = limit;
    const gorgon_status rc = host.api()->conn_list(
        host.self(), server.empty() ? nullptr : server.c_str(),
        [](void* user, const gorgon_conn_status* c) noexcept {
            static_cast<detail::Listing<Connection>*>(user)->add([c] {
                using detail::copy;
                Connection v;
                v.id = c->id;
                v.in_request = c->in_request != 0;
                v.server = copy(c->server);
                v.peer = copy(c->peer);
                v.plugin = copy(c->plugin);
                v.generation = c->generation;
                v.opened_ms = c->opened_ms;
                v.active_ms = c->active_ms;
                v.requests = c->requests;
                v.bytes_in = c->bytes_in;
                v.bytes_out = c->bytes_out;
                v.pending = c->pending;
                return v;
            });
        },
        &l);
    total = l.seen;
    return l.finish(rc, status);
}

[[nodiscard]] inline std::optional<std::vector<Stat>> listStats(Host host, gorgon_status& status) {
    detail::Listing<Stat> l;
    const gorgon_status rc = host.api()->stat_list(
        host.self(),
        [](void* user, const gorgon_stat_info* s) noexcept {
            static_cast<detail::Listing<Stat>*>(user)->add([s] {
                return Stat{detail::copy(s->plugin), detail::copy(s->name), s->value};
            });
        },
        &l);
    return l.finish(rc, status);
}

}  // namespace gorgon::status

#endif  // GORGON_STATUS_HPP
