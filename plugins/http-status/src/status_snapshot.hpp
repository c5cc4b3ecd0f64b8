// One copy of everything the status page shows: the process, its servers, plugin generations,
// open connections and plugin counters, taken through the host's ABI 1.2/1.3 status calls by
// the SDK's gorgon/status.hpp. The three renderers (HTML, JSON, Prometheus) then work on plain
// values and are unit-tested directly.
#pragma once

#include <gorgon/status.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

// The value types (Process, Server, Generation, Connection, Stat) and the calls that fill them
// are the SDK's (sdk/include/gorgon/status.hpp), shared with the monitor.
namespace gorgon::status {

struct Snapshot {
    Process process;
    std::vector<Server> servers;
    std::vector<Generation> plugins;
    std::vector<Connection> connections;  // at most the route's limit
    std::uint64_t connections_open = 0;   // all of them, listed or not
    std::vector<Stat> stats;
};

// Takes a snapshot listing at most `connection_limit` connections; nullopt skips the listing
// (connections and connections_open stay empty: /metrics shows no connection). Throws
// std::runtime_error naming the host call that failed (the route answers 500).
[[nodiscard]] Snapshot takeSnapshot(Host host, std::optional<std::size_t> connection_limit);

// Plugin reloads since start: generation numbers grow by one per load of a name, so every
// generation past the first of each loaded plugin is a reload.
[[nodiscard]] std::uint64_t reloads(const Snapshot& s);

// Seconds since the process started (0 if the clock went backwards).
[[nodiscard]] std::int64_t uptimeSeconds(const Process& p);

}  // namespace gorgon::status
