#include "tls/tls_context.hpp"

#include "log/logger.hpp"
#include "tls/tls_sni.hpp"
#include "tls/tls_stream.hpp"
#include "util/crypto.hpp"

#include <openssl/err.h>
#include <openssl/tls1.h>

#include <array>
#include <cstring>

namespace gorgon {

namespace {

// OpenSSL 3's ticket keys: name (16), HMAC secret (32), AES key (32).
constexpr size_t kTicketKeysSize = 80;

const char* versionName(int v) {
    switch (v) {
        case TLS1_VERSION:
            return "TLSv1";
        case TLS1_1_VERSION:
            return "TLSv1.1";
        case TLS1_2_VERSION:
            return "TLSv1.2";
        case TLS1_3_VERSION:
            return "TLSv1.3";
        default:
            return "?";
    }
}

Error at(const ConfigNode* node, const std::string& message) {
    return node != nullptr ? node->error(message) : Error{message};
}

}  // namespace

Result<std::shared_ptr<TlsContext>> TlsContext::build(const TlsConfig& config,
                                                      const std::string& server,
                                                      const TlsContext* previous) {
    auto ctx = std::make_shared<TlsContext>(Key{});
    if (auto r = ctx->configure(config, server, previous); !r) return fail(r.error());
    return ctx;
}

Result<void> TlsContext::configure(const TlsConfig& config, const std::string& server,
                                   const TlsContext* previous) {
    implicit_ = config.mode == TlsConfig::Mode::Implicit;
    handshake_timeout_ms_ = config.handshake_timeout_ms;
    for (const auto& cc : config.certificates) {
        auto cert = loadTlsCertificate(cc);
        if (!cert) return fail(cert.error());
        names_.push_back(cert->names);
        certs_.push_back(std::move(cert.value()));
    }
    if (certs_.empty()) return at(config.node, "no certificate");

    ctx_.reset(SSL_CTX_new(TLS_server_method()));
    if (!ctx_) return at(config.node, "cannot create a TLS context: " + takeTlsErrors());
    SSL_CTX* ctx = ctx_.get();

    if (SSL_CTX_set_min_proto_version(ctx, config.min_version) != 1 ||
        SSL_CTX_set_max_proto_version(ctx, config.max_version) != 1) {
        return at(config.node, "protocols: " + takeTlsErrors());
    }
    protocols_ = std::string(versionName(config.min_version)) +
                 (config.min_version == config.max_version
                      ? ""
                      : std::string("-") + versionName(config.max_version));
    if (SSL_CTX_set_cipher_list(ctx, config.ciphers.c_str()) != 1) {
        takeTlsErrors();
        return at(config.ciphers_node != nullptr ? config.ciphers_node : config.node,
                  "no cipher in \"" + config.ciphers + "\" is known to OpenSSL");
    }
    if (SSL_CTX_set_ciphersuites(ctx, config.ciphersuites.c_str()) != 1) {
        takeTlsErrors();
        return at(config.ciphersuites_node != nullptr ? config.ciphersuites_node : config.node,
                  "\"" + config.ciphersuites + "\" is not a list of TLS 1.3 cipher suites");
    }

    // Renegotiation is a denial-of-service lever with no use here; a peer that closes without
    // close_notify ends the stream like a FIN (as nginx does; HTTP frames its own messages).
    SSL_CTX_set_options(
        ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_COMPRESSION);
    // Partial writes: one record per SSL_write, drained from the output buffer as it goes.
    // Moving buffer: a retried write may find its bytes elsewhere in the evbuffer (same bytes).
    // Release buffers: an idle keep-alive connection holds no 34 KiB of record buffers.
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                              SSL_MODE_RELEASE_BUFFERS);
    // Read ahead: one recv takes whatever records have arrived, not a header and then a body.
    SSL_CTX_set_read_ahead(ctx, 1);

