#include "net/socket_options.hpp"

#include <cerrno>
#include <cstring>

#include <netinet/in.h>
#include <netinet/tcp.h>

namespace gorgon {

namespace {

bool setInt(int fd, int level, int name, int value) {
    return ::setsockopt(fd, level, name, &value, sizeof value) == 0;
}

void note(std::vector<std::string>& out, const char* what, bool ok) {
    if (!ok) out.push_back(std::string(what) + ": " + std::strerror(errno));
}

}  // namespace

std::vector<std::string> applyListenOptions(int fd, const SocketOptions& opts, bool tcp) {
    std::vector<std::string> out;
    // Set before listen() so the window scale offered in the handshake fits the buffer.
    if (opts.buffers.rcvbuf) {
        note(out, "SO_RCVBUF",
             setInt(fd, SOL_SOCKET, SO_RCVBUF, static_cast<int>(*opts.buffers.rcvbuf)));
    }
    if (opts.buffers.sndbuf) {
        note(out, "SO_SNDBUF",
             setInt(fd, SOL_SOCKET, SO_SNDBUF, static_cast<int>(*opts.buffers.sndbuf)));
    }
    if (!tcp) return out;
    if (opts.keepalive) {
        const TcpKeepalive& k = *opts.keepalive;
        note(out, "SO_KEEPALIVE", setInt(fd, SOL_SOCKET, SO_KEEPALIVE, 1));
        if (k.idle_s != 0) {
            note(out, "TCP_KEEPIDLE",
                 setInt(fd, IPPROTO_TCP, TCP_KEEPIDLE, static_cast<int>(k.idle_s)));
        }
        if (k.interval_s != 0) {
            note(out, "TCP_KEEPINTVL",
                 setInt(fd, IPPROTO_TCP, TCP_KEEPINTVL, static_cast<int>(k.interval_s)));
        }
        if (k.count != 0) {
            note(out, "TCP_KEEPCNT",
                 setInt(fd, IPPROTO_TCP, TCP_KEEPCNT, static_cast<int>(k.count)));
        }
    }
    if (opts.defer_accept_s != 0) {
        note(out, "TCP_DEFER_ACCEPT",
             setInt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, static_cast<int>(opts.defer_accept_s)));
    }
    return out;
}

void applyClientBuffers(int fd, const SocketOptions& opts, const SocketBuffers& client) {
    // Only what differs from the listener's, which the socket inherited. Best effort: a buffer
    // the kernel refuses leaves the inherited one, which still works.
    if (client.rcvbuf && client.rcvbuf != opts.buffers.rcvbuf) {
        setInt(fd, SOL_SOCKET, SO_RCVBUF, static_cast<int>(*client.rcvbuf));
    }
    if (client.sndbuf && client.sndbuf != opts.buffers.sndbuf) {
        setInt(fd, SOL_SOCKET, SO_SNDBUF, static_cast<int>(*client.sndbuf));
    }
}

}  // namespace gorgon
