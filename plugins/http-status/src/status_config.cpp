#include "status_config.hpp"

#include <string_view>

namespace gorgon::status {

namespace {

constexpr const char* kKeys[] = {"page", "metrics", "healthz", "refresh", "connections", nullptr};
constexpr std::size_t kMaxPath = 1024;

// A path the route answers at exactly, or "" when the key is `false` (disabled).
std::string path(Host host, const Config& c, std::string fallback) {
    if (!c.present()) return fallback;
    int flag = 0;
    if (c.type() == GORGON_CONFIG_SCALAR && host.api()->config_bool(c.node(), &flag) == GORGON_OK) {
        if (flag != 0) c.fail("expected a path such as /status, or false to disable it");
        return {};
    }
    std::string p = c.string();
    if (p.empty() || p.front() != '/') c.fail("must be a path starting with '/', or false");
    if (p.size() > kMaxPath) c.fail("longer than 1024 bytes");
    for (char ch : p) {
        const auto u = static_cast<unsigned char>(ch);
        // The route compares it with the request's decoded path, which holds no query and
        // never these bytes, so such a path could never match: refuse it rather than ignore.
        if (u <= 0x20 || u == 0x7f || ch == '?' || ch == '#') {
            c.fail("must be a plain path: no spaces, control bytes, '?' or '#'");
        }
    }
    return p;
}

}  // namespace

Settings parseSettings(Host host, Config config) {
    Settings s;
    if (!config.present()) return s;
    if (config.type() != GORGON_CONFIG_MAP) config.fail("expected a map");
    // Checked here rather than with config_check_keys: this runs inside the http plugin's
    // server_open, and the message (naming the key) must travel back through route_open's err.
    for (std::size_t i = 0; i < config.size(); ++i) {
        const std::string_view key = config.keyAt(i);
        bool known = false;
        for (const char* const* k = kKeys; *k != nullptr; ++k) known = known || key == *k;
        if (!known) {
            config.at(i).fail("unknown key `" + std::string(key) +
                              "` (known: page, metrics, healthz, refresh, connections)");
        }
    }
    s.page = path(host, config["page"], s.page);
    s.metrics = path(host, config["metrics"], s.metrics);
    s.healthz = path(host, config["healthz"], s.healthz);
    s.refresh_seconds = static_cast<std::uint32_t>(config["refresh"].integer(0, 0, 86'400));
    s.connections = static_cast<std::size_t>(config["connections"].integer(100, 0, 100'000));
    if (s.page.empty() && s.metrics.empty() && s.healthz.empty()) {
        config.fail("page, metrics and healthz are all disabled: the route would answer nothing");
    }
    const auto clash = [&](const std::string& a, const std::string& b, const char* key) {
        if (!a.empty() && a == b) config[key].fail("the same path as another of this route's");
    };
    clash(s.page, s.metrics, "metrics");
    clash(s.page, s.healthz, "healthz");
    clash(s.metrics, s.healthz, "healthz");
    return s;
}

}  // namespace gorgon::status
