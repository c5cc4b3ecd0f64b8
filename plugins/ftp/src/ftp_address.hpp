// Data channel addresses on the control connection: PORT and EPRT arguments (RFC 959, 2428),
// the PASV and EPSV replies, and the address comparisons that refuse bounces (RFC 2577). Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gorgon::ftp {

struct HostPort {
    int family = 0;    // AF_INET or AF_INET6
    std::string host;  // canonical numeric form (inet_ntop)
    std::uint16_t port = 0;
};

// "h1,h2,h3,h4,p1,p2": six decimal numbers 0-255, nothing else (spaces around commas allowed).
[[nodiscard]] std::optional<HostPort> parsePortArg(std::string_view arg);

enum class EprtProblem : std::uint8_t { None, Syntax, Protocol };
// "|1|132.235.1.2|6275|" or "|2|::1|6275|": any delimiter from 33 to 126, protocol 1 or 2 and an
// address of that family. An unknown protocol is `Protocol` (reply 522), anything else `Syntax`.
[[nodiscard]] std::optional<HostPort> parseEprtArg(std::string_view arg, EprtProblem& problem);

enum class EpsvArg : std::uint8_t { None, All, Inet, Inet6, Unknown, Bad };
// "", "ALL" (any case), "1", "2"; another number is Unknown (522), anything else Bad (501).
[[nodiscard]] EpsvArg parseEpsvArg(std::string_view arg) noexcept;

// "(h1,h2,h3,h4,p1,p2)" for a 227 reply; nullopt when `ipv4` is not an IPv4 address.
[[nodiscard]] std::optional<std::string> formatPasv(std::string_view ipv4, std::uint16_t port);
// "(|||port|)" for a 229 reply.
[[nodiscard]] std::string formatEpsv(std::uint16_t port);

// The address part of "192.0.2.1:21" or "[2001:db8::1]:21".
[[nodiscard]] std::string_view hostOf(std::string_view address) noexcept;

// The family (AF_INET or AF_INET6) of a numeric address, or 0.
[[nodiscard]] int addressFamily(std::string_view host) noexcept;

// True when two numeric addresses are the same host, comparing bytes (so "::ffff:192.0.2.1"
// equals "192.0.2.1", and no spelling of an address differs from another).
[[nodiscard]] bool sameHost(std::string_view a, std::string_view b) noexcept;

}  // namespace gorgon::ftp
