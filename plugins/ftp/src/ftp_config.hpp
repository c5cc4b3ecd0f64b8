// An FTP server's settings, read from its `config:` subtree (plugins/ftp/README.md describes
// every key). Errors throw gorgon::ConfigError at the offending node.
#pragma once

#include <gorgon/plugin.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gorgon::ftp {

struct AnonymousConfig {
    bool enabled = false;
    std::string root;
    std::string upload_dir;  // virtual path ("/incoming"); empty: read-only
    std::string user;        // system account whose persona anonymous sessions use (as root)
    bool user_given = false;
};

struct VirtualConfig {
    bool enabled = false;
    std::string file;  // the password file
    std::string root;  // default root for users whose line names none
    bool write = false;
    std::string user;  // system account whose persona virtual sessions use (as root)
    bool user_given = false;
};

struct RealConfig {
    bool enabled = false;
    std::string root;  // empty: each user's home directory
    bool write = true;
    bool allow_root = false;  // uid 0 may log in
    std::vector<std::string> deny;
};

// RFC 4217 policy (the `tls:` key of the ftp settings; the certificates are the server's own
// `tls:` block, which the host reads).
struct TlsPolicy {
    bool require_login = false;     // USER and PASS only after AUTH TLS (530)
    bool require_data = false;      // transfers only with PROT P (PROT C 534, transfers 521)
    bool anonymous_exempt = false;  // anonymous sessions may do without either
};

struct FtpConfig {
    std::string banner = "Gorgon FTP server ready.";
    // The kind of filesystem provider every root of this server is opened through (the service
    // "filesystem:" + kind): "os" (fs-os), "union" (fs-union), or a third party's.
    std::string filesystem = "os";
    AnonymousConfig anonymous;
    VirtualConfig virtual_users;
    RealConfig real_users;

    std::uint16_t passive_min = 0;  // 0, 0: any port the kernel gives
    std::uint16_t passive_max = 0;
    std::string passive_address;  // announced in 227 (NAT); empty: the control's local address
    bool passive = true;
    bool active = true;

    std::uint64_t login_timeout_ms = 60'000;
    std::uint64_t idle_timeout_ms = 300'000;
    std::uint64_t data_timeout_ms = 300'000;
    std::uint64_t connect_timeout_ms = 60'000;
    std::uint64_t write_timeout_ms = 60'000;

    std::uint64_t max_sessions = 1000;
    std::uint64_t max_sessions_per_address = 50;
    std::uint32_t max_login_attempts = 3;  // per session, then it is closed
    std::uint32_t max_bad_commands = 20;   // unusable lines in a row, then 421 and closed; 0: off
    std::uint64_t login_failure_delay_ms = 1000;
    std::uint32_t lockout_failures = 10;  // per address in lockout_window, then locked out
    std::uint64_t lockout_window_ms = 600'000;
    std::uint64_t lockout_ms = 900'000;

    std::size_t max_list_entries = 100'000;
    std::string xferlog;  // empty: no transfer log
    std::uint32_t file_mode = 0644;
    std::uint32_t dir_mode = 0755;
    TlsPolicy tls;
};

[[nodiscard]] FtpConfig parseFtpConfig(Host host, const Config& config);

// Whether `kind` may name a filesystem provider: lower-case letters, digits, '-', '_', '.'.
[[nodiscard]] bool isFilesystemKind(std::string_view kind) noexcept;

}  // namespace gorgon::ftp
