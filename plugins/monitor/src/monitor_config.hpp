// A monitor server's settings, read from its `config:` subtree (plugins/monitor/README.md).
#pragma once

#include "monitor_acl.hpp"
#include "monitor_lockout.hpp"

#include <gorgon/plugin.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace gorgon::monitor {

struct MonitorConfig {
    // Unix-socket callers. Without an `access` list the defaults apply: root and the user gorgon
    // runs as, evaluated when each caller connects (so after a privilege drop it is that user).
    std::optional<Acl> access;
    std::map<std::uint32_t, std::string> user_names;  // uid -> name, for audit lines

    // TCP logins. Empty secret_file: TCP connections are refused.
    std::string secret_file;
    std::string secret;  // wiped when the server closes
    PermissionSet secret_permissions = kPermAll;
    // Refuse TCP connections that are not TLS (the server's `tls:` block) with 534.
    bool require_tls = false;

    std::uint32_t max_clients = 16;
    std::size_t max_line = 4096;
    std::size_t max_args = 32;
    std::uint64_t idle_timeout_ms = std::uint64_t{5} * 60 * 1000;
    std::uint64_t login_timeout_ms = std::uint64_t{10} * 1000;
    std::uint64_t write_timeout_ms = std::uint64_t{30} * 1000;
    std::size_t output_limit = std::size_t{4} * 1024 * 1024;
    LockoutPolicy lockout;
};

// Throws gorgon::ConfigError (reported at the offending node) on an unknown key, a bad value,
// an unknown user or group, or a secret file that is missing, too open or not ours.
[[nodiscard]] MonitorConfig parseMonitorConfig(Host host, const Config& config);

}  // namespace gorgon::monitor
