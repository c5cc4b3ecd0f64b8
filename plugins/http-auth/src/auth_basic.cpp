#include "auth_basic.hpp"

#include <gorgon/text.hpp>

#include <array>
#include <cstdint>

#include <string.h>

namespace gorgon::httpauth {

namespace {

// The value of each base64 character, 64 for '=' and 255 for anything else.
constexpr std::array<std::uint8_t, 256> kDecode = [] {
    std::array<std::uint8_t, 256> t{};
    t.fill(255);
    constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < alphabet.size(); ++i) {
        t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
    }
    t['='] = 64;
    return t;
}();

}  // namespace

std::optional<std::string> decodeBase64(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        std::uint8_t v[4];
        for (std::size_t k = 0; k < 4; ++k) v[k] = kDecode[static_cast<unsigned char>(text[i + k])];
        if (v[0] > 63 || v[1] > 63 || v[2] == 255 || v[3] == 255) return std::nullopt;
        const bool last = i + 4 == text.size();
        // '=' only at the very end, and "x=y=" is not padding.
        if ((v[2] == 64 || v[3] == 64) && !last) return std::nullopt;
        if (v[2] == 64 && v[3] != 64) return std::nullopt;
        const std::uint32_t bits = (std::uint32_t{v[0]} << 18) | (std::uint32_t{v[1]} << 12) |
                                   (std::uint32_t{v[2] & 63u} << 6) | std::uint32_t{v[3] & 63u};
        out.push_back(static_cast<char>(bits >> 16));
        if (v[2] != 64) out.push_back(static_cast<char>((bits >> 8) & 0xff));
        if (v[3] != 64) out.push_back(static_cast<char>(bits & 0xff));
    }
    return out;
}

Credentials parseBasic(std::optional<std::string_view> field, std::string& user,
                       std::string& password) {
    if (!field) return Credentials::none;
    std::string_view v = *field;
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    const std::size_t sp = v.find_first_of(" \t");
    if (!text::equalsIgnoreCase(v.substr(0, sp), "Basic")) return Credentials::other;
    if (sp == std::string_view::npos) return Credentials::malformed;
    std::string_view token = v.substr(sp);
    while (!token.empty() && (token.front() == ' ' || token.front() == '\t'))
        token.remove_prefix(1);
    std::optional<std::string> decoded = decodeBase64(token);
    if (!decoded) return Credentials::malformed;
    const std::size_t colon = decoded->find(':');
    if (colon == std::string::npos) return Credentials::malformed;
    user.assign(*decoded, 0, colon);
    password.assign(*decoded, colon + 1);
    // The decoded copy held the password too: it does not outlive this call in our memory.
    explicit_bzero(decoded->data(), decoded->size());
    return Credentials::basic;
}

std::string quoted(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

std::string challenge(std::string_view realm) {
    return "Basic realm=" + quoted(realm) + ", charset=\"UTF-8\"";
}

}  // namespace gorgon::httpauth
