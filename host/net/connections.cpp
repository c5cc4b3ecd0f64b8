#include "net/connections.hpp"

#include "core/host.hpp"
#include "log/logger.hpp"
#include "net/address.hpp"
#include "plugin/generation.hpp"

#include <event2/buffer.h>

#include <cstring>

#include <sys/socket.h>
#include <unistd.h>

namespace gorgon {

namespace {

// A flushing close must end even if the peer never reads.
constexpr timeval kFlushTimeout{30, 0};
// Producers are pulled until this much output is queued; the socket drains it before more.
constexpr size_t kOutputHighWater = 256 * 1024;

}  // namespace

Connection* Connections::create(int fd, const sockaddr* peer, socklen_t peer_len, Server& server,
                                Generation& owner) {
    auto c = std::make_unique<Connection>();
    c->bev.reset(bufferevent_socket_new(loop_.base(), fd, BEV_OPT_CLOSE_ON_FREE));
    if (!c->bev) {
        ::close(fd);
        return nullptr;
    }
    c->owner = &owner;
    c->server = &server;
    c->family = peer->sa_family;
    c->peer = formatAddress(peer, peer_len);
    c->peer_host = peer->sa_family == AF_UNIX ? c->peer : formatHost(peer);
    c->peer_port = addressPort(peer);
    sockaddr_storage local{};
    socklen_t local_len = sizeof local;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) == 0) {
        c->local = formatAddress(reinterpret_cast<sockaddr*>(&local), local_len);
    }
    if (peer->sa_family == AF_UNIX) {
        ucred cred{};
        socklen_t len = sizeof cred;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
            c->peer_uid = cred.uid;
            c->peer_gid = cred.gid;
            c->peer_pid = cred.pid;
        }
    }
    Connection* raw = c.get();
    raw->id = table_.insert(std::move(c));
    owner.connections.insert(raw->id);
    bufferevent_setcb(raw->bev.get(), &Connections::onRead, &Connections::onWrite,
                      &Connections::onEvent, raw);
    bufferevent_enable(raw->bev.get(), EV_READ | EV_WRITE);
    return raw;
}

void Connections::setCallbacks(Connection& c, const gorgon_conn_callbacks& cb, void* user) {
    c.callbacks = gorgon_conn_callbacks{};
    std::memcpy(&c.callbacks, &cb, std::min<size_t>(cb.struct_size, sizeof c.callbacks));
    c.callbacks.struct_size = sizeof c.callbacks;
    c.user = user;
}

void Connections::adopt(Connection& c, Generation& to, const gorgon_conn_callbacks& cb,
                        void* user) {
    c.owner->connections.erase(c.id);
    Generation* from = c.owner;
    c.owner = &to;
    to.connections.insert(c.id);
    setCallbacks(c, cb, user);
    from->host().plugins().referenceDropped(*from);
}

void Connections::onRead(bufferevent*, void* arg) noexcept {
    auto* c = static_cast<Connection*>(arg);
    if (c->owner == nullptr) return;
    if (c->state != Connection::State::Open || c->callbacks.on_data == nullptr) return;
    c->callbacks.on_data(c->user, c->id);
}

void Connections::onWrite(bufferevent* bev, void* arg) noexcept {
    auto* c = static_cast<Connection*>(arg);
    if (c->owner == nullptr) return;
    Connections& self = c->owner->host().connections();
    gorgon_conn_id id = c->id;
    if (!c->sendq.empty()) {
        self.drive(*c, true);
        c = self.find(id);
        if (c == nullptr || c->state == Connection::State::Closed) return;
    }
    if (evbuffer_get_length(bufferevent_get_output(bev)) != 0 || !c->sendq.empty()) return;
    if (c->state == Connection::State::Flushing) {
        c->owner->host().connections().close(*c, GORGON_CLOSE_LOCAL, false);
        return;
    }
    if (c->state == Connection::State::Open && c->callbacks.on_drained != nullptr) {
        c->callbacks.on_drained(c->user, c->id);
    }
}

