// The read-only commands: status, plugins, connections, stats.
#include "monitor_commands.hpp"
#include "monitor_format.hpp"
#include "monitor_server.hpp"
#include "monitor_text.hpp"

#include <gorgon/status.hpp>

namespace gorgon::monitor {

Reply cmdStatus(const Request& r) {
    gorgon_status status = GORGON_OK;
    const auto host = status::readProcess(r.host, status);
    if (!host) return hostFailure(r, "reading the host's status", status);
    const auto servers = status::listServers(r.host, status);
    if (!servers) return hostFailure(r, "listing the servers", status);
    return success("status", formatStatus(*host, *servers, r.json));
}

Reply cmdPlugins(const Request& r) {
    gorgon_status status = GORGON_OK;
    const auto generations = status::listPlugins(r.host, status);
    if (!generations) return hostFailure(r, "listing the plugins", status);
    return success(std::to_string(generations->size()) + " generations",
                   formatPlugins(*generations, r.json));
}

Reply cmdConnections(const Request& r) {
    gorgon_status status = GORGON_OK;
    const std::string server = r.args.empty() ? std::string() : r.args[0];
    if (!server.empty()) {
        const auto servers = status::listServers(r.host, status);
        if (!servers) return hostFailure(r, "listing the servers", status);
        bool found = false;
        for (const status::Server& s : *servers) found = found || s.name == server;
        if (!found) {
            return failure(kNotFound, "no server " + quoteForLog(server, 64), r.json);
        }
    }
    // A row takes well under 512 bytes, so this many fit in the output limit; the rest are
    // counted and said to be left out.
    const std::size_t limit = std::max<std::size_t>(r.output_limit / 512, 1);
    std::uint64_t total = 0;
    const auto conns = status::listConnections(r.host, server, limit, total, status);
    if (!conns) return hostFailure(r, "listing the connections", status);
    const std::int64_t now = r.host.api()->now_ms(r.host.self());
    return success(std::to_string(total) + " connections",
                   formatConnections(*conns, total, now, r.json));
}

Reply cmdStats(const Request& r) {
    gorgon_status status = GORGON_OK;
    const auto stats = status::listStats(r.host, status);
    if (!stats) return hostFailure(r, "listing the counters", status);
    return success(std::to_string(stats->size()) + " counters", formatStats(*stats, r.json));
}

}  // namespace gorgon::monitor
