// Unit tests for the http plugin's response heads, dates, access log lines and hand-off blob
// (plugins/http/src: http_response.cpp, http_date.cpp, http_access_log.cpp, http_handoff.cpp).
#include "http_response.hpp"

#include "http_access_log.hpp"
#include "http_date.hpp"
#include "http_handoff.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

using namespace gorgon::http;

namespace {

gorgon_http_header field(const char* name, const char* value) {
    return {{name, std::strlen(name)}, {value, std::strlen(value)}};
}

// The head, or "<invalid>" when a field was refused.
std::string head(const ResponseSpec& spec) {
    std::string out;
    if (!appendResponseHead(out, spec, chooseFraming(spec))) return "<invalid>";
    return out;
}

}  // namespace

TEST_CASE("http response: a plain head") {
    gorgon_http_header fields[] = {field("Content-Type", "text/plain"), field("X-A", "b c")};
    ResponseSpec spec;
    spec.status = 200;
    spec.fields = fields;
    spec.field_count = 2;
    spec.date = "Sun, 06 Nov 1994 08:49:37 GMT";
    spec.server = "Gorgon";
    spec.content_length = 5;
    spec.has_body = true;
    CHECK(head(spec) ==
          "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nServer: Gorgon\r\n"
          "Content-Type: text/plain\r\nX-A: b c\r\nContent-Length: 5\r\n\r\n");
}

