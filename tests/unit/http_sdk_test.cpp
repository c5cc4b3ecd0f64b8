// The C++ HTTP layer (sdk/include/gorgon/http.hpp) at its boundary: the C hooks it publishes,
// driven the way the http plugin drives them, over a recording stand-in for the two tables.
// What the wrapper promises: every outcome maps to the right status, an exception never
// crosses, a deferred request turns false once it is gone, a refused answer becomes a 500.
#include <gorgon/http.hpp>

#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// ---- A recording host and http plugin ----

struct Recorder {
    const gorgon_http_extension* ext = nullptr;
    std::vector<std::string> logs;
    int responded = 0;  // status of the last respond / respond_error
    std::string body;
    int errors = 0;
    int declined = 0;
    gorgon_status respond_result = GORGON_OK;
    gorgon_http_body_fn notify_fn = nullptr;
    void* notify_user = nullptr;
    std::string path = "/hi/there";
    std::string query = "name=ann&pool";
};
Recorder* rec = nullptr;

void fakeLog(gorgon_plugin*, gorgon_log_level, const char* msg, size_t len) {
    rec->logs.emplace_back(msg, len);
}
gorgon_status fakePublish(gorgon_plugin*, const char*, const void* iface) {
    rec->ext = static_cast<const gorgon_http_extension*>(iface);
    return GORGON_OK;
}
std::vector<std::string> bodies;  // producer id N is bodies[N - 1]
gorgon_producer_id fakeMemory(gorgon_plugin*, const void* data, size_t len) {
    bodies.emplace_back(static_cast<const char*>(data), len);
    return bodies.size();
}
gorgon_status fakeFree(gorgon_plugin*, gorgon_producer_id) {
    return GORGON_OK;
}
size_t fakeWhere(const gorgon_config*, char* buf, size_t cap) {
    const char* where = "gorgon.yaml:3:4: routes[0].config";
    std::snprintf(buf, cap, "%s", where);
    return std::strlen(where);
}

gorgon_str s(const std::string& v) {
    return {v.data(), v.size()};
}
gorgon_str httpPath(const gorgon_http_request*) {
    return s(rec->path);
}
gorgon_str httpQuery(const gorgon_http_request*) {
    return s(rec->query);
}
gorgon_str httpMethod(const gorgon_http_request*) {
    static const std::string get = "GET";
    return s(get);
}
gorgon_status httpRespond(gorgon_http_request*, int status, const gorgon_http_header*, size_t,
                          gorgon_producer_id body, int64_t) {
    if (rec->respond_result != GORGON_OK) return rec->respond_result;
    rec->responded = status;
    rec->body = body != 0 ? bodies[body - 1] : std::string();
    return GORGON_OK;
}
gorgon_status httpRespondError(gorgon_http_request*, int status, const gorgon_http_header*,
                               size_t) {
    rec->responded = status;
    ++rec->errors;
    return GORGON_OK;
}
gorgon_status httpNotify(gorgon_http_request*, gorgon_http_body_fn fn, void* user) {
    rec->notify_fn = fn;
    rec->notify_user = user;
    return GORGON_OK;
}
gorgon_status httpDecline(gorgon_http_request*) {
    ++rec->declined;
    return GORGON_OK;
}

gorgon_host_api makeHost() {
    gorgon_host_api api{};
    api.struct_size = sizeof api;
    api.log = &fakeLog;
    api.service_publish = &fakePublish;
    api.producer_memory = &fakeMemory;
    api.producer_free = &fakeFree;
    api.config_where = &fakeWhere;
    return api;
}
gorgon_http_api makeHttp() {
    gorgon_http_api api{};
    api.struct_size = sizeof api;
    api.method = &httpMethod;
    api.path = &httpPath;
    api.query = &httpQuery;
    api.respond = &httpRespond;
    api.respond_error = &httpRespondError;
    api.body_notify = &httpNotify;
    api.decline = &httpDecline;
    return api;
}

// ---- A route exercising each outcome, chosen by the path ----

gorgon::http::Deferred kept;  // what the route deferred last
bool abort_seen = false;

class Route {
  public:
    Route(gorgon::http::Env, gorgon::Config) {}
    bool match(const gorgon::http::Request& req) {
        return gorgon::http::pathUnder(req.path(), "/hi");
    }
    gorgon::http::Result handle(gorgon::http::Request& req) {
        const std::string_view p = req.path();
        if (p == "/hi/throw") throw std::runtime_error("boom");
        if (p == "/hi/decline") return gorgon::http::Result::decline;
        if (p == "/hi/later") {
            kept = req.defer();
            kept.onAbort([] { abort_seen = true; });
            return gorgon::http::Result::later;
        }
        return req.respond(200, {{"Content-Type", "text/plain"}}, "hello");
    }
};

struct Traits {
    static constexpr const char* service = "http-extension:test";
};
using Plugin = gorgon::http::detail::ExtensionPlugin<gorgon::http::detail::NoShared, Route, Traits>;

