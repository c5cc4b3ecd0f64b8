// The TLS branch of Connections: the same read-once / write-at-once paths as plaintext, through
// OpenSSL. Reads take what one recv brought (read-ahead) and whatever OpenSSL still buffers;
// writes send one record from the front of the output buffer per SSL_write, and wait for the
// socket only when OpenSSL says so (WANT_WRITE, or WANT_READ in either direction).
#include "core/host.hpp"
#include "core/servers.hpp"
#include "log/logger.hpp"
#include "net/connections.hpp"
#include "plugin/generation.hpp"
#include "tls/tls_context.hpp"
#include "tls/tls_stream.hpp"
#include "work/watchdog.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace gorgon {

namespace {

// Plaintext read per readable event before yielding to other connections; what is left in
// OpenSSL is read on the next pass of the loop.
constexpr size_t kTlsReadBudget = 64 * 1024;
// One TLS record: the most SSL_write puts in one call. Smaller pieces of output are gathered
// first (headers and a small body), so that a response is one record and one write(2).
constexpr size_t kTlsRecord = 16 * 1024;

const char* serverName(const Connection& c) {
    return c.server != nullptr ? c.server->config.name.c_str() : "?";
}

// What a client that speaks plaintext to a TLS port makes OpenSSL say.
bool looksLikePlaintext(const std::string& why) {
    return why.find("http request") != std::string::npos ||
           why.find("wrong version number") != std::string::npos ||
           why.find("packet length too long") != std::string::npos ||
           why.find("unknown protocol") != std::string::npos;
}

}  // namespace

gorgon_status Connections::startTls(Connection& c, std::shared_ptr<const TlsContext> context,
                                    bool in_band, uint64_t require_origin) {
    if (c.tls || !context) return GORGON_E_INVAL;
    SslPtr ssl = context->newSession(c.fd);
    if (!ssl) return GORGON_E_NOMEM;
    c.tls = std::make_unique<TlsStream>(std::move(context), std::move(ssl), c.id);
    TlsStream& t = *c.tls;
    t.require_origin = require_origin;
    // Files must be read into memory from now on (see drive()).
    evbuffer_clear_flags(c.out.get(), EVBUFFER_FLAG_DRAINS_TO_FD);
    if (in_band) {
        t.announce = true;
        t.state = TlsStream::State::Pending;
        t.plain_left = evbuffer_get_length(c.out.get());
        // Whatever followed the command in plaintext is not trusted with the session (STARTTLS
        // command injection, CVE-2011-0411): a client waits for the reply before its hello.
        evbuffer_drain(c.in.get(), evbuffer_get_length(c.in.get()));
        armRead(c);
        markDirty(c);  // the flush pass sends the reply, then starts the handshake
        return GORGON_OK;
    }
    t.state = TlsStream::State::Handshaking;
    t.deadline_ms = loop_.nowMs() + static_cast<int64_t>(t.context()->handshakeTimeoutMs());
    armRead(c);
    return GORGON_OK;
}

void Connections::tlsAdvance(Connection& c) {
    TlsStream& t = *c.tls;
    if (t.state == TlsStream::State::Pending) {
        // The reply to the command (and all before it) leaves in plaintext, then the handshake.
        while (t.plain_left > 0 && evbuffer_get_length(c.out.get()) > 0) {
            int n = evbuffer_write_atmost(c.out.get(), c.fd, static_cast<ev_ssize_t>(t.plain_left));
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) break;
            if (n <= 0) {
                tlsFailed(c, n < 0 ? std::strerror(errno) : "connection closed");
                return;
            }
            t.plain_left -= static_cast<uint64_t>(n);
            countOut(c, static_cast<uint64_t>(n));
        }
        if (t.plain_left > 0 && evbuffer_get_length(c.out.get()) > 0) {
            tlsWantWrite(c);
            return;
        }
        t.plain_left = 0;
        t.state = TlsStream::State::Handshaking;
        t.deadline_ms = loop_.nowMs() + static_cast<int64_t>(t.context()->handshakeTimeoutMs());
        armRead(c);
    }
    if (t.state == TlsStream::State::Handshaking) tlsHandshake(c);
}

void Connections::tlsHandshake(Connection& c) {
    TlsStream& t = *c.tls;
    switch (t.handshake()) {
        case TlsStream::Io::Ok:
            tlsHandshakeDone(c);
            return;
        case TlsStream::Io::WantRead:
            if (c.writing && evbuffer_get_length(c.out.get()) == 0) {
                event_del(c.write_ev.get());
                c.writing = false;
            }
            return;  // read_ev is armed with the deadline (armRead)
        case TlsStream::Io::WantWrite:
            tlsWantWrite(c);
            return;
        case TlsStream::Io::Closed:
            tlsFailed(c, "the peer closed the connection", GORGON_CLOSE_PEER);
            return;
        case TlsStream::Io::Error:
            tlsFailed(c, t.error());
            return;
    }
}

