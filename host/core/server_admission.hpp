// The gate in front of a server's accept: the per-address limit, max_connections, and the idle
// connection closed to make room (net/admission.hpp keeps the counts; this closes sockets).
#pragma once

#include "net/admission.hpp"

#include <memory>

#include <sys/socket.h>

namespace gorgon {

class Host;
struct Server;

struct AdmitResult {
    std::unique_ptr<AdmissionTicket> ticket;  // null: refused, the socket is closed
    // An idle connection was closed for this one: hand it over from the loop, after the plugin
    // has heard of that close (so the plugin's own count has room for it as well).
    bool after_reclaim = false;
};

// Decides for a socket just accepted on `s`. A refused one is reset (RST, no TIME_WAIT left on
// the server for a flood) and logged, at most once a second per server and kind.
AdmitResult admitClient(Host& host, Server& s, int fd, const sockaddr* peer, socklen_t len);

}  // namespace gorgon
