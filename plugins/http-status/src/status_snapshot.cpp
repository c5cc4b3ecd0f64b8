#include "status_snapshot.hpp"

#include <algorithm>
#include <exception>
#include <iterator>
#include <map>
#include <stdexcept>
#include <utility>

namespace gorgon::status {

namespace {

std::string copy(const char* s) {
    return s != nullptr ? std::string(s) : std::string();
}

// True when a struct the host filled is long enough to hold `member` (older hosts fill less).
template <class S, class M>
bool has(const S* s, const M S::*member) noexcept {
    const auto* base = reinterpret_cast<const char*>(s);
    const auto* field = reinterpret_cast<const char*>(&(s->*member));
    return s->struct_size >= static_cast<std::size_t>(field - base) + sizeof(M);
}

// What a listing callback fills. Copying may throw (std::bad_alloc): the exception is caught
// inside the callback and rethrown after the host call returns, so it never unwinds through
// the host's frames.
template <class T>
struct Listing {
    std::vector<T> out;
    std::exception_ptr error;
    std::size_t limit = SIZE_MAX;
    std::uint64_t seen = 0;

    template <class Fn>
    void add(Fn make) noexcept {
        ++seen;
        if (error || out.size() >= limit) return;
        try {
            out.push_back(make());
        } catch (...) {
            error = std::current_exception();
        }
    }
    void finish(gorgon_status status, const char* call) {
        if (error) std::rethrow_exception(error);
        if (status != GORGON_OK) {
            throw std::runtime_error(std::string(call) + " failed (status " +
                                     std::to_string(status) + ")");
        }
    }
};

Process readProcess(Host host) {
    gorgon_host_status s{};
    s.struct_size = sizeof s;
    const gorgon_status rc = host.api()->host_status(host.self(), &s);
    if (rc != GORGON_OK) {
        throw std::runtime_error("host_status failed (status " + std::to_string(rc) + ")");
    }
    Process p;
    p.version = copy(s.version);
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
    if (has(&s, &gorgon_host_status::work_total)) {
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

std::vector<Server> listServers(Host host) {
    Listing<Server> l;
    const gorgon_status rc = host.api()->server_list(
        host.self(),
        [](void* user, const gorgon_server_status* s) noexcept {
            static_cast<Listing<Server>*>(user)->add([s] {
                return Server{copy(s->name),     copy(s->protocol),    copy(s->listen),
                              copy(s->plugin),   s->connections,       s->connections_total,
                              s->requests_total, s->requests_inflight, s->bytes_in,
                              s->bytes_out};
            });
        },
        &l);
    l.finish(rc, "server_list");
    return std::move(l.out);
}

std::vector<Generation> listPlugins(Host host) {
    Listing<Generation> l;
    const gorgon_status rc = host.api()->plugin_list(
        host.self(),
        [](void* user, const gorgon_plugin_info* p) noexcept {
            static_cast<Listing<Generation>*>(user)->add([p] {
                Generation g;
                g.name = copy(p->name);
                g.version = copy(p->version);
                g.state = copy(p->state);
                g.generation = p->generation;
                g.connections = p->connections;
                if (has(p, &gorgon_plugin_info::requests_total)) {
                    g.loaded_ms = p->loaded_ms;
                    g.requests_inflight = p->requests_inflight;
                    g.requests_total = p->requests_total;
                }
                return g;
            });
        },
        &l);
    l.finish(rc, "plugin_list");
    return std::move(l.out);
}

std::vector<Connection> listConnections(Host host, std::size_t limit, std::uint64_t& open) {
    Listing<Connection> l;
    l.limit = limit;
    const gorgon_status rc = host.api()->conn_list(
        host.self(), nullptr,
        [](void* user, const gorgon_conn_status* c) noexcept {
            static_cast<Listing<Connection>*>(user)->add([c] {
                return Connection{c->id,         c->in_request != 0, copy(c->server),
                                  copy(c->peer), copy(c->plugin),    c->generation,
                                  c->opened_ms,  c->active_ms,       c->requests,
                                  c->bytes_in,   c->bytes_out};
            });
        },
        &l);
    l.finish(rc, "conn_list");
    open = l.seen;
    return std::move(l.out);
}

std::vector<Stat> listStats(Host host) {
    Listing<Stat> l;
    const gorgon_status rc = host.api()->stat_list(
        host.self(),
        [](void* user, const gorgon_stat_info* s) noexcept {
            static_cast<Listing<Stat>*>(user)->add([s] {
                return Stat{copy(s->plugin), copy(s->name), s->value};
            });
        },
        &l);
    l.finish(rc, "stat_list");
    return std::move(l.out);
}

}  // namespace

Snapshot takeSnapshot(Host host, std::optional<std::size_t> connection_limit) {
    // The status calls are ABI 1.2; an older host cannot serve this extension.
    if (!GORGON_HOST_HAS(host.api(), stat_list)) {
        throw std::runtime_error("the host is older than ABI 1.2 and has no status calls");
    }
    Snapshot s;
    s.process = readProcess(host);
    s.servers = listServers(host);
    s.plugins = listPlugins(host);
    if (connection_limit) {
        s.connections = listConnections(host, *connection_limit, s.connections_open);
    }
    s.stats = listStats(host);
    return s;
}

std::uint64_t reloads(const Snapshot& s) {
    std::map<std::string_view, std::uint64_t> newest;
    for (const auto& g : s.plugins) {
        auto& n = newest[g.name];
        n = std::max(n, g.generation);
    }
    std::uint64_t total = 0;
    for (const auto& [name, generation] : newest) {
        if (generation > 1) total += generation - 1;
    }
    return total;
}

std::int64_t uptimeSeconds(const Process& p) {
    return p.now_ms > p.started_ms ? (p.now_ms - p.started_ms) / 1000 : 0;
}

}  // namespace gorgon::status
