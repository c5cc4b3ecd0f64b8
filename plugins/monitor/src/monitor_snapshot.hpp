// Copies of what the host reports (plugins, servers, connections, counters, the process), taken
// through the ABI 1.2 listing functions. The host's strings live only during its callbacks, so
// everything is copied out; the formatting code then works on plain values.
#pragma once

#include <gorgon/plugin.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gorgon::monitor {

struct GenerationInfo {
    std::string name;
    std::string version;
    std::string description;
    std::string file;
    std::string sha256;
    std::string state;
    std::uint64_t generation = 0;
    std::uint64_t connections = 0;
    std::uint64_t references = 0;
    std::int64_t loaded_ms = 0;
    std::uint64_t requests_inflight = 0;
    std::uint64_t requests_total = 0;
};

struct ServerInfo {
    std::uint64_t id = 0;
    std::string name;
    std::string protocol;
    std::string listen;
    std::string plugin;
    std::uint64_t connections = 0;
    std::uint64_t connections_total = 0;
    std::uint64_t requests_total = 0;
    std::uint64_t requests_inflight = 0;
    std::uint64_t bytes_in = 0;
    std::uint64_t bytes_out = 0;
};

struct ConnectionInfo {
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

struct StatInfo {
    std::string plugin;
    std::string name;
    std::int64_t value = 0;
};

struct HostInfo {
    std::string version;
    std::string config_file;
    std::uint32_t log_level = 0;
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
    // ABI 1.3 hosts: the loop-lag watchdog and the work pool (has_lag false on older hosts).
    bool has_lag = false;
    std::uint64_t lag_max_us = 0;
    std::string lag_max_plugin;
    std::string lag_max_hook;
    std::array<std::uint64_t, GORGON_LAG_BUCKETS> lag_buckets{};
    std::uint32_t lag_warn_ms = 0;
    std::uint32_t work_threads = 0;
    std::uint64_t work_pending = 0;
    std::uint64_t work_total = 0;
};

// Each returns nullopt when the host call fails (the status is in `status`).
[[nodiscard]] std::optional<std::vector<GenerationInfo>> listGenerations(Host host,
                                                                         gorgon_status& status);
[[nodiscard]] std::optional<std::vector<ServerInfo>> listServers(Host host, gorgon_status& status);
// `server` empty: every connection. At most `limit` are copied; `total` counts them all.
[[nodiscard]] std::optional<std::vector<ConnectionInfo>> listConnections(Host host,
                                                                         const std::string& server,
                                                                         std::size_t limit,
                                                                         std::uint64_t& total,
                                                                         gorgon_status& status);
[[nodiscard]] std::optional<std::vector<StatInfo>> listStats(Host host, gorgon_status& status);
[[nodiscard]] std::optional<HostInfo> hostInfo(Host host, gorgon_status& status);

}  // namespace gorgon::monitor