    // The first certificate is the context's own (clients without SNI); onCertificate swaps in
    // another one for a name it carries.
    const TlsCertificate& first = certs_.front();
    if (SSL_CTX_use_cert_and_key(ctx, first.cert.get(), first.key.get(), first.chain.get(), 1) !=
        1) {
        return at(config.certificates.front().cert_node,
                  "cannot use this certificate: " + takeTlsErrors());
    }
    SSL_CTX_set_cert_cb(ctx, &TlsContext::onCertificate, this);

    if (!config.alpn.empty()) {
        for (const auto& p : config.alpn) {
            alpn_.push_back(static_cast<unsigned char>(p.size()));
            alpn_.insert(alpn_.end(), p.begin(), p.end());
        }
        SSL_CTX_set_alpn_select_cb(ctx, &TlsContext::onAlpn, this);
    }
    bool stapling = false;
    for (const auto& c : certs_) stapling = stapling || !c.ocsp.empty();
    if (stapling) {
        // SSL_CTX_set_tlsext_status_cb, without its C cast (-Wold-style-cast).
        SSL_CTX_callback_ctrl(ctx, SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB,
                              reinterpret_cast<void (*)()>(&TlsContext::onStatus));
        SSL_CTX_set_tlsext_status_arg(ctx, this);
    }

    // Sessions: a context per server, so that a session of one server never resumes on another.
    Digest256 id = sha256Of({reinterpret_cast<const uint8_t*>(server.data()), server.size()});
    SSL_CTX_set_session_id_context(ctx, id.data(), SSL_MAX_SID_CTX_LENGTH);
    if (config.session_cache > 0) {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
        SSL_CTX_sess_set_cache_size(ctx, static_cast<long>(config.session_cache));
    } else {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    }
    SSL_CTX_set_timeout(ctx, static_cast<long>(config.session_timeout_ms / 1000));
    if (!config.session_tickets) SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_session_ticket_cb(ctx, &TlsContext::onTicketIssue, &TlsContext::onTicketOpen,
                                  nullptr);
    if (previous != nullptr && previous->ctx_) {
        std::array<unsigned char, kTicketKeysSize> keys{};
        if (SSL_CTX_get_tlsext_ticket_keys(previous->ctx_.get(), keys.data(), keys.size()) == 1) {
            SSL_CTX_set_tlsext_ticket_keys(ctx, keys.data(), keys.size());
        }
        OPENSSL_cleanse(keys.data(), keys.size());
    }
    ERR_clear_error();
    return {};
}

SslPtr TlsContext::newSession(int fd) const {
    SslPtr ssl(SSL_new(ctx_.get()));
    if (!ssl || SSL_set_fd(ssl.get(), fd) != 1) {
        GLOG(Error, "cannot create a TLS session: %s", takeTlsErrors().c_str());
        return nullptr;
    }
    SSL_set_accept_state(ssl.get());
    return ssl;
}

std::string TlsContext::describe() const {
    std::string out;
    for (const auto& c : certs_) {
        std::string names;
        for (const auto& n : c.names) names += (names.empty() ? "" : " ") + n;
        out += (out.empty() ? "" : ", ") + (names.empty() ? c.subject : names);
    }
    out = std::to_string(certs_.size()) +
          (certs_.size() == 1 ? " certificate (" : " certificates (") + out + "), " + protocols_;
    if (!alpn_.empty()) {
        out += ", ALPN";
        for (size_t i = 0; i < alpn_.size(); i += size_t{1} + alpn_[i]) {
            out += " " + std::string(reinterpret_cast<const char*>(&alpn_[i + 1]), alpn_[i]);
        }
    }
    out += implicit_ ? ", implicit" : ", starttls";
    return out;
}

std::vector<std::string> TlsContext::warnings() const {
    std::vector<std::string> out;
    for (const auto& c : certs_) {
        if (c.expired) out.push_back("the certificate " + c.subject + " has expired");
    }
    return out;
}

