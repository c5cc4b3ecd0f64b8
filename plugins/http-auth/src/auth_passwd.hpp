// The password file: `user:hash` lines, hashes from crypt(3) (libxcrypt) in a strong method:
// yescrypt ($y$), sha512-crypt ($6$) or bcrypt ($2b$, $2y$). Parsed and checked here without the
// host, so its rules are plain functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gorgon::httpauth {

struct PasswordTable {
    std::unordered_map<std::string, std::string> users;  // name -> crypt(3) hash
    // What a name that is not in the file is checked against: the setting of a user of the
    // file's most common method, so an unknown name costs what a known one does.
    std::string decoy;
};

// Parses the file's text: one `user:hash` a line; blank lines and lines starting with '#' are
// skipped; spaces around a line are ignored. A user name is 1-255 bytes without ':', spaces or
// control characters; each name appears once. A hash starting with '!' or '*' disables the
// account (it is still checked, against the decoy). Any other hash must be of a method above
// with parameters libxcrypt rates as strong enough. On the first bad line: false, with
// `error` = "line N: why".
[[nodiscard]] bool parsePasswordFile(std::string_view text, PasswordTable& out, std::string& error);

// The method of a hash ("yescrypt", "sha512-crypt", "bcrypt"), or empty if not one of them.
[[nodiscard]] std::string_view methodOf(std::string_view hash) noexcept;

// On a pool thread: true when crypt_rn(password, hash) reproduces `hash`, compared in constant
// time. Takes what the method takes (yescrypt, bcrypt: tens to hundreds of milliseconds).
[[nodiscard]] bool checkPassword(std::string_view password, std::string_view hash);

}  // namespace gorgon::httpauth
