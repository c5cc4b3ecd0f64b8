#include "http_config.hpp"

#include "http_vhost.hpp"

#include <algorithm>

namespace gorgon::http {

namespace {

constexpr const char* kServerKeys[] = {
    "routes",          "virtual_hosts",          "access_log",    "limits", "timeouts",
    "max_connections", "max_keepalive_requests", "server_header", "hsts",   nullptr};
constexpr const char* kHstsKeys[] = {"max_age", "include_subdomains", "preload", nullptr};
constexpr const char* kRouteKeys[] = {"extension", "config", nullptr};
constexpr const char* kVirtualHostKeys[] = {"names", "default", "routes", nullptr};
constexpr const char* kLogKeys[] = {"file", "format", nullptr};
constexpr const char* kLimitKeys[] = {"request_line", "header_size", "header_count", "body_size",
                                      nullptr};
constexpr const char* kTimeoutKeys[] = {"header", "body", "keepalive", "send", nullptr};

void expectMap(const Config& c, const char* what) {
    if (c.present() && c.type() != GORGON_CONFIG_MAP) c.fail(std::string("expected ") + what);
}

std::uint64_t sizeIn(const Config& c, std::uint64_t fallback, std::uint64_t min,
                     std::uint64_t max) {
    const std::uint64_t v = c.sizeBytes(fallback);
    if (v < min || v > max) {
        c.fail("must be between " + std::to_string(min) + " and " + std::to_string(max) + " bytes");
    }
    return v;
}

std::uint64_t durationIn(const Config& c, std::uint64_t fallback, std::uint64_t min) {
    const std::uint64_t v = c.durationMs(fallback);
    if (v < min) c.fail(min == 1 ? "must be greater than zero" : "too short");
    if (v > std::uint64_t{24} * 3600 * 1000) c.fail("must be at most 24h");
    return v;
}

bool validExtensionName(std::string_view name) {
    if (name.empty() || name.size() > 63) return false;
    return std::ranges::all_of(name, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_' || c == '.';
    });
}

void parseRoutes(Host host, const Config& routes, std::vector<RouteConfig>& out) {
    if (!routes.present()) return;
    if (routes.type() != GORGON_CONFIG_SEQUENCE) {
        routes.fail("expected a list of routes ({extension: NAME, config: {...}})");
    }
    for (std::size_t i = 0; i < routes.size(); ++i) {
        const Config route = routes.at(i);
        if (route.type() != GORGON_CONFIG_MAP)
            route.fail("expected {extension: NAME, config: MAP}");
        route.allowKeys(host, kRouteKeys);
        const Config ext = route["extension"];
        if (!ext.present()) route.fail("missing key: extension");
        RouteConfig rc;
        rc.extension = ext.string();
        if (!validExtensionName(rc.extension)) {
            ext.fail("expected an extension name (letters, digits, '-', '_', '.')");
        }
        const Config cfg = route["config"];
        if (cfg.present() && cfg.type() != GORGON_CONFIG_MAP) cfg.fail("expected a map");
        rc.node = route.node();
        rc.config = cfg.present() ? cfg.node() : nullptr;
        out.push_back(std::move(rc));
    }
}

std::string where(Host host, const gorgon_config* node) {
    char buf[512] = {};
    host.api()->config_where(node, buf, sizeof buf);
    return buf;
}

// Every name of every virtual host once, over all of them; at most one default set.
void parseVirtualHosts(Host host, const Config& list, ServerConfig& out) {
    if (!list.present()) return;
    if (list.type() != GORGON_CONFIG_SEQUENCE) {
        list.fail("expected a list of {names: [NAME, ...], routes: [...]}");
    }
    VirtualHostTable seen;                    // name -> index into `nodes`
    std::vector<const gorgon_config*> nodes;  // where each name was first given
    const gorgon_config* default_node = nullptr;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const Config entry = list.at(i);
        if (entry.type() != GORGON_CONFIG_MAP) {
            entry.fail("expected {names: [NAME, ...], default: BOOL, routes: [...]}");
        }
        entry.allowKeys(host, kVirtualHostKeys);
        VirtualHostConfig vh;
        vh.node = entry.node();
        vh.is_default = entry["default"].boolean(false);
        const Config names = entry["names"];
        if (names.present() && names.type() != GORGON_CONFIG_SEQUENCE) {
            names.fail("expected a list of host names");
        }
        for (std::size_t k = 0; k < names.size(); ++k) {
            const Config n = names.at(k);
            const std::string text = n.string();
            if (text == "*") {
                vh.is_default = true;
                continue;
            }
            std::optional<std::string> name = canonicalHostName(text);
            if (!name) {
                n.fail("not a host name: \"" + text +
                       "\" (expected a DNS name, *.NAME, an IPv4 address or [IPv6], without "
                       "a port)");
            }
            const std::size_t first = seen.add(*name, nodes.size());
            if (first != VirtualHostTable::kNone) {
                n.fail("duplicate virtual host name " + *name + " (first at " +
                       where(host, nodes[first]) + ")");
            }
            nodes.push_back(n.node());
            vh.names.push_back(std::move(*name));
        }
        if (vh.names.empty() && !vh.is_default) {
            entry.fail("a virtual host needs names: [NAME, ...] or default: true");
        }
        if (vh.is_default) {
            if (out.routes_present) {
                entry.fail(
                    "a default virtual host and the top-level routes: both (the top-level "
                    "routes are the default set; keep one of the two)");
            }
            if (default_node != nullptr) {
                entry.fail("a second default virtual host (the first is at " +
                           where(host, default_node) + ")");
            }
            default_node = entry.node();
        }
        parseRoutes(host, entry["routes"], vh.routes);
        out.virtual_hosts.push_back(std::move(vh));
    }
}

