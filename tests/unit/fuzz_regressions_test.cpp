// Inputs the fuzz targets (tests/fuzz/) broke an invariant with, kept so that the bugs they
// found stay fixed in the dev preset too. Each case names its target.
#include "config/config_node.hpp"
#include "ftp_config.hpp"
#include "fuzz_config_api.hpp"
#include "net/address.hpp"
#include "util/units.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace std::string_literals;

TEST_CASE("fuzz config_host: an integer takes one sign at most") {
    // "+-5" was read as -5: the '+' was dropped, then from_chars took the '-'.
    CHECK_FALSE(gorgon::parseInt("+-5"));
    CHECK_FALSE(gorgon::parseInt("+-0"));
    CHECK_FALSE(gorgon::parseInt("++5"));
    CHECK(gorgon::parseInt("+5") == 5);
    CHECK(gorgon::parseInt("-5") == -5);
    CHECK_FALSE(gorgon::parseListenAddress("127.0.0.1:+-0"));
}

TEST_CASE("fuzz config_host: a size has one unit") {
    // "5bb" was read as 5 bytes: the second 'b' was taken for the optional one of "kB".
    CHECK_FALSE(gorgon::parseSizeBytes("5bb"));
    CHECK_FALSE(gorgon::parseSizeBytes("5BB"));
    CHECK(gorgon::parseSizeBytes("5b") == 5u);
    CHECK(gorgon::parseSizeBytes("5kB") == 5u * 1024);
}

TEST_CASE("fuzz config_host: a listen address with a NUL byte is refused") {
    // YAML can spell a NUL ("\0"); the C calls behind the parser stopped at it, so the socket
    // was bound at /tmp/a, or 127.0.0.1 accepted with junk after it.
    CHECK_FALSE(gorgon::parseListenAddress("unix:/tmp/a\0b"s));
    CHECK_FALSE(gorgon::parseListenAddress("127.0.0.1\0junk:80"s));
    CHECK_FALSE(gorgon::parseListenAddress("[::1\0junk]:80"s));
    CHECK(gorgon::parseListenAddress("unix:/tmp/a"));
    CHECK(gorgon::parseListenAddress("127.0.0.1:80"));
}

TEST_CASE("fuzz config_host: nested aliases cannot expand without bound") {
    // Eight lines of aliases, each ten of the one before: 10^8 values once copied into the
    // tree. Loading it ran for minutes (and the memory with it); now it is refused.
    std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i < 8; ++i) {
        const std::string prev = "*a" + std::to_string(i - 1);
        bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
        for (int k = 0; k < 10; ++k) bomb += (k == 0 ? "" : ", ") + prev;
        bomb += "]\n";
    }
    auto r = gorgon::ConfigNode::loadText(bomb, "bomb.yaml");
    REQUIRE_FALSE(r);
    CHECK(r.error().find("bomb.yaml") == 0);
    CHECK(r.error().find("aliases expand to too many values") != std::string::npos);

    // Aliases as people use them still load, copied where they are referred to.
    auto ok = gorgon::ConfigNode::loadText(
        "tls: &t {certificate: a.pem, key: a.key}\n"
        "servers: [{name: a, tls: *t}, {name: b, tls: *t}]\n",
        "ok.yaml");
    REQUIRE(ok);
    const gorgon::ConfigNode* servers = ok.value()->get("servers");
    REQUIRE(servers != nullptr);
    REQUIRE(servers->size() == 2);
    CHECK(servers->at(1)->get("tls")->get("key")->scalar() == "a.key");
}

TEST_CASE("fuzz config_plugins: an ftp file or directory mode is octal digits") {
    // The digits after the last 'o' were read, so "o" was mode 0 and "7o7" mode 7.
    auto parse = [](const char* mode) {
        const std::string text =
            std::string("anonymous: {root: /srv}\nfile_mode: \"") + mode + "\"\n";
        auto root = gorgon::ConfigNode::loadText(text, "ftp.yaml");
        REQUIRE(root);
        gorgon::fuzz::Reported reported;
        const gorgon_host_api* api = gorgon::fuzz::configApi();
        return gorgon::ftp::parseFtpConfig(gorgon::Host(api, gorgon::fuzz::reporter(reported)),
                                           gorgon::Config(api, root.value().get()))
            .file_mode;
    };
    CHECK_THROWS_AS((void)parse("o"), gorgon::ConfigError);
    CHECK_THROWS_AS((void)parse("7o7"), gorgon::ConfigError);
    CHECK_THROWS_AS((void)parse("0o"), gorgon::ConfigError);
    CHECK(parse("0644") == 0644u);
    CHECK(parse("0o640") == 0640u);
    CHECK(parse("755") == 0755u);
}
