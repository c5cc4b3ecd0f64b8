#include "net/address_prefix.hpp"

#include "util/units.hpp"

#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>

namespace gorgon {

namespace {

constexpr unsigned maxBits(int family) noexcept {
    return family == AF_INET ? 32 : 128;
}

// Clears every bit after the first `bits`.
void mask(std::array<uint8_t, 16>& bytes, unsigned bits) noexcept {
    for (unsigned i = 0; i < bytes.size(); ++i) {
        unsigned first = i * 8;
        if (bits >= first + 8) continue;
        unsigned keep = bits > first ? bits - first : 0;
        bytes[i] = static_cast<uint8_t>(bytes[i] & static_cast<uint8_t>(0xFF00U >> keep));
    }
}

}  // namespace

std::string AddressPrefix::text() const {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(family, bytes.data(), buf, sizeof buf);
    return std::string(buf) + "/" + std::to_string(bits);
}

bool AddressPrefix::contains(const AddressPrefix& address) const noexcept {
    if (address.family != family || address.bits < bits) return false;
    auto masked = address.bytes;
    mask(masked, bits);
    return masked == bytes;
}

size_t AddressPrefixHash::operator()(const AddressPrefix& p) const noexcept {
    // FNV-1a over what identifies the prefix.
    uint64_t h = 1469598103934665603ULL;
    auto mix = [&h](uint8_t b) { h = (h ^ b) * 1099511628211ULL; };
    mix(static_cast<uint8_t>(p.family));
    mix(static_cast<uint8_t>(p.bits));
    for (uint8_t b : p.bytes) mix(b);
    return static_cast<size_t>(h);
}

Result<AddressPrefix> parseAddressPrefix(std::string_view text) {
    std::string_view addr = text;
    std::optional<int64_t> bits;
    if (size_t slash = text.find('/'); slash != std::string_view::npos) {
        addr = text.substr(0, slash);
        bits = parseInt(text.substr(slash + 1));
        if (!bits || text.substr(slash + 1).starts_with('+')) {
            return fail("expected ADDRESS/BITS, such as 10.0.0.0/8 or 2001:db8::/32");
        }
    }
    AddressPrefix p;
    std::string a(addr);
    if (inet_pton(AF_INET, a.c_str(), p.bytes.data()) == 1) {
        p.family = AF_INET;
    } else if (inet_pton(AF_INET6, a.c_str(), p.bytes.data()) == 1) {
        p.family = AF_INET6;
    } else {
        return fail("\"" + a + "\" is not an IPv4 or IPv6 address");
    }
    unsigned max = maxBits(p.family);
    if (bits && (*bits < 0 || *bits > static_cast<int64_t>(max))) {
        return fail("the prefix length of an " +
                    std::string(p.family == AF_INET ? "IPv4" : "IPv6") + " address is 0 to " +
                    std::to_string(max));
    }
    p.bits = bits ? static_cast<unsigned>(*bits) : max;
    auto masked = p.bytes;
    mask(masked, p.bits);
    if (masked != p.bytes) {
        return fail("\"" + std::string(text) + "\" has bits set past the prefix (did you mean " +
                    AddressPrefix{p.family, p.bits, masked}.text() + "?)");
    }
    return p;
}

std::optional<AddressPrefix> peerPrefix(const sockaddr* peer, unsigned v4_bits, unsigned v6_bits) {
    AddressPrefix p;
    if (peer->sa_family == AF_INET) {
        sockaddr_in in4{};
        std::memcpy(&in4, peer, sizeof in4);
        p.family = AF_INET;
        std::memcpy(p.bytes.data(), &in4.sin_addr, 4);
    } else if (peer->sa_family == AF_INET6) {
        sockaddr_in6 in6{};
        std::memcpy(&in6, peer, sizeof in6);
        if (IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr)) {
            p.family = AF_INET;
            std::memcpy(p.bytes.data(), in6.sin6_addr.s6_addr + 12, 4);
        } else {
            p.family = AF_INET6;
            std::memcpy(p.bytes.data(), in6.sin6_addr.s6_addr, 16);
        }
    } else {
        return std::nullopt;
    }
    p.bits = std::min(p.family == AF_INET ? v4_bits : v6_bits, maxBits(p.family));
    mask(p.bytes, p.bits);
    return p;
}

}  // namespace gorgon