// One plugin, one route open, for each test case.
struct Fixture {
    Fixture() : host_api(makeHost()), http_api(makeHttp()) {
        rec = &recorder;
        bodies.clear();
        kept = {};
        abort_seen = false;
        plugin = std::make_unique<Plugin>(gorgon::Host(&host_api, nullptr),
                                          gorgon::Config(&host_api, nullptr));
        REQUIRE(recorder.ext != nullptr);
        char err[256] = {};
        REQUIRE(recorder.ext->route_open(recorder.ext->ctx, &http_api, nullptr, &route, err,
                                         sizeof err) == GORGON_OK);
    }
    ~Fixture() {
        recorder.ext->route_close(route);
        kept = {};
        rec = nullptr;
    }
    gorgon_status handle(const std::string& path) {
        recorder.path = path;
        return recorder.ext->handle(route, request());
    }
    static gorgon_http_request* request() {
        static int token = 0;
        return reinterpret_cast<gorgon_http_request*>(&token);
    }
    Recorder recorder;
    gorgon_host_api host_api;
    gorgon_http_api http_api;
    std::unique_ptr<Plugin> plugin;
    void* route = nullptr;
};

}  // namespace

TEST_CASE("http.hpp: respond, decline and exceptions map to the statuses the http plugin reads") {
    Fixture f;
    CHECK(f.recorder.ext->match(f.route, Fixture::request()) == 1);
    f.recorder.path = "/hip";
    CHECK(f.recorder.ext->match(f.route, Fixture::request()) == 0);

    CHECK(f.handle("/hi") == GORGON_OK);
    CHECK(f.recorder.responded == 200);
    CHECK(f.recorder.body == "hello");

    CHECK(f.handle("/hi/decline") == GORGON_DECLINED);
    CHECK(f.handle("/hi/throw") == GORGON_E_INTERNAL);  // the http plugin answers 500
    REQUIRE_FALSE(f.recorder.logs.empty());
    CHECK(f.recorder.logs.back().find("boom") != std::string::npos);
}

TEST_CASE("http.hpp: a refused answer becomes the http plugin's 500 page") {
    Fixture f;
    f.recorder.respond_result = GORGON_E_INVAL;
    CHECK(f.handle("/hi") == GORGON_OK);
    CHECK(f.recorder.responded == 500);
    CHECK(f.recorder.errors == 1);
}

TEST_CASE("http.hpp: a deferred request is answered later, and is false afterwards") {
    Fixture f;
    CHECK(f.handle("/hi/later") == GORGON_E_AGAIN);
    REQUIRE(static_cast<bool>(kept));
    kept->respond(201, {}, "made");
    CHECK(f.recorder.responded == 201);
    CHECK(f.recorder.body == "made");
    CHECK_FALSE(static_cast<bool>(kept));
    // An abort after the answer (the http plugin never sends one, but a stray one is harmless).
    f.recorder.ext->abort(f.route, Fixture::request());
    CHECK_FALSE(abort_seen);
}

TEST_CASE("http.hpp: an aborted request turns its Deferred false and calls onAbort once") {
    Fixture f;
    CHECK(f.handle("/hi/later") == GORGON_E_AGAIN);
    gorgon::http::Deferred copy = kept;
    f.recorder.ext->abort(f.route, Fixture::request());
    CHECK(abort_seen);
    CHECK_FALSE(static_cast<bool>(kept));
    CHECK_FALSE(static_cast<bool>(copy));
    CHECK(f.recorder.responded == 0);  // nothing was sent for it
}

TEST_CASE("http.hpp: decline() later passes the request on, and body callbacks reach the route") {
    Fixture f;
    CHECK(f.handle("/hi/later") == GORGON_E_AGAIN);
    int calls = 0;
    REQUIRE(kept.onBody([&](gorgon::http::Request& req) {
        ++calls;
        req.respond(204, {}, "");
    }) == GORGON_OK);
    REQUIRE(f.recorder.notify_user != nullptr);
    f.recorder.notify_fn(f.recorder.notify_user, Fixture::request());
    CHECK(calls == 1);
    CHECK(f.recorder.responded == 204);
    CHECK_FALSE(static_cast<bool>(kept));

    CHECK(f.handle("/hi/later") == GORGON_E_AGAIN);
    CHECK(kept.decline() == GORGON_OK);
    CHECK(f.recorder.declined == 1);
    CHECK_FALSE(static_cast<bool>(kept));
    CHECK(kept.decline() == GORGON_E_STALE);
}

TEST_CASE("http.hpp: the 1.4 calls report UNSUPPORTED on an older http plugin") {
    Fixture f;
    gorgon_http_api old = f.http_api;
    old.struct_size = offsetof(gorgon_http_api, decline);  // a 1.1 table
    gorgon::http::Request req(gorgon::http::Env(gorgon::Host(&f.host_api, nullptr), &old),
                              Fixture::request(), nullptr);
    CHECK(req.setUser("ann") == GORGON_E_UNSUPPORTED);
    CHECK(req.rewrite("/x") == GORGON_E_UNSUPPORTED);
    CHECK_FALSE(req.secure());
    CHECK(req.user().empty());
}

TEST_CASE("http.hpp: pathUnder and queryValue") {
    using gorgon::http::pathUnder;
    using gorgon::http::queryValue;
    CHECK(pathUnder("/a", "/a"));
    CHECK(pathUnder("/a/", "/a"));
    CHECK(pathUnder("/a/b", "/a"));
    CHECK_FALSE(pathUnder("/ab", "/a"));
    CHECK(pathUnder("/a/b", "/a/"));
    CHECK_FALSE(pathUnder("/a", "/a/"));
    CHECK(pathUnder("/anything", "/"));
    CHECK(pathUnder("/anything", ""));
    CHECK(queryValue("a=1&b=2", "b") == std::optional<std::string_view>("2"));
    CHECK(queryValue("a&b=2", "a") == std::optional<std::string_view>(""));
    CHECK(queryValue("a=1", "c") == std::nullopt);
    CHECK(queryValue("", "a") == std::nullopt);
    CHECK(queryValue("ab=1", "a") == std::nullopt);
}
