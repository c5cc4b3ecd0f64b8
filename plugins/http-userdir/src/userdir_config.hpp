// A userdir route's settings, read from its `config:` map (README.md lists every key).
#pragma once

#include <gorgon/plugin.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gorgon::userdir {

struct UserdirConfig {
    std::string filesystem = "os";          // the provider: "filesystem:" + this
    std::string directory = "public_html";  // below the home directory
    std::uint64_t min_uid = 1000;           // system accounts below it are never served
    std::vector<std::string> users;         // non-empty: only these
    std::vector<std::string> exclude;       // never these (root is never served either way)
    bool owner_check = true;                // the directory must belong to the user
    std::uint64_t cache_ttl_ms = 60'000;
    std::size_t cache_size = 256;
    std::size_t max_lookups = 64;  // user lookups on the work pool at once
};

// Throws ConfigError at the offending node. `static` is read by http-static itself.
[[nodiscard]] UserdirConfig parseUserdirConfig(Host host, const Config& config);

// Whether the user `name` may be served at all, before any lookup: not root, in `users` when
// that is given, not in `exclude`.
[[nodiscard]] bool nameAllowed(const UserdirConfig& config, std::string_view name) noexcept;

}  // namespace gorgon::userdir
