#include "tls/tls_stream.hpp"

#include <openssl/err.h>

#include <cerrno>
#include <cstring>

namespace gorgon {

// Ticket appdata is the origin as 8 bytes in host order: it is sealed by this process's ticket
// keys (or never leaves its cache), so no other reader exists.
bool TlsStream::sessionOrigin(SSL_SESSION* session, uint64_t& out) noexcept {
    void* data = nullptr;
    size_t len = 0;
    if (session == nullptr || SSL_SESSION_get0_ticket_appdata(session, &data, &len) != 1 ||
        len != sizeof out || data == nullptr) {
        return false;
    }
    std::memcpy(&out, data, sizeof out);
    return true;
}

bool TlsStream::markSession(SSL_SESSION* session, uint64_t origin) noexcept {
    return session != nullptr &&
           SSL_SESSION_set1_ticket_appdata(session, &origin, sizeof origin) == 1;
}

TlsStream::TlsStream(std::shared_ptr<const TlsContext> context, SslPtr ssl, uint64_t origin)
    : context_(std::move(context)), ssl_(std::move(ssl)), own_origin_(origin) {
    SSL_set_app_data(ssl_.get(), this);
}

TlsStream* TlsStream::of(const SSL* ssl) noexcept {
    return ssl != nullptr ? static_cast<TlsStream*>(SSL_get_app_data(ssl)) : nullptr;
}

TlsStream::Io TlsStream::classify(int ret) {
    int err = SSL_get_error(ssl_.get(), ret);
    switch (err) {
        case SSL_ERROR_WANT_READ:
            return Io::WantRead;
        case SSL_ERROR_WANT_WRITE:
            return Io::WantWrite;
        case SSL_ERROR_ZERO_RETURN:
            // A close_notify, or (SSL_OP_IGNORE_UNEXPECTED_EOF) a plain end of the stream.
            return Io::Closed;
        case SSL_ERROR_SYSCALL:
            error_ = errno != 0 ? std::strerror(errno) : takeTlsErrors("connection lost");
            ERR_clear_error();
            state = State::Failed;
            return Io::Error;
        default:
            error_ = takeTlsErrors();
            state = State::Failed;
            return Io::Error;
    }
}

TlsStream::Io TlsStream::handshake() {
    // SSL_get_error reads the thread's error queue: it must hold nothing older than this call.
    ERR_clear_error();
    errno = 0;
    int r = SSL_do_handshake(ssl_.get());
    return r == 1 ? Io::Ok : classify(r);
}

TlsStream::Io TlsStream::read(void* buf, size_t cap, size_t& got) {
    ERR_clear_error();
    errno = 0;
    got = 0;
    int r = SSL_read_ex(ssl_.get(), buf, cap, &got);
    return r == 1 ? Io::Ok : classify(r);
}

TlsStream::Io TlsStream::write(const void* data, size_t len, size_t& sent) {
    ERR_clear_error();
    errno = 0;
    sent = 0;
    int r = SSL_write_ex(ssl_.get(), data, len, &sent);
    return r == 1 ? Io::Ok : classify(r);
}

bool TlsStream::hasPending() const noexcept {
    return state == State::Ready && SSL_has_pending(ssl_.get()) == 1;
}

void TlsStream::shutdown() noexcept {
    if (state != State::Ready || sent_close_) return;
    sent_close_ = true;
    ERR_clear_error();
    // One call sends our close_notify (if the socket takes it); waiting for the peer's is not
    // worth holding the connection for. Reading may go on (conn_shutdown_write).
    SSL_shutdown(ssl_.get());
    ERR_clear_error();
}

void TlsStream::noTickets() noexcept {
    SSL_set_num_tickets(ssl_.get(), 0);
}

void TlsStream::noteSessionOrigin(uint64_t origin) noexcept {
    session_origin_ = origin;
    has_session_origin_ = true;
}

uint64_t TlsStream::origin() const noexcept {
    return has_session_origin_ && resumed() ? session_origin_ : own_origin_;
}

bool TlsStream::resumed() const noexcept {
    return SSL_session_reused(ssl_.get()) == 1;
}

bool TlsStream::resumedFrom(uint64_t expected_origin) const noexcept {
    return resumed() && has_session_origin_ && session_origin_ == expected_origin;
}

void TlsStream::completed() {
    SSL* ssl = ssl_.get();
    SSL_SESSION* session = SSL_get0_session(ssl);
    uint64_t found = 0;
    if (resumed()) {
        // Resumed from the server's cache (TLS 1.2 session ids): no ticket callback ran, so the
        // origin is read from the cached session itself.
        if (!has_session_origin_ && sessionOrigin(session, found)) noteSessionOrigin(found);
    } else if (!sessionOrigin(session, found)) {
        // A full handshake without tickets: its session, now in the cache, starts the family
        // (with tickets the issuing callback has marked it already).
        markSession(session, own_origin_);
    }
    version = SSL_get_version(ssl);
    cipher = SSL_get_cipher_name(ssl);
    const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    sni = name != nullptr ? name : "";
    const unsigned char* proto = nullptr;
    unsigned int len = 0;
    SSL_get0_alpn_selected(ssl, &proto, &len);
    alpn.assign(reinterpret_cast<const char*>(proto), proto != nullptr ? len : 0);
    state = State::Ready;
    established_ = true;
}

}  // namespace gorgon
