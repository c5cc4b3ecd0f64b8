#include "net/connections.hpp"

#include "core/host.hpp"
#include "core/servers.hpp"
#include "log/logger.hpp"
#include "net/address.hpp"
#include "plugin/generation.hpp"
#include "tls/tls_stream.hpp"
#include "work/watchdog.hpp"

#include <cerrno>
#include <cstring>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace gorgon {

namespace {

bool wouldBlock(int err) {
    return err == EAGAIN || err == EWOULDBLOCK || err == EINTR;
}

}  // namespace

Connection::~Connection() {
    // Events first: they must not outlive the descriptor they watch.
    read_ev.reset();
    write_ev.reset();
    if (fd >= 0) ::close(fd);
}

Connections::Connections(EventLoop& loop, Producers& producers)
    : loop_(loop),
      producers_(producers),
      flush_ev_(event_new(loop.base(), -1, 0, &Connections::onFlushPass, this)) {
    if (!flush_ev_) throw std::runtime_error("cannot create the flush event");
}

Connections::~Connections() {
    flush_ev_.reset();
}

Connection* Connections::create(int fd, const sockaddr* peer, socklen_t peer_len, Server& server,
                                Generation& owner, bool bulk) {
    Connection* c = wrap(fd, peer, peer_len, server, owner, bulk);
    if (c != nullptr) armRead(*c);
    return c;
}

Connection* Connections::createConnecting(int fd, const sockaddr* peer, socklen_t peer_len,
                                          Server& server, Generation& owner,
                                          const gorgon_conn_callbacks& cb, void* user,
                                          uint64_t timeout_ms) {
    Connection* c = wrap(fd, peer, peer_len, server, owner, /*bulk=*/true);
    if (c == nullptr) return nullptr;
    setCallbacks(*c, cb, user);
    c->connecting = true;
    // Writability reports the outcome of a non-blocking connect (connect(2), EINPROGRESS).
    timeval tv = toTimeval(timeout_ms);
    event_add(c->write_ev.get(), &tv);
    c->writing = true;
    return c;
}

Connection* Connections::wrap(int fd, const sockaddr* peer, socklen_t peer_len, Server& server,
                              Generation& owner, bool bulk) {
    auto c = std::make_unique<Connection>();
    c->fd = fd;  // owned from here on
    c->in.reset(evbuffer_new());
    c->out.reset(evbuffer_new());
    if (!c->in || !c->out) return nullptr;
    // Without this flag libevent reads file segments into memory instead of using sendfile.
    // startTls clears it again: TLS cannot send from a file, producers then read (pread).
    evbuffer_set_flags(c->out.get(), EVBUFFER_FLAG_DRAINS_TO_FD);
    c->owner = &owner;
    c->server = &server;
    c->family = peer->sa_family;
    c->peer = formatAddress(peer, peer_len);
    c->peer_host = peer->sa_family == AF_UNIX ? c->peer : formatHost(peer);
    c->peer_port = addressPort(peer);
    if (peer->sa_family == AF_UNIX) {
        ucred cred{};
        socklen_t len = sizeof cred;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
            c->peer_uid = cred.uid;
            c->peer_gid = cred.gid;
            c->peer_pid = cred.pid;
        }
    } else if (!bulk) {
        // Responses are written whole (headers and small bodies in one writev); waiting for
        // more data to fill a segment would only add latency. (Measured: with TCP_NODELAY on
        // FTP data connections, RETR ran at 0.89x vsftpd; without it, 1.11x.)
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    Connection* raw = c.get();
    raw->read_ev.reset(
        event_new(loop_.base(), fd, EV_READ | EV_PERSIST, &Connections::onReadable, raw));
    raw->write_ev.reset(
        event_new(loop_.base(), fd, EV_WRITE | EV_PERSIST, &Connections::onWritable, raw));
    if (!raw->read_ev || !raw->write_ev) return nullptr;
    raw->id = table_.insert(std::move(c));
    owner.connections.insert(raw->id);
    raw->opened_ms = raw->active_ms = loop_.nowMs();
    server.total_connections++;
    server.current_connections++;
    totals_.connections++;
    return raw;
}

void Connections::countIn(Connection& c, uint64_t n) noexcept {
    c.bytes_in += n;
    c.active_ms = loop_.nowMs();
    totals_.bytes_in += n;
    if (c.server != nullptr) c.server->bytes_in += n;
}

