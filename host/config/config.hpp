// The host's configuration, validated into typed structs before anything starts.
#pragma once

#include "config/config_node.hpp"
#include "config/server_limits.hpp"
#include "log/logger.hpp"
#include "net/address.hpp"
#include "tls/tls_config.hpp"
#include "util/result.hpp"
#include "work/work_config.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gorgon {

struct PluginLoadConfig {
    std::string name;
    const ConfigNode* config = nullptr;  // never null: an empty map when none was given
};

struct ServerConfig {
    std::string name;
    std::string protocol;
    std::vector<ListenAddress> listen;
    const ConfigNode* config = nullptr;  // the `config:` subtree; never null
    const ConfigNode* node = nullptr;    // the whole entry, for errors and change detection
    std::optional<TlsConfig> tls;        // the `tls:` block (TCP listeners only)
    ConnectionLimits limits;             // `limits:` over the top-level defaults
    SocketOptions socket;                // `socket:`
};

struct Config {
    std::string file;
    std::string text;                        // as read, for the monitor's `config show`
    std::shared_ptr<const ConfigNode> root;  // owns every node the pointers below refer to

    LogLevel log_level = LogLevel::Info;
    std::string log_file = "stderr";
    std::string user;
    std::string group;
    uint64_t shutdown_timeout_ms = 10'000;
    // The open-file limit to raise RLIMIT_NOFILE's soft limit to; 0: the hard limit.
    uint64_t max_open_files = 0;
    ConnectionLimits limits;  // the top-level `limits:`: every server's defaults

    std::string plugin_directory;  // empty: the default (beside the binary, or installed)
    std::string runtime_directory = "run/plugins";
    uint64_t drain_timeout_ms = 30'000;
    bool probe = true;
    bool watch = false;  // plugins.watch: inotify on the plugin directory
    uint64_t probe_timeout_ms = 10'000;
    std::vector<PluginLoadConfig> plugins;

    std::vector<ServerConfig> servers;

    WorkSettings work;  // work_pool: and watchdog:

    [[nodiscard]] const PluginLoadConfig* plugin(std::string_view name) const;
};

// Reads and validates a configuration file. Every error names FILE:LINE:COL and the key.
Result<Config> loadConfig(const std::string& path);
// The same, from text (tests).
Result<Config> parseConfig(std::string_view text, const std::string& name);

}  // namespace gorgon