void Connections::onEvent(bufferevent*, short what, void* arg) noexcept {
    auto* c = static_cast<Connection*>(arg);
    if (c->owner == nullptr) return;
    Connections& self = c->owner->host().connections();
    if ((what & BEV_EVENT_ERROR) != 0) {
        self.close(*c, GORGON_CLOSE_ERROR, false);
        return;
    }
    if (c->state == Connection::State::Flushing) {
        // The peer went away or stopped reading while we flushed: nothing more to do.
        self.close(*c, (what & BEV_EVENT_TIMEOUT) ? GORGON_CLOSE_TIMEOUT : GORGON_CLOSE_PEER,
                   false);
        return;
    }
    gorgon_conn_event ev = GORGON_CONN_EOF;
    gorgon_close_reason reason = GORGON_CLOSE_PEER;
    if ((what & BEV_EVENT_TIMEOUT) != 0) {
        ev = (what & BEV_EVENT_READING) ? GORGON_CONN_READ_TIMEOUT : GORGON_CONN_WRITE_TIMEOUT;
        reason = GORGON_CLOSE_TIMEOUT;
    }
    if (c->callbacks.on_event == nullptr) {
        self.close(*c, reason, false);
        return;
    }
    gorgon_conn_id id = c->id;
    c->callbacks.on_event(c->user, id, ev);
    // libevent disables reading after a read timeout; resume it if the plugin kept the
    // connection open and did not pause it.
    Connection* still = self.find(id);
    if (still != nullptr && still->state == Connection::State::Open && !still->paused &&
        ev == GORGON_CONN_READ_TIMEOUT) {
        bufferevent_enable(still->bev.get(), EV_READ);
    }
}

void Connections::close(Connection& c, gorgon_close_reason reason, bool flush) {
    if (c.state == Connection::State::Closed) return;
    if (flush && c.state == Connection::State::Open) {
        bufferevent_disable(c.bev.get(), EV_READ);
        if (evbuffer_get_length(bufferevent_get_output(c.bev.get())) != 0 || !c.sendq.empty()) {
            c.state = Connection::State::Flushing;
            timeval none{0, 0};
            bufferevent_set_timeouts(c.bev.get(), &none, &kFlushTimeout);
            return;
        }
    }
    c.state = Connection::State::Closed;
    abandonQueue(c);
    c.bev.reset();  // closes the socket; safe inside the bufferevent's own callback
    gorgon_conn_id id = c.id;
    loop_.defer([this, id, reason] { finish(id, reason); });
}

void Connections::finish(gorgon_conn_id id, gorgon_close_reason reason) {
    auto c = table_.take(id);
    if (!c) return;
    if (c->server != nullptr) c->server->current_connections--;
    Generation* owner = c->owner;
    if (owner == nullptr) return;  // its generation was finalised first (forgetAllOf)
    if (c->callbacks.on_close != nullptr) c->callbacks.on_close(c->user, id, reason);
    owner->connections.erase(id);
    owner->host().plugins().referenceDropped(*owner);
}

void Connections::forgetAllOf(Generation& owner) {
    auto ids = owner.connections;
    for (auto id : ids) {
        Connection* c = find(id);
        if (c == nullptr) continue;
        close(*c, GORGON_CLOSE_SHUTDOWN, false);
        if (c->callbacks.on_close != nullptr) {
            c->callbacks.on_close(c->user, id, GORGON_CLOSE_SHUTDOWN);
        }
        c->callbacks = gorgon_conn_callbacks{};
        c->owner = nullptr;
    }
    owner.connections.clear();
}

gorgon_status Connections::send(Connection& c, gorgon_producer_id producer,
                                gorgon_send_done_fn done, void* user) {
    Producer* p = producers_.find(producer);
    if (p == nullptr || p->taken) return GORGON_E_STALE;
    p->taken = true;
    p->queued_on = c.id;
    c.sendq.push_back({producer, done, user});
    if (c.sendq.size() == 1) drive(c, false);
    return GORGON_OK;
}

