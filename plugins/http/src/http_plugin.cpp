#include "http_plugin.hpp"

#include "http_handoff.hpp"
#include "http_server.hpp"

#include <stdexcept>

namespace gorgon::http {

namespace {

constexpr const char* kStatNames[] = {"requests",      "responses_2xx", "responses_3xx",
                                      "responses_4xx", "responses_5xx", "bytes_out",
                                      "connections"};
static_assert(std::size(kStatNames) == static_cast<std::size_t>(Stat::Count));

constexpr std::uint64_t kHousekeepingMs = 1000;
// Idle request states kept for reuse: past a burst of this many concurrent requests, the extra
// ones are freed rather than kept for ever.
constexpr std::size_t kMaxPooledExchanges = 1024;
// A head buffer that grew past this (a large request) is not kept in the pool.
constexpr std::size_t kMaxPooledHead = std::size_t{16} * 1024;

// The plugin itself has no settings (plugins.load.http); every setting is per server.
Host checkPluginConfig(Host host, const Config& config) {
    if (config.present()) {
        if (config.type() != GORGON_CONFIG_MAP) config.fail("expected an empty map");
        static constexpr const char* kNoKeys[] = {nullptr};
        config.allowKeys(host, kNoKeys);
    }
    return host;
}

}  // namespace

HttpPlugin::HttpPlugin(Host host, const Config& config)
    : host_(checkPluginConfig(host, config)), protocol_(host, "http", this) {
    for (std::size_t i = 0; i < stats_.size(); ++i) {
        stats_[i] = host_.api()->stat_counter(host_.self(), kStatNames[i]);
    }
    scratch_.reserve(2048);
}

HttpPlugin::~HttpPlugin() {
    // The host closes servers before shutdown; should one outlive us, it must not call back.
    for (Server* s : servers_) s->ownerGone();
    if (housekeeping_timer_ != 0) host_.api()->timer_cancel(host_.self(), housekeeping_timer_);
    if (kick_timer_ != 0) host_.api()->timer_cancel(host_.self(), kick_timer_);
    flushStats();
}

void HttpPlugin::countResponse(int status, std::uint64_t bytes) noexcept {
    Stat s = Stat::Responses5xx;
    if (status < 300) {
        s = Stat::Responses2xx;
    } else if (status < 400) {
        s = Stat::Responses3xx;
    } else if (status < 500) {
        s = Stat::Responses4xx;
    }
    pending_[static_cast<std::size_t>(s)] += 1;
    pending_[static_cast<std::size_t>(Stat::BytesOut)] += static_cast<std::int64_t>(bytes);
    armHousekeeping();
}

std::unique_ptr<Exchange> HttpPlugin::takeExchange() {
    if (exchanges_.empty()) return std::make_unique<Exchange>();
    std::unique_ptr<Exchange> ex = std::move(exchanges_.back());
    exchanges_.pop_back();
    return ex;
}

void HttpPlugin::giveExchange(std::unique_ptr<Exchange> ex) noexcept {
    if (!ex) return;
    ex->req.conn = nullptr;
    if (exchanges_.size() >= kMaxPooledExchanges || ex->head.capacity() > kMaxPooledHead ||
        ex->req.path_scratch.capacity() > kMaxPooledHead ||
        ex->req.rewritten.capacity() > kMaxPooledHead) {
        return;  // freed here
    }
    try {
        exchanges_.push_back(std::move(ex));
    } catch (...) {
        // No room to keep it: it is freed, which is fine.
    }
}

void HttpPlugin::armHousekeeping() noexcept {
    if (housekeeping_timer_ != 0) return;
    housekeeping_timer_ = host_.api()->timer_start(host_.self(), kHousekeepingMs, GORGON_TIMER_ONCE,
                                                   &housekeepingThunk, this);
}

void HttpPlugin::housekeepingThunk(void* user, gorgon_timer_id /*timer*/) noexcept {
    auto* p = static_cast<HttpPlugin*>(user);
    p->housekeeping_timer_ = 0;
    try {
        p->housekeeping();
    } catch (const std::exception& e) {
        p->host_.error(std::string("housekeeping: ") + e.what());
    }
}

void HttpPlugin::housekeeping() {
    flushStats();
    const std::int64_t t = now();
    bool again = false;
    for (Server* s : servers_) again = s->housekeeping(t) || again;
    if (again) armHousekeeping();  // retired routes still hold requests
}

void HttpPlugin::flushStats() noexcept {
    for (std::size_t i = 0; i < pending_.size(); ++i) {
        if (pending_[i] == 0) continue;
        if (stats_[i] != 0) host_.api()->stat_add(host_.self(), stats_[i], pending_[i]);
        pending_[i] = 0;
    }
}

void HttpPlugin::scheduleKick() noexcept {
    if (kick_timer_ != 0) return;
    kick_timer_ = host_.api()->timer_start(host_.self(), 0, GORGON_TIMER_ONCE, &kickThunk, this);
}

void HttpPlugin::kickThunk(void* user, gorgon_timer_id /*timer*/) noexcept {
    auto* p = static_cast<HttpPlugin*>(user);
    p->kick_timer_ = 0;
    try {
        for (Server* s : std::vector<Server*>(p->servers_)) {
            s->kickAdopted();
            s->moveIdle();
        }
    } catch (const std::exception& e) {
        p->host_.error(std::string("after the hand-off: ") + e.what());
    }
}

void HttpPlugin::addServer(Server& server) {
    // A newer configuration of a server: its idle keep-alive connections move over from the
    // loop (the host makes the new server live once server_open has returned).
    if (findServer(server.name()) != nullptr) scheduleKick();
    servers_.push_back(&server);
    ++servers_version_;
}

void HttpPlugin::removeServer(const Server& server) noexcept {
    std::erase(servers_, &server);
    ++servers_version_;
}

Server* HttpPlugin::findServer(std::string_view name) const noexcept {
    // Newest first: while a server is being replaced, the new one is the one that counts.
    for (std::size_t i = servers_.size(); i > 0; --i) {
        if (servers_[i - 1]->name() == name) return servers_[i - 1];
    }
    return nullptr;
}

void HttpPlugin::drain() {
    for (Server* s : servers_) s->drain();
    flushStats();
}

void HttpPlugin::handoffExport(std::string& out) {
    std::vector<HandoffEntry> entries;
    for (Server* s : servers_) s->exportIdle(entries);
    out = encodeHandoff(entries);
    host_.info("handing " + std::to_string(entries.size()) +
               " idle keep-alive connections to the new generation");
}

void HttpPlugin::handoffImport(std::string_view in) {
    std::vector<HandoffEntry> entries;
    std::string error;
    if (!decodeHandoff(in, entries, error)) {
        throw std::runtime_error("malformed http hand-off: " + error);
    }
    std::size_t adopted = 0;
    for (const HandoffEntry& e : entries) {
        Server* s = findServer(e.server);
        if (s == nullptr) {
            host_.warn("http server " + e.server + " is gone; connection " +
                       std::to_string(e.conn) + " stays with the old generation");
            continue;
        }
        if (s->adopt(e)) ++adopted;
    }
    // Input that arrived during the reload is processed from the loop, not inside the host's
    // reload call.
    if (adopted != 0) scheduleKick();
    host_.info("adopted " + std::to_string(adopted) + " of " + std::to_string(entries.size()) +
               " idle keep-alive connections");
}

}  // namespace gorgon::http

GORGON_PLUGIN(gorgon::http::HttpPlugin, "http", "0.1.0",
              "HTTP/1.1 and 1.0 (RFC 9110/9112): keep-alive, pipelining, chunked bodies, "
              "100-continue, limits, timeouts and routing to HTTP extensions",
              GORGON_PROVIDES("protocol:http"), GORGON_NONE)