TEST_CASE("http response: framing") {
    ResponseSpec spec;
    spec.date = "D";
    spec.has_body = true;
    spec.content_length = -1;
    CHECK(chooseFraming(spec) == Framing::Chunked);
    CHECK(head(spec) == "HTTP/1.1 200 OK\r\nDate: D\r\nTransfer-Encoding: chunked\r\n\r\n");
    spec.version = 10;
    CHECK(chooseFraming(spec) == Framing::Close);
    CHECK(head(spec) == "HTTP/1.1 200 OK\r\nDate: D\r\nConnection: close\r\n\r\n");
    spec.content_length = 3;
    CHECK(head(spec) ==
          "HTTP/1.1 200 OK\r\nDate: D\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\n");
    spec.has_body = false;
    spec.content_length = -1;
    spec.version = 11;
    CHECK(head(spec) == "HTTP/1.1 200 OK\r\nDate: D\r\nContent-Length: 0\r\n\r\n");
    for (int status : {204, 304, 100}) {
        spec.status = status;
        spec.has_body = true;
        spec.content_length = 10;
        CAPTURE(status);
        CHECK(chooseFraming(spec) == Framing::None);
        CHECK(head(spec).find("Content-Length") == std::string::npos);
    }
    spec.status = 404;
    spec.close = true;
    spec.content_length = 0;
    CHECK(head(spec) ==
          "HTTP/1.1 404 Not Found\r\nDate: D\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    spec.status = 599;
    CHECK(head(spec).starts_with("HTTP/1.1 599\r\n"));
}

TEST_CASE("http response: fields extensions may not set are dropped, bad ones refused") {
    CHECK(checkResponseField("X-Ok", "fine value\twith tab") == FieldCheck::Ok);
    CHECK(checkResponseField("Content-Length", "5") == FieldCheck::Reserved);
    CHECK(checkResponseField("transfer-encoding", "chunked") == FieldCheck::Reserved);
    CHECK(checkResponseField("Connection", "close") == FieldCheck::Reserved);
    CHECK(checkResponseField("Date", "x") == FieldCheck::Reserved);
    CHECK(checkResponseField("Server", "x") == FieldCheck::Reserved);
    CHECK(checkResponseField("Keep-Alive", "x") == FieldCheck::Reserved);
    CHECK(checkResponseField("X", "a\r\nInjected: 1") == FieldCheck::Invalid);
    CHECK(checkResponseField("X", std::string_view("a\0b", 3)) == FieldCheck::Invalid);
    CHECK(checkResponseField("X", "a\nb") == FieldCheck::Invalid);
    CHECK(checkResponseField("Bad Name", "v") == FieldCheck::Invalid);
    CHECK(checkResponseField("", "v") == FieldCheck::Invalid);
    gorgon_http_header fields[] = {field("Content-Length", "99"), field("X-Kept", "1")};
    ResponseSpec spec;
    spec.date = "D";
    spec.fields = fields;
    spec.field_count = 2;
    spec.content_length = 0;
    CHECK(head(spec) == "HTTP/1.1 200 OK\r\nDate: D\r\nX-Kept: 1\r\nContent-Length: 0\r\n\r\n");
    gorgon_http_header bad[] = {field("X-Kept", "1"), field("X-Bad", "a\r\nInjected: 1")};
    spec.fields = bad;
    CHECK(head(spec) == "<invalid>");
}

TEST_CASE("http response: error pages have the length they say") {
    for (int status : {400, 404, 413, 418, 500, 503, 505, 599}) {
        std::string page;
        appendErrorPage(page, status);
        CAPTURE(status);
        CHECK(page.size() == errorPageLength(status));
        CHECK(page.find(std::to_string(status)) != std::string::npos);
    }
    CHECK(reasonPhrase(413) == "Content Too Large");
    CHECK(reasonPhrase(431) == "Request Header Fields Too Large");
    CHECK(reasonPhrase(299).empty());
}

TEST_CASE("http date: the Date field and the log stamps follow the clock") {
    // The IMF-fixdate itself is tested with the SDK header (sdk_http_date_test.cpp).
    DateCache cache;
    cache.update(784111777123);
    CHECK(cache.http() == "Sun, 06 Nov 1994 08:49:37 GMT");
    cache.update(784111778000);
    CHECK(cache.http() == "Sun, 06 Nov 1994 08:49:38 GMT");
    CHECK(cache.clf().size() == 26);
    CHECK(cache.iso().size() == 25);
}

TEST_CASE("http access log: combined format escapes") {
    LogRecord r;
    r.peer = "192.0.2.1";
    r.time_clf = "10/Oct/2000:13:55:36 -0700";
    r.request_line = "GET /a\"b HTTP/1.1";
    r.status = 200;
    r.bytes = 2326;
    r.referer = "http://x/\\";
    r.user_agent = "ua\x01\xff";
    std::string out;
    appendCombined(out, r);
    CHECK(out ==
          "192.0.2.1 - - [10/Oct/2000:13:55:36 -0700] \"GET /a\\x22b HTTP/1.1\" 200 2326 "
          "\"http://x/\\x5C\" \"ua\\x01\\xFF\"\n");
    out.clear();
    r.bytes = 0;
    r.referer = {};
    r.user_agent = {};
    r.request_line = {};
    appendCombined(out, r);
    CHECK(out == "192.0.2.1 - - [10/Oct/2000:13:55:36 -0700] \"-\" 200 - \"-\" \"-\"\n");
    // The user an extension authenticated (set_user), escaped like every other field.
    out.clear();
    r.user = "ann \"x\"";
    appendCombined(out, r);
    CHECK(out ==
          "192.0.2.1 - ann\\x20\\x22x\\x22 [10/Oct/2000:13:55:36 -0700] \"-\" 200 - \"-\" \"-\"\n");
}

TEST_CASE("http access log: JSON is valid whatever the client sent") {
    LogRecord r;
    r.peer = "::1";
    r.time_iso = "2000-10-10T13:55:36-07:00";
    r.request_line = "GET / HTTP/1.1";
    r.method = "GET";
    r.target = "/";
    r.protocol = "HTTP/1.1";
    r.host = "h";
    r.status = 404;
    r.bytes = -1;
    r.user_agent = "q\"\\\n\x7f caf\xc3\xa9 \xff \xed\xa0\x80";  // a surrogate is invalid
    r.duration_ms = 7;
    std::string out;
    appendJson(out, r);
    CHECK(out ==
          "{\"time\":\"2000-10-10T13:55:36-07:00\",\"remote_addr\":\"::1\","
          "\"request\":\"GET / HTTP/1.1\",\"method\":\"GET\",\"uri\":\"/\","
          "\"protocol\":\"HTTP/1.1\",\"host\":\"h\",\"vhost\":null,\"status\":404,"
          "\"bytes\":null,"
          "\"referer\":\"\",\"user_agent\":\"q\\\"\\\\\\u000a\\u007f caf\xc3\xa9 \\u00ff "
          "\\u00ed\\u00a0\\u0080\",\"request_time_ms\":7}\n");
}

TEST_CASE("http access log: vhost_combined puts the virtual host first, JSON names it") {
    LogRecord r;
    r.peer = "192.0.2.1";
    r.time_clf = "10/Oct/2000:13:55:36 -0700";
    r.time_iso = "2000-10-10T13:55:36-07:00";
    r.request_line = "GET / HTTP/1.1";
    r.status = 200;
    r.bytes = 5;
    std::string out;
    appendVhostCombined(out, r);
    CHECK(out ==
          "- 192.0.2.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\"\n");
    r.vhost = "*.example.org";
    out.clear();
    appendVhostCombined(out, r);
    CHECK(out.starts_with("*.example.org 192.0.2.1 - - ["));
    out.clear();
    appendJson(out, r);
    CHECK(out.find(",\"vhost\":\"*.example.org\",") != std::string::npos);
}

TEST_CASE("http hand-off: round trip and refusals") {
    std::vector<HandoffEntry> in = {{7, 3, 0, false, "web"},
                                    {9, 0, 1234, true, std::string("odd name\n\0", 10)}};
    std::string blob = encodeHandoff(in);
    std::vector<HandoffEntry> out;
    std::string error;
    REQUIRE(decodeHandoff(blob, out, error));
    CHECK(out == in);
    CHECK(decodeHandoff(encodeHandoff({}), out, error));
    CHECK(out.empty());

    std::string bad = blob;
    bad.replace(bad.find(" 1 "), 3, " 2 ");  // another version
    CHECK_FALSE(decodeHandoff(bad, out, error));
    CHECK_FALSE(decodeHandoff(blob.substr(0, blob.size() - 1), out, error));
    CHECK_FALSE(decodeHandoff(blob + "x", out, error));
    CHECK_FALSE(
        decodeHandoff(encodeHandoff({{7, 0, 0, false, "a"}, {7, 0, 0, false, "b"}}), out, error));
    CHECK(error.find("twice") != std::string::npos);
    CHECK_FALSE(decodeHandoff(encodeHandoff({{0, 0, 0, false, "a"}}), out, error));
    CHECK_FALSE(decodeHandoff("gorgon-http-handoff 1 99999999\n", out, error));
}
