// A server's `tls:` block, validated into values. Files are only named here: they are read when
// the server's TLS context is built (start, SIGHUP), so that a missing or mismatched file is
// reported at the key that names it (the nodes below stay valid while the configuration does).
#pragma once

#include "config/config_node.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace gorgon {

struct TlsCertificateConfig {
    std::string cert;  // PEM: the certificate, then the chain that leads to the CA
    std::string key;   // PEM private key (not encrypted)
    std::string ocsp;  // DER OCSP response to staple; empty: none
    const ConfigNode* cert_node = nullptr;
    const ConfigNode* key_node = nullptr;
    const ConfigNode* ocsp_node = nullptr;
};

struct TlsConfig {
    enum class Mode {
        Implicit,  // every TCP listener speaks TLS from the first byte
        StartTls,  // listeners accept plaintext; plugins upgrade with conn_start_tls
    };
    Mode mode = Mode::Implicit;
    // The first is the default: clients that send no SNI, or a name none of them carries.
    std::vector<TlsCertificateConfig> certificates;
    // OpenSSL version numbers (TLS1_2_VERSION...): the range allowed.
    int min_version = 0;
    int max_version = 0;
    std::string ciphers;            // TLS 1.2 and below, OpenSSL syntax
    std::string ciphersuites;       // TLS 1.3
    std::vector<std::string> alpn;  // in the server's order of preference; empty: no ALPN
    uint64_t handshake_timeout_ms = 10'000;
    uint64_t session_cache = 20'480;  // entries of the server-side cache; 0: none
    uint64_t session_timeout_ms = 300'000;
    bool session_tickets = true;

    const ConfigNode* node = nullptr;  // the block itself, for errors
    const ConfigNode* ciphers_node = nullptr;
    const ConfigNode* ciphersuites_node = nullptr;
};

// Modern defaults (TLS 1.2 with forward secrecy and AEAD only; the TLS 1.3 suites OpenSSL offers).
inline constexpr const char* kDefaultTlsCiphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
inline constexpr const char* kDefaultTlsCiphersuites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

// ALPN identifiers offered when the block names none: what the protocol is known as (RFC 7301
// registry), nothing for protocols that have no identifier.
std::vector<std::string> defaultAlpn(const std::string& protocol);

// Reads `node` (the value of `tls:`) for a server of `protocol`. Problems are appended to
// `errors`, each naming FILE:LINE:COL and the key; the result is meaningful only without them.
TlsConfig parseTlsConfig(const ConfigNode& node, const std::string& protocol,
                         std::vector<std::string>& errors);

}  // namespace gorgon
