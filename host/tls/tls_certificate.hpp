// One server certificate as configured: the certificate, its chain, its private key, the names
// it answers for (SNI), and an optional OCSP response to staple. Loaded whole or not at all.
#pragma once

#include "tls/tls_config.hpp"
#include "tls/tls_handles.hpp"
#include "util/result.hpp"

#include <string>
#include <vector>

namespace gorgon {

struct TlsCertificate {
    X509Ptr cert;
    X509StackPtr chain;  // intermediates, in file order (may be empty)
    EvpPkeyPtr key;
    std::vector<std::string> names;  // DNS names, lower case ("*.example.com" kept as is)
    std::string ocsp;                // DER OCSP response; empty: none
    std::string subject;             // for log lines
    bool expired = false;
};

// Reads the files `config` names. Errors name the key (FILE:LINE:COL: servers[N].tls...) and
// say what is wrong: a missing or unreadable file, no PEM in it, a key that does not match the
// certificate, an OCSP response that does not parse or was not successful.
Result<TlsCertificate> loadTlsCertificate(const TlsCertificateConfig& config);

}  // namespace gorgon
