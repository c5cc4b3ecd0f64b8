// Connection limits: address prefixes, the admission counts and idle order, the settings'
// defaults, and the open-file budget.
#include "config/config.hpp"
#include "core/open_files.hpp"
#include "net/address_prefix.hpp"
#include "net/admission.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

using namespace gorgon;

namespace {

sockaddr_storage peer(const char* text) {
    sockaddr_storage ss{};
    sockaddr_in in4{};
    sockaddr_in6 in6{};
    if (inet_pton(AF_INET, text, &in4.sin_addr) == 1) {
        in4.sin_family = AF_INET;
        std::memcpy(&ss, &in4, sizeof in4);
    } else {
        REQUIRE(inet_pton(AF_INET6, text, &in6.sin6_addr) == 1);
        in6.sin6_family = AF_INET6;
        std::memcpy(&ss, &in6, sizeof in6);
    }
    return ss;
}

const sockaddr* sa(const sockaddr_storage& ss) {
    return reinterpret_cast<const sockaddr*>(&ss);
}

std::string keyOf(const char* text, unsigned v4, unsigned v6) {
    auto ss = peer(text);
    auto p = peerPrefix(sa(ss), v4, v6);
    REQUIRE(p.has_value());
    return p->text();
}

}  // namespace

TEST_CASE("address prefixes are parsed, masked and matched") {
    auto p = parseAddressPrefix("10.0.0.0/8");
    REQUIRE(p.ok());
    CHECK(p->text() == "10.0.0.0/8");
    CHECK(parseAddressPrefix("192.0.2.7")->text() == "192.0.2.7/32");
    CHECK(parseAddressPrefix("2001:db8::/32")->text() == "2001:db8::/32");
    CHECK(parseAddressPrefix("0.0.0.0/0").ok());
    CHECK_FALSE(parseAddressPrefix("10.0.0.1/8").ok());  // bits past the prefix
    CHECK(parseAddressPrefix("10.0.0.1/8").error().find("10.0.0.0/8") != std::string::npos);
    CHECK_FALSE(parseAddressPrefix("10.0.0.0/33").ok());
    CHECK_FALSE(parseAddressPrefix("::/129").ok());
    CHECK_FALSE(parseAddressPrefix("10.0.0.0/").ok());
    CHECK_FALSE(parseAddressPrefix("10.0.0.0/+8").ok());
    CHECK_FALSE(parseAddressPrefix("example.com/8").ok());

    auto inside = peer("10.200.3.4");
    auto outside = peer("11.0.0.1");
    CHECK(p->contains(*peerPrefix(sa(inside), 32, 128)));
    CHECK_FALSE(p->contains(*peerPrefix(sa(outside), 32, 128)));
    // A wider key never falls inside a narrower prefix.
    CHECK_FALSE(
        parseAddressPrefix("10.1.0.0/16")->contains(parseAddressPrefix("10.0.0.0/8").value()));
    // IPv4 and IPv6 never match each other.
    CHECK_FALSE(parseAddressPrefix("::/0")->contains(*peerPrefix(sa(inside), 32, 128)));
}

