// Pure text helpers for the chat plugin: no host calls, so they are unit-tested directly.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gorgon::chat {

inline constexpr std::size_t kMaxNameLength = 32;

// Nicks and room names: 1-32 of [A-Za-z0-9_.-]. ASCII only, so that case folding is exact and
// no name can hide a terminal escape or look like another.
[[nodiscard]] bool isValidName(std::string_view name) noexcept;

// The key under which a name is unique: "Alice" and "alice" are the same nick.
[[nodiscard]] std::string foldCase(std::string_view name);

[[nodiscard]] bool equalsIgnoreCase(std::string_view a, std::string_view b) noexcept;

// Strips spaces and tabs at both ends.
[[nodiscard]] std::string_view trim(std::string_view s) noexcept;

// Replaces control bytes (< 0x20 except tab, and 0x7f) with '?', so that nothing a user types
// can move another user's cursor, clear their screen or forge a line ending. Bytes >= 0x80 are
// left alone: UTF-8 is passed through unvalidated.
[[nodiscard]] std::string sanitize(std::string_view line);

// "/join  lobby " -> {"join", "lobby"}. The name is what follows '/' up to the first space or
// tab; args are the rest, trimmed. `line` must start with '/'.
struct Command {
    std::string_view name;
    std::string_view args;
};
[[nodiscard]] Command splitCommand(std::string_view line) noexcept;

}  // namespace gorgon::chat
