// ABI 1.2 host functions for plugins' own sockets: ephemeral listeners, outbound connects (FTP
// data channels) and half-close. Trampolines: they check what the plugin passes, never throw.
#include "log/logger.hpp"
#include "net/address.hpp"
#include "plugin/host_api_internal.hpp"
#include "util/unique_fd.hpp"

#include <cerrno>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace gorgon::api {

namespace {

constexpr uint64_t kDefaultConnectTimeoutMs = 30'000;

// A numeric IPv4 or IPv6 address (no names: resolving would block the loop) and a port.
bool parseNumeric(std::string_view host, uint16_t port, sockaddr_storage& out, socklen_t& len) {
    std::string h(host);
    out = {};
    sockaddr_in in4{};
    if (inet_pton(AF_INET, h.c_str(), &in4.sin_addr) == 1) {
        in4.sin_family = AF_INET;
        in4.sin_port = htons(port);
        std::memcpy(&out, &in4, sizeof in4);
        len = sizeof in4;
        return true;
    }
    sockaddr_in6 in6{};
    if (inet_pton(AF_INET6, h.c_str(), &in6.sin6_addr) == 1) {
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons(port);
        std::memcpy(&out, &in6, sizeof in6);
        len = sizeof in6;
        return true;
    }
    return false;
}

}  // namespace

gorgon_status listenOpen(gorgon_plugin* self, gorgon_conn_id related, uint16_t port_min,
                         uint16_t port_max, gorgon_accept_fn fn, void* user,
                         gorgon_listener_id* out, uint16_t* port) noexcept {
    gorgon_status s = GORGON_OK;
    Connection* c = owned(self, related, s);
    if (c == nullptr) return s;
    try {
        return gen(self).host().pluginListeners().open(gen(self), *c, port_min, port_max, fn, user,
                                                       out, port);
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

gorgon_status listenClose(gorgon_plugin* self, gorgon_listener_id listener) noexcept {
    try {
        return gen(self).host().pluginListeners().close(gen(self), listener);
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

gorgon_status connConnect(gorgon_plugin* self, gorgon_conn_id related, const char* address,
                          uint16_t port, uint64_t timeout_ms,
                          const gorgon_conn_callbacks* callbacks, void* user,
                          gorgon_conn_id* out) noexcept {
    gorgon_status s = GORGON_OK;
    Connection* rel = owned(self, related, s);
    if (rel == nullptr) return s;
    if (address == nullptr || port == 0 || out == nullptr || callbacks == nullptr ||
        callbacks->struct_size < sizeof(uint32_t) || rel->server == nullptr) {
        return GORGON_E_INVAL;
    }
    gorgon_conn_callbacks cb{};
    std::memcpy(&cb, callbacks, std::min<size_t>(callbacks->struct_size, sizeof cb));
    if (cb.on_close == nullptr) return GORGON_E_INVAL;
    try {
        sockaddr_storage peer{};
        socklen_t peer_len = 0;
        if (!parseNumeric(text(address, strnlen(address, 64)), port, peer, peer_len)) {
            return GORGON_E_INVAL;
        }
        // From the related connection's own address: the same interface and family.
        sockaddr_storage local{};
        socklen_t local_len = sizeof local;
        if (::getsockname(rel->fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0) {
            return GORGON_E_IO;
        }
        if (local.ss_family != peer.ss_family) return GORGON_E_INVAL;
        if (local.ss_family == AF_INET) {
            reinterpret_cast<sockaddr_in*>(&local)->sin_port = 0;
        } else {
            reinterpret_cast<sockaddr_in6*>(&local)->sin6_port = 0;
        }
        UniqueFd fd(::socket(peer.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (!fd.valid()) return GORGON_E_IO;
        if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&local), local_len) != 0) {
            return GORGON_E_IO;
        }
        if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&peer), peer_len) != 0 &&
            errno != EINPROGRESS) {
            GLOG(Debug, "plugin %s: connect to %s port %u: %s", gen(self).name().c_str(), address,
                 port, std::strerror(errno));
            return GORGON_E_IO;
        }
        Connection* c = gen(self).host().connections().createConnecting(
            fd.release(), reinterpret_cast<sockaddr*>(&peer), peer_len, *rel->server, gen(self), cb,
            user, timeout_ms != 0 ? timeout_ms : kDefaultConnectTimeoutMs);
        if (c == nullptr) return GORGON_E_NOMEM;
        *out = c->id;
        return GORGON_OK;
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

gorgon_status connShutdownWrite(gorgon_plugin* self, gorgon_conn_id id) noexcept {
    gorgon_status s = GORGON_OK;
    Connection* c = owned(self, id, s);
    if (c == nullptr) return s;
    if (c->state != Connection::State::Open) return GORGON_E_STALE;
    gen(self).host().connections().shutdownWrite(*c);
    return GORGON_OK;
}

}  // namespace gorgon::api
