// The `tls:` block of a server: what it reads into, its defaults, and that every mistake is
// reported at FILE:LINE:COL with the key.
#include "config/config.hpp"
#include "tls/tls_context.hpp"

#include <doctest/doctest.h>
#include <openssl/ssl.h>

using gorgon::parseConfig;
using gorgon::TlsConfig;

namespace {

std::string errorOf(const std::string& text) {
    auto c = parseConfig(text, "test.yaml");
    REQUIRE_FALSE(c.ok());
    return c.error();
}

std::string server(const std::string& protocol, const std::string& tls) {
    return "servers:\n  - name: web\n    protocol: " + protocol +
           "\n    listen: 127.0.0.1:0\n    tls:\n" + tls;
}

}  // namespace

TEST_CASE("a tls block is read into typed fields") {
    auto c = parseConfig(server("http", R"(      certificates:
        - {cert: /etc/a.pem, key: /etc/a.key, ocsp: /var/a.der}
        - {cert: b.pem, key: b.key}
      mode: starttls
      protocols: [TLSv1.1, TLSv1.2]
      ciphers: "ECDHE-RSA-AES128-GCM-SHA256"
      ciphersuites: "TLS_AES_128_GCM_SHA256"
      alpn: [h2, http/1.1]
      handshake_timeout: 2500ms
      session_cache: 100
      session_timeout: 10m
      session_tickets: false
)"),
                         "test.yaml");
    REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error()));
    REQUIRE(c->servers.size() == 1);
    REQUIRE(c->servers[0].tls.has_value());
    const TlsConfig& t = *c->servers[0].tls;
    REQUIRE(t.certificates.size() == 2);
    CHECK(t.certificates[0].cert == "/etc/a.pem");
    CHECK(t.certificates[0].key == "/etc/a.key");
    CHECK(t.certificates[0].ocsp == "/var/a.der");
    CHECK(t.certificates[1].cert == "b.pem");
    CHECK(t.certificates[1].ocsp.empty());
    CHECK(t.certificates[1].key_node->where().find("test.yaml:8:") == 0);
    CHECK(t.mode == TlsConfig::Mode::StartTls);
    CHECK(t.min_version == TLS1_1_VERSION);
    CHECK(t.max_version == TLS1_2_VERSION);
    CHECK(t.ciphers == "ECDHE-RSA-AES128-GCM-SHA256");
    CHECK(t.ciphersuites == "TLS_AES_128_GCM_SHA256");
    CHECK(t.alpn == std::vector<std::string>{"h2", "http/1.1"});
    CHECK(t.handshake_timeout_ms == 2500);
    CHECK(t.session_cache == 100);
    CHECK(t.session_timeout_ms == 600'000);
    CHECK_FALSE(t.session_tickets);
}

TEST_CASE("tls takes one certificate inline, and its defaults are modern") {
    auto c = parseConfig(server("http", "      cert: a.pem\n      key: a.key\n"), "test.yaml");
    REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error()));
    const TlsConfig& t = *c->servers[0].tls;
    REQUIRE(t.certificates.size() == 1);
    CHECK(t.certificates[0].cert == "a.pem");
    CHECK(t.certificates[0].key == "a.key");
    CHECK(t.mode == TlsConfig::Mode::Implicit);
    CHECK(t.min_version == TLS1_2_VERSION);
    CHECK(t.max_version == TLS1_3_VERSION);
    CHECK(t.ciphers == gorgon::kDefaultTlsCiphers);
    CHECK(t.ciphersuites == gorgon::kDefaultTlsCiphersuites);
    CHECK(t.alpn == std::vector<std::string>{"http/1.1"});  // from the protocol's name
    CHECK(t.handshake_timeout_ms == 10'000);
    CHECK(t.session_cache > 0);
    CHECK(t.session_tickets);
}

TEST_CASE("tls ALPN defaults follow the protocol, and an empty list means none") {
    CHECK(gorgon::defaultAlpn("http") == std::vector<std::string>{"http/1.1"});
    CHECK(gorgon::defaultAlpn("ftp") == std::vector<std::string>{"ftp"});
    CHECK(gorgon::defaultAlpn("chat").empty());
    auto c = parseConfig(server("http", "      cert: a.pem\n      key: a.key\n      alpn: []\n"),
                         "test.yaml");
    REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error()));
    CHECK(c->servers[0].tls->alpn.empty());
}

