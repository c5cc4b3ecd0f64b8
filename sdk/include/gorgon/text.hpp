// gorgon/text.hpp — header-only ASCII text helpers for protocol tokens (header names and
// values, scheme and command names), which compare case-insensitively in ASCII only, never
// by locale.
//
// Nothing here crosses the ABI; it is compiled into each plugin that includes it.
#ifndef GORGON_TEXT_HPP
#define GORGON_TEXT_HPP

#include <cstddef>
#include <string_view>

namespace gorgon::text {

// `c` with A-Z mapped to a-z; every other byte as it is.
[[nodiscard]] constexpr char lowerAscii(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Equal when A-Z and a-z are taken as the same; other bytes must match exactly.
[[nodiscard]] constexpr bool equalsIgnoreCase(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lowerAscii(a[i]) != lowerAscii(b[i])) return false;
    }
    return true;
}

}  // namespace gorgon::text

#endif  // GORGON_TEXT_HPP
