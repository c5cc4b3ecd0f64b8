// Unit tests for the http plugin's head scanner and parser (plugins/http/src/http_parser.cpp).
#include "http_parser.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <string_view>

using gorgon::http::HeadScanner;
using gorgon::http::isValidHost;
using gorgon::http::Limits;
using gorgon::http::parseHead;
using gorgon::http::RequestHead;
using gorgon::http::TargetForm;

namespace {

// Parses a whole head; returns the status (0: fine).
int parse(std::string_view text, RequestHead& out, const Limits& limits = Limits()) {
    return parseHead(text, limits, out);
}

int parse(std::string_view text) {
    RequestHead r;
    return parse(text, r);
}

// Feeds `text` to a scanner in pieces of `step` bytes, as a socket would deliver it.
HeadScanner::Status scanInSteps(std::string_view text, std::size_t step, HeadScanner& s,
                                const Limits& limits = Limits()) {
    HeadScanner::Status st = HeadScanner::Status::NeedMore;
    for (std::size_t n = step; st == HeadScanner::Status::NeedMore; n += step) {
        st = s.scan(text.data(), std::min(n, text.size()), limits);
        if (n >= text.size()) break;
    }
    return st;
}

}  // namespace

TEST_CASE("http scanner: finds the end of the head, whatever the pieces") {
    const std::string head = "GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n\r\n";
    const std::string input = head + "GET /next HTTP/1.1\r\n";
    for (std::size_t step : {1U, 2U, 3U, 7U, 100U}) {
        HeadScanner s;
        CHECK(scanInSteps(input, step, s) == HeadScanner::Status::Complete);
        CHECK(s.skip() == 0);
        CHECK(s.headLength() == head.size());
    }
}

TEST_CASE("http scanner: bare LF, leading empty lines") {
    HeadScanner s;
    std::string text = "\r\n\nGET / HTTP/1.1\nHost: a\n\n";
    REQUIRE(s.scan(text.data(), text.size(), Limits()) == HeadScanner::Status::Complete);
    CHECK(s.skip() == 3);
    CHECK(s.headLength() == text.size() - 3);
    s.reset();
    text = "GET / HTTP/1.1\r\nHost: a\r\n\n";  // CRLF then a bare LF: still the end
    CHECK(s.scan(text.data(), text.size(), Limits()) == HeadScanner::Status::Complete);
}

TEST_CASE("http scanner: limits are enforced before the end arrives") {
    Limits l;
    l.request_line = 100;
    l.header_size = 200;
    l.header_count = 3;
    HeadScanner s;
    std::string line(150, 'a');
    CHECK(s.scan(line.data(), line.size(), l) == HeadScanner::Status::Error);
    CHECK(s.error() == 414);

    s.reset();
    std::string ok = "GET /" + std::string(100 - 14, 'a') + " HTTP/1.1";
    REQUIRE(ok.size() == 100);
    ok += "\r\nHost: a\r\n\r\n";
    CHECK(s.scan(ok.data(), ok.size(), l) == HeadScanner::Status::Complete);

    s.reset();
    std::string big = "GET / HTTP/1.1\r\nX: " + std::string(300, 'b');
    CHECK(s.scan(big.data(), big.size(), l) == HeadScanner::Status::Error);
    CHECK(s.error() == 431);

    s.reset();
    std::string many = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n";
    CHECK(s.scan(many.data(), many.size(), l) == HeadScanner::Status::Error);
    CHECK(s.error() == 431);

    s.reset();
    std::string empties(120, '\n');
    CHECK(s.scan(empties.data(), empties.size(), l) == HeadScanner::Status::Error);
    CHECK(s.error() == 400);
}

