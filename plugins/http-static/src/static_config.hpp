// A static route's settings, read and validated from its `config:` map (see README.md for
// every key). Errors throw gorgon::ConfigError at the offending node, which route_open turns
// into a located message with the host's config_where.
#pragma once

#include <gorgon/plugin.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gorgon::httpstatic {

struct RouteConfig {
    std::string root;
    const gorgon_config* root_node = nullptr;  // to locate open_root's complaint
    // The provider's kind: the root is opened through the service "filesystem:" + kind.
    std::string filesystem = "os";
    const gorgon_config* filesystem_node = nullptr;  // null: the default
    std::string prefix = "/";
    std::vector<std::string> index = {"index.html"};
    bool listing = false;
    bool gzip = true;
    int gzip_level = 6;
    std::uint64_t gzip_min_length = 256;
    std::vector<std::string> gzip_types = {"text/*", "application/javascript", "application/json",
                                           "application/xml", "image/svg+xml"};
    bool precompressed = true;
    std::string mime_types = "/etc/mime.types";
    bool mime_types_given = false;  // a named file must exist; the default may be missing
    const gorgon_config* mime_types_node = nullptr;
    std::string default_type = "application/octet-stream";
    std::size_t max_listing_entries = 10000;
    std::string cache_control;  // empty: no Cache-Control
};

// What the map configures: a route (`root` required), or the options of "http-static:serve"
// (root, prefix and filesystem refused; a missing map gives the defaults).
enum class ConfigUse { route, serve };

[[nodiscard]] RouteConfig parseRouteConfig(const Config& config, ConfigUse use = ConfigUse::route);

// Whether `kind` may name a filesystem provider: lower-case letters, digits, '-', '_', '.'.
[[nodiscard]] bool isFilesystemKind(std::string_view kind) noexcept;

}  // namespace gorgon::httpstatic
