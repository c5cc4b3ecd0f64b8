// Unit tests for the monitor's JSON writer (plugins/monitor/src/monitor_json.cpp) and the SDK
// escaping it relies on (sdk/include/gorgon/escape.hpp), pinned as the monitor prints it.
#include "monitor_json.hpp"

#include <gorgon/escape.hpp>

#include <doctest/doctest.h>

#include <string>

using gorgon::escape::json;
using gorgon::monitor::JsonWriter;

TEST_CASE("monitor json: strings are escaped") {
    CHECK(json("plain") == "\"plain\"");
    CHECK(json("") == "\"\"");
    CHECK(json("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(json("l1\nl2\tx\r") == "\"l1\\nl2\\tx\\r\"");
    CHECK(json(std::string("\0\x01\x1f\x7f", 4)) == "\"\\u0000\\u0001\\u001f\\u007f\"");
    CHECK(json("\x1b[2J") == "\"\\u001b[2J\"");
    CHECK(json("/path/</script>") == "\"/path/</script>\"");
}

TEST_CASE("monitor json: valid UTF-8 passes, anything else becomes U+FFFD") {
    CHECK(json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") ==
          "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    CHECK(json("\xff") == "\"\\ufffd\"");
    CHECK(json("\xc3") == "\"\\ufffd\"");                                   // truncated
    CHECK(json("\xc0\xaf") == "\"\\ufffd\\ufffd\"");                        // overlong "/"
    CHECK(json("\xed\xa0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");             // a surrogate
    CHECK(json("\xf4\x90\x80\x80") == "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // > U+10FFFF
    CHECK(json("a\x80z") == "\"a\\ufffdz\"");
}

TEST_CASE("monitor json: the writer places commas and colons") {
    JsonWriter w;
    w.beginObject()
        .field("name", "chat")
        .field("n", std::uint64_t{3})
        .field("neg", std::int64_t{-2})
        .field("ok", true);
    w.key("list").beginArray().string("a").integer(1).null().beginObject().endObject();
    w.beginArray().endArray().endArray();
    w.key("empty").beginObject().endObject();
    w.endObject();
    CHECK(w.str() ==
          R"({"name":"chat","n":3,"neg":-2,"ok":true,"list":["a",1,null,{},[]],"empty":{}})");
}
