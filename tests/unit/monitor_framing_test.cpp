// Unit tests for the monitor protocol's framing (plugins/monitor/src/monitor_framing.cpp).
#include "monitor_framing.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace gorgon::monitor;

namespace {

StatusLine parsed(std::string_view line, std::uint64_t max = 1 << 20) {
    StatusLine s;
    std::string error;
    REQUIRE_MESSAGE(parseStatusLine(line, max, s, error), error);
    return s;
}

bool refused(std::string_view line, std::uint64_t max = 1 << 20) {
    StatusLine s;
    std::string error;
    const bool ok = parseStatusLine(line, max, s, error);
    if (!ok) CHECK_FALSE(error.empty());
    return !ok;
}

}  // namespace

TEST_CASE("monitor framing: a message is a status line and exactly LENGTH body bytes") {
    CHECK(formatMessage(200, "ok", "") == "200 0 ok\n");
    CHECK(formatMessage(220, "", "") == "220 0\n");
    const std::string body = "line 1\nline 2\n\n200 0 not a reply\n";
    const std::string m = formatMessage(200, "status", body);
    CHECK(m == "200 " + std::to_string(body.size()) + " status\n" + body);
    const std::size_t nl = m.find('\n');
    const StatusLine s = parsed(m.substr(0, nl));
    CHECK(s.code == 200);
    CHECK(s.length == body.size());
    CHECK(s.text == "status");
    CHECK(m.substr(nl + 1) == body);
}

TEST_CASE("monitor framing: the status text can neither break nor overrun the line") {
    const std::string m = formatMessage(500, "bad\nthing\r\x1b", "");
    CHECK(m == "500 0 bad?thing??\n");
    const std::string longer(1000, 'x');
    const std::string t = statusText(longer);
    CHECK(t.size() == kMaxStatusText);
    CHECK(t.ends_with("..."));
    const std::string line = formatMessage(400, longer, "abc");
    CHECK(line.find('\n') <= kMaxStatusLine);
    CHECK(parsed(line.substr(0, line.find('\n'))).length == 3);
}

TEST_CASE("monitor framing: status lines are parsed strictly") {
    CHECK(parsed("200 0").text.empty());
    CHECK(parsed("421 0 idle timeout\r").text == "idle timeout");
    CHECK(parsed("330 0 gorgon-monitor 1 login hmac-sha256 ab").code == 330);
    CHECK(parsed("200 1048576 x").length == 1048576);
    CHECK(refused(""));
    CHECK(refused("200"));
    CHECK(refused("200 "));
    CHECK(refused("20 0 x"));
    CHECK(refused("2000 0 x"));
    CHECK(refused("099 0 x"));
    CHECK(refused("600 0 x"));
    CHECK(refused("abc 0 x"));
    CHECK(refused("200  0 x"));
    CHECK(refused("200 -1 x"));
    CHECK(refused("200 01 x"));
    CHECK(refused("200 1x"));
    CHECK(refused("200 0 a\x01z"));
    CHECK(refused("200 1048577 x"));                     // over the caller's maximum
    CHECK(refused("200 99999999999999999999999999 x"));  // no overflow
    CHECK(refused("200 5 x", 4));
    CHECK(refused("200 9", 5));
    CHECK(refused("200 0 " + std::string(kMaxStatusLine, 'x')));
}
