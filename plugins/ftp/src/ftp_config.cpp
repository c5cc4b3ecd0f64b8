#include "ftp_config.hpp"

#include "ftp_address.hpp"
#include "ftp_path.hpp"
#include "ftp_users.hpp"

#include <algorithm>

#include <sys/socket.h>

namespace gorgon::ftp {

namespace {

constexpr const char* kKeys[] = {"banner",
                                 "filesystem",
                                 "anonymous",
                                 "virtual_users",
                                 "real_users",
                                 "passive",
                                 "active",
                                 "timeouts",
                                 "max_sessions",
                                 "max_sessions_per_address",
                                 "max_login_attempts",
                                 "max_bad_commands",
                                 "login_failure_delay",
                                 "lockout",
                                 "max_list_entries",
                                 "xferlog",
                                 "file_mode",
                                 "dir_mode",
                                 "tls",
                                 nullptr};
constexpr const char* kAnonymousKeys[] = {"enabled", "root", "upload_dir", "user", nullptr};
constexpr const char* kVirtualKeys[] = {"file", "root", "write", "user", nullptr};
constexpr const char* kRealKeys[] = {"enabled", "root", "write", "allow_root", "deny", nullptr};
constexpr const char* kPassiveKeys[] = {"enabled", "ports", "address", nullptr};
constexpr const char* kTimeoutKeys[] = {"login", "idle", "data", "connect", "write", nullptr};
constexpr const char* kTlsKeys[] = {"require_login", "require_data", "anonymous_exempt", nullptr};
constexpr const char* kLockoutKeys[] = {"failures", "window", "duration", nullptr};

bool printable(const std::string& s) {
    return std::none_of(s.begin(), s.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7F;
    });
}

void requireMap(const Config& node, const char* what) {
    if (node.type() != GORGON_CONFIG_MAP) node.fail(std::string("expected a map of ") + what);
}

std::string path(const Config& node) {
    std::string s = node.string();
    if (s.empty() || !printable(s)) node.fail("expected a path");
    return s;
}

std::uint32_t mode(const Config& node, std::uint32_t fallback) {
    if (!node.present()) return fallback;
    // Written as an octal string ("0644") or an integer YAML already read as octal (0o644):
    // "0o" only as a prefix, so "o" or "7o7" is not a mode.
    const std::string s = node.string();
    std::string_view digits = s;
    if (digits.starts_with("0o")) digits.remove_prefix(2);
    std::uint32_t v = 0;
    if (digits.empty() || s.size() > 5) node.fail("expected an octal mode such as 0644");
    for (char c : digits) {
        if (c < '0' || c > '7') node.fail("expected an octal mode such as 0644");
        v = v * 8 + static_cast<std::uint32_t>(c - '0');
    }
    if (v > 0777) node.fail("a mode is at most 0777");
    return v;
}

void parseAnonymous(Host host, const Config& node, AnonymousConfig& out) {
    requireMap(node, "anonymous settings");
    node.allowKeys(host, kAnonymousKeys);
    out.enabled = node["enabled"].boolean(true);
    const Config root = node["root"];
    if (out.enabled && !root.present()) node.fail("`root` is required: the directory to serve");
    if (root.present()) out.root = path(root);
    if (const Config up = node["upload_dir"]; up.present()) {
        auto p = resolvePath("/", path(up));
        if (!p || *p == "/") up.fail("expected a directory below the root, such as incoming");
        out.upload_dir = *p;
    }
    if (const Config user = node["user"]; user.present()) {
        out.user = user.string();
        out.user_given = true;
        if (!validUserName(out.user)) user.fail("expected a system user name");
    } else {
        out.user = "nobody";
    }
}

void parseVirtual(Host host, const Config& node, VirtualConfig& out) {
    requireMap(node, "virtual user settings");
    node.allowKeys(host, kVirtualKeys);
    const Config file = node["file"];
    if (!file.present()) node.fail("`file` is required: the password file");
    out.file = path(file);
    out.enabled = true;
    if (const Config root = node["root"]; root.present()) out.root = path(root);
    out.write = node["write"].boolean(false);
    if (const Config user = node["user"]; user.present()) {
        out.user = user.string();
        out.user_given = true;
        if (!validUserName(out.user)) user.fail("expected a system user name");
    } else {
        out.user = "nobody";
    }
}

void parseReal(Host host, const Config& node, RealConfig& out) {
    requireMap(node, "real user settings");
    node.allowKeys(host, kRealKeys);
    out.enabled = node["enabled"].boolean(true);
    if (const Config root = node["root"]; root.present()) out.root = path(root);
    out.write = node["write"].boolean(true);
    out.allow_root = node["allow_root"].boolean(false);
    if (const Config deny = node["deny"]; deny.present()) {
        if (deny.type() != GORGON_CONFIG_SEQUENCE) deny.fail("expected a list of user names");
        for (std::size_t i = 0; i < deny.size(); ++i) out.deny.push_back(deny.at(i).string());
    }
}

void parsePassive(Host host, const Config& node, FtpConfig& out) {
    requireMap(node, "passive-mode settings");
    node.allowKeys(host, kPassiveKeys);
    out.passive = node["enabled"].boolean(true);
    if (const Config ports = node["ports"]; ports.present()) {
        // "50000-50100"
        const std::string s = ports.string();
        const std::size_t dash = s.find('-');
        auto number = [&](std::string_view v) -> std::uint16_t {
            if (v.empty() || v.size() > 5 ||
                !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
                ports.fail("expected a port range such as 50000-50100");
            }
            unsigned long n = std::stoul(std::string(v));
            if (n < 1024 || n > 65535) ports.fail("passive ports are between 1024 and 65535");
            return static_cast<std::uint16_t>(n);
        };
        if (dash == std::string::npos) ports.fail("expected a port range such as 50000-50100");
        out.passive_min = number(std::string_view(s).substr(0, dash));
        out.passive_max = number(std::string_view(s).substr(dash + 1));
        if (out.passive_min > out.passive_max) ports.fail("the range is empty (min > max)");
    }
    if (const Config addr = node["address"]; addr.present()) {
        out.passive_address = addr.string();
        if (addressFamily(out.passive_address) != AF_INET) {
            addr.fail("expected an IPv4 address (the one PASV announces), such as 203.0.113.7");
        }
    }
}

void parseTimeouts(Host host, const Config& node, FtpConfig& out) {
    requireMap(node, "timeouts");
    node.allowKeys(host, kTimeoutKeys);
    out.login_timeout_ms = node["login"].durationMs(out.login_timeout_ms);
    out.idle_timeout_ms = node["idle"].durationMs(out.idle_timeout_ms);
    out.data_timeout_ms = node["data"].durationMs(out.data_timeout_ms);
    out.connect_timeout_ms = node["connect"].durationMs(out.connect_timeout_ms);
    out.write_timeout_ms = node["write"].durationMs(out.write_timeout_ms);
    // Without these a client could hold a session, a data port or a write slot for ever.
    const char* required[] = {"data", "connect", "write"};
    for (const char* key : required) {
        const Config t = node[key];
        if (t.present() && t.durationMs(1) == 0) t.fail("must be greater than zero");
    }
}

void parseLockout(Host host, const Config& node, FtpConfig& out) {
    requireMap(node, "lockout settings");
    node.allowKeys(host, kLockoutKeys);
    out.lockout_failures =
        static_cast<std::uint32_t>(node["failures"].integer(out.lockout_failures, 0, 1000));
    out.lockout_window_ms = node["window"].durationMs(out.lockout_window_ms);
    out.lockout_ms = node["duration"].durationMs(out.lockout_ms);
}

void parseTls(Host host, const Config& node, TlsPolicy& out) {
    requireMap(node, "TLS policy settings");
    node.allowKeys(host, kTlsKeys);
    out.require_login = node["require_login"].boolean(false);
    out.require_data = node["require_data"].boolean(false);
    out.anonymous_exempt = node["anonymous_exempt"].boolean(false);
}

}  // namespace

