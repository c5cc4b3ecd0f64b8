// http-auth: HTTP Basic authentication (RFC 7617) over a crypt(3) password file. A route
// `extension: auth` guards the routes after it: a request under its prefix with good
// credentials is passed on (declined) with its user set; any other is answered 401/400/403/429.
#include "auth_route.hpp"
#include "auth_shared.hpp"

#include <gorgon/http.hpp>

#include <stdexcept>

namespace gorgon::httpauth {

FailureTable AuthShared::makeFailures(Host host, const Config& config) {
    static const char* const keys[] = {"max_failures",  "failure_window", "lockout",
                                       "failure_delay", "max_addresses",  "max_checks",
                                       "cache_entries", "cache_ttl",      nullptr};
    if (config.present() && config.type() != GORGON_CONFIG_MAP) config.fail("expected a map");
    config.allowKeys(host, keys);
    return FailureTable(
        static_cast<std::uint32_t>(config["max_failures"].integer(5, 0, 1000000)),
        static_cast<std::int64_t>(config["failure_window"].durationMs(60000)),
        static_cast<std::int64_t>(config["lockout"].durationMs(60000)),
        static_cast<std::size_t>(config["max_addresses"].integer(10000, 1, 10000000)));
}

AuthShared::AuthShared(Host host, Config config)
    : host_(host), failures_(makeFailures(host, config)) {
    constexpr std::size_t kHostNeeded =
        offsetof(gorgon_host_api, work_submit) + sizeof(gorgon_host_api::work_submit);
    if (host.api()->struct_size < kHostNeeded) {
        throw std::runtime_error("http-auth needs a host with the work pool (ABI 1.3 or later)");
    }
    policy_.failure_delay_ms = static_cast<std::int64_t>(config["failure_delay"].durationMs(1000));
    if (policy_.failure_delay_ms > 60000) config["failure_delay"].fail("at most 60s");
    policy_.max_checks = config["max_checks"].integer(64, 1, 100000);
    policy_.cache_entries =
        static_cast<std::size_t>(config["cache_entries"].integer(1024, 0, 1000000));
    policy_.cache_ttl_ms = static_cast<std::int64_t>(config["cache_ttl"].durationMs(60000));
}

std::shared_ptr<PasswordFile> AuthShared::file(const std::string& path) {
    std::weak_ptr<PasswordFile>& slot = files_[path];
    if (std::shared_ptr<PasswordFile> open = slot.lock()) {
        open->recheck(now());
        return open;
    }
    auto fresh =
        std::make_shared<PasswordFile>(host_, path, policy_.cache_entries, policy_.cache_ttl_ms);
    slot = fresh;
    return fresh;
}

}  // namespace gorgon::httpauth

GORGON_HTTP_EXTENSION_SHARED(gorgon::httpauth::AuthShared, gorgon::httpauth::AuthRoute, "http-auth",
                             "auth", "1.0.0",
                             "HTTP Basic authentication over a crypt(3) password file", GORGON_NONE)
