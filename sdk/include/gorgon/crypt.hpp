// gorgon/crypt.hpp — header-only checks of crypt(3) password hashes (libxcrypt), for plugins
// that keep a password file (http-auth's Basic users, ftp's virtual users).
//
// Nothing here crosses the ABI; it is compiled into each plugin that includes it, and a plugin
// that calls these links libcrypt itself. crypt_rn is thread-safe (its state is ours), so the
// checks may run on the host's work pool.
#ifndef GORGON_CRYPT_HPP
#define GORGON_CRYPT_HPP

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <crypt.h>
#include <string.h>

namespace gorgon::password {

// Equal contents, in a time that depends only on the lengths (hashes have public lengths).
[[nodiscard]] inline bool constantTimeEqual(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        diff = static_cast<unsigned char>(
            diff | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i])));
    }
    return diff == 0;
}

enum class Strength { ok, weak, invalid };

// What crypt_checksalt says of `hash`: weak for legacy methods (DES, MD5, ...) and costs too
// low to accept, invalid for anything that is not a crypt(3) hash.
[[nodiscard]] inline Strength strength(const std::string& hash) noexcept {
    const int rating = crypt_checksalt(hash.c_str());
    if (rating == CRYPT_SALT_METHOD_LEGACY || rating == CRYPT_SALT_TOO_CHEAP) {
        return Strength::weak;
    }
    return rating == CRYPT_SALT_OK ? Strength::ok : Strength::invalid;
}

// True when `password` hashes to `hash` (a full crypt(3) hash; its setting is its prefix).
// The plaintext and crypt's state are wiped before returning. May throw std::bad_alloc.
[[nodiscard]] inline bool verify(std::string_view password, std::string_view hash) {
    std::string phrase(password);
    const std::string setting(hash);
    auto data = std::make_unique<crypt_data>();
    const char* result = crypt_rn(phrase.c_str(), setting.c_str(), data.get(), sizeof *data);
    const bool ok = result != nullptr && result[0] != '*' && constantTimeEqual(result, hash);
    // The plaintext does not outlive the check in our memory.
    explicit_bzero(phrase.data(), phrase.size());
    explicit_bzero(data.get(), sizeof *data);
    return ok;
}

}  // namespace gorgon::password

#endif  // GORGON_CRYPT_HPP
