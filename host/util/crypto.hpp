// Randomness and message authentication for the host table (random_bytes, hmac_sha256):
// plugins get them from the host, which owns OpenSSL, instead of linking libcrypto themselves.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace gorgon {

using Digest256 = std::array<uint8_t, 32>;

// Fills `out` from the kernel's CSPRNG (getrandom). False only if the kernel refuses.
bool randomBytes(std::span<uint8_t> out) noexcept;
Digest256 sha256Of(std::span<const uint8_t> data) noexcept;
Digest256 hmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> data) noexcept;
// Equality in time that depends on the length only.
bool constantTimeEqual(const void* a, const void* b, size_t len) noexcept;

}  // namespace gorgon
