// The Basic scheme's wire format (RFC 7617): the credentials in an Authorization field, and the
// challenge in WWW-Authenticate. Pure functions, no host.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gorgon::httpauth {

enum class Credentials {
    none,       // no Authorization field
    other,      // a scheme other than Basic: not ours to judge, so challenged like none
    malformed,  // Basic, but not base64 of "user-id:password"
    basic,      // user and password filled in
};

// Reads `Authorization: Basic token68`. The user-id is everything before the first ':' (it
// cannot hold one, RFC 7617 section 2); the password is the rest and may hold anything.
[[nodiscard]] Credentials parseBasic(std::optional<std::string_view> field, std::string& user,
                                     std::string& password);

// Strict RFC 4648 base64 (the standard alphabet, '=' padding required); nullopt if malformed.
[[nodiscard]] std::optional<std::string> decodeBase64(std::string_view text);

// `"text"` with '"' and '\' escaped (RFC 9110 section 5.6.4 quoted-string).
[[nodiscard]] std::string quoted(std::string_view text);

// `Basic realm="...", charset="UTF-8"`.
[[nodiscard]] std::string challenge(std::string_view realm);

}  // namespace gorgon::httpauth
