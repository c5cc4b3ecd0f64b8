// A server's `socket:` settings made real: on its listening sockets (accepted sockets inherit
// buffers, keep-alive and the rest from them, so the common case costs nothing per accept), and
// on an accepted socket whose client falls under a `by_address` prefix.
#pragma once

#include "config/server_limits.hpp"

#include <string>
#include <vector>

#include <sys/socket.h>

namespace gorgon {

// Before listen(): buffers, keep-alive probes, TCP_DEFER_ACCEPT. `tcp` is false for Unix
// sockets (buffers only). Returns a line for each option the kernel refused (not fatal).
std::vector<std::string> applyListenOptions(int fd, const SocketOptions& opts, bool tcp);

// After accept(): the client's own buffers where its prefix sets them apart from the server's.
void applyClientBuffers(int fd, const SocketOptions& opts, const SocketBuffers& client);

}  // namespace gorgon
