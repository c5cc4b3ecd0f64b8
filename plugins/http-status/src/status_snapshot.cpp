#include "status_snapshot.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace gorgon::status {

namespace {

// The value of a status call, or std::runtime_error naming the call that failed.
template <class T>
T take(std::optional<T> value, gorgon_status rc, const char* call) {
    if (!value) {
        throw std::runtime_error(std::string(call) + " failed (status " + std::to_string(rc) + ")");
    }
    return std::move(*value);
}

}  // namespace

Snapshot takeSnapshot(Host host, std::optional<std::size_t> connection_limit) {
    // The status calls are ABI 1.2; an older host cannot serve this extension.
    if (!available(host)) {
        throw std::runtime_error("the host is older than ABI 1.2 and has no status calls");
    }
    gorgon_status rc = GORGON_OK;
    Snapshot s;
    s.process = take(readProcess(host, rc), rc, "host_status");
    s.servers = take(listServers(host, rc), rc, "server_list");
    s.plugins = take(listPlugins(host, rc), rc, "plugin_list");
    if (connection_limit) {
        s.connections = take(listConnections(host, {}, *connection_limit, s.connections_open, rc),
                             rc, "conn_list");
    }
    s.stats = take(listStats(host, rc), rc, "stat_list");
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