int TlsContext::onCertificate(SSL* ssl, void* arg) {
    const auto* self = static_cast<const TlsContext*>(arg);
    const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    size_t i = tlsPickCertificate(self->names_, name != nullptr ? name : "");
    if (i == 0) return 1;  // the context's own
    const TlsCertificate& c = self->certs_[i];
    // Cleared first: use_cert_and_key replaces only a certificate of the same key type, and the
    // default one must not stay beside it for OpenSSL to pick.
    SSL_certs_clear(ssl);
    return SSL_use_cert_and_key(ssl, c.cert.get(), c.key.get(), c.chain.get(), 1) == 1 ? 1 : 0;
}

int TlsContext::onAlpn(SSL*, const unsigned char** out, unsigned char* outlen,
                       const unsigned char* in, unsigned int inlen, void* arg) {
    const auto* self = static_cast<const TlsContext*>(arg);
    unsigned char* selected = nullptr;
    // Our list first: the server's order of preference decides. A client offering none of ours
    // gets no ALPN answer rather than a refusal (RFC 7301 allows either).
    if (SSL_select_next_proto(&selected, outlen, self->alpn_.data(),
                              static_cast<unsigned int>(self->alpn_.size()), in,
                              inlen) != OPENSSL_NPN_NEGOTIATED) {
        return SSL_TLSEXT_ERR_NOACK;
    }
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
}

int TlsContext::onStatus(SSL* ssl, void* arg) {
    const auto* self = static_cast<const TlsContext*>(arg);
    X509* served = SSL_get_certificate(ssl);
    for (const auto& c : self->certs_) {
        if (c.cert.get() != served || c.ocsp.empty()) continue;
        // OpenSSL takes the buffer over (and frees it with OPENSSL_free).
        auto* copy = static_cast<unsigned char*>(OPENSSL_malloc(c.ocsp.size()));
        if (copy == nullptr) return SSL_TLSEXT_ERR_NOACK;
        std::memcpy(copy, c.ocsp.data(), c.ocsp.size());
        SSL_set_tlsext_status_ocsp_resp(ssl, copy, static_cast<long>(c.ocsp.size()));
        return SSL_TLSEXT_ERR_OK;
    }
    return SSL_TLSEXT_ERR_NOACK;
}

int TlsContext::onTicketIssue(SSL* ssl, void*) {
    TlsStream* stream = TlsStream::of(ssl);
    SSL_SESSION* session = SSL_get0_session(ssl);
    if (stream == nullptr || session == nullptr) return 1;
    uint64_t found = 0;
    // TLS 1.3 resumed from the cache (no ticket was decrypted): the session being ticketed is a
    // copy of the resumed one, so it still says where it came from.
    if (stream->resumed() && !stream->hasSessionOrigin() &&
        TlsStream::sessionOrigin(session, found)) {
        stream->noteSessionOrigin(found);
    }
    return TlsStream::markSession(session, stream->origin()) ? 1 : 0;
}

SSL_TICKET_RETURN TlsContext::onTicketOpen(SSL* ssl, SSL_SESSION* session, const unsigned char*,
                                           size_t, SSL_TICKET_STATUS status, void*) {
    switch (status) {
        case SSL_TICKET_SUCCESS:
        case SSL_TICKET_SUCCESS_RENEW: {
            uint64_t found = 0;
            TlsStream* stream = TlsStream::of(ssl);
            if (stream != nullptr && TlsStream::sessionOrigin(session, found)) {
                stream->noteSessionOrigin(found);
            }
            return status == SSL_TICKET_SUCCESS ? SSL_TICKET_RETURN_USE
                                                : SSL_TICKET_RETURN_USE_RENEW;
        }
        default:
            // No ticket, or one these keys cannot open: a full handshake, and a fresh ticket.
            return SSL_TICKET_RETURN_IGNORE_RENEW;
    }
}

}  // namespace gorgon