void Connections::countOut(Connection& c, uint64_t n) noexcept {
    c.bytes_out += n;
    c.active_ms = loop_.nowMs();
    totals_.bytes_out += n;
    if (c.server != nullptr) c.server->bytes_out += n;
}

void Connections::connected(Connection& c, bool timed_out) {
    int err = ETIMEDOUT;
    if (!timed_out) {
        socklen_t len = sizeof err;
        if (getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    }
    event_del(c.write_ev.get());
    c.writing = false;
    if (err != 0) {
        GLOG(Debug, "connection to %s failed: %s", c.peer.c_str(), std::strerror(err));
        close(c, timed_out ? GORGON_CLOSE_TIMEOUT : GORGON_CLOSE_ERROR, false);
        return;
    }
    c.connecting = false;
    c.active_ms = loop_.nowMs();
    armRead(c);
    if (c.state == Connection::State::Open && c.callbacks.on_event != nullptr) {
        WatchScope w(c.owner, "on_event");
        c.callbacks.on_event(c.user, c.id, GORGON_CONN_CONNECTED);
    }
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
    if (c.in_request) {
        from->requests_inflight--;
        to.requests_inflight++;
    }
    c.owner = &to;
    to.connections.insert(c.id);
    setCallbacks(c, cb, user);
    from->host().plugins().referenceDropped(*from);
}

void Connections::rehome(Connection& c, Generation& to) {
    Generation* from = c.owner;
    if (from == &to || from == nullptr) return;
    from->connections.erase(c.id);
    c.owner = &to;
    to.connections.insert(c.id);
    from->host().plugins().referenceDropped(*from);
}

void Connections::armRead(Connection& c) {
    if (c.tls && c.state != Connection::State::Closed && !c.connecting) {
        TlsStream& t = *c.tls;
        if (t.state == TlsStream::State::Pending) {
            event_del(c.read_ev.get());  // nothing is read between the command and the handshake
            return;
        }
        if (t.state == TlsStream::State::Handshaking) {
            // The handshake has a deadline of its own, whatever the plugin asked for.
            int64_t left = std::max<int64_t>(1, t.deadline_ms - loop_.nowMs());
            timeval tv = toTimeval(static_cast<uint64_t>(left));
            event_add(c.read_ev.get(), &tv);
            return;
        }
        if (t.write_wants_read) {
            event_add(c.read_ev.get(), nullptr);  // a write waits on it, paused or not
            return;
        }
    }
    if (c.state != Connection::State::Open || c.paused || c.eof || c.connecting) {
        event_del(c.read_ev.get());
        return;
    }
    timeval tv = toTimeval(c.read_timeout_ms);
    event_add(c.read_ev.get(), c.read_timeout_ms != 0 ? &tv : nullptr);
    // Records OpenSSL has already taken from the socket raise no readiness event.
    if (c.tls && c.tls->hasPending()) event_active(c.read_ev.get(), EV_READ, 0);
}

void Connections::pauseReading(Connection& c, bool paused) {
    c.paused = paused;
    armRead(c);
}

void Connections::setTimeouts(Connection& c, uint64_t read_ms, uint64_t write_ms) {
    c.read_timeout_ms = read_ms;
    c.write_timeout_ms = write_ms;
    armRead(c);
    if (c.writing && !c.connecting) {
        uint64_t ms = write_ms != 0 ? write_ms : kFlushTimeoutMs;
        timeval tv = toTimeval(ms);
        event_add(c.write_ev.get(), &tv);
    }
}

void Connections::onReadable(evutil_socket_t, short what, void* arg) noexcept {
    auto* c = static_cast<Connection*>(arg);
    if (c->owner == nullptr) return;
    Connections& self = c->owner->host().connections();
    gorgon_conn_id id = c->id;
    c->in_callback = true;
    if (c->tls && c->tls->state != TlsStream::State::Ready) {
        // The handshake's deadline; otherwise flush() below advances it.
        if ((what & EV_TIMEOUT) != 0) self.tlsFailed(*c, "timed out", GORGON_CLOSE_TIMEOUT);
    } else if ((what & EV_TIMEOUT) != 0) {
        self.timedOut(*c, GORGON_CONN_READ_TIMEOUT);
    } else {
        if (c->tls) c->tls->write_wants_read = false;  // the flush below tries again
        self.readOnce(*c);
    }
    c = self.find(id);
    if (c == nullptr) return;
    c->in_callback = false;
    if (c->open()) self.flush(*c);
}

void Connections::onWritable(evutil_socket_t, short what, void* arg) noexcept {
    auto* c = static_cast<Connection*>(arg);
    if (c->owner == nullptr) return;
    Connections& self = c->owner->host().connections();
    gorgon_conn_id id = c->id;
    c->in_callback = true;
    if (c->connecting) {
        self.connected(*c, (what & EV_TIMEOUT) != 0);
    } else if ((what & EV_TIMEOUT) != 0) {
        self.timedOut(*c, GORGON_CONN_WRITE_TIMEOUT);
    } else if (c->tls && c->tls->read_wants_write) {
        c->tls->read_wants_write = false;
        self.readOnce(*c);
    }
    c = self.find(id);
    if (c == nullptr) return;
    c->in_callback = false;
    if (c->open()) self.flush(*c);
}

void Connections::onFlushPass(evutil_socket_t, short, void* arg) noexcept {
    auto* self = static_cast<Connections*>(arg);
    std::vector<gorgon_conn_id> ids;
    ids.swap(self->dirty_);
    for (auto id : ids) {
        Connection* c = self->find(id);
        if (c != nullptr && c->dirty && c->open()) self->flush(*c);
    }
}

void Connections::readOnce(Connection& c) {
    if (c.tls) {
        tlsRead(c);
        return;
    }
    evbuffer_iovec v{};
    // One read per readiness event: enough for a pipeline of requests, fair to the others.
    if (evbuffer_reserve_space(c.in.get(), c.read_size, &v, 1) < 1) {
        close(c, GORGON_CLOSE_ERROR, false);
        return;
    }
    ssize_t n = 0;
    do {
        n = ::recv(c.fd, v.iov_base, v.iov_len, 0);
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
        v.iov_len = static_cast<size_t>(n);
        evbuffer_commit_space(c.in.get(), &v, 1);
        countIn(c, static_cast<uint64_t>(n));
        if (c.state == Connection::State::Open && c.callbacks.on_data != nullptr) {
            WatchScope w(c.owner, "on_data");
            c.callbacks.on_data(c.user, c.id);
        }
        return;
    }
    if (n < 0) {
        if (!wouldBlock(errno)) close(c, GORGON_CLOSE_ERROR, false);
        return;
    }
    // End of input. The peer may only have shut its sending side: output still flows.
    c.eof = true;
    armRead(c);
    if (c.state != Connection::State::Open) return;
    if (c.callbacks.on_event != nullptr) {
        WatchScope w(c.owner, "on_event");
        c.callbacks.on_event(c.user, c.id, GORGON_CONN_EOF);
    } else {
        close(c, GORGON_CLOSE_PEER, true);
    }
}

void Connections::timedOut(Connection& c, gorgon_conn_event event) {
    if (c.state != Connection::State::Open || c.callbacks.on_event == nullptr) {
        close(c, GORGON_CLOSE_TIMEOUT, false);
        return;
    }
    WatchScope w(c.owner, "on_event");
    c.callbacks.on_event(c.user, c.id, event);
}

void Connections::markDirty(Connection& c) {
    // A connection inside its own callback is flushed when the callback returns.
    if (c.dirty || c.in_callback) return;
    c.dirty = true;
    dirty_.push_back(c.id);
    if (dirty_.size() == 1) event_active(flush_ev_.get(), 0, 0);
}

void Connections::flush(Connection& c) {
    c.dirty = false;
    if (c.connecting) return;  // connected() flushes what was written meanwhile
    if (c.tls && c.tls->state != TlsStream::State::Ready) {
        tlsAdvance(c);  // output waits for the handshake
        if (c.state == Connection::State::Closed || c.tls->state != TlsStream::State::Ready) return;
    }
    evbuffer* out = c.out.get();
    bool had_output = evbuffer_get_length(out) != 0 || !c.sendq.empty();
    bool wants_read = false;  // TLS: the write waits for the socket to be readable
    for (;;) {
        if (!c.sendq.empty()) drive(c, true);
        if (c.state == Connection::State::Closed) return;
        if (evbuffer_get_length(out) == 0) break;
        if (c.tls) {
            TlsSent sent = tlsWrite(c);
            if (sent == TlsSent::Failed) return;
            if (sent == TlsSent::Progress) continue;
            wants_read = sent == TlsSent::WantRead;
            break;
        }
        int n = evbuffer_write(out, c.fd);
        if (n < 0) {
            if (wouldBlock(errno)) break;
            close(c, GORGON_CLOSE_ERROR, false);
            return;
        }
        if (n == 0) break;
        countOut(c, static_cast<uint64_t>(n));
    }
    bool unsent = evbuffer_get_length(out) != 0;
    bool blocked = (unsent && !wants_read) || (c.tls && c.tls->read_wants_write);
    if (blocked && !c.writing) {
        uint64_t ms = c.write_timeout_ms != 0 ? c.write_timeout_ms : kFlushTimeoutMs;
        timeval tv = toTimeval(ms);
        event_add(c.write_ev.get(), &tv);
        c.writing = true;
    } else if (!blocked && c.writing) {
        event_del(c.write_ev.get());
        c.writing = false;
    }
    if (unsent || !c.sendq.empty()) return;
    if (c.state == Connection::State::Flushing) {
        close(c, GORGON_CLOSE_LOCAL, false);
        return;
    }
    if (c.shut_write && !c.write_closed) {
        c.write_closed = true;
        if (c.tls) c.tls->shutdown();  // close_notify first: the peer can tell an end from a cut
        ::shutdown(c.fd, SHUT_WR);
    }
    if (had_output && c.callbacks.on_drained != nullptr) {
        WatchScope w(c.owner, "on_drained");
        c.callbacks.on_drained(c.user, c.id);
    }
}

void Connections::close(Connection& c, gorgon_close_reason reason, bool flush_first) {
    if (c.state == Connection::State::Closed) return;
    if (flush_first && c.state == Connection::State::Flushing) return;  // already on its way
    if (flush_first && c.state == Connection::State::Open) {
        c.state = Connection::State::Flushing;
        armRead(c);  // reading stops
        if (evbuffer_get_length(c.out.get()) != 0 || !c.sendq.empty()) {
            markDirty(c);
            return;
        }
    }
    c.state = Connection::State::Closed;
    abandonQueue(c);
    // Best effort close_notify, not after an error (OpenSSL forbids it) or a timeout (the peer
    // is not listening). The session itself lives until the connection is freed.
    if (c.tls && reason != GORGON_CLOSE_ERROR && reason != GORGON_CLOSE_TIMEOUT) c.tls->shutdown();
    // Freeing an event inside its own callback is allowed by libevent.
    c.read_ev.reset();
    c.write_ev.reset();
    ::close(c.fd);
    c.fd = -1;
    c.admission.reset();  // the place is free for the next accept
    gorgon_conn_id id = c.id;
    loop_.defer([this, id, reason] { finish(id, reason); });
}

void Connections::finish(gorgon_conn_id id, gorgon_close_reason reason) {
    auto c = table_.take(id);
    if (!c) return;
    if (c->in_request) endRequest(*c);
    Server* server = c->server;
    if (server != nullptr) server->current_connections--;
    // Generation null: it was finalised first (forgetAllOf) and has had its on_close.
    if (Generation* owner = c->owner) {
        if (c->callbacks.on_close != nullptr) {
            WatchScope w(owner, "on_close");
            c->callbacks.on_close(c->user, id, reason);
        }
        owner->connections.erase(id);
        owner->host().plugins().referenceDropped(*owner);
    }
    if (server != nullptr && server_left_) server_left_(*server);
}

const std::string& Connections::localAddress(Connection& c) {
    // Asked for rarely (conn_info), so not worth a getsockname on every accept.
    if (c.local.empty() && c.fd >= 0) {
        sockaddr_storage local{};
        socklen_t local_len = sizeof local;
        if (getsockname(c.fd, reinterpret_cast<sockaddr*>(&local), &local_len) == 0) {
            c.local = formatAddress(reinterpret_cast<sockaddr*>(&local), local_len);
        }
    }
    return c.local;
}

void Connections::shutdownWrite(Connection& c) {
    c.shut_write = true;
    markDirty(c);  // the flush pass half-closes once nothing is queued
}

gorgon_status Connections::beginRequest(Connection& c) {
    if (c.in_request) return GORGON_E_INVAL;
    c.in_request = true;
    if (c.admission) c.admission->requestBegun();
    if (c.owner != nullptr) c.owner->requests_inflight++;
    if (c.server != nullptr) c.server->requests_inflight++;
    return GORGON_OK;
}

gorgon_status Connections::endRequest(Connection& c) {
    if (!c.in_request) return GORGON_E_INVAL;
    c.in_request = false;
    if (c.admission) c.admission->requestEnded();
    c.requests++;
    totals_.requests++;
    if (c.owner != nullptr) {
        c.owner->requests_inflight--;
        c.owner->requests_total++;
    }
    if (c.server != nullptr) {
        c.server->requests_inflight--;
        c.server->requests_total++;
    }
    return GORGON_OK;
}

gorgon_status Connections::send(Connection& c, gorgon_producer_id producer,
                                gorgon_send_done_fn done, void* user) {
    Producer* p = producers_.find(producer);
    if (p == nullptr || p->taken) return GORGON_E_STALE;
    p->taken = true;
    p->queued_on = c.id;
    c.sendq.push_back({producer, done, user});
    if (c.sendq.size() == 1) drive(c, false);
    markDirty(c);
    return GORGON_OK;
}

gorgon_status Connections::write(Connection& c, const void* data, size_t len) {
    if (!c.sendq.empty()) {
        // Behind queued bodies: keep the order by queueing the bytes too.
        gorgon_producer_id id = producers_.add(Producers::memory(data, len), *c.owner);
        return send(c, id, nullptr, nullptr);
    }
    if (evbuffer_add(c.out.get(), data, len) != 0) return GORGON_E_NOMEM;
    markDirty(c);
    return GORGON_OK;
}

uint64_t Connections::pending(const Connection& c) const {
    return evbuffer_get_length(c.out.get()) + (c.sendq.empty() ? 0 : 1);
}

void Connections::wake(gorgon_producer_id producer) {
    Producer* p = producers_.find(producer);
    if (p == nullptr || p->queued_on == 0) return;
    Connection* c = find(p->queued_on);
    if (c == nullptr || c->state == Connection::State::Closed || c->sendq.empty()) return;
    // Only the head of the queue is being pulled; a later one is reached in its turn.
    if (c->sendq.front().producer != producer) return;
    drive(*c, false);
    markDirty(*c);
}

void Connections::drive(Connection& c, bool from_loop) {
    evbuffer* out = c.out.get();
    // Under TLS, bytes must pass through OpenSSL: file ranges are read (pread), never sendfile.
    gorgon_sink sink{out, c.tls == nullptr};
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
        c.sendq.erase(c.sendq.begin());
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
        WatchScope w(c.owner, "send_done");
        q.done(q.user, id, status);
    } else {
        loop_.defer([q, id, status, owner = c.owner] {
            WatchScope w(owner, "send_done");
            q.done(q.user, id, status);
        });
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

void Connections::forgetAllOf(Generation& owner) {
    auto ids = owner.connections;
    for (auto id : ids) {
        Connection* c = find(id);
        if (c == nullptr) continue;
        close(*c, GORGON_CLOSE_SHUTDOWN, false);
        if (c->callbacks.on_close != nullptr) {
            WatchScope w(&owner, "on_close");
            c->callbacks.on_close(c->user, id, GORGON_CLOSE_SHUTDOWN);
        }
        c->callbacks = gorgon_conn_callbacks{};
        c->owner = nullptr;
    }
    owner.connections.clear();
}

void Connections::closeAllOf(Generation& owner, gorgon_close_reason reason) {
    auto ids = owner.connections;
    for (auto id : ids) {
        if (Connection* c = find(id)) close(*c, reason, false);
    }
}

void Connections::closeAllOf(const Server& server, gorgon_close_reason reason, bool flush) {
    std::vector<gorgon_conn_id> ids;
    table_.forEach([&](const Connection& c) {
        if (c.server == &server && c.open()) ids.push_back(c.id);
    });
    for (auto id : ids) {
        if (Connection* c = find(id)) close(*c, reason, flush);
    }
}

}  // namespace gorgon
