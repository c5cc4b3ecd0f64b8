// The hand-off blob: the idle keep-alive connections one generation of the http plugin gives
// the next on a hot reload. Pure code (no host calls), unit-tested directly.
//
// Text in the SDK's hand-off format (<gorgon/handoff.hpp>), one record per line, the server
// name length-prefixed so any byte is safe in it:
//
//   gorgon-http-handoff 1 <count>\n
//   <conn-id> <requests served> <ms the next head started, or 0> <fresh 0|1> <len>:<server>\n
//   end <number of bytes before this line>\n
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gorgon::http {

inline constexpr std::uint64_t kHandoffVersion = 1;

struct HandoffEntry {
    std::uint64_t conn = 0;
    std::uint64_t requests = 0;         // served on the connection so far
    std::uint64_t head_started_ms = 0;  // when the first byte of a partial head arrived
    bool fresh = false;                 // no request yet (header timeout, not keep-alive)
    std::string server;

    friend bool operator==(const HandoffEntry&, const HandoffEntry&) = default;
};

[[nodiscard]] std::string encodeHandoff(const std::vector<HandoffEntry>& entries);

// Parses and checks a whole blob. Returns false with `error` set on any problem (`out` is then
// unspecified); a blob from an incompatible version is refused whole.
[[nodiscard]] bool decodeHandoff(std::string_view blob, std::vector<HandoffEntry>& out,
                                 std::string& error);

}  // namespace gorgon::http