void parseAccessLog(Host host, const Config& log, ServerConfig& out) {
    if (!log.present()) return;
    expectMap(log, "{file: PATH, format: combined|vhost_combined|json}");
    log.allowKeys(host, kLogKeys);
    const Config file = log["file"];
    if (!file.present()) log.fail("missing key: file");
    out.access_log_file = file.string();
    if (out.access_log_file.empty()) file.fail("must not be empty");
    const Config format = log["format"];
    const std::string f = format.string("combined");
    if (f == "combined") {
        out.access_log_format = LogFormat::Combined;
    } else if (f == "vhost_combined") {
        out.access_log_format = LogFormat::VhostCombined;
    } else if (f == "json") {
        out.access_log_format = LogFormat::Json;
    } else {
        format.fail("expected combined, vhost_combined or json");
    }
    out.access_log = true;
}

void parseLimits(Host host, const Config& limits, ServerConfig& out) {
    if (!limits.present()) return;
    expectMap(limits, "a map of limits");
    limits.allowKeys(host, kLimitKeys);
    Limits& l = out.limits;
    constexpr std::uint64_t kMiB = std::uint64_t{1024} * 1024;
    l.request_line =
        static_cast<std::size_t>(sizeIn(limits["request_line"], l.request_line, 64, kMiB));
    l.header_size =
        static_cast<std::size_t>(sizeIn(limits["header_size"], l.header_size, 256, 4 * kMiB));
    l.header_count = static_cast<std::size_t>(
        limits["header_count"].integer(static_cast<std::int64_t>(l.header_count), 1, 10'000));
    l.body_size = sizeIn(limits["body_size"], l.body_size, 0, std::uint64_t{1} << 50);
}

void parseTimeouts(Host host, const Config& t, ServerConfig& out) {
    if (!t.present()) return;
    expectMap(t, "a map of timeouts");
    t.allowKeys(host, kTimeoutKeys);
    out.header_timeout_ms = durationIn(t["header"], out.header_timeout_ms, 1);
    out.body_timeout_ms = durationIn(t["body"], out.body_timeout_ms, 1);
    out.keepalive_timeout_ms = durationIn(t["keepalive"], out.keepalive_timeout_ms, 0);
    out.send_timeout_ms = durationIn(t["send"], out.send_timeout_ms, 1);
}

void parseHsts(Host host, const Config& hsts, ServerConfig& out) {
    if (!hsts.present()) return;
    expectMap(hsts, "{max_age: 1y, include_subdomains: true, preload: false}");
    hsts.allowKeys(host, kHstsKeys);
    HstsConfig& h = out.hsts;
    const Config max_age = hsts["max_age"];
    if (!max_age.present()) hsts.fail("missing key: max_age (for example 1y, 180d or 31536000)");
    auto seconds = parseHstsMaxAge(max_age.string());
    if (!seconds) max_age.fail("expected seconds, or a number with s, m, h, d, w or y (365 days)");
    h.max_age_s = *seconds;
    h.include_subdomains = hsts["include_subdomains"].boolean(false);
    h.preload = hsts["preload"].boolean(false);
    // The preload list takes only sites that cover their subdomains for at least a year
    // (hstspreload.org); asking for it otherwise is a mistake worth catching here.
    if (h.preload && (!h.include_subdomains || h.max_age_s < 365 * 86'400)) {
        hsts["preload"].fail("preload needs include_subdomains: true and max_age of at least 1y");
    }
    h.enabled = true;
    out.hsts_value = hstsValue(h);
}

}  // namespace

ServerConfig parseServerConfig(Host host, const Config& config) {
    ServerConfig out;
    if (!config.present()) return out;
    if (config.type() != GORGON_CONFIG_MAP) config.fail("expected a map of http settings");
    config.allowKeys(host, kServerKeys);
    const Config routes = config["routes"];
    out.routes_present = routes.present();
    parseRoutes(host, routes, out.routes);
    parseVirtualHosts(host, config["virtual_hosts"], out);
    parseAccessLog(host, config["access_log"], out);
    parseLimits(host, config["limits"], out);
    parseTimeouts(host, config["timeouts"], out);
    parseHsts(host, config["hsts"], out);
    out.max_connections = static_cast<std::uint64_t>(config["max_connections"].integer(
        static_cast<std::int64_t>(out.max_connections), 1, 10'000'000));
    out.max_keepalive_requests =
        static_cast<std::uint64_t>(config["max_keepalive_requests"].integer(
            static_cast<std::int64_t>(out.max_keepalive_requests), 1, 1'000'000'000));
    const Config server = config["server_header"];
    if (server.present() || server.type() == GORGON_CONFIG_NULL) {
        out.server_header = server.present() ? server.string() : std::string();
        if (out.server_header.size() > 256) server.fail("at most 256 characters");
        for (char c : out.server_header) {
            if (c < 0x20 || c > 0x7e) server.fail("only printable ASCII is allowed");
        }
    }
    return out;
}

}  // namespace gorgon::http
