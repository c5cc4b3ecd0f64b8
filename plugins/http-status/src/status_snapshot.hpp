// One copy of everything the status page shows: the process, its servers, plugin generations,
// open connections and plugin counters, taken through the host's ABI 1.2/1.3 status calls.
// The host's strings live only during its callbacks, so everything is copied; the three
// renderers (HTML, JSON, Prometheus) then work on plain values and are unit-tested directly.
#pragma once

#include <gorgon/plugin.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gorgon::status {

struct Generation {
    std::string name;
    std::string version;
    std::string state;  // "active", "draining" or "resident"
    std::uint64_t generation = 0;
    std::uint64_t connections = 0;
    std::int64_t loaded_ms = 0;  // 0 on a host older than 1.2
    std::uint64_t requests_inflight = 0;
    std::uint64_t requests_total = 0;
};

struct Server {
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
    std::int64_t pid = 0;
    std::int64_t started_ms = 0;
    std::int64_t now_ms = 0;
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
