// Unit tests for the http plugin's virtual host names and selection
// (plugins/http/src/http_vhost.cpp).
#include "http_vhost.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using gorgon::http::canonicalHostName;
using gorgon::http::requestHostName;
using gorgon::http::VirtualHostTable;

namespace {

std::string canon(std::string_view name) {
    auto c = canonicalHostName(name);
    return c ? *c : "<invalid>";
}

std::string host(std::string_view h) {
    char buf[256];
    return std::string(requestHostName(h, buf));
}

std::size_t pick(const VirtualHostTable& t, std::string_view h) {
    char buf[256];
    return t.select(requestHostName(h, buf));
}

}  // namespace

TEST_CASE("http vhost: configured names are canonical or refused") {
    CHECK(canon("Example.COM") == "example.com");
    CHECK(canon("example.com.") == "example.com");
    CHECK(canon("*.Example.org") == "*.example.org");
    CHECK(canon("a-b.c_d.example") == "a-b.c_d.example");
    CHECK(canon("127.0.0.1") == "127.0.0.1");
    CHECK(canon("localhost") == "localhost");
    CHECK(canon("[::1]") == "[::1]");
    CHECK(canon("::1") == "[::1]");
    CHECK(canon("[2001:DB8::1]") == "[2001:db8::1]");
    CHECK(canon("") == "<invalid>");
    CHECK(canon(".") == "<invalid>");
    CHECK(canon("example.com:80") == "<invalid>");  // a port is not part of a name
    CHECK(canon("exa mple.com") == "<invalid>");
    CHECK(canon("a..b") == "<invalid>");
    CHECK(canon(".example.com") == "<invalid>");
    CHECK(canon("-a.example.com") == "<invalid>");
    CHECK(canon("a-.example.com") == "<invalid>");
    CHECK(canon("www.example.*") == "<invalid>");
    CHECK(canon("*") == "<invalid>");  // the default is spelled default: true (or "*" in names)
    CHECK(canon("*.") == "<invalid>");
    CHECK(canon("a.*.example.com") == "<invalid>");
    CHECK(canon("**.example.com") == "<invalid>");
    CHECK(canon("[::1") == "<invalid>");
    CHECK(canon("[]") == "<invalid>");
    CHECK(canon("[1.2.3.4]") == "<invalid>");
    CHECK(canon(std::string(64, 'a') + ".com") == "<invalid>");
    CHECK(canon(std::string(63, 'a') + ".com") == std::string(63, 'a') + ".com");
    std::string long_name;
    for (int i = 0; i < 64; ++i) long_name += "abc.";
    CHECK(canon(long_name.substr(0, 252)) != "<invalid>");  // 252 bytes without the dot
    CHECK(canon(long_name + "a") == "<invalid>");
}

TEST_CASE("http vhost: the name part of a Host field") {
    CHECK(host("Example.COM") == "example.com");
    CHECK(host("example.com:8080") == "example.com");
    CHECK(host("example.com.:8080") == "example.com");
    CHECK(host("example.com.") == "example.com");
    CHECK(host("[::1]:8080") == "[::1]");
    CHECK(host("[2001:DB8::1]") == "[2001:db8::1]");
    CHECK(host("127.0.0.1:80") == "127.0.0.1");
    CHECK(host("") == "");
    CHECK(host(std::string(300, 'a')) == "");
}

TEST_CASE("http vhost: exact names, then the longest wildcard, then the default") {
    VirtualHostTable t;
    CHECK(t.add("example.com", 0) == VirtualHostTable::kNone);
    CHECK(t.add("www.example.com", 0) == VirtualHostTable::kNone);
    CHECK(t.add("*.example.org", 1) == VirtualHostTable::kNone);
    CHECK(t.add("*.deep.example.org", 2) == VirtualHostTable::kNone);
    CHECK(t.add("exact.deep.example.org", 3) == VirtualHostTable::kNone);
    CHECK(t.add("[::1]", 3) == VirtualHostTable::kNone);
    CHECK(t.add("example.com", 4) == 0);                        // duplicate: the first owner
    CHECK(t.add("*.example.org", 4) == 1);                      // duplicate wildcard
    CHECK(t.add("example.org", 4) == VirtualHostTable::kNone);  // not the wildcard's name

    CHECK(pick(t, "EXAMPLE.com:80") == 0);
    CHECK(pick(t, "www.example.com.") == 0);
    CHECK(pick(t, "a.example.org") == 1);
    CHECK(pick(t, "a.b.c.example.org") == 1);   // any depth
    CHECK(pick(t, "example.org") == 4);         // the wildcard does not cover the bare name
    CHECK(pick(t, "x.deep.example.org") == 2);  // the longer wildcard wins
    CHECK(pick(t, "deep.example.org") == 1);
    CHECK(pick(t, "exact.deep.example.org") == 3);  // exact beats every wildcard
    CHECK(pick(t, "[::1]:8080") == 3);
    CHECK(pick(t, "other.test") == VirtualHostTable::kNone);
    CHECK(pick(t, "") == VirtualHostTable::kNone);
    CHECK(pick(t, "xexample.org") == VirtualHostTable::kNone);
    t.setDefault(5);
    CHECK(pick(t, "other.test") == 5);
    CHECK(pick(t, "") == 5);  // HTTP/1.0 without Host
    CHECK(pick(t, "www.example.com") == 0);
}
