// A server's TLS configuration made live: one OpenSSL SSL_CTX with its certificates (chosen by
// SNI), protocols, ciphers, ALPN, session cache and tickets, and OCSP staples. Immutable once
// built. SIGHUP builds a new one for new handshakes; connections keep the one they started with
// (each holds a reference), so a certificate swap drops nothing.
#pragma once

#include "tls/tls_certificate.hpp"
#include "tls/tls_config.hpp"
#include "tls/tls_handles.hpp"
#include "util/result.hpp"

#include <memory>
#include <string>
#include <vector>

namespace gorgon {

class TlsContext {
  public:
    // Reads every file `config` names; errors name the key (FILE:LINE:COL). `previous`, the
    // context this one replaces, gives its session ticket keys, so that clients resume across
    // a reload.
    static Result<std::shared_ptr<TlsContext>> build(const TlsConfig& config,
                                                     const std::string& server,
                                                     const TlsContext* previous);
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;

    // A server-side session on `fd` (not started), or null (out of memory, logged).
    [[nodiscard]] SslPtr newSession(int fd) const;
    [[nodiscard]] bool implicit() const noexcept { return implicit_; }
    [[nodiscard]] uint64_t handshakeTimeoutMs() const noexcept { return handshake_timeout_ms_; }
    // One line for the log: the certificates and their names, protocols, ALPN.
    [[nodiscard]] std::string describe() const;
    // Warnings worth a log line (an expired certificate): the server still starts.
    [[nodiscard]] std::vector<std::string> warnings() const;

    // Only build() makes contexts; the key keeps the constructor usable by make_shared.
    class Key {
        friend class TlsContext;
        Key() = default;
    };
    explicit TlsContext(Key /*unused*/) {}

  private:
    Result<void> configure(const TlsConfig& config, const std::string& server,
                           const TlsContext* previous);

    static int onCertificate(SSL* ssl, void* arg);
    static int onAlpn(SSL* ssl, const unsigned char** out, unsigned char* outlen,
                      const unsigned char* in, unsigned int inlen, void* arg);
    static int onStatus(SSL* ssl, void* arg);
    static int onTicketIssue(SSL* ssl, void* arg);
    static SSL_TICKET_RETURN onTicketOpen(SSL* ssl, SSL_SESSION* session,
                                          const unsigned char* keyname, size_t keyname_len,
                                          SSL_TICKET_STATUS status, void* arg);

    std::vector<TlsCertificate> certs_;
    std::vector<std::vector<std::string>> names_;  // certs_[i].names, for tlsPickCertificate
    std::vector<unsigned char> alpn_;              // wire format: length-prefixed identifiers
    std::string protocols_;
    bool implicit_ = true;
    uint64_t handshake_timeout_ms_ = 10'000;
    SslCtxPtr ctx_;  // last: freed first, before what its callbacks read
};

}  // namespace gorgon
