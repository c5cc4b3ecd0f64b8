// The TCP login secret on the client side: read from a file (refused if others may read it, as
// ssh refuses a private key), or typed at a prompt that does not echo; and the answer to the
// server's challenge, HMAC-SHA256(secret, nonce), computed with libcrypto.
#pragma once

#include <string>

namespace gorgonctl {

// Throws ClientError(kExitAuth) when the file cannot be used, saying why.
[[nodiscard]] std::string readSecretFile(const std::string& path);

// Asks on the terminal (/dev/tty) with echo off. Throws ClientError(kExitAuth) without one.
[[nodiscard]] std::string promptSecret(const std::string& prompt);

// Lower-case hex of HMAC-SHA256(secret, nonce), where the nonce is the challenge's text.
[[nodiscard]] std::string hmacHex(const std::string& secret, const std::string& nonce);

// Overwrites a secret before it is freed.
void wipe(std::string& secret) noexcept;

}  // namespace gorgonctl
