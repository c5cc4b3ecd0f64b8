// Client addresses grouped by prefix: the key of the per-address connection limit, and the
// "10.0.0.0/8" matches of per-prefix socket settings. An IPv4-mapped IPv6 address
// (::ffff:192.0.2.1, what a dual-stack socket reports) counts as the IPv4 address it carries.
#pragma once

#include "util/result.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <sys/socket.h>

namespace gorgon {

// An address (IPv4 or IPv6) masked to its first `bits` bits.
struct AddressPrefix {
    int family = 0;  // AF_INET or AF_INET6
    unsigned bits = 0;
    std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4

    bool operator==(const AddressPrefix&) const = default;
    // "192.0.2.0/24", "2001:db8::/64": for log lines.
    [[nodiscard]] std::string text() const;
    [[nodiscard]] bool contains(const AddressPrefix& address) const noexcept;
};

struct AddressPrefixHash {
    size_t operator()(const AddressPrefix& p) const noexcept;
};

// "10.0.0.0/8", "2001:db8::/32", or a bare address (all its bits). Bits past the prefix must
// be zero, so a typo such as "10.0.0.1/8" is caught rather than silently widened.
Result<AddressPrefix> parseAddressPrefix(std::string_view text);

// The peer's address kept to `v4_bits` (IPv4) or `v6_bits` (IPv6) bits; nullopt for a Unix
// socket or another family.
std::optional<AddressPrefix> peerPrefix(const sockaddr* peer, unsigned v4_bits, unsigned v6_bits);

}  // namespace gorgon
