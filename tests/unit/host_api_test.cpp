// The host table itself (gorgon_host_api as plugins receive it): every slot is filled, and
// conn_find keeps "absent" (-1) apart from a caller's mistakes. A real Host, a Generation made
// from fixture-work (its code is not run) and a connection over a socketpair whose input the
// test fills directly.
#include "plugin/host_api.hpp"

#include "core/host.hpp"
#include "core/servers.hpp"
#include "net/connections.hpp"
#include "plugin/plugin_object.hpp"

#include <doctest/doctest.h>
#include <event2/buffer.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

using gorgon::Generation;
using gorgon::Host;

struct Fixture {
    Host host;
    gorgon::Server server;
    std::unique_ptr<Generation> gen;
    gorgon::Connection* conn = nullptr;
    int peer_fd = -1;
    char dir[32] = "/tmp/gorgon-api-XXXXXX";

    Fixture() {
        REQUIRE(::mkdtemp(dir) != nullptr);
        auto obj = gorgon::PluginObject::open(GORGON_TEST_FIXTURE_DIR "/fixture-work.so", dir);
        REQUIRE_MESSAGE(obj.ok(), (obj.ok() ? "" : obj.error()));
        gen = std::make_unique<Generation>(host, std::move(obj.value()), 1);
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0);
        peer_fd = fds[1];
        sockaddr_un peer{};
        peer.sun_family = AF_UNIX;
        conn = host.connections().create(fds[0], reinterpret_cast<const sockaddr*>(&peer),
                                         sizeof(sa_family_t), server, *gen);
        REQUIRE(conn != nullptr);
    }
    ~Fixture() {
        // Closed and finished (deferred to the loop) while the generation and server live.
        host.connections().close(*conn, GORGON_CLOSE_LOCAL, false);
        event_base_loop(host.loop().base(), EVLOOP_NONBLOCK);
        ::close(peer_fd);
        gen->object().close();
        ::rmdir(dir);
    }
    gorgon_plugin* self() { return gen.get(); }
    void input(std::string_view bytes) {
        REQUIRE(evbuffer_add(conn->input(), bytes.data(), bytes.size()) == 0);
    }
    int64_t find(gorgon_conn_id id, const char* needle, size_t len, size_t limit) {
        return gorgon::hostApi().conn_find(self(), id, needle, len, limit);
    }
};

}  // namespace

TEST_CASE("host table: every function slot is filled") {
    // The members after host_version are all function pointers: a designated initialiser that
    // skipped one would leave it null (clang does not warn; GCC does).
    const gorgon_host_api& api = gorgon::hostApi();
    CHECK(api.struct_size == sizeof(gorgon_host_api));
    const size_t first = offsetof(gorgon_host_api, log);
    const size_t slot = sizeof(void (*)());
    REQUIRE((api.struct_size - first) % slot == 0);
    const auto* bytes = reinterpret_cast<const unsigned char*>(&api);
    for (size_t at = first; at < api.struct_size; at += slot) {
        void (*fn)() = nullptr;
        std::memcpy(&fn, bytes + at, slot);
        const bool filled = fn != nullptr;
        CHECK_MESSAGE(filled, "empty slot at offset " << at);
    }
    const bool last = api.protocol_goodbye != nullptr;
    CHECK(last);
}

TEST_CASE("conn_find: offsets, and -1 for absent within the limit") {
    Fixture f;
    f.input("USER anonymous\r\nPASS x\r\n");
    CHECK(f.find(f.conn->id, "\r\n", 2, 1024) == 14);
    CHECK(f.find(f.conn->id, "PASS", 4, 1024) == 16);
    CHECK(f.find(f.conn->id, "\r\n", 2, 15) == -1);  // needs 16 bytes
    CHECK(f.find(f.conn->id, "\r\n", 2, 16) == 14);
    CHECK(f.find(f.conn->id, "QUIT", 4, 1024) == -1);
    CHECK(f.find(f.conn->id, "\r\n", 2, 0) == -1);
}

TEST_CASE("conn_find: bad input is a status other than -1") {
    Fixture f;
    f.input("no line end yet");
    // A needle that cannot be searched for: GORGON_E_INVAL would be -1, read as "absent".
    CHECK(f.find(f.conn->id, nullptr, 1, 1024) == GORGON_E_UNSUPPORTED);
    CHECK(f.find(f.conn->id, "\n", 0, 1024) == GORGON_E_UNSUPPORTED);
    CHECK(f.find(f.conn->id, nullptr, 0, 1024) == GORGON_E_UNSUPPORTED);
    // A connection that does not exist (never did, or 0): stale, as for every conn_* call.
    CHECK(f.find(f.conn->id + 1000, "\n", 1, 1024) == GORGON_E_STALE);
    CHECK(f.find(0, "\n", 1, 1024) == GORGON_E_STALE);
    // Not one of them can be mistaken for "absent".
    CHECK(GORGON_E_UNSUPPORTED != -1);
    CHECK(GORGON_E_STALE != -1);
    CHECK(GORGON_E_PERM != -1);
}

TEST_CASE("conn_find: a connection of another generation is not the caller's") {
    Fixture f;
    f.input("line\n");
    char dir[32] = "/tmp/gorgon-api-XXXXXX";
    REQUIRE(::mkdtemp(dir) != nullptr);
    auto obj = gorgon::PluginObject::open(GORGON_TEST_FIXTURE_DIR "/fixture-work.so", dir);
    REQUIRE(obj.ok());
    Generation other(f.host, std::move(obj.value()), 2);
    CHECK(gorgon::hostApi().conn_find(&other, f.conn->id, "\n", 1, 1024) == GORGON_E_PERM);
    other.object().close();
    ::rmdir(dir);
}
