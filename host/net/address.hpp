// Listen addresses as written in configuration: "127.0.0.1:8518", "[::1]:8518", "*:80"
// (all IPv4), "[::]:80", or "unix:/path/to.sock".
#pragma once

#include "util/result.hpp"

#include <string>
#include <string_view>

#include <sys/socket.h>

namespace gorgon {

struct ListenAddress {
    std::string text;  // as configured
    sockaddr_storage addr{};
    socklen_t len = 0;
    std::string unix_path;      // non-empty for Unix sockets
    uint32_t unix_mode = 0600;  // permission bits of a Unix socket's file

    [[nodiscard]] bool isUnix() const noexcept { return !unix_path.empty(); }
};

Result<ListenAddress> parseListenAddress(std::string_view text);

// "192.0.2.1:80", "[2001:db8::1]:80", "unix:/path" for a socket address.
std::string formatAddress(const sockaddr* sa, socklen_t len);
// The address alone, without the port.
std::string formatHost(const sockaddr* sa);
uint16_t addressPort(const sockaddr* sa);

}  // namespace gorgon
