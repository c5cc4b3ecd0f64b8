#include "config/config.hpp"

#include <doctest/doctest.h>

using gorgon::parseConfig;

namespace {

std::string errorOf(const char* text) {
    auto c = parseConfig(text, "test.yaml");
    REQUIRE_FALSE(c.ok());
    return c.error();
}

}  // namespace

TEST_CASE("a complete configuration is read into typed fields") {
    auto c = parseConfig(R"(
log: {level: debug, file: /tmp/x.log}
user: nobody
group: nogroup
shutdown_timeout: 2500ms
plugins:
  directory: /opt/plugins
  runtime_directory: /var/lib/gorgon
  drain_timeout: 1m
  load:
    chat: {max_line: 10}
    echo:
servers:
  - name: chat
    protocol: chat
    listen: ["127.0.0.1:8518", "[::1]:8518", "unix:/run/chat.sock"]
    config: {motd: hi}
  - name: one
    protocol: echo
    listen: "*:0"
)",
                         "test.yaml");
    REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error()));
    CHECK(c->log_level == gorgon::LogLevel::Debug);
    CHECK(c->log_file == "/tmp/x.log");
    CHECK(c->user == "nobody");
    CHECK(c->group == "nogroup");
    CHECK(c->shutdown_timeout_ms == 2500);
    CHECK(c->plugin_directory == "/opt/plugins");
    CHECK(c->runtime_directory == "/var/lib/gorgon");
    CHECK(c->drain_timeout_ms == 60'000);
    REQUIRE(c->plugins.size() == 2);
    CHECK(c->plugins[0].name == "chat");
    CHECK(c->plugins[0].config->get("max_line")->scalar() == "10");
    CHECK(c->plugins[1].name == "echo");
    CHECK(c->plugins[1].config->isMap());  // absent settings become an empty map
    REQUIRE(c->servers.size() == 2);
    CHECK(c->servers[0].listen.size() == 3);
    CHECK(c->servers[0].listen[2].isUnix());
    CHECK(c->servers[0].config->get("motd")->scalar() == "hi");
    CHECK(c->servers[1].listen.size() == 1);
    CHECK(c->servers[1].config->isMap());
}

TEST_CASE("an empty file is a valid configuration with defaults") {
    auto c = parseConfig("", "empty.yaml");
    REQUIRE(c.ok());
    CHECK(c->servers.empty());
    CHECK(c->shutdown_timeout_ms == 10'000);
    CHECK(c->runtime_directory == "run/plugins");
}

TEST_CASE("YAML syntax errors name the file, line and column") {
    auto e = errorOf("servers:\n  - name: [unclosed\n");
    CHECK(e.find("test.yaml:") == 0);
    CHECK(e.find(":3:") != std::string::npos);
}

TEST_CASE("unknown keys are refused with their location and path") {
    auto e = errorOf("log:\n  level: info\n  colour: red\n");
    CHECK(e.find("test.yaml:3:") == 0);
    CHECK(e.find("log.colour") != std::string::npos);
    CHECK(e.find("unknown key \"colour\"") != std::string::npos);
    CHECK(errorOf("lgo: {}\n").find("unknown key \"lgo\"") != std::string::npos);
}

TEST_CASE("bad values are refused naming the key") {
    CHECK(errorOf("log: {level: loud}\n").find("log.level: expected error, warn, info or debug") !=
          std::string::npos);
    CHECK(errorOf("shutdown_timeout: soon\n").find("shutdown_timeout: expected a duration") !=
          std::string::npos);
    CHECK(errorOf("plugins: {drain_timeout: 5x}\n").find("plugins.drain_timeout") !=
          std::string::npos);
    CHECK(errorOf("plugins: {load: [chat]}\n").find("plugins.load: expected a map") !=
          std::string::npos);
    CHECK(errorOf("plugins: {load: {Bad!: {}}}\n").find("a plugin name") != std::string::npos);
    // The rule the host loads plugins by: the first character a letter or digit.
    CHECK(errorOf("plugins: {load: {-x: {}}}\n").find("a plugin name") != std::string::npos);
    CHECK(errorOf("plugins: {load: {_x: {}}}\n").find("a plugin name") != std::string::npos);
    CHECK(errorOf("servers: {}\n").find("servers: expected a list") != std::string::npos);
}

TEST_CASE("servers need a name, a protocol and addresses, and names are unique") {
    auto e = errorOf("servers:\n  - listen: 127.0.0.1:1\n");
    CHECK(e.find("needs a name") != std::string::npos);
    CHECK(e.find("needs a protocol") != std::string::npos);
    e = errorOf("servers:\n  - {name: a, protocol: p}\n");
    CHECK(e.find("at least one listen address") != std::string::npos);
    e = errorOf(
        "servers:\n  - {name: a, protocol: p, listen: '127.0.0.1:1'}\n"
        "  - {name: a, protocol: p, listen: '127.0.0.1:2'}\n");
    CHECK(e.find("test.yaml:3:") == 0);
    CHECK(e.find("already named \"a\"") != std::string::npos);
    e = errorOf("servers:\n  - {name: a, protocol: p, listen: []}\n");
    CHECK(e.find("non-empty list") != std::string::npos);
    e = errorOf("servers:\n  - {name: a, protocol: p, listen: 'x:1', config: [1]}\n");
    CHECK(e.find("servers[0].config: expected a map") != std::string::npos);
}

TEST_CASE("listen addresses are checked") {
    auto ok =
        gorgon::parseConfig("servers:\n  - {name: a, protocol: p, listen: '[::1]:0'}\n", "ok.yaml");
    CHECK(ok.ok());
    auto bad = [](const char* addr) {
        std::string text =
            std::string("servers:\n  - {name: a, protocol: p, listen: '") + addr + "'}\n";
        return errorOf(text.c_str());
    };
    CHECK(bad("127.0.0.1").find("expected HOST:PORT") != std::string::npos);
    CHECK(bad("127.0.0.1:70000").find("0 to 65535") != std::string::npos);
    CHECK(bad("localhost:80").find("not an IPv4 address") != std::string::npos);
    CHECK(bad("[::g]:80").find("not an IPv6 address") != std::string::npos);
    CHECK(bad("unix:").find("Unix socket path") != std::string::npos);
}

TEST_CASE("every error in a file is reported, not just the first") {
    auto e = errorOf("log: {level: x}\nshutdown_timeout: y\nbogus: 1\n");
    CHECK(e.find("log.level") != std::string::npos);
    CHECK(e.find("shutdown_timeout") != std::string::npos);
    CHECK(e.find("bogus") != std::string::npos);
}

TEST_CASE("duplicate keys are refused") {
    CHECK(errorOf("log: {}\nlog: {}\n").find("duplicate key \"log\"") != std::string::npos);
}

TEST_CASE("a missing file is a clear error") {
    auto c = gorgon::loadConfig("/nonexistent/gorgon.yaml");
    REQUIRE_FALSE(c.ok());
    CHECK(c.error() == "/nonexistent/gorgon.yaml: cannot read the file");
}