TEST_CASE("a server without tls, or with tls null, is plaintext") {
    auto c = parseConfig(
        "servers:\n  - {name: a, protocol: chat, listen: 127.0.0.1:0}\n"
        "  - {name: b, protocol: chat, listen: 127.0.0.1:0, tls: null}\n",
        "test.yaml");
    REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error()));
    CHECK_FALSE(c->servers[0].tls.has_value());
    CHECK_FALSE(c->servers[1].tls.has_value());
}

TEST_CASE("tls mistakes are located at their key") {
    CHECK(errorOf(server("http", "      mode: implicit\n"))
              .find("test.yaml:6:7: servers[0].tls: "
                    "a tls block needs a certificate") != std::string::npos);
    CHECK(errorOf(server("http", "      cert: a.pem\n")).find("missing key: key") !=
          std::string::npos);
    CHECK(errorOf(server("http", "      cert: a.pem\n      key: a.key\n      certificates: []\n"))
              .find("servers[0].tls.certificates: give either") != std::string::npos);
    CHECK(errorOf(server("http", "      cert: a.pem\n      key: a.key\n      colour: red\n"))
              .find("colour") != std::string::npos);
    CHECK(errorOf(server("http", "      cert: \"\"\n      key: a.key\n"))
              .find("servers[0].tls.cert: must not be empty") != std::string::npos);
    CHECK(
        errorOf(server("http", "      certificates:\n        - {cert: a.pem, key: a.key, x: 1}\n"))
            .find("x") != std::string::npos);
}

TEST_CASE("tls protocols are known names in a contiguous range") {
    std::string base = "      cert: a.pem\n      key: a.key\n";
    CHECK(errorOf(server("http", base + "      protocols: [SSLv3]\n"))
              .find("test.yaml:8:19: servers[0].tls.protocols[0]: unknown protocol \"SSLv3\"") !=
          std::string::npos);
    CHECK(errorOf(server("http", base + "      protocols: [TLSv1.1, TLSv1.3]\n"))
              .find("contiguous range") != std::string::npos);
    CHECK(errorOf(server("http", base + "      protocols: []\n")).find("at least one") !=
          std::string::npos);
    auto c = parseConfig(server("http", base + "      protocols: TLSv1.3\n"), "test.yaml");
    REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error()));
    CHECK(c->servers[0].tls->min_version == TLS1_3_VERSION);
    CHECK(c->servers[0].tls->max_version == TLS1_3_VERSION);
}

TEST_CASE("tls values out of range are refused") {
    std::string base = "      cert: a.pem\n      key: a.key\n";
    CHECK(errorOf(server("http", base + "      mode: sometimes\n")).find("expected implicit") !=
          std::string::npos);
    CHECK(
        errorOf(server("http", base + "      handshake_timeout: 0\n")).find("greater than zero") !=
        std::string::npos);
    CHECK(
        errorOf(server("http", base + "      session_timeout: 2d\n")).find("between 1s and 24h") !=
        std::string::npos);
    CHECK(errorOf(server("http", base + "      session_cache: -1\n")).find("between 0") !=
          std::string::npos);
    CHECK(errorOf(server("http", base + "      alpn: [\"\"]\n")).find("1 to 255 bytes") !=
          std::string::npos);
    CHECK(errorOf(server("http", base + "      session_tickets: maybe\n"))
              .find("servers[0].tls.session_tickets") != std::string::npos);
}

TEST_CASE("building a TLS context names the file and the key that failed") {
    auto c = parseConfig(
        server("http", "      cert: /nonexistent/gorgon-test.pem\n      key: /nonexistent/k.pem\n"),
        "test.yaml");
    REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error()));
    auto ctx = gorgon::TlsContext::build(*c->servers[0].tls, "web", nullptr);
    REQUIRE_FALSE(ctx.ok());
    CHECK(ctx.error().find("test.yaml:6:13: servers[0].tls.cert: cannot read "
                           "/nonexistent/gorgon-test.pem: No such file or directory") !=
          std::string::npos);
}

TEST_CASE("tls cipher lists are kept with their key for errors") {
    // Needs a loadable certificate first; without one the error is about the file. The cipher
    // check itself is covered by integration tests (test_tls.py), which have real files.
    auto c = parseConfig(
        server("http", "      cert: a.pem\n      key: a.key\n      ciphers: NOPE\n"), "test.yaml");
    REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error()));
    CHECK(c->servers[0].tls->ciphers == "NOPE");
    CHECK(c->servers[0].tls->ciphers_node->where().find("test.yaml:8:") == 0);
}