bool isFilesystemKind(std::string_view kind) noexcept {
    // A service name's tail: short, and nothing that could be read as another name.
    return !kind.empty() && kind.size() <= 64 && std::all_of(kind.begin(), kind.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    });
}

FtpConfig parseFtpConfig(Host host, const Config& config) {
    FtpConfig out;
    if (!config.present()) config.fail("an FTP server needs settings: at least one kind of user");
    requireMap(config, "FTP settings");
    config.allowKeys(host, kKeys);

    if (const Config banner = config["banner"]; banner.present()) {
        out.banner = banner.string();
        if (out.banner.empty() || out.banner.size() > 200 || !printable(out.banner)) {
            banner.fail("expected one line of text (at most 200 characters)");
        }
    }
    if (const Config fs = config["filesystem"]; fs.present()) {
        out.filesystem = fs.string();
        if (!isFilesystemKind(out.filesystem)) {
            fs.fail(
                "expected a filesystem provider's kind such as os or union (the service "
                "filesystem:KIND)");
        }
    }
    if (const Config a = config["anonymous"]; a.present()) parseAnonymous(host, a, out.anonymous);
    if (out.filesystem != "os" && !out.anonymous.upload_dir.empty()) {
        // The upload directory is opened as a root of its own (so that nothing anonymous
        // writes can leave it), by appending it to the root's path: only fs-os roots are paths.
        config["anonymous"]["upload_dir"].fail(
            "upload_dir needs `filesystem: os`: it is opened as a root of its own below the "
            "anonymous root, which a " +
            out.filesystem + " root cannot be extended to");
    }
    if (const Config v = config["virtual_users"]; v.present()) {
        parseVirtual(host, v, out.virtual_users);
    }
    if (const Config r = config["real_users"]; r.present()) parseReal(host, r, out.real_users);
    if (!out.anonymous.enabled && !out.virtual_users.enabled && !out.real_users.enabled) {
        config.fail("nobody can log in: enable anonymous, virtual_users or real_users");
    }
    if (const Config p = config["passive"]; p.present()) parsePassive(host, p, out);
    out.active = config["active"].boolean(out.active);
    if (!out.passive && !out.active) config.fail("with neither passive nor active, no data flows");
    if (const Config t = config["timeouts"]; t.present()) parseTimeouts(host, t, out);

    out.max_sessions = static_cast<std::uint64_t>(
        config["max_sessions"].integer(static_cast<std::int64_t>(out.max_sessions), 1, 1'000'000));
    out.max_sessions_per_address =
        static_cast<std::uint64_t>(config["max_sessions_per_address"].integer(
            static_cast<std::int64_t>(out.max_sessions_per_address), 1, 1'000'000));
    out.max_login_attempts = static_cast<std::uint32_t>(
        config["max_login_attempts"].integer(out.max_login_attempts, 1, 100));
    out.max_bad_commands = static_cast<std::uint32_t>(
        config["max_bad_commands"].integer(out.max_bad_commands, 0, 1'000'000));
    out.login_failure_delay_ms =
        config["login_failure_delay"].durationMs(out.login_failure_delay_ms);
    if (out.login_failure_delay_ms > 60'000) {
        config["login_failure_delay"].fail("at most 1m (the session waits that long)");
    }
    if (const Config l = config["lockout"]; l.present()) parseLockout(host, l, out);
    out.max_list_entries = static_cast<std::size_t>(config["max_list_entries"].integer(
        static_cast<std::int64_t>(out.max_list_entries), 1, 10'000'000));
    if (const Config x = config["xferlog"]; x.present()) out.xferlog = path(x);
    out.file_mode = mode(config["file_mode"], out.file_mode);
    out.dir_mode = mode(config["dir_mode"], out.dir_mode);
    if (const Config t = config["tls"]; t.present()) parseTls(host, t, out.tls);
    return out;
}

}  // namespace gorgon::ftp