gorgon_status Connections::write(Connection& c, const void* data, size_t len) {
    if (c.sendq.empty()) {
        return bufferevent_write(c.bev.get(), data, len) == 0 ? GORGON_OK : GORGON_E_NOMEM;
    }
    // Behind queued bodies: keep the order by queueing the bytes too.
    gorgon_producer_id id = producers_.add(Producers::memory(data, len), *c.owner);
    return send(c, id, nullptr, nullptr);
}

uint64_t Connections::pending(const Connection& c) const {
    uint64_t out = c.bev ? evbuffer_get_length(bufferevent_get_output(c.bev.get())) : 0;
    return out + (c.sendq.empty() ? 0 : 1);
}

void Connections::wake(gorgon_producer_id producer) {
    Producer* p = producers_.find(producer);
    if (p == nullptr || p->queued_on == 0) return;
    Connection* c = find(p->queued_on);
    if (c == nullptr || c->state == Connection::State::Closed || c->sendq.empty()) return;
    // Only the head of the queue is being pulled; a later one is reached in its turn.
    if (c->sendq.front().producer == producer) drive(*c, false);
}

void Connections::drive(Connection& c, bool from_loop) {
    evbuffer* out = bufferevent_get_output(c.bev.get());
    gorgon_sink sink{out, true};
    while (!c.sendq.empty() && c.state != Connection::State::Closed) {
        size_t queued = evbuffer_get_length(out);
        if (queued >= kOutputHighWater) return;
        Connection::Queued head = c.sendq.front();
        Producer* p = producers_.find(head.producer);
        c.producing = head.producer;
        gorgon_status s =
            p == nullptr ? GORGON_E_STALE : p->produce(sink, kOutputHighWater - queued);
        c.producing = 0;
        if (c.state == Connection::State::Closed) {
            // A custom producer closed its own connection: the queue was abandoned around it.
            producers_.free(head.producer);
            completed(c, head, GORGON_E_STALE, from_loop);
            return;
        }
        if (s == GORGON_OK) continue;
        if (s == GORGON_E_AGAIN) return;  // producer_wake resumes
        c.sendq.pop_front();
        producers_.free(head.producer);
        if (s == GORGON_PRODUCER_DONE) {
            completed(c, head, GORGON_OK, from_loop);
            continue;
        }
        GLOG(Warn, "connection %s: a response body failed (status %d); closing", c.peer.c_str(), s);
        completed(c, head, s, from_loop);
        close(c, GORGON_CLOSE_ERROR, false);
        return;
    }
}

void Connections::completed(Connection& c, const Connection::Queued& q, gorgon_status status,
                            bool from_loop) {
    if (q.done == nullptr) return;
    gorgon_conn_id id = c.id;
    if (from_loop) {
        q.done(q.user, id, status);
    } else {
        loop_.defer([q, id, status] { q.done(q.user, id, status); });
    }
}

void Connections::abandonQueue(Connection& c) {
    auto queue = std::move(c.sendq);
    c.sendq.clear();
    for (const auto& q : queue) {
        if (q.producer == c.producing) continue;  // drive() frees it once produce() returns
        producers_.free(q.producer);
        completed(c, q, GORGON_E_STALE, false);
    }
}

void Connections::closeAllOf(Generation& owner, gorgon_close_reason reason) {
    auto ids = owner.connections;
    for (auto id : ids) {
        if (Connection* c = find(id)) close(*c, reason, false);
    }
}

void Connections::closeAllOf(const Server& server, gorgon_close_reason reason) {
    std::vector<gorgon_conn_id> ids;
    table_.forEach([&](const Connection& c) {
        if (c.server == &server && c.open()) ids.push_back(c.id);
    });
    for (auto id : ids) {
        if (Connection* c = find(id)) close(*c, reason, false);
    }
}

}  // namespace gorgon
