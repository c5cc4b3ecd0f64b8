// The hand-off blob: what one generation of the chat plugin tells the next about its users on a
// hot reload. Pure code (no host calls), so it is unit-tested directly.
//
// Text in the SDK's hand-off format (<gorgon/handoff.hpp>), one record per line, every string
// length-prefixed so any byte is safe in it:
//
//   gorgon-chat-handoff 1 <count>\n
//   <conn-id> <P|C> <discarding 0|1> <len>:<server> <len>:<nick> <len>:<room>\n   (x count)
//   end <number of bytes before this line>\n
//
// P = still being asked for a nickname (nick and room empty), C = chatting. `discarding` is set
// while the rest of an over-long line is being thrown away.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gorgon::chat {

inline constexpr std::uint64_t kHandoffVersion = 1;

enum class HandoffState : char { Prompting = 'P', Chatting = 'C' };

struct HandoffEntry {
    std::string server;
    std::uint64_t conn = 0;
    HandoffState state = HandoffState::Prompting;
    bool discarding = false;
    std::string nick;
    std::string room;

    friend bool operator==(const HandoffEntry&, const HandoffEntry&) = default;
};

[[nodiscard]] std::string encodeHandoff(const std::vector<HandoffEntry>& entries);

// Parses and checks a blob: the version, the record count, every length, that each record makes
// sense (valid nick and room when chatting, none when prompting), that no connection appears
// twice and that no nick is used twice on one server. Returns false with `error` set on any
// problem; `out` is then unspecified.
[[nodiscard]] bool decodeHandoff(std::string_view blob, std::vector<HandoffEntry>& out,
                                 std::string& error);

}  // namespace gorgon::chat
