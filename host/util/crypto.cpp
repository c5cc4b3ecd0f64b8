#include "util/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cerrno>

#include <sys/random.h>

namespace gorgon {

bool randomBytes(std::span<uint8_t> out) noexcept {
    size_t done = 0;
    while (done < out.size()) {
        ssize_t n = ::getrandom(out.data() + done, out.size() - done, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        done += static_cast<size_t>(n);
    }
    return true;
}

Digest256 sha256Of(std::span<const uint8_t> data) noexcept {
    Digest256 out{};
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
    return out;
}

Digest256 hmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> data) noexcept {
    Digest256 out{};
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(),
         out.data(), &len);
    return out;
}

bool constantTimeEqual(const void* a, const void* b, size_t len) noexcept {
    return CRYPTO_memcmp(a, b, len) == 0;
}

}  // namespace gorgon
