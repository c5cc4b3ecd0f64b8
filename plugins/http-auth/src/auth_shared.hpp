// What all http-auth routes of one plugin generation share, built from the plugin's own
// `config:` (plugins.load.http-auth): the failure table per client address, the open password
// files (two routes naming one file share its table and its cache), and the count of checks
// waiting on the work pool.
#pragma once

#include "auth_failures.hpp"
#include "auth_file.hpp"

#include <gorgon/plugin.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace gorgon::httpauth {

struct Policy {
    std::int64_t failure_delay_ms = 1000;  // a wrong password is answered this much later
    std::int64_t max_checks = 64;          // password checks queued or running at once
    std::size_t cache_entries = 1024;
    std::int64_t cache_ttl_ms = 60000;
};

class AuthShared {
  public:
    AuthShared(Host host, Config config);
    AuthShared(const AuthShared&) = delete;
    AuthShared& operator=(const AuthShared&) = delete;

    // The file at `path`, read now (shared with the routes that already use it); throws
    // std::runtime_error if it cannot be used.
    std::shared_ptr<PasswordFile> file(const std::string& path);

    [[nodiscard]] const Host& host() const noexcept { return host_; }
    [[nodiscard]] const Policy& policy() const noexcept { return policy_; }
    [[nodiscard]] FailureTable& failures() noexcept { return failures_; }
    [[nodiscard]] std::int64_t now() const noexcept { return host_.api()->now_ms(host_.self()); }
    std::int64_t pending = 0;  // checks submitted to the work pool and not yet completed

  private:
    static FailureTable makeFailures(Host host, const Config& config);

    Host host_;
    Policy policy_;
    FailureTable failures_;
    std::map<std::string, std::weak_ptr<PasswordFile>> files_;
};

}  // namespace gorgon::httpauth
