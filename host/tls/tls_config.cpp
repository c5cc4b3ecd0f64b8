#include "tls/tls_config.hpp"

#include <openssl/ssl.h>

#include <array>

namespace gorgon {

namespace {

constexpr uint64_t kMaxTimeoutMs = uint64_t{24} * 3600 * 1000;

// The names nginx and OpenSSL's own tools use, oldest first: `protocols` is a contiguous range.
struct Version {
    const char* name;
    int value;
};
constexpr std::array<Version, 5> kVersions{{
    {"TLSv1", TLS1_VERSION},
    {"TLSv1.0", TLS1_VERSION},
    {"TLSv1.1", TLS1_1_VERSION},
    {"TLSv1.2", TLS1_2_VERSION},
    {"TLSv1.3", TLS1_3_VERSION},
}};

// Index in the range TLS 1.0 (0) .. TLS 1.3 (3); -1 if unknown.
int versionRank(int value) {
    switch (value) {
        case TLS1_VERSION:
            return 0;
        case TLS1_1_VERSION:
            return 1;
        case TLS1_2_VERSION:
            return 2;
        case TLS1_3_VERSION:
            return 3;
        default:
            return -1;
    }
}

class Reader {
  public:
    explicit Reader(std::vector<std::string>& errors) : errors_(errors) {}

    void add(const Error& e) { errors_.push_back(e.message); }
    void add(std::vector<std::string> lines) {
        for (auto& l : lines) errors_.push_back(std::move(l));
    }
    template <class T>
    bool take(Result<T> r, T& out) {
        if (!r) {
            errors_.push_back(r.error());
            return false;
        }
        out = std::move(r.value());
        return true;
    }
    // A non-empty string: file names, cipher lists.
    bool text(const ConfigNode* n, std::string& out) {
        if (n == nullptr) return false;
        if (!take(n->asString(), out)) return false;
        if (out.empty()) {
            add(n->error("must not be empty"));
            return false;
        }
        return true;
    }
    // A list of strings, or one string.
    std::vector<std::pair<std::string, const ConfigNode*>> list(const ConfigNode& n) {
        std::vector<std::pair<std::string, const ConfigNode*>> out;
        if (n.isScalar()) {
            out.emplace_back(n.scalar(), &n);
        } else if (n.isSequence()) {
            for (size_t i = 0; i < n.size(); ++i) {
                std::string s;
                if (take(n.at(i)->asString(), s)) out.emplace_back(std::move(s), n.at(i));
            }
        } else if (!n.isNull()) {
            add(n.error("expected a list of strings"));
        }
        return out;
    }

