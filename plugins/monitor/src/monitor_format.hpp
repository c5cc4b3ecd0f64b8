// Human and JSON bodies for the read-only commands, from copies of what the host reported.
// Pure code: unit-tested directly. The shapes are documented in docs/monitor-protocol.md.
#pragma once

#include <gorgon/status.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace gorgon::monitor {

[[nodiscard]] std::string formatStatus(const status::Process& host,
                                       const std::vector<status::Server>& servers, bool json);
[[nodiscard]] std::string formatPlugins(const std::vector<status::Generation>& generations,
                                        bool json);
[[nodiscard]] std::string formatConnections(const std::vector<status::Connection>& connections,
                                            std::uint64_t total, std::int64_t now_ms, bool json);
[[nodiscard]] std::string formatStats(const std::vector<status::Stat>& stats, bool json);

// "a, b" -> ["a", "b"] (the host joins a server's addresses with ", ").
[[nodiscard]] std::vector<std::string> splitList(const std::string& joined);

}  // namespace gorgon::monitor
