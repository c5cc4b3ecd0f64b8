// Per-server connection limits and socket settings (`limits:` and `socket:` in a server entry;
// a top-level `limits:` gives the defaults every server starts from).
#pragma once

#include "config/config_node.hpp"
#include "net/address_prefix.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gorgon {

struct ConnectionLimits {
    // Connections the server holds at once; at the limit an idle one is closed for a new one
    // (reclaim_idle), or the new one is refused at accept.
    uint64_t max_connections = 10'000;
    // Connections from one client address (grouped by the prefixes below); 0: no limit.
    uint64_t per_address = 1'000;
    unsigned ipv4_prefix = 32;
    unsigned ipv6_prefix = 64;  // one customer's subnet, as ISPs hand them out
    // Close the connection idle longest to make room for a new client at max_connections.
    bool reclaim_idle = true;

    bool operator==(const ConnectionLimits&) const = default;
};

// Buffer sizes, for a server or for clients under one prefix. Unset: the server's value
// (for the server: the kernel's autotuning, and the host's 16 KiB read size).
struct SocketBuffers {
    std::optional<uint32_t> rcvbuf;
    std::optional<uint32_t> sndbuf;
    std::optional<uint32_t> read_buffer;
};

struct PrefixBuffers {
    AddressPrefix prefix;
    SocketBuffers buffers;
};

struct TcpKeepalive {
    uint32_t idle_s = 0;      // TCP_KEEPIDLE
    uint32_t interval_s = 0;  // TCP_KEEPINTVL
    uint32_t count = 0;       // TCP_KEEPCNT
};

struct SocketOptions {
    static constexpr uint32_t kDefaultReadBuffer = 16 * 1024;
    int backlog = 511;
    SocketBuffers buffers;
    std::optional<TcpKeepalive> keepalive;  // unset: no keep-alive probes
    uint32_t defer_accept_s = 0;            // TCP_DEFER_ACCEPT; 0: off
    std::vector<PrefixBuffers> by_address;  // first match wins

    // The buffers for a client: its first matching prefix's, falling back to the server's.
    [[nodiscard]] SocketBuffers buffersFor(const sockaddr* peer) const;
    [[nodiscard]] bool anyPerAddress() const noexcept { return !by_address.empty(); }
};

// Reads a `limits:` map over `out` (which holds the defaults). Errors are located lines.
void readConnectionLimits(const ConfigNode& node, ConnectionLimits& out,
                          std::vector<std::string>& errors);
// Reads a server's `socket:` map.
void readSocketOptions(const ConfigNode& node, SocketOptions& out,
                       std::vector<std::string>& errors);

}  // namespace gorgon
