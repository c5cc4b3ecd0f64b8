// Unit tests for the SDK's copies of the host's status calls (sdk/include/gorgon/status.hpp),
// against a made-up host: older (shorter) structs, the connection limit, failing calls.
#include <gorgon/status.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <string>

namespace {

// What the fake host reports; one instance per test through `self`.
struct FakeHost {
    bool old_structs = false;  // fill the ABI 1.2 prefixes only
    gorgon_status fail = GORGON_OK;
};

FakeHost* fake(gorgon_plugin* self) {
    return reinterpret_cast<FakeHost*>(self);
}

gorgon_status hostStatus(gorgon_plugin* self, gorgon_host_status* out) {
    if (fake(self)->fail != GORGON_OK) return fake(self)->fail;
    const std::uint32_t size = out->struct_size;
    *out = {};
    out->struct_size = fake(self)->old_structs
                           ? static_cast<std::uint32_t>(offsetof(gorgon_host_status, lag_max_us))
                           : size;
    out->version = "9.9.9";
    out->config_file = "/etc/gorgon.conf";
    out->pid = 42;
    out->connections = 3;
    out->stopping = 1;
    out->lag_max_us = 1500;
    out->lag_max_plugin = "slow";
    out->lag_buckets[5] = 7;
    out->work_total = 11;
    return GORGON_OK;
}

std::int64_t nowMs(gorgon_plugin*) {
    return 123456;
}

gorgon_status serverList(gorgon_plugin* self, gorgon_server_list_fn fn, void* user) {
    if (fake(self)->fail != GORGON_OK) return fake(self)->fail;
    gorgon_server_status s{};
    s.struct_size = sizeof s;
    s.id = 5;
    s.name = "web";
    s.protocol = "http";
    s.listen = "127.0.0.1:80, [::1]:80";
    s.plugin = nullptr;  // copied as ""
    s.bytes_out = 99;
    fn(user, &s);
    return GORGON_OK;
}

gorgon_status pluginList(gorgon_plugin* self, gorgon_plugin_list_fn fn, void* user) {
    gorgon_plugin_info p{};
    p.struct_size = fake(self)->old_structs
                        ? static_cast<std::uint32_t>(offsetof(gorgon_plugin_info, loaded_ms))
                        : static_cast<std::uint32_t>(sizeof p);
    p.name = "http";
    p.state = "active";
    p.generation = 2;
    p.loaded_ms = 77;
    p.requests_total = 8;
    fn(user, &p);
    return GORGON_OK;
}

gorgon_status connList(gorgon_plugin* self, const char* server, gorgon_conn_list_fn fn,
                       void* user) {
    (void)self;
    for (std::uint64_t i = 1; i <= 4; ++i) {
        gorgon_conn_status c{};
        c.struct_size = sizeof c;
        c.id = i;
        c.in_request = i == 2 ? 1 : 0;
        c.server = server != nullptr ? server : "any";
        c.peer = "127.0.0.1:1";
        c.pending = i * 10;
        fn(user, &c);
    }
    return GORGON_OK;
}

gorgon_status statList(gorgon_plugin* self, gorgon_stat_list_fn fn, void* user) {
    if (fake(self)->fail != GORGON_OK) return fake(self)->fail;
    gorgon_stat_info s{};
    s.struct_size = sizeof s;
    s.plugin = "http";
    s.name = "requests";
    s.value = -1;
    fn(user, &s);
    return GORGON_OK;
}

gorgon_host_api makeApi() {
    gorgon_host_api api{};
    api.struct_size = sizeof api;
    api.host_status = hostStatus;
    api.now_ms = nowMs;
    api.server_list = serverList;
    api.plugin_list = pluginList;
    api.conn_list = connList;
    api.stat_list = statList;
    return api;
}

}  // namespace

