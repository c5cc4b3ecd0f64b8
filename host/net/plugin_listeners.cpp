#include "net/plugin_listeners.hpp"

#include "core/host.hpp"
#include "log/logger.hpp"
#include "plugin/generation.hpp"
#include "util/crypto.hpp"
#include "work/watchdog.hpp"

#include <cstring>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace gorgon {

namespace {

void setPort(sockaddr_storage& ss, uint16_t port) {
    if (ss.ss_family == AF_INET) {
        reinterpret_cast<sockaddr_in*>(&ss)->sin_port = htons(port);
    } else if (ss.ss_family == AF_INET6) {
        reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port = htons(port);
    }
}

}  // namespace

gorgon_status PluginListeners::open(Generation& owner, Connection& related, uint16_t port_min,
                                    uint16_t port_max, gorgon_accept_fn fn, void* user,
                                    gorgon_listener_id* out, uint16_t* port) {
    if (fn == nullptr || out == nullptr || port_min > port_max || related.server == nullptr) {
        return GORGON_E_INVAL;
    }
    ListenAddress addr;
    addr.len = sizeof addr.addr;
    if (::getsockname(related.fd, reinterpret_cast<sockaddr*>(&addr.addr), &addr.len) != 0) {
        return GORGON_E_IO;
    }
    if (addr.addr.ss_family != AF_INET && addr.addr.ss_family != AF_INET6) {
        return GORGON_E_UNSUPPORTED;
    }
    // Ports are tried from a random start, so a client cannot guess the next data port.
    uint32_t span = uint32_t{port_max} - port_min + 1;
    uint32_t start = 0;
    if (port_min != 0 || port_max != 0) {
        uint32_t r = 0;
        randomBytes({reinterpret_cast<uint8_t*>(&r), sizeof r});
        start = r % span;
    } else {
        span = 1;  // port 0: the kernel picks
    }
    auto rec = std::make_unique<Record>();
    Record* raw = rec.get();
    gorgon_listener_id id = table_.insert(std::move(rec));
    raw->id = id;
    raw->owner = &owner;
    raw->server_id = related.server->id;
    raw->fn = fn;
    raw->user = user;
    std::string last_error;
    for (uint32_t i = 0; i < span && !raw->listener; ++i) {
        uint16_t p = 0;
        if (port_min != 0 || port_max != 0)
            p = static_cast<uint16_t>(port_min + (start + i) % span);
        setPort(addr.addr, p);
        addr.text = formatAddress(reinterpret_cast<sockaddr*>(&addr.addr), addr.len);
        auto l = Listener::open(host_.loop().base(), addr,
                                [this, id](int fd, const sockaddr* peer, socklen_t len) {
                                    accepted(id, fd, peer, len);
                                });
        if (l) {
            raw->listener = std::move(l.value());
        } else {
            last_error = l.error();
        }
    }
    if (!raw->listener) {
        table_.take(id);
        GLOG(Warn, "plugin %s: no free port to listen on in %u-%u (last error: %s)",
             owner.name().c_str(), port_min, port_max, last_error.c_str());
        return GORGON_E_BUSY;
    }
    owner.listeners.insert(id);
    *out = id;
    if (port != nullptr) {
        const std::string& bound = raw->listener->boundAddress();
        *port = static_cast<uint16_t>(std::stoul(bound.substr(bound.rfind(':') + 1)));
    }
    return GORGON_OK;
}

gorgon_status PluginListeners::close(Generation& owner, gorgon_listener_id id) {
    Record* r = table_.find(id);
    if (r == nullptr) return GORGON_E_STALE;
    if (r->owner != &owner) return GORGON_E_PERM;
    owner.listeners.erase(id);
    // The socket closes from the loop: this may run inside the listener's own accept callback.
    std::shared_ptr<Record> gone(table_.take(id));
    gone->listener->pause();
    host_.loop().defer([gone] {});
    return GORGON_OK;
}

void PluginListeners::closeAllOf(Generation& owner) {
    auto ids = owner.listeners;
    for (auto id : ids) close(owner, id);
}

void PluginListeners::accepted(gorgon_listener_id id, int fd, const sockaddr* peer, socklen_t len) {
    Record* r = table_.find(id);
    Server* server = r != nullptr ? host_.servers().byId(r->server_id) : nullptr;
    if (r == nullptr || server == nullptr) {
        ::close(fd);
        return;
    }
    Connection* c = host_.connections().create(fd, peer, len, *server, *r->owner, /*bulk=*/true);
    if (c == nullptr) {
        GLOG(Error, "plugin %s: cannot set up an accepted connection", r->owner->name().c_str());
        return;
    }
    gorgon_conn_id conn = c->id;
    Generation* owner = r->owner;
    {
        WatchScope w(owner, "accept");
        r->fn(r->user, id, conn);
    }
    // The callback may have closed the listener (table_ entry gone) or the connection.
    c = host_.connections().find(conn);
    if (c == nullptr || !c->open()) return;
    if (c->callbacks.on_close == nullptr) {
        GLOG(Error, "plugin %s accepted a connection without setting its callbacks",
             owner->name().c_str());
        host_.connections().close(*c, GORGON_CLOSE_LOCAL, false);
    }
}

}  // namespace gorgon
