// One connection's TLS: the OpenSSL session over the connection's socket, where its handshake
// stands, and what was negotiated. Connections drives it (net/connections_tls.cpp); this class
// only turns OpenSSL's return codes into a few outcomes and keeps what conn_info reports.
#pragma once

#include "tls/tls_handles.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace gorgon {

class TlsContext;

class TlsStream {
  public:
    enum class State : uint8_t {
        Pending,      // conn_start_tls: output queued before the call still goes out in plaintext
        Handshaking,  // the server side of the handshake is running
        Ready,        // application data flows
        Failed,       // a fatal error: no more I/O, no close_notify
    };
    enum class Io : uint8_t { Ok, WantRead, WantWrite, Closed, Error };

    // `origin` names the session family a full handshake starts (the connection's id): see
    // noteSessionOrigin below.
    TlsStream(std::shared_ptr<const TlsContext> context, SslPtr ssl, uint64_t origin);
    TlsStream(const TlsStream&) = delete;
    TlsStream& operator=(const TlsStream&) = delete;

    // The stream an OpenSSL callback is running for (null for a session that is not ours).
    static TlsStream* of(const SSL* ssl) noexcept;

    Io handshake();
    Io read(void* buf, size_t cap, size_t& got);
    Io write(const void* data, size_t len, size_t& sent);
    // Decrypted bytes, or bytes of a record not yet decrypted, are buffered in OpenSSL: the
    // socket will not say so (it has been read), so the reader must come back by itself.
    [[nodiscard]] bool hasPending() const noexcept;
    // A close_notify, if the session is in a state to send one; never waits.
    void shutdown() noexcept;
    // Called once the handshake succeeded: records what conn_info reports and settles origin.
    void completed();
    // Whether the handshake succeeded once (the state may have gone to Failed since).
    [[nodiscard]] bool established() const noexcept { return established_; }
    // Issue no session tickets (TLS 1.3 NewSessionTicket) after the handshake: for a connection
    // whose client resumes another connection's session and may never read from this one (an
    // FTPS upload), where unread tickets make the client's close a reset.
    void noTickets() noexcept;
    // Whether this session resumed one of the family `expected_origin` (GORGON_TLS_REQUIRE_REUSE).
    [[nodiscard]] bool resumedFrom(uint64_t expected_origin) const noexcept;
    [[nodiscard]] bool resumed() const noexcept;
    [[nodiscard]] const std::string& error() const noexcept { return error_; }
    [[nodiscard]] const std::shared_ptr<const TlsContext>& context() const noexcept {
        return context_;
    }

    // Session tickets carry an origin (OpenSSL "ticket appdata"), and so do sessions in the
    // server's cache: the connection whose full handshake made the session. A connection that
    // resumes a session belongs to that session's family and passes its origin on to the
    // tickets it issues, so GORGON_TLS_REQUIRE_REUSE can tell a data channel that resumed the
    // control connection's session from one that merely comes from the same client.
    // The origin a decrypted ticket or cached session names; it counts only if the handshake
    // does resume (a ticket can be offered and then refused).
    void noteSessionOrigin(uint64_t origin) noexcept;
    [[nodiscard]] uint64_t origin() const noexcept;
    [[nodiscard]] bool hasSessionOrigin() const noexcept { return has_session_origin_; }
    // Reads or writes the origin kept in a session.
    static bool sessionOrigin(SSL_SESSION* session, uint64_t& out) noexcept;
    static bool markSession(SSL_SESSION* session, uint64_t origin) noexcept;

    State state = State::Handshaking;
    bool announce = false;          // conn_start_tls: deliver GORGON_CONN_TLS_READY
    uint64_t plain_left = 0;        // Pending: plaintext bytes still to send first
    int64_t deadline_ms = 0;        // the handshake must be over by then
    bool read_wants_write = false;  // SSL_read needs the socket writable to go on
    bool write_wants_read = false;  // SSL_write needs the socket readable to go on
    uint64_t require_origin = 0;    // nonzero: the handshake must resume this session family

    // Filled by completed(); HOST-OWNED strings for conn_info, valid while the stream lives.
    std::string version;
    std::string cipher;
    std::string sni;
    std::string alpn;

  private:
    Io classify(int ret);

    std::shared_ptr<const TlsContext> context_;  // before ssl_: the session dies first
    SslPtr ssl_;
    uint64_t own_origin_;
    uint64_t session_origin_ = 0;
    bool has_session_origin_ = false;
    bool sent_close_ = false;
    bool established_ = false;
    std::string error_;
};

}  // namespace gorgon