TEST_CASE("http parser: a plain request") {
    RequestHead r;
    REQUIRE(parse("GET /a/b?x=1&y HTTP/1.1\r\nHost: example.com:80\r\nUser-Agent: t\r\n"
                  "Referer: r\r\nX-Empty:\r\nX-Ows: \t v \t\r\n\r\n",
                  r) == 0);
    CHECK(r.method == "GET");
    CHECK(r.target == "/a/b?x=1&y");
    CHECK(r.path == "/a/b");
    CHECK(r.query == "x=1&y");
    CHECK(r.version == "HTTP/1.1");
    CHECK(r.version_num == 11);
    CHECK(r.form == TargetForm::Origin);
    CHECK(r.host == "example.com:80");
    CHECK(r.user_agent == "t");
    CHECK(r.referer == "r");
    CHECK(r.keep_alive);
    CHECK_FALSE(r.chunked);
    CHECK(r.content_length == -1);
    REQUIRE(r.fields.size() == 5);
    CHECK(r.fields[3].name == "X-Empty");
    CHECK(r.fields[3].value.empty());
    CHECK(r.fields[4].value == "v");
    CHECK(r.request_line == "GET /a/b?x=1&y HTTP/1.1");
}

TEST_CASE("http parser: request line is strict") {
    for (const char* bad :
         {"GET  / HTTP/1.1", "GET / HTTP/1.1 ", " GET / HTTP/1.1", "GET /", "GET / HTTP/1.10",
          "GET / HTTP/1.x", "GET / HTTPS/1.1", "GET / http/1.1", "G@T / HTTP/1.1",
          "GET /\x01 HTTP/1.1", "GET /a#b HTTP/1.1", "GET\t/ HTTP/1.1", "GET a HTTP/1.1",
          "GET / HTTP/1.1\r"}) {
        CAPTURE(bad);
        CHECK(parse(std::string(bad) + "\r\nHost: a\r\n\r\n") == 400);
    }
    CHECK(parse("GET / HTTP/2.0\r\nHost: a\r\n\r\n") == 505);
    CHECK(parse("GET / HTTP/0.9\r\nHost: a\r\n\r\n") == 505);
    RequestHead r;
    CHECK(parse("GET / HTTP/1.7\r\nHost: a\r\n\r\n", r) == 0);
    CHECK(r.version_num == 11);
}

TEST_CASE("http parser: fields are strict") {
    using namespace std::string_view_literals;
    for (std::string_view bad :
         {"Bad Name: x"sv, "X : y"sv, ":x"sv, "X\t: y"sv, "X: a\0b"sv, "X: a\rb"sv, "X: a\x1b"sv,
          "X: a\x7f"sv, " X: y"sv, "\tX: y"sv, "NoColon"sv}) {
        CAPTURE(bad);
        CHECK(parse("GET / HTTP/1.1\r\nHost: a\r\n" + std::string(bad) + "\r\n\r\n") == 400);
    }
    // obs-fold
    CHECK(parse("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n") == 400);
    // obs-text is fine in a value
    CHECK(parse("GET / HTTP/1.1\r\nHost: a\r\nX: caf\xc3\xa9\r\n\r\n") == 0);
}

TEST_CASE("http parser: Host") {
    CHECK(parse("GET / HTTP/1.1\r\n\r\n") == 400);
    CHECK(parse("GET / HTTP/1.0\r\n\r\n") == 0);
    CHECK(parse("GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n") == 400);
    CHECK(parse("GET / HTTP/1.1\r\nHost:\r\n\r\n") == 0);  // empty is allowed
    CHECK(isValidHost("example.com"));
    CHECK(isValidHost("example.com:8080"));
    CHECK(isValidHost("[::1]:80"));
    CHECK(isValidHost("[2001:db8::1]"));
    CHECK(isValidHost("a%41b"));
    CHECK(isValidHost("host:"));  // an empty port is allowed by RFC 3986
    CHECK_FALSE(isValidHost("a b"));
    CHECK_FALSE(isValidHost("a/b"));
    CHECK_FALSE(isValidHost("u@a"));
    CHECK_FALSE(isValidHost(":80"));
    CHECK_FALSE(isValidHost("[::1"));
    CHECK_FALSE(isValidHost("[]"));
    CHECK_FALSE(isValidHost("[::1]x"));
    CHECK_FALSE(isValidHost("a:8x"));
    CHECK_FALSE(isValidHost("a:123456"));
    CHECK_FALSE(isValidHost("a%4"));
}