TEST_CASE("sdk status: a current host's values are copied") {
    const gorgon_host_api api = makeApi();
    FakeHost fh;
    const gorgon::Host host(&api, reinterpret_cast<gorgon_plugin*>(&fh));
    REQUIRE(gorgon::status::available(host));
    gorgon_status rc = GORGON_E_INVAL;

    const auto p = gorgon::status::readProcess(host, rc);
    REQUIRE(p);
    CHECK(rc == GORGON_OK);
    CHECK(p->version == "9.9.9");
    CHECK(p->config_file == "/etc/gorgon.conf");
    CHECK(p->pid == 42);
    CHECK(p->now_ms == 123456);
    CHECK(p->stopping);
    CHECK(p->has_watchdog);
    CHECK(p->lag_max_us == 1500);
    CHECK(p->lag_max_plugin == "slow");
    CHECK(p->lag_max_hook.empty());  // NULL from the host
    CHECK(p->lag_buckets[5] == 7);
    CHECK(p->work_total == 11);

    const auto servers = gorgon::status::listServers(host, rc);
    REQUIRE(servers);
    REQUIRE(servers->size() == 1);
    CHECK((*servers)[0].id == 5);
    CHECK((*servers)[0].listen == "127.0.0.1:80, [::1]:80");
    CHECK((*servers)[0].plugin.empty());
    CHECK((*servers)[0].bytes_out == 99);

    const auto plugins = gorgon::status::listPlugins(host, rc);
    REQUIRE(plugins);
    REQUIRE(plugins->size() == 1);
    CHECK((*plugins)[0].generation == 2);
    CHECK((*plugins)[0].loaded_ms == 77);
    CHECK((*plugins)[0].requests_total == 8);

    const auto stats = gorgon::status::listStats(host, rc);
    REQUIRE(stats);
    REQUIRE(stats->size() == 1);
    CHECK((*stats)[0].value == -1);
}

TEST_CASE("sdk status: fields an older host does not fill stay zero") {
    const gorgon_host_api api = makeApi();
    FakeHost fh;
    fh.old_structs = true;
    const gorgon::Host host(&api, reinterpret_cast<gorgon_plugin*>(&fh));
    gorgon_status rc = GORGON_OK;
    const auto p = gorgon::status::readProcess(host, rc);
    REQUIRE(p);
    CHECK(p->pid == 42);
    CHECK_FALSE(p->has_watchdog);
    CHECK(p->lag_max_us == 0);
    CHECK(p->lag_max_plugin.empty());
    CHECK(p->work_total == 0);
    const auto plugins = gorgon::status::listPlugins(host, rc);
    REQUIRE(plugins);
    CHECK((*plugins)[0].generation == 2);
    CHECK((*plugins)[0].loaded_ms == 0);
    CHECK((*plugins)[0].requests_total == 0);
}

TEST_CASE("sdk status: connections are limited and all counted") {
    const gorgon_host_api api = makeApi();
    FakeHost fh;
    const gorgon::Host host(&api, reinterpret_cast<gorgon_plugin*>(&fh));
    gorgon_status rc = GORGON_OK;
    std::uint64_t total = 0;
    const auto two = gorgon::status::listConnections(host, "web", 2, total, rc);
    REQUIRE(two);
    CHECK(total == 4);
    REQUIRE(two->size() == 2);
    CHECK((*two)[0].server == "web");
    CHECK((*two)[1].in_request);
    CHECK((*two)[1].pending == 20);
    const auto all = gorgon::status::listConnections(host, "", 100, total, rc);
    REQUIRE(all);
    CHECK(all->size() == 4);
    CHECK((*all)[3].server == "any");  // "" asks for every server (NULL to the host)
}

TEST_CASE("sdk status: a failing call gives nullopt and the host's status") {
    const gorgon_host_api api = makeApi();
    FakeHost fh;
    fh.fail = GORGON_E_AGAIN;
    const gorgon::Host host(&api, reinterpret_cast<gorgon_plugin*>(&fh));
    gorgon_status rc = GORGON_OK;
    CHECK_FALSE(gorgon::status::readProcess(host, rc));
    CHECK(rc == GORGON_E_AGAIN);
    rc = GORGON_OK;
    CHECK_FALSE(gorgon::status::listServers(host, rc));
    CHECK(rc == GORGON_E_AGAIN);
    rc = GORGON_OK;
    CHECK_FALSE(gorgon::status::listStats(host, rc));
    CHECK(rc == GORGON_E_AGAIN);
}
