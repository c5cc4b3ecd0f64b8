#include "monitor_snapshot.hpp"

#include <algorithm>
#include <cstddef>
#include <exception>
#include <iterator>
#include <type_traits>
#include <utility>

namespace gorgon::monitor {

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

// Runs a listing call whose callback may throw (std::bad_alloc while copying): the exception
// is caught inside the callback, remembered, and rethrown here, so it never unwinds through
// the host's frames.
template <class T, class Call>
std::optional<std::vector<T>> collect(Call call, gorgon_status& status) {
    struct Ctx {
        std::vector<T> out;
        std::exception_ptr error;
    } ctx;
    status = call(ctx);
    if (ctx.error) std::rethrow_exception(ctx.error);
    if (status != GORGON_OK) return std::nullopt;
    return std::move(ctx.out);
}

}  // namespace

std::optional<std::vector<GenerationInfo>> listGenerations(Host host, gorgon_status& status) {
    return collect<GenerationInfo>(
        [&](auto& ctx) {
            using Ctx = std::remove_reference_t<decltype(ctx)>;
            return host.api()->plugin_list(
                host.self(),
                [](void* user, const gorgon_plugin_info* p) noexcept {
                    auto* c = static_cast<Ctx*>(user);
                    if (c->error) return;
                    try {
                        GenerationInfo g;
                        g.name = copy(p->name);
                        g.version = copy(p->version);
                        g.description = copy(p->description);
                        g.file = copy(p->file);
                        g.sha256 = copy(p->sha256);
                        g.state = copy(p->state);
                        g.generation = p->generation;
                        g.connections = p->connections;
                        g.references = p->references;
                        if (has(p, &gorgon_plugin_info::requests_total)) {
                            g.loaded_ms = p->loaded_ms;
                            g.requests_inflight = p->requests_inflight;
                            g.requests_total = p->requests_total;
                        }
                        c->out.push_back(std::move(g));
                    } catch (...) {
                        c->error = std::current_exception();
                    }
                },
                &ctx);
        },
        status);
}

std::optional<std::vector<ServerInfo>> listServers(Host host, gorgon_status& status) {
    return collect<ServerInfo>(
        [&](auto& ctx) {
            using Ctx = std::remove_reference_t<decltype(ctx)>;
            return host.api()->server_list(
                host.self(),
                [](void* user, const gorgon_server_status* s) noexcept {
                    auto* c = static_cast<Ctx*>(user);
                    if (c->error) return;
                    try {
                        ServerInfo v;
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
                        c->out.push_back(std::move(v));
                    } catch (...) {
                        c->error = std::current_exception();
                    }
                },
                &ctx);
        },
        status);
}

std::optional<std::vector<ConnectionInfo>> listConnections(Host host, const std::string& server,
                                                           std::size_t limit, std::uint64_t& total,
                                                           gorgon_status& status) {
    struct Ctx {
        std::vector<ConnectionInfo> out;
        std::exception_ptr error;
        std::size_t limit;
        std::uint64_t total = 0;
    } ctx{{}, {}, limit};
    status = host.api()->conn_list(
        host.self(), server.empty() ? nullptr : server.c_str(),
        [](void* user, const gorgon_conn_status* s) noexcept {
            auto* c = static_cast<Ctx*>(user);
            ++c->total;
            if (c->error || c->out.size() >= c->limit) return;
            try {
                ConnectionInfo v;
                v.id = s->id;
                v.in_request = s->in_request != 0;
                v.server = copy(s->server);
                v.peer = copy(s->peer);
                v.plugin = copy(s->plugin);
                v.generation = s->generation;
                v.opened_ms = s->opened_ms;
                v.active_ms = s->active_ms;
                v.requests = s->requests;
                v.bytes_in = s->bytes_in;
                v.bytes_out = s->bytes_out;
                v.pending = s->pending;
                c->out.push_back(std::move(v));
            } catch (...) {
                c->error = std::current_exception();
            }
        },
        &ctx);
    if (ctx.error) std::rethrow_exception(ctx.error);
    total = ctx.total;
    if (status != GORGON_OK) return std::nullopt;
    return std::move(ctx.out);
}

std::optional<std::vector<StatInfo>> listStats(Host host, gorgon_status& status) {
    return collect<StatInfo>(
        [&](auto& ctx) {
            using Ctx = std::remove_reference_t<decltype(ctx)>;
            return host.api()->stat_list(
                host.self(),
                [](void* user, const gorgon_stat_info* s) noexcept {
                    auto* c = static_cast<Ctx*>(user);
                    if (c->error) return;
                    try {
                        c->out.push_back(StatInfo{copy(s->plugin), copy(s->name), s->value});
                    } catch (...) {
                        c->error = std::current_exception();
                    }
                },
                &ctx);
        },
        status);
}

std::optional<HostInfo> hostInfo(Host host, gorgon_status& status) {
    gorgon_host_status s{};
    s.struct_size = sizeof s;
    status = host.api()->host_status(host.self(), &s);
    if (status != GORGON_OK) return std::nullopt;
    HostInfo h;
    h.version = copy(s.version);
    h.config_file = copy(s.config_file);
    h.log_level = s.log_level;
    h.pid = s.pid;
    h.started_ms = s.started_ms;
    h.now_ms = host.api()->now_ms(host.self());
    h.connections = s.connections;
    h.connections_total = s.connections_total;
    h.requests_total = s.requests_total;
    h.bytes_in = s.bytes_in;
    h.bytes_out = s.bytes_out;
    h.stopping = s.stopping != 0;
    h.generations = s.generations;
    if (s.struct_size >= offsetof(gorgon_host_status, work_total) + sizeof s.work_total) {
        h.has_lag = true;
        h.lag_max_us = s.lag_max_us;
        h.lag_max_plugin = copy(s.lag_max_plugin);
        h.lag_max_hook = copy(s.lag_max_hook);
        std::copy(std::begin(s.lag_buckets), std::end(s.lag_buckets), h.lag_buckets.begin());
        h.lag_warn_ms = s.lag_warn_ms;
        h.work_threads = s.work_threads;
        h.work_pending = s.work_pending;
        h.work_total = s.work_total;
    }
    return h;
}

}  // namespace gorgon::monitor
