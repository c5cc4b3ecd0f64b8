// Byte classes and ASCII helpers shared by the parser, the response writer and the logs. Tables
// are constexpr so they cost nothing at load time (no global constructors).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gorgon::http {

namespace detail {

constexpr std::array<bool, 256> makeTcharTable() {
    std::array<bool, 256> t{};
    for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = true;
    for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = true;
    for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = true;
    for (char c : std::string_view("!#$%&'*+-.^_`|~")) {
        t[static_cast<unsigned char>(c)] = true;
    }
    return t;
}

// Bytes allowed in a field value (RFC 9110 5.5): HTAB, SP, VCHAR and obs-text. NUL, CR, LF, the
// other controls and DEL are not.
constexpr std::array<bool, 256> makeFieldValueTable() {
    std::array<bool, 256> t{};
    t['\t'] = true;
    for (int c = 0x20; c < 0x7f; ++c) t[static_cast<std::size_t>(c)] = true;
    for (int c = 0x80; c < 0x100; ++c) t[static_cast<std::size_t>(c)] = true;
    return t;
}

// Bytes allowed in a request-target: VCHAR and obs-text (clients send raw UTF-8), never controls,
// SP, DEL or '#' (a fragment is never part of a request-target, RFC 9112 3.2).
constexpr std::array<bool, 256> makeTargetTable() {
    std::array<bool, 256> t{};
    for (int c = 0x21; c < 0x7f; ++c) t[static_cast<std::size_t>(c)] = true;
    for (int c = 0x80; c < 0x100; ++c) t[static_cast<std::size_t>(c)] = true;
    t['#'] = false;
    return t;
}

inline constexpr std::array<bool, 256> kTchar = makeTcharTable();
inline constexpr std::array<bool, 256> kFieldValue = makeFieldValueTable();
inline constexpr std::array<bool, 256> kTarget = makeTargetTable();

}  // namespace detail

[[nodiscard]] constexpr bool isTchar(char c) noexcept {
    return detail::kTchar[static_cast<unsigned char>(c)];
}
[[nodiscard]] constexpr bool isFieldValueByte(char c) noexcept {
    return detail::kFieldValue[static_cast<unsigned char>(c)];
}
[[nodiscard]] constexpr bool isTargetByte(char c) noexcept {
    return detail::kTarget[static_cast<unsigned char>(c)];
}
[[nodiscard]] constexpr char lowerAscii(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}
[[nodiscard]] constexpr bool isDigit(char c) noexcept {
    return c >= '0' && c <= '9';
}
// The value of a hex digit, or -1.
[[nodiscard]] constexpr int hexValue(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// ASCII case-insensitive equality; `lower` must already be lower case (it is always a literal).
[[nodiscard]] constexpr bool equalsLower(std::string_view s, std::string_view lower) noexcept {
    if (s.size() != lower.size()) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (lowerAscii(s[i]) != lower[i]) return false;
    }
    return true;
}

[[nodiscard]] constexpr bool equalsIgnoreCase(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lowerAscii(a[i]) != lowerAscii(b[i])) return false;
    }
    return true;
}

[[nodiscard]] constexpr bool isToken(std::string_view s) noexcept {
    return !s.empty() && std::ranges::all_of(s, [](char c) { return isTchar(c); });
}

// Strips optional whitespace (SP and HTAB) from both ends.
[[nodiscard]] constexpr std::string_view trimOws(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Calls fn(token) for each element of a comma-separated list (RFC 9110 5.6.1), trimmed; empty
// elements are skipped as the RFC asks of recipients.
template <class Fn>
constexpr void forEachListElement(std::string_view list, Fn&& fn) {
    while (!list.empty()) {
        std::size_t comma = list.find(',');
        std::string_view item = trimOws(list.substr(0, comma));
        if (!item.empty()) fn(item);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
}

// Appends the decimal form of `v` to a std::string-like buffer.
template <class Buffer>
void appendDecimal(Buffer& out, std::uint64_t v) {
    char tmp[20];
    std::size_t n = 0;
    do {
        tmp[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0) out.push_back(tmp[--n]);
}

}  // namespace gorgon::http
