// Reads the TCP login secret from its file, refusing a file anyone but its owner could read or
// that someone else owns. No host calls: unit-tested against real files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace gorgon::monitor {

inline constexpr std::size_t kMinSecretLength = 16;
inline constexpr std::size_t kMaxSecretLength = 4096;

// The secret is the file's bytes without trailing CR and LF. The file must be a regular file
// (not a symbolic link), owned by `owner_uid`, with no permission bits for group or others
// (mode 0600 or stricter), holding 16 to 4096 bytes. On failure returns false and `error` is a
// sentence naming the file and what to do.
[[nodiscard]] bool loadSecret(const std::string& path, std::uint32_t owner_uid, std::string& secret,
                              std::string& error);

// Overwrites the secret's bytes before they are freed.
void wipeSecret(std::string& secret) noexcept;

}  // namespace gorgon::monitor