  private:
    std::vector<std::string>& errors_;
};

void readCertificate(Reader& r, const ConfigNode& node, TlsCertificateConfig& out) {
    out.cert_node = node.get("cert");
    out.key_node = node.get("key");
    out.ocsp_node = node.get("ocsp");
    if (out.cert_node == nullptr) r.add(node.error("missing key: cert (a PEM certificate file)"));
    if (out.key_node == nullptr) r.add(node.error("missing key: key (a PEM private key file)"));
    r.text(out.cert_node, out.cert);
    r.text(out.key_node, out.key);
    if (out.ocsp_node != nullptr && !out.ocsp_node->isNull()) r.text(out.ocsp_node, out.ocsp);
}

void readCertificates(Reader& r, const ConfigNode& node, TlsConfig& c) {
    const ConfigNode* list = node.get("certificates");
    bool inline_cert =
        node.get("cert") != nullptr || node.get("key") != nullptr || node.get("ocsp") != nullptr;
    if (list != nullptr && inline_cert) {
        r.add(list->error("give either `certificates` or `cert` and `key`, not both"));
        return;
    }
    if (list == nullptr) {
        if (!inline_cert) {
            r.add(
                node.error("a tls block needs a certificate: `cert` and `key`, or a list "
                           "`certificates: [{cert: FILE, key: FILE}, ...]`"));
            return;
        }
        TlsCertificateConfig one;
        readCertificate(r, node, one);
        c.certificates.push_back(std::move(one));
        return;
    }
    if (!list->isSequence() || list->size() == 0) {
        r.add(list->error("expected a non-empty list of {cert: FILE, key: FILE, ocsp: FILE}"));
        return;
    }
    for (size_t i = 0; i < list->size(); ++i) {
        const ConfigNode* item = list->at(i);
        if (!item->isMap()) {
            r.add(item->error("expected {cert: FILE, key: FILE, ocsp: FILE}"));
            continue;
        }
        r.add(item->unknownKeys({"cert", "key", "ocsp"}));
        TlsCertificateConfig one;
        readCertificate(r, *item, one);
        c.certificates.push_back(std::move(one));
    }
}

void readProtocols(Reader& r, const ConfigNode& node, TlsConfig& c) {
    c.min_version = TLS1_2_VERSION;
    c.max_version = TLS1_3_VERSION;
    const ConfigNode* n = node.get("protocols");
    if (n == nullptr) return;
    std::array<bool, 4> wanted{};
    bool any = false;
    for (const auto& [name, at] : r.list(*n)) {
        int value = 0;
        for (const auto& v : kVersions) {
            if (name == v.name) value = v.value;
        }
        if (value == 0) {
            r.add(
                at->error("unknown protocol \"" + name + "\" (TLSv1, TLSv1.1, TLSv1.2, TLSv1.3)"));
            continue;
        }
        wanted[static_cast<size_t>(versionRank(value))] = true;
        any = true;
    }
    if (!any) {
        r.add(n->error("expected at least one of TLSv1, TLSv1.1, TLSv1.2, TLSv1.3"));
        return;
    }
    int lo = -1;
    int hi = -1;
    for (int i = 0; i < 4; ++i) {
        if (!wanted[static_cast<size_t>(i)]) continue;
        if (lo < 0) lo = i;
        if (hi >= 0 && hi != i - 1) {
            r.add(
                n->error("the protocols must be a contiguous range (OpenSSL allows a minimum "
                         "and a maximum version only)"));
            return;
        }
        hi = i;
    }
    constexpr std::array<int, 4> kByRank{TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION,
                                         TLS1_3_VERSION};
    c.min_version = kByRank[static_cast<size_t>(lo)];
    c.max_version = kByRank[static_cast<size_t>(hi)];
}

void readAlpn(Reader& r, const ConfigNode& node, const std::string& protocol, TlsConfig& c) {
    const ConfigNode* n = node.get("alpn");
    if (n == nullptr) {
        c.alpn = defaultAlpn(protocol);
        return;
    }
    for (const auto& [name, at] : r.list(*n)) {
        // RFC 7301 3.1: identifiers are 1 to 255 bytes.
        if (name.empty() || name.size() > 255) {
            r.add(at->error("an ALPN protocol identifier is 1 to 255 bytes"));
            continue;
        }
        c.alpn.push_back(name);
    }
}

void readSessions(Reader& r, const ConfigNode& node, TlsConfig& c) {
    if (const auto* n = node.get("session_cache")) {
        int64_t entries = 0;
        if (r.take(n->asInt(0, 10'000'000), entries))
            c.session_cache = static_cast<uint64_t>(entries);
    }
    if (const auto* n = node.get("session_timeout")) {
        uint64_t ms = 0;
        if (r.take(n->asDurationMs(), ms)) {
            if (ms < 1000 || ms > kMaxTimeoutMs) {
                r.add(n->error("must be between 1s and 24h"));
            } else {
                c.session_timeout_ms = ms;
            }
        }
    }
    if (const auto* n = node.get("session_tickets")) r.take(n->asBool(), c.session_tickets);
}

}  // namespace

std::vector<std::string> defaultAlpn(const std::string& protocol) {
    if (protocol == "http") return {"http/1.1"};
    if (protocol == "ftp") return {"ftp"};
    return {};
}

TlsConfig parseTlsConfig(const ConfigNode& node, const std::string& protocol,
                         std::vector<std::string>& errors) {
    Reader r(errors);
    TlsConfig c;
    c.node = &node;
    if (!node.isMap()) {
        r.add(node.error("expected a map: {cert: FILE, key: FILE, ...}"));
        return c;
    }
    r.add(node.unknownKeys({"certificates", "cert", "key", "ocsp", "mode", "protocols", "ciphers",
                            "ciphersuites", "alpn", "handshake_timeout", "session_cache",
                            "session_timeout", "session_tickets"}));
    readCertificates(r, node, c);
    if (const auto* n = node.get("mode")) {
        std::string mode;
        if (r.take(n->asString(), mode)) {
            if (mode == "implicit") {
                c.mode = TlsConfig::Mode::Implicit;
            } else if (mode == "starttls") {
                c.mode = TlsConfig::Mode::StartTls;
            } else {
                r.add(
                    n->error("expected implicit (TLS from the first byte) or starttls "
                             "(plaintext until the protocol upgrades)"));
            }
        }
    }
    readProtocols(r, node, c);
    c.ciphers = kDefaultTlsCiphers;
    c.ciphersuites = kDefaultTlsCiphersuites;
    c.ciphers_node = node.get("ciphers");
    c.ciphersuites_node = node.get("ciphersuites");
    if (c.ciphers_node != nullptr) r.text(c.ciphers_node, c.ciphers);
    if (c.ciphersuites_node != nullptr) r.text(c.ciphersuites_node, c.ciphersuites);
    readAlpn(r, node, protocol, c);
    if (const auto* n = node.get("handshake_timeout")) {
        uint64_t ms = 0;
        if (r.take(n->asDurationMs(), ms)) {
            if (ms == 0 || ms > kMaxTimeoutMs) {
                r.add(n->error("must be greater than zero and at most 24h"));
            } else {
                c.handshake_timeout_ms = ms;
            }
        }
    }
    readSessions(r, node, c);
    return c;
}

}  // namespace gorgon