TEST_CASE("http parser: target forms") {
    RequestHead r;
    REQUIRE(parse("GET HTTP://Example.com:81/p/q?z HTTP/1.1\r\nHost: other\r\n\r\n", r) == 0);
    CHECK(r.form == TargetForm::Absolute);
    CHECK(r.host == "Example.com:81");
    CHECK(r.path == "/p/q");
    CHECK(r.query == "z");
    REQUIRE(parse("GET http://h?x HTTP/1.1\r\nHost: h\r\n\r\n", r) == 0);
    CHECK(r.path == "/");
    CHECK(r.query == "x");
    CHECK(parse("GET http:///p HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(parse("GET http://u@h/p HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(parse("GET ftp://h/p HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    REQUIRE(parse("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", r) == 0);
    CHECK(r.form == TargetForm::Asterisk);
    CHECK(parse("GET * HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(parse("CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n") == 501);
    CHECK(parse("GET h:443 HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
}

TEST_CASE("http parser: framing and smuggling") {
    RequestHead r;
    REQUIRE(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 42\r\n\r\n", r) == 0);
    CHECK(r.content_length == 42);
    REQUIRE(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n", r) == 0);
    CHECK(r.chunked);
    for (const char* v : {"", "-1", "+1", "1 2", "1,1", "0x1", "a", "1234567890123456789"}) {
        CAPTURE(v);
        CHECK(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + std::string(v) +
                    "\r\n\r\n") == 400);
    }
    CHECK(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n") ==
          400);
    CHECK(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
                "Transfer-Encoding: chunked\r\n\r\n") == 400);
    CHECK(parse("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
    // RFC 9112 6.3: chunked not last, or absent, leaves the body's length unknowable: 400.
    // Chunked twice breaks 6.1's "MUST NOT apply chunked more than once": 400 as well.
    for (const char* te :
         {"gzip", "chunked, gzip", "identity", "xchunked", "", ",", "chunked, chunked",
          "gzip, chunked, chunked", "chun ked", "chunked\"", "@, chunked"}) {
        CAPTURE(te);
        CHECK(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: " + std::string(te) +
                    "\r\n\r\n") == 400);
    }
    CHECK(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                "Transfer-Encoding: chunked\r\n\r\n") == 400);
    CHECK(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                "Transfer-Encoding: gzip\r\n\r\n") == 400);
    // Chunked last, so the body is framed, but with a coding this server does not implement:
    // 501 (RFC 9112 6.1).
    for (const char* te : {"gzip, chunked", "gzip;level=1 , chunked", "chunked;q=1"}) {
        CAPTURE(te);
        CHECK(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: " + std::string(te) +
                    "\r\n\r\n") == 501);
    }
    CHECK(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n"
                "Transfer-Encoding: chunked\r\n\r\n") == 501);
    // Empty list elements are ignored (RFC 9110 5.6.1); field lines combine into one list.
    REQUIRE(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: , chunked ,\r\n\r\n", r) == 0);
    CHECK(r.chunked);
    REQUIRE(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                  "Transfer-Encoding:\r\n\r\n",
                  r) == 0);
    CHECK(r.chunked);
}

TEST_CASE("http parser: persistence and expectations") {
    RequestHead r;
    REQUIRE(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: Keep-Alive, CLOSE\r\n\r\n", r) == 0);
    CHECK_FALSE(r.keep_alive);
    REQUIRE(parse("GET / HTTP/1.0\r\n\r\n", r) == 0);
    CHECK_FALSE(r.keep_alive);
    REQUIRE(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", r) == 0);
    CHECK(r.keep_alive);
    REQUIRE(parse("HEAD / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\n\r\n", r) == 0);
    CHECK(r.expect_continue);
    CHECK(r.is_head);
    REQUIRE(parse("POST / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n", r) == 0);
    CHECK_FALSE(r.expect_continue);  // ignored in 1.0
    CHECK(parse("GET / HTTP/1.1\r\nHost: a\r\nExpect: something\r\n\r\n") == 417);
}

TEST_CASE("http parser: too many fields") {
    Limits l;
    l.header_count = 2;
    RequestHead r;
    CHECK(parse("GET / HTTP/1.1\r\nHost: a\r\nB: 1\r\nC: 2\r\n\r\n", r, l) == 431);
    CHECK(parse("GET / HTTP/1.1\r\nHost: a\r\nB: 1\r\n\r\n", r, l) == 0);
}