void Connections::tlsHandshakeDone(Connection& c) {
    TlsStream& t = *c.tls;
    t.completed();
    if (t.require_origin != 0 && !t.resumedFrom(t.require_origin)) {
        // As vsftpd's require_ssl_reuse: a data channel must come from the client that holds
        // the control connection's session, not from whoever reached the port first.
        GLOG(Info, "server %s: %s did not resume the TLS session it had to (%s); closed",
             serverName(c), c.peer.c_str(),
             t.resumed() ? "it resumed another one" : "it made a new one");
        close(c, GORGON_CLOSE_ERROR, false);
        return;
    }
    if (Logger::enabled(LogLevel::Debug)) {
        GLOG(Debug, "server %s: TLS with %s: %s %s%s%s%s%s%s", serverName(c), c.peer.c_str(),
             t.version.c_str(), t.cipher.c_str(), t.resumed() ? ", resumed" : "",
             t.sni.empty() ? "" : ", SNI ", t.sni.c_str(), t.alpn.empty() ? "" : ", ALPN ",
             t.alpn.c_str());
    }
    armRead(c);  // the plugin's read timeout from now on (flush() settles the write event)
    if (t.announce) {
        if (c.state == Connection::State::Open && c.callbacks.on_event != nullptr) {
            WatchScope w(c.owner, "on_event");
            c.callbacks.on_event(c.user, c.id, GORGON_CONN_TLS_READY);
        }
    } else if (c.owner != nullptr && c.server != nullptr) {
        // Implicit TLS: the protocol meets the connection only now, handshake done.
        c.owner->host().servers().handOver(*c.server, c);
    }
    // Application data that came with the handshake's last flight is in OpenSSL already.
    if (c.state == Connection::State::Open && !c.paused && c.tls->hasPending()) {
        event_active(c.read_ev.get(), EV_READ, 0);
    }
}

void Connections::tlsRead(Connection& c) {
    TlsStream& t = *c.tls;
    if (c.state != Connection::State::Open || c.paused || c.eof) return;
    size_t total = 0;
    TlsStream::Io io = TlsStream::Io::Ok;
    for (;;) {
        evbuffer_iovec v{};
        if (evbuffer_reserve_space(c.in.get(), c.read_size, &v, 1) < 1) {
            close(c, GORGON_CLOSE_ERROR, false);
            return;
        }
        size_t got = 0;
        io = t.read(v.iov_base, v.iov_len, got);
        if (io != TlsStream::Io::Ok) break;  // reserved space left uncommitted is reused
        v.iov_len = got;
        evbuffer_commit_space(c.in.get(), &v, 1);
        countIn(c, got);
        total += got;
        // Another SSL_read only if it needs no recv: the socket reports its own data.
        if (total >= kTlsReadBudget || !t.hasPending()) break;
    }
    if (io == TlsStream::Io::Error) {
        tlsFailed(c, t.error());
        return;
    }
    if (io == TlsStream::Io::WantWrite) {
        t.read_wants_write = true;  // a key update or alert to send first
        tlsWantWrite(c);
    }
    if (total > 0 && c.state == Connection::State::Open && c.callbacks.on_data != nullptr) {
        WatchScope w(c.owner, "on_data");
        c.callbacks.on_data(c.user, c.id);
    }
    if (io == TlsStream::Io::Closed) {
        // close_notify, or the end of the stream: as a FIN on a plaintext connection.
        c.eof = true;
        armRead(c);
        if (c.state != Connection::State::Open) return;
        if (c.callbacks.on_event != nullptr) {
            WatchScope w(c.owner, "on_event");
            c.callbacks.on_event(c.user, c.id, GORGON_CONN_EOF);
        } else {
            close(c, GORGON_CLOSE_PEER, true);
        }
        return;
    }
    // The budget ran out with records still buffered: continue on the next pass of the loop.
    if (c.state == Connection::State::Open && !c.paused && t.hasPending()) {
        event_active(c.read_ev.get(), EV_READ, 0);
    }
}

Connections::TlsSent Connections::tlsWrite(Connection& c) {
    evbuffer* out = c.out.get();
    size_t len = std::min(evbuffer_get_length(out), kTlsRecord);
    // Contiguous: a no-op for large buffers, a small copy that merges a head and a body.
    unsigned char* data = evbuffer_pullup(out, static_cast<ev_ssize_t>(len));
    if (data == nullptr) {
        close(c, GORGON_CLOSE_ERROR, false);
        return TlsSent::Failed;
    }
    size_t sent = 0;
    switch (c.tls->write(data, len, sent)) {
        case TlsStream::Io::Ok:
            evbuffer_drain(out, sent);
            countOut(c, sent);
            return TlsSent::Progress;
        case TlsStream::Io::WantWrite:
            return TlsSent::WantWrite;
        case TlsStream::Io::WantRead:
            c.tls->write_wants_read = true;
            armRead(c);
            return TlsSent::WantRead;
        case TlsStream::Io::Closed:
            tlsFailed(c, "the peer closed the connection", GORGON_CLOSE_PEER);
            return TlsSent::Failed;
        case TlsStream::Io::Error:
            tlsFailed(c, c.tls->error());
            return TlsSent::Failed;
    }
    return TlsSent::Failed;
}

void Connections::tlsWantWrite(Connection& c) {
    if (c.writing) return;
    uint64_t ms = c.write_timeout_ms != 0 ? c.write_timeout_ms : kFlushTimeoutMs;
    timeval tv = toTimeval(ms);
    event_add(c.write_ev.get(), &tv);
    c.writing = true;
}

void Connections::tlsFailed(Connection& c, const std::string& why, gorgon_close_reason reason) {
    if (c.state == Connection::State::Closed) return;
    // An error after the handshake is not a handshake error, though the stream says Failed now.
    bool handshaking = c.tls && !c.tls->established();
    if (c.tls && c.tls->state != TlsStream::State::Ready) c.tls->state = TlsStream::State::Failed;
    if (Logger::enabled(LogLevel::Debug)) {
        GLOG(Debug, "server %s: TLS %s %s: %s%s", serverName(c),
             handshaking ? "handshake with" : "connection with", c.peer.c_str(), why.c_str(),
             handshaking && looksLikePlaintext(why) ? " (plaintext sent to a TLS port?)" : "");
    }
    close(c, reason, false);
}

}  // namespace gorgon
