// What HTTPS changes in the http plugin's output: Strict-Transport-Security, and Location URLs
// for this server turned to https.
#include "http_response.hpp"
#include "http_tls.hpp"

#include <doctest/doctest.h>

using namespace gorgon::http;

namespace {

std::string head(const ResponseSpec& spec) {
    std::string out;
    REQUIRE(appendResponseHead(out, spec, chooseFraming(spec)));
    return out;
}

gorgon_http_header field(std::string_view name, std::string_view value) {
    return {{name.data(), name.size()}, {value.data(), value.size()}};
}

}  // namespace

TEST_CASE("HSTS max_age takes seconds or a unit up to years") {
    CHECK(parseHstsMaxAge("31536000") == 31'536'000u);
    CHECK(parseHstsMaxAge("1y") == 31'536'000u);
    CHECK(parseHstsMaxAge("180d") == 180u * 86'400);
    CHECK(parseHstsMaxAge("2w") == 14u * 86'400);
    CHECK(parseHstsMaxAge("1h") == 3600u);
    CHECK(parseHstsMaxAge("5m") == 300u);
    CHECK(parseHstsMaxAge("0") == 0u);  // RFC 6797 6.1.1: how a site asks to be forgotten
    CHECK_FALSE(parseHstsMaxAge("").has_value());
    CHECK_FALSE(parseHstsMaxAge("y").has_value());
    CHECK_FALSE(parseHstsMaxAge("1 y").has_value());
    CHECK_FALSE(parseHstsMaxAge("-1").has_value());
    CHECK_FALSE(parseHstsMaxAge("1ms").has_value());
    CHECK_FALSE(parseHstsMaxAge("99999999999999999999").has_value());
}

TEST_CASE("the HSTS value names its directives") {
    CHECK(hstsValue({true, 31'536'000, false, false}) == "max-age=31536000");
    CHECK(hstsValue({true, 31'536'000, true, false}) == "max-age=31536000; includeSubDomains");
    CHECK(hstsValue({true, 63'072'000, true, true}) ==
          "max-age=63072000; includeSubDomains; preload");
}

TEST_CASE("a Location for this server turns https, any other stays") {
    auto rewrite = [](std::string_view location, std::string_view host) {
        std::string out;
        return appendHttpsLocation(out, location, host) ? out : std::string("(kept)");
    };
    CHECK(rewrite("http://a.test/dir/", "a.test") == "https://a.test/dir/");
    CHECK(rewrite("HTTP://A.test:8443/x?y", "a.test:8443") == "https://A.test:8443/x?y");
    CHECK(rewrite("http://a.test", "a.test") == "https://a.test");
    CHECK(rewrite("http://a.test?q", "a.test") == "https://a.test?q");
    CHECK(rewrite("http://a.test.evil/", "a.test") == "(kept)");
    CHECK(rewrite("http://a.test:80/", "a.test") == "(kept)");  // another port, another origin
    CHECK(rewrite("http://b.test/", "a.test") == "(kept)");
    CHECK(rewrite("https://a.test/", "a.test") == "(kept)");
    CHECK(rewrite("/relative", "a.test") == "(kept)");
    CHECK(rewrite("http://a.test/", "") == "(kept)");
}

TEST_CASE("response heads carry HSTS and https Locations only when told to") {
    const gorgon_http_header fields[] = {field("Location", "http://a.test/dir/"),
                                         field("Strict-Transport-Security", "max-age=1")};
    ResponseSpec spec;
    spec.status = 301;
    spec.fields = fields;
    spec.field_count = 2;
    spec.date = "Thu, 01 Jan 2026 00:00:00 GMT";
    // Plaintext: the extension's fields as they are.
    std::string plain = head(spec);
    CHECK(plain.find("Location: http://a.test/dir/\r\n") != std::string::npos);
    CHECK(plain.find("Strict-Transport-Security: max-age=1\r\n") != std::string::npos);
    // TLS with HSTS configured: ours, once, and the Location for this server in https.
    spec.hsts = "max-age=31536000; includeSubDomains";
    spec.https_host = "a.test";
    std::string tls = head(spec);
    CHECK(tls.find("Location: https://a.test/dir/\r\n") != std::string::npos);
    CHECK(tls.find("Strict-Transport-Security: max-age=31536000; includeSubDomains\r\n") !=
          std::string::npos);
    CHECK(tls.find("max-age=1\r\n") == std::string::npos);
}
