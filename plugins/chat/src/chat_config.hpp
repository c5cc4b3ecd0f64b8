// A chat server's settings, read from its `config:` subtree.
#pragma once

#include <gorgon/plugin.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace gorgon::chat {

struct ChatConfig {
    std::uint64_t max_users = 1000;
    std::size_t max_line = 1024;
    std::size_t output_limit = std::size_t{256} * 1024;
    std::uint64_t idle_timeout_ms = std::uint64_t{60} * 60 * 1000;  // 0 disables it
    std::uint64_t write_timeout_ms = std::uint64_t{30} * 1000;
    std::string motd;
};

// Throws gorgon::ConfigError (reported at the offending node) on an unknown key or a bad value.
[[nodiscard]] ChatConfig parseChatConfig(Host host, const Config& config);

}  // namespace gorgon::chat
