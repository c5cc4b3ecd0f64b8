// Who may log in: virtual users from a password file (crypt(3) hashes through libxcrypt:
// yescrypt, sha512-crypt, bcrypt), and real Unix users (the passwd and shadow databases).
// Anonymous needs no lookup. The password file is parsed here without the host, so its rules
// are unit-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace gorgon::ftp {

struct VirtualUser {
    std::string name;
    std::string hash;           // crypt(3) setting+hash; "!" or "*" first: the account is disabled
    std::string root;           // empty: the file's default (virtual_users.root)
    std::optional<bool> write;  // unset: the default (virtual_users.write)
};

// Parses a password file: one user a line, `name:hash[:root[:rights]]`, rights `ro` or `rw`;
// blank lines and lines starting with '#' are skipped. Names are 1-32 characters from
// `A-Z a-z 0-9 . _ -`, unique, and neither `anonymous` nor `ftp`. Hashes must be a method
// libxcrypt rates as strong enough (crypt_checksalt), unless disabled. On the first bad line,
// returns false with `error` = "line N: why".
[[nodiscard]] bool parseVirtualUsers(std::string_view text, std::vector<VirtualUser>& out,
                                     std::string& error);

// True when `password` hashes to `hash` (crypt_rn), compared in constant time. Costs what the
// hash method costs (yescrypt and bcrypt: tens of milliseconds by design).
[[nodiscard]] bool verifyPassword(std::string_view password, std::string_view hash);

// A hash that matches nothing anyone types, checked for names that do not exist so that an
// unknown name costs as much time as a wrong password.
[[nodiscard]] std::string_view decoyHash() noexcept;

// True for a user name worth looking up: 1-32 characters, letters, digits, '.', '_', '-'.
[[nodiscard]] bool validUserName(std::string_view name) noexcept;

struct RealAccount {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
    std::string home;
    std::vector<gid_t> groups;  // supplementary groups, the primary group included
};

enum class RealAuth : std::uint8_t {
    Ok,
    Refused,  // unknown user, wrong password, locked or expired account: "530 Login incorrect"
    NotRoot,  // the shadow database cannot be read: gorgon is not running as root
};

// Looks `name` up in passwd and shadow (getpwnam_r, getspnam_r; NSS, so whatever
// /etc/nsswitch.conf says) and checks the password, the account's lock and expiry.
[[nodiscard]] RealAuth authenticateReal(std::string_view name, std::string_view password,
                                        RealAccount& out, std::string& why);

// The account of a system user (for the persona of anonymous and virtual sessions).
[[nodiscard]] std::optional<RealAccount> lookupAccount(std::string_view name);

}  // namespace gorgon::ftp
