#include "tls/tls_certificate.hpp"

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gorgon {

namespace {

// Certificates, keys and OCSP responses are small; anything larger is not one.
constexpr off_t kMaxFileSize = 1 << 20;

Error at(const ConfigNode* node, const std::string& message) {
    return node != nullptr ? node->error(message) : Error{message};
}

// The whole file, or why not (errno's text: "No such file or directory", "Permission denied").
Result<std::string> readSmallFile(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return fail("cannot read " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > kMaxFileSize) {
        ::close(fd);
        return fail("cannot read " + path + ": not a regular file of at most 1 MiB");
    }
    std::string data(static_cast<size_t>(st.st_size), '\0');
    size_t got = 0;
    while (got < data.size()) {
        ssize_t n = ::read(fd, data.data() + got, data.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            std::string why = n < 0 ? std::strerror(errno) : "the file shrank while read";
            ::close(fd);
            return fail("cannot read " + path + ": " + why);
        }
        got += static_cast<size_t>(n);
    }
    ::close(fd);
    return data;
}

BioPtr memoryBio(const std::string& data) {
    return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

// A passphrase prompt would block the loop (and there is nobody to answer it).
int noPassphrase(char*, int, int, void*) {
    return -1;
}

std::string lower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

std::string asn1Text(const ASN1_STRING* s) {
    const unsigned char* p = ASN1_STRING_get0_data(s);
    int n = ASN1_STRING_length(s);
    return p != nullptr && n > 0
               ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n))
               : std::string();
}

// SNI answers to the DNS names of subjectAltName; the subject's CN only when there are none
// (as clients check them, RFC 6125 6.4.4).
std::vector<std::string> certificateNames(X509* cert) {
    std::vector<std::string> names;
    auto* sans =
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (sans != nullptr) {
        for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
            const GENERAL_NAME* g = sk_GENERAL_NAME_value(sans, i);
            if (g->type == GEN_DNS) names.push_back(lower(asn1Text(g->d.dNSName)));
        }
        GENERAL_NAMES_free(sans);
    }
    if (names.empty()) {
        X509_NAME* subject = X509_get_subject_name(cert);
        int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
        if (i >= 0) {
            names.push_back(
                lower(asn1Text(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i)))));
        }
    }
    return names;
}

std::string subjectOf(X509* cert) {
    char buf[256] = {};
    X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
    return buf;
}

Result<void> loadChain(TlsCertificate& out, const TlsCertificateConfig& config) {
    auto pem = readSmallFile(config.cert);
    if (!pem) return at(config.cert_node, pem.error());
    BioPtr bio = memoryBio(pem.value());
    if (!bio) return at(config.cert_node, "out of memory");
    out.cert.reset(PEM_read_bio_X509_AUX(bio.get(), nullptr, noPassphrase, nullptr));
    if (!out.cert) {
        return at(config.cert_node,
                  "no PEM certificate in " + config.cert + " (" + takeTlsErrors() + ")");
    }
    out.chain.reset(sk_X509_new_null());
    if (!out.chain) return at(config.cert_node, "out of memory");
    // The rest of the file is the chain, up to the end (where PEM reading fails: expected).
    while (X509* extra = PEM_read_bio_X509(bio.get(), nullptr, noPassphrase, nullptr)) {
        if (sk_X509_push(out.chain.get(), extra) == 0) {
            X509_free(extra);
            return at(config.cert_node, "out of memory");
        }
    }
    unsigned long last = ERR_peek_last_error();
    if (ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE) {
        ERR_clear_error();
    } else if (last != 0) {
        return at(config.cert_node, "a malformed certificate in the chain in " + config.cert +
                                        " (" + takeTlsErrors() + ")");
    }
    return {};
}

Result<void> loadKey(TlsCertificate& out, const TlsCertificateConfig& config) {
    auto pem = readSmallFile(config.key);
    if (!pem) return at(config.key_node, pem.error());
    BioPtr bio = memoryBio(pem.value());
    if (!bio) return at(config.key_node, "out of memory");
    out.key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr));
    if (!out.key) {
        bool encrypted = pem.value().find("ENCRYPTED") != std::string::npos;
        takeTlsErrors();
        return at(config.key_node, encrypted ? "the private key in " + config.key +
                                                   " is encrypted; give an unencrypted key "
                                                   "(readable by root only)"
                                             : "no PEM private key in " + config.key);
    }
    if (X509_check_private_key(out.cert.get(), out.key.get()) != 1) {
        takeTlsErrors();
        return at(config.key_node, "the private key in " + config.key +
                                       " does not match the certificate in " + config.cert);
    }
    return {};
}

Result<void> loadOcsp(TlsCertificate& out, const TlsCertificateConfig& config) {
    if (config.ocsp.empty()) return {};
    auto der = readSmallFile(config.ocsp);
    if (!der) return at(config.ocsp_node, der.error());
    // Checked now, so that clients are never stapled garbage: it must parse and be successful.
    const auto* p = reinterpret_cast<const unsigned char*>(der.value().data());
    OCSP_RESPONSE* resp = d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.value().size()));
    if (resp == nullptr) {
        takeTlsErrors();
        return at(config.ocsp_node, config.ocsp + " is not a DER OCSP response");
    }
    int status = OCSP_response_status(resp);
    OCSP_RESPONSE_free(resp);
    if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        return at(config.ocsp_node, config.ocsp + ": the OCSP response says \"" +
                                        OCSP_response_status_str(status) + "\", not successful");
    }
    out.ocsp = std::move(der.value());
    return {};
}

}  // namespace

Result<TlsCertificate> loadTlsCertificate(const TlsCertificateConfig& config) {
    TlsCertificate out;
    if (auto r = loadChain(out, config); !r) return fail(r.error());
    if (auto r = loadKey(out, config); !r) return fail(r.error());
    if (auto r = loadOcsp(out, config); !r) return fail(r.error());
    out.names = certificateNames(out.cert.get());
    out.subject = subjectOf(out.cert.get());
    out.expired = X509_cmp_current_time(X509_get0_notAfter(out.cert.get())) < 0;
    return out;
}

}  // namespace gorgon
