// A route's `config:` for http-put, read and checked once when the route opens.
#pragma once

#include <gorgon/plugin.hpp>

#include <cstdint>
#include <string>

namespace gorgon::httpput {

struct PutConfig {
    std::string root;               // required: a writable route never guesses where it writes
    std::string prefix = "/";       // the URL path this route owns
    std::string filesystem = "os";  // the provider "filesystem:KIND"
    std::uint64_t max_size = std::uint64_t{64} << 20;
    std::uint32_t mode = 0644;            // of new files (before the umask)
    std::uint32_t directory_mode = 0755;  // of directories create_directories makes
    bool fsync = true;
    bool create_directories = false;
};

// Throws ConfigError at the offending node.
PutConfig parsePutConfig(const Config& config);

}  // namespace gorgon::httpput
