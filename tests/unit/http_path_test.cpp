// Unit tests for the http plugin's path normalisation (plugins/http/src/http_path.cpp).
#include "http_path.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

namespace {

// The normalised path, or "<NNN>" for a refusal.
std::string norm(std::string_view raw) {
    std::string scratch;
    std::string_view out;
    int status = gorgon::http::normalizePath(raw, scratch, out);
    return status == 0 ? std::string(out) : "<" + std::to_string(status) + ">";
}

}  // namespace

TEST_CASE("http path: clean paths are returned as they are, without a copy") {
    std::string scratch;
    std::string_view out;
    const std::string_view raw = "/a/b.c/d-e_f~g";
    REQUIRE(gorgon::http::normalizePath(raw, scratch, out) == 0);
    CHECK(out == raw);
    CHECK(out.data() == raw.data());
    CHECK(norm("/") == "/");
    CHECK(norm("/a/") == "/a/");
    CHECK(norm("/a.b/c..d/...") == "/a.b/c..d/...");
}

TEST_CASE("http path: decoding") {
    CHECK(norm("/a%20b") == "/a b");
    CHECK(norm("/%41%42%43") == "/ABC");
    CHECK(norm("/%e2%82%ac") == "/\xe2\x82\xac");
    CHECK(norm("/a%2fb") == "/a/b");  // a decoded '/' separates, as the file system would
    CHECK(norm("/%25") == "/%");      // decoded once, never twice
    CHECK(norm("/%2541") == "/%41");
    CHECK(norm("/%") == "<400>");
    CHECK(norm("/%4") == "<400>");
    CHECK(norm("/%g0") == "<400>");
    CHECK(norm("/%0g") == "<400>");
    CHECK(norm("/a%00") == "<400>");
    CHECK(norm(std::string_view("/a\0b", 4)) == "<400>");
}

TEST_CASE("http path: dot-segments and repeated slashes") {
    CHECK(norm("//a///b//") == "/a/b/");
    CHECK(norm("/a/./b") == "/a/b");
    CHECK(norm("/a/.") == "/a/");
    CHECK(norm("/a/b/..") == "/a/");
    CHECK(norm("/a/b/../c") == "/a/c");
    CHECK(norm("/a/b/../../c") == "/c");
    CHECK(norm("/a/..") == "/");
    CHECK(norm("/.") == "/");
    CHECK(norm("/./") == "/");
    CHECK(norm("/.well-known/x") == "/.well-known/x");
    CHECK(norm("/a/.b/..c/c..") == "/a/.b/..c/c..");
    CHECK(norm("/%2e/a") == "/a");
    CHECK(norm("/a/%2e%2e/b") == "/b");
}

TEST_CASE("http path: climbing above the root is refused") {
    for (const char* p : {"/..", "/../", "/../a", "/a/../..", "/a/../../b", "/%2e%2e/a", "/%2E%2E",
                          "/a/%2e%2e/%2e%2e", "/a%2f..%2f..%2fb", "/./../a", "//../a"}) {
        CAPTURE(p);
        CHECK(norm(p) == "<400>");
    }
}

TEST_CASE("http path: must start with a slash") {
    CHECK(norm("") == "<400>");
    CHECK(norm("a/b") == "<400>");
}
