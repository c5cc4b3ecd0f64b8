// An http server's settings, read from its `config:` subtree and checked in full before the
// server exists. Every key is documented in plugins/http/README.md.
#pragma once

#include "http_access_log.hpp"
#include "http_parser.hpp"
#include "http_tls.hpp"

#include <gorgon/plugin.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace gorgon::http {

struct RouteConfig {
    std::string extension;                  // NAME of "http-extension:NAME"
    const gorgon_config* node = nullptr;    // the route entry, for errors
    const gorgon_config* config = nullptr;  // its `config:` (null if absent)
};

// One entry of `virtual_hosts`: the routes that answer requests for its names.
struct VirtualHostConfig {
    std::vector<std::string> names;  // canonical (canonicalHostName); "*.x" for a wildcard
    bool is_default = false;         // `default: true` or the name "*"
    std::vector<RouteConfig> routes;
    const gorgon_config* node = nullptr;
};

struct ServerConfig {
    std::vector<RouteConfig> routes;
    bool routes_present = false;  // `routes:` given: with virtual hosts, it is the default set
    std::vector<VirtualHostConfig> virtual_hosts;
    bool access_log = false;
    std::string access_log_file;
    LogFormat access_log_format = LogFormat::Combined;
    Limits limits;
    std::uint64_t header_timeout_ms = 10'000;
    std::uint64_t body_timeout_ms = 30'000;
    std::uint64_t keepalive_timeout_ms = 75'000;  // 0: no keep-alive
    std::uint64_t send_timeout_ms = 60'000;
    std::uint64_t max_connections = 10'000;
    std::uint64_t max_keepalive_requests = 1000;
    std::string server_header = "Gorgon";
    HstsConfig hsts;         // sent over TLS only
    std::string hsts_value;  // the field value, made once
};

// Throws gorgon::ConfigError, reported at the offending node, on an unknown key or a bad value.
// The nodes kept in RouteConfig stay valid until the server closes (gorgon_protocol).
[[nodiscard]] ServerConfig parseServerConfig(Host host, const Config& config);

}  // namespace gorgon::http
