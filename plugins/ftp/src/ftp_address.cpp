#include "ftp_address.hpp"

#include <array>
#include <charconv>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace gorgon::ftp {

namespace {

std::string_view trimSpaces(std::string_view s) noexcept {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

// A decimal number of at most `max`, digits only (no sign, no spaces inside).
std::optional<unsigned> decimal(std::string_view s, unsigned max) noexcept {
    if (s.empty() || s.size() > 5) return std::nullopt;
    unsigned v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v > max) return std::nullopt;
    return v;
}

// 16 bytes: IPv6 as is, IPv4 as its mapped IPv6 form, so both families compare alike.
bool toBytes(std::string_view host, std::array<unsigned char, 16>& out) noexcept {
    char buf[INET6_ADDRSTRLEN + 1];
    if (host.empty() || host.size() >= sizeof buf) return false;
    std::memcpy(buf, host.data(), host.size());
    buf[host.size()] = '\0';
    in_addr v4{};
    if (inet_pton(AF_INET, buf, &v4) == 1) {
        out.fill(0);
        out[10] = 0xFF;
        out[11] = 0xFF;
        std::memcpy(out.data() + 12, &v4, 4);
        return true;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, buf, &v6) == 1) {
        std::memcpy(out.data(), &v6, 16);
        return true;
    }
    return false;
}

std::optional<std::string> canonical(int family, std::string_view host) {
    char buf[INET6_ADDRSTRLEN + 1];
    if (host.empty() || host.size() >= sizeof buf) return std::nullopt;
    std::memcpy(buf, host.data(), host.size());
    buf[host.size()] = '\0';
    unsigned char bin[16];
    if (inet_pton(family, buf, bin) != 1) return std::nullopt;
    char text[INET6_ADDRSTRLEN];
    if (inet_ntop(family, bin, text, sizeof text) == nullptr) return std::nullopt;
    return std::string(text);
}

}  // namespace

std::optional<HostPort> parsePortArg(std::string_view arg) {
    unsigned n[6];
    std::size_t count = 0;
    for (;;) {
        const std::size_t comma = arg.find(',');
        auto v = decimal(trimSpaces(arg.substr(0, comma)), 255);
        if (!v || count == 6) return std::nullopt;  // a bad field, or a seventh one
        n[count++] = *v;
        if (comma == std::string_view::npos) break;
        arg.remove_prefix(comma + 1);
    }
    if (count != 6) return std::nullopt;
    HostPort hp;
    hp.family = AF_INET;
    hp.host = std::to_string(n[0]) + "." + std::to_string(n[1]) + "." + std::to_string(n[2]) + "." +
              std::to_string(n[3]);
    hp.port = static_cast<std::uint16_t>(n[4] * 256 + n[5]);
    return hp;
}

std::optional<HostPort> parseEprtArg(std::string_view arg, EprtProblem& problem) {
    problem = EprtProblem::Syntax;
    if (arg.size() < 7) return std::nullopt;
    const char d = arg.front();
    if (d < 33 || d > 126 || arg.back() != d) return std::nullopt;
    // d proto d address d port d
    std::string_view rest = arg.substr(1, arg.size() - 2);
    std::size_t a = rest.find(d);
    if (a == std::string_view::npos) return std::nullopt;
    std::size_t b = rest.find(d, a + 1);
    if (b == std::string_view::npos || rest.find(d, b + 1) != std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view proto = rest.substr(0, a);
    std::string_view host = rest.substr(a + 1, b - a - 1);
    std::string_view port = rest.substr(b + 1);
    auto p = decimal(proto, 65535);
    if (!p) return std::nullopt;
    auto portnum = decimal(port, 65535);
    if (!portnum || *portnum == 0) return std::nullopt;
    HostPort hp;
    if (*p == 1) {
        hp.family = AF_INET;
    } else if (*p == 2) {
        hp.family = AF_INET6;
    } else {
        problem = EprtProblem::Protocol;
        return std::nullopt;
    }
    auto canon = canonical(hp.family, host);
    if (!canon) return std::nullopt;
    hp.host = *canon;
    hp.port = static_cast<std::uint16_t>(*portnum);
    problem = EprtProblem::None;
    return hp;
}

EpsvArg parseEpsvArg(std::string_view arg) noexcept {
    if (arg.empty()) return EpsvArg::None;
    if (arg.size() == 3 && (arg[0] | 0x20) == 'a' && (arg[1] | 0x20) == 'l' &&
        (arg[2] | 0x20) == 'l') {
        return EpsvArg::All;
    }
    auto v = decimal(arg, 65535);
    if (!v) return EpsvArg::Bad;
    if (*v == 1) return EpsvArg::Inet;
    if (*v == 2) return EpsvArg::Inet6;
    return EpsvArg::Unknown;
}

std::optional<std::string> formatPasv(std::string_view ipv4, std::uint16_t port) {
    char buf[INET_ADDRSTRLEN + 1];
    if (ipv4.size() >= sizeof buf) return std::nullopt;
    std::memcpy(buf, ipv4.data(), ipv4.size());
    buf[ipv4.size()] = '\0';
    unsigned char b[4];
    if (inet_pton(AF_INET, buf, b) != 1) return std::nullopt;
    std::string out = "(";
    for (unsigned char x : b) {
        out += std::to_string(x);
        out += ',';
    }
    out += std::to_string(port >> 8);
    out += ',';
    out += std::to_string(port & 0xFF);
    out += ')';
    return out;
}

std::string formatEpsv(std::uint16_t port) {
    return "(|||" + std::to_string(port) + "|)";
}

std::string_view hostOf(std::string_view address) noexcept {
    if (!address.empty() && address.front() == '[') {
        std::size_t close = address.find(']');
        return close == std::string_view::npos ? address.substr(1) : address.substr(1, close - 1);
    }
    std::size_t colon = address.rfind(':');
    // One colon: host:port. None, or several (a bare IPv6 address): the whole thing.
    if (colon != std::string_view::npos && address.find(':') == colon) {
        return address.substr(0, colon);
    }
    return address;
}

int addressFamily(std::string_view host) noexcept {
    if (canonical(AF_INET, host)) return AF_INET;
    if (canonical(AF_INET6, host)) return AF_INET6;
    return 0;
}

bool sameHost(std::string_view a, std::string_view b) noexcept {
    std::array<unsigned char, 16> x{};
    std::array<unsigned char, 16> y{};
    return toBytes(a, x) && toBytes(b, y) && x == y;
}

}  // namespace gorgon::ftp
