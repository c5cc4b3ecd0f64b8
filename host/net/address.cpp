#include "net/address.hpp"

#include "util/units.hpp"

#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

namespace gorgon {

Result<ListenAddress> parseListenAddress(std::string_view text) {
    ListenAddress out;
    out.text = std::string(text);
    // A NUL would cut the string the C calls below see: "unix:/a\0b" would bind /a, and
    // "127.0.0.1\0junk:80" would pass as 127.0.0.1.
    if (text.find('\0') != std::string_view::npos) {
        return fail("an address must not hold a NUL byte");
    }
    if (text.starts_with("unix:")) {
        std::string path(text.substr(5));
        sockaddr_un un{};
        if (path.empty() || path.size() >= sizeof(un.sun_path)) {
            return fail("a Unix socket path must be 1 to " +
                        std::to_string(sizeof(un.sun_path) - 1) + " bytes");
        }
        un.sun_family = AF_UNIX;
        std::memcpy(un.sun_path, path.data(), path.size());
        std::memcpy(&out.addr, &un, sizeof un);
        out.len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
        out.unix_path = path;
        return out;
    }
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        return fail("expected HOST:PORT, [IPV6]:PORT or unix:PATH");
    }
    std::string_view host = text.substr(0, colon);
    auto port = parseInt(text.substr(colon + 1));
    if (!port || *port < 0 || *port > 65535) return fail("the port must be 0 to 65535");
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        std::string h(host.substr(1, host.size() - 2));
        sockaddr_in6 in6{};
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons(static_cast<uint16_t>(*port));
        if (inet_pton(AF_INET6, h.c_str(), &in6.sin6_addr) != 1) {
            return fail("\"" + h + "\" is not an IPv6 address");
        }
        std::memcpy(&out.addr, &in6, sizeof in6);
        out.len = sizeof in6;
        return out;
    }
    std::string h(host == "*" ? "0.0.0.0" : host);
    sockaddr_in in4{};
    in4.sin_family = AF_INET;
    in4.sin_port = htons(static_cast<uint16_t>(*port));
    if (inet_pton(AF_INET, h.c_str(), &in4.sin_addr) != 1) {
        return fail("\"" + h + "\" is not an IPv4 address (write IPv6 as [addr]:port)");
    }
    std::memcpy(&out.addr, &in4, sizeof in4);
    out.len = sizeof in4;
    return out;
}

std::string formatHost(const sockaddr* sa) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (sa->sa_family == AF_INET) {
        sockaddr_in in4{};
        std::memcpy(&in4, sa, sizeof in4);
        inet_ntop(AF_INET, &in4.sin_addr, buf, sizeof buf);
        return buf;
    }
    if (sa->sa_family == AF_INET6) {
        sockaddr_in6 in6{};
        std::memcpy(&in6, sa, sizeof in6);
        inet_ntop(AF_INET6, &in6.sin6_addr, buf, sizeof buf);
        return buf;
    }
    return {};
}

uint16_t addressPort(const sockaddr* sa) {
    if (sa->sa_family == AF_INET) {
        sockaddr_in in4{};
        std::memcpy(&in4, sa, sizeof in4);
        return ntohs(in4.sin_port);
    }
    if (sa->sa_family == AF_INET6) {
        sockaddr_in6 in6{};
        std::memcpy(&in6, sa, sizeof in6);
        return ntohs(in6.sin6_port);
    }
    return 0;
}

std::string formatAddress(const sockaddr* sa, socklen_t len) {
    if (sa->sa_family == AF_UNIX) {
        sockaddr_un un{};
        std::memcpy(&un, sa, std::min<size_t>(len, sizeof un));
        size_t n =
            len > offsetof(sockaddr_un, sun_path) ? len - offsetof(sockaddr_un, sun_path) : 0;
        return "unix:" + std::string(un.sun_path, strnlen(un.sun_path, n));
    }
    std::string host = formatHost(sa);
    std::string port = std::to_string(addressPort(sa));
    return sa->sa_family == AF_INET6 ? "[" + host + "]:" + port : host + ":" + port;
}

}  // namespace gorgon
