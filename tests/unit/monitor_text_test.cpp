// Unit tests for the monitor's text helpers and reply bodies (plugins/monitor/src/monitor_text.cpp,
// monitor_reply.cpp, monitor_format.cpp).
#include "monitor_text.hpp"

#include "monitor_format.hpp"
#include "monitor_reply.hpp"

#include <doctest/doctest.h>

#include <array>
#include <string>

using namespace gorgon::monitor;

TEST_CASE("monitor text: hex round trip, strict decoding") {
    const std::array<std::uint8_t, 4> bytes = {0x00, 0x7f, 0xab, 0xff};
    CHECK(hexEncode(bytes) == "007fabff");
    CHECK(hexDecode("007fabff", 4) == std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
    CHECK(hexDecode("007FABFF", 4).has_value());
    CHECK_FALSE(hexDecode("007fab", 4).has_value());
    CHECK_FALSE(hexDecode("007fabff00", 4).has_value());
    CHECK_FALSE(hexDecode("007fabfg", 4).has_value());
    CHECK_FALSE(hexDecode(" 07fabff", 4).has_value());
}

TEST_CASE("monitor text: durations, times, names, levels") {
    CHECK(formatDuration(0) == "0s");
    CHECK(formatDuration(999) == "0s");
    CHECK(formatDuration(42'000) == "42s");
    CHECK(formatDuration(312'000) == "5m 12s");
    CHECK(formatDuration(7'500'000) == "2h 5m");
    CHECK(formatDuration(3'600'000) == "1h");
    CHECK(formatDuration(4ULL * 86'400'000 + 3'600'000) == "4d 1h");
    CHECK(formatTime(0) == "-");
    CHECK(formatTime(1'700'000'000'000) == "2023-11-14T22:13:20Z");
    CHECK(isPluginName("http-static"));
    CHECK(isPluginName("a"));
    CHECK_FALSE(isPluginName(""));
    CHECK_FALSE(isPluginName("-x"));
    CHECK_FALSE(isPluginName("Chat"));
    CHECK_FALSE(isPluginName("a/b"));
    CHECK_FALSE(isPluginName(std::string(64, 'a')));
    CHECK(logLevelByName("debug") == 3u);
    CHECK_FALSE(logLevelByName("verbose").has_value());
    CHECK(logLevelName(1) == "warn");
}

TEST_CASE("monitor text: tables align and sanitize") {
    Table t({"NAME", "N"});
    t.add({"chat", "1"});
    t.add({"http-static\x1b", "22"});
    CHECK(t.render() == "NAME          N\nchat          1\nhttp-static?  22\n");
    CHECK(quoteForLog("a\nb", 10) == "\"a?b\"");
    CHECK(quoteForLog("abcdef", 3) == "\"abc...\"");
}

TEST_CASE("monitor reply: failures in both forms") {
    const Reply h = failure(kNotFound, "plugin x is not loaded", false);
    CHECK(h.code == 404);
    CHECK(h.body == "plugin x is not loaded\n");
    const Reply j = failure(kInvalid, "bad \"config\"", true, {"line 1", "line\t2"});
    CHECK(j.body ==
          "{\"error\":{\"code\":422,\"message\":\"bad \\\"config\\\"\",\"details\":[\"line 1\","
          "\"line\\t2\"]}}\n");
}

TEST_CASE("monitor format: plugins group generations by name, in order") {
    std::vector<gorgon::status::Generation> gens(3);
    gens[0].name = "chat";
    gens[0].generation = 2;
    gens[0].state = "active";
    gens[0].version = "0.2";
    gens[1].name = "chat";
    gens[1].generation = 1;
    gens[1].state = "draining";
    gens[1].version = "0.1";
    gens[1].connections = 3;
    gens[2].name = "a\"b";
    gens[2].generation = 7;
    gens[2].state = "active";
    const std::string json = formatPlugins(gens, true);
    CHECK(json.find("{\"plugins\":[{\"name\":\"a\\\"b\"") == 0);
    CHECK(json.find("\"name\":\"chat\",\"version\":\"0.2\"") != std::string::npos);
    CHECK(json.find("\"generation\":1,\"state\":\"draining\"") <
          json.find("\"generation\":2,\"state\":\"active\""));
    const std::string human = formatPlugins(gens, false);
    CHECK(human.rfind("NAME", 0) == 0);
    CHECK(human.find("chat  0.1      1    draining  3") != std::string::npos);
    CHECK(splitList("127.0.0.1:1, unix:/x") == std::vector<std::string>{"127.0.0.1:1", "unix:/x"});
    CHECK(splitList("").empty());
}