TEST_CASE("clients are grouped by the configured prefix lengths") {
    CHECK(keyOf("192.0.2.77", 32, 64) == "192.0.2.77/32");
    CHECK(keyOf("192.0.2.77", 24, 64) == "192.0.2.0/24");
    CHECK(keyOf("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 32, 64) == "2001:db8:1:2::/64");
    CHECK(keyOf("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 32, 60) == "2001:db8:1::/60");
    // A dual-stack socket reports IPv4 clients as mapped addresses: they count as IPv4.
    CHECK(keyOf("::ffff:192.0.2.77", 32, 64) == "192.0.2.77/32");
    sockaddr_un un{};
    un.sun_family = AF_UNIX;
    CHECK_FALSE(peerPrefix(reinterpret_cast<const sockaddr*>(&un), 32, 64).has_value());
}

TEST_CASE("admission: per-address limit, places freed by tickets, idle order") {
    ConnectionLimits limits;
    limits.max_connections = 3;
    limits.per_address = 2;
    auto a = std::make_shared<Admission>("web", limits, nullptr);
    auto one = peer("192.0.2.1");
    auto two = peer("192.0.2.2");
    using V = Admission::Verdict;

    auto d1 = a->check(sa(one));
    REQUIRE(d1.verdict == V::Admit);
    auto t1 = a->admit(d1);
    t1->attach(1);
    auto t2 = a->admit(a->check(sa(one)));
    t2->attach(2);
    CHECK(a->check(sa(one)).verdict == V::AddressFull);
    CHECK(a->fromAddress(*d1.key) == 2);
    auto t3 = a->admit(a->check(sa(two)));
    t3->attach(3);
    CHECK(a->open() == 3);
    // Full, but no request was ever reported: connections may be sessions, none is idle.
    CHECK(a->check(sa(two)).verdict == V::ServerFull);

    t2->requestBegun();  // the protocol reports requests
    t2->requestEnded();
    t1->requestBegun();
    // Idle, oldest first: 3 (idle since it came), then 2; 1 is busy.
    std::vector<gorgon_conn_id> seen;
    a->oldestIdle([&](gorgon_conn_id id) {
        seen.push_back(id);
        return false;
    });
    CHECK(seen == std::vector<gorgon_conn_id>{3, 2});
    CHECK(a->check(sa(two)).verdict == V::ReclaimIdle);
    CHECK(a->oldestIdle([](gorgon_conn_id id) { return id != 3; }) == 2);

    t2.reset();  // its socket closed: the place is free at once
    CHECK(a->open() == 2);
    CHECK(a->fromAddress(*d1.key) == 1);
    CHECK(a->check(sa(one)).verdict == V::Admit);
    CHECK(a->idleCount() == 1);

    limits.reclaim_idle = false;
    auto strict = std::make_shared<Admission>("web", limits, nullptr);
    std::vector<std::unique_ptr<AdmissionTicket>> held;
    for (const char* addr : {"192.0.2.1", "192.0.2.1", "192.0.2.2"}) {
        auto p = peer(addr);
        held.push_back(strict->admit(strict->check(sa(p))));
        held.back()->attach(held.size());
        held.back()->requestBegun();
        held.back()->requestEnded();
    }
    CHECK(strict->check(sa(one)).verdict == V::AddressFull);  // per address is checked first
    auto four = peer("192.0.2.4");
    CHECK(strict->check(sa(four)).verdict == V::ServerFull);
}

TEST_CASE("limits: top-level defaults, per-server overrides, socket settings") {
    auto c = parseConfig(R"(
max_open_files: 4096
limits: {max_connections: 500, per_address: 10, ipv6_prefix: 48}
servers:
  - name: a
    protocol: chat
    listen: 127.0.0.1:1
  - name: b
    protocol: chat
    listen: 127.0.0.1:2
    limits: {per_address: 0, reclaim_idle: off}
    socket:
      backlog: 100
      rcvbuf: 64k
      keepalive: {idle: 60s, interval: 10s, count: 4}
      defer_accept: 2s
      by_address:
        - {prefix: 10.0.0.0/8, read_buffer: 4k}
)",
                         "test.yaml");
    REQUIRE(c.ok());
    CHECK(c->max_open_files == 4096);
    const auto& a = c->servers[0];
    CHECK(a.limits.max_connections == 500);
    CHECK(a.limits.per_address == 10);
    CHECK(a.limits.ipv6_prefix == 48);
    CHECK(a.limits.reclaim_idle);
    CHECK(a.socket.backlog == 511);
    CHECK_FALSE(a.socket.buffers.rcvbuf.has_value());
    CHECK_FALSE(a.socket.keepalive.has_value());
    const auto& b = c->servers[1];
    CHECK(b.limits.max_connections == 500);
    CHECK(b.limits.per_address == 0);
    CHECK_FALSE(b.limits.reclaim_idle);
    CHECK(b.socket.backlog == 100);
    CHECK(b.socket.buffers.rcvbuf == 64u * 1024);
    REQUIRE(b.socket.keepalive.has_value());
    CHECK(b.socket.keepalive->idle_s == 60);
    CHECK(b.socket.keepalive->interval_s == 10);
    CHECK(b.socket.keepalive->count == 4);
    CHECK(b.socket.defer_accept_s == 2);
    auto inside = peer("10.1.2.3");
    auto outside = peer("192.0.2.1");
    CHECK(b.socket.buffersFor(sa(inside)).read_buffer == 4096u);
    CHECK(b.socket.buffersFor(sa(inside)).rcvbuf == 64u * 1024);  // the server's, not overridden
    CHECK_FALSE(b.socket.buffersFor(sa(outside)).read_buffer.has_value());

    // The open-file budget: connections plus listeners plus the host's reserve.
    CHECK_FALSE(openFileShortfall(c.value(), 1100).has_value());
    auto w = openFileShortfall(c.value(), 1000);
    REQUIRE(w.has_value());
    CHECK(w->find("a 500 + b 500") != std::string::npos);
    CHECK(w->find("need 1066 open files but the limit is 1000") != std::string::npos);
}
