// ABI 1.2 host functions for status and control (the monitor) and for the cryptography the
// monitor's login needs. Trampolines: they check what the plugin passes and never throw.
#include "core/config_check.hpp"
#include "log/logger.hpp"
#include "plugin/host_api_internal.hpp"
#include "util/crypto.hpp"
#include "work/watchdog.hpp"

#include <unistd.h>

namespace gorgon::api {

namespace {

// Bounds on what a plugin may hand the crypto functions in one call.
constexpr size_t kMaxRandom = 64 * 1024;
constexpr size_t kMaxKey = 64 * 1024;

std::span<const uint8_t> bytes(const void* p, size_t len) {
    return {static_cast<const uint8_t*>(p), len};
}

void emitLines(gorgon_text_fn fn, void* user, const std::string& text) {
    if (fn != nullptr && !text.empty()) fn(user, text.data(), text.size());
}

}  // namespace

gorgon_status randomBytes(gorgon_plugin*, void* buf, size_t len) noexcept {
    if (buf == nullptr || len > kMaxRandom) return GORGON_E_INVAL;
    return gorgon::randomBytes({static_cast<uint8_t*>(buf), len}) ? GORGON_OK : GORGON_E_IO;
}

gorgon_status sha256(gorgon_plugin*, const void* data, size_t len, uint8_t* out) noexcept {
    if ((data == nullptr && len != 0) || out == nullptr) return GORGON_E_INVAL;
    Digest256 d = sha256Of(bytes(data, len));
    std::memcpy(out, d.data(), d.size());
    return GORGON_OK;
}

gorgon_status hmacSha256(gorgon_plugin*, const void* key, size_t key_len, const void* data,
                         size_t len, uint8_t* out) noexcept {
    if ((key == nullptr && key_len != 0) || (data == nullptr && len != 0) || out == nullptr ||
        key_len > kMaxKey) {
        return GORGON_E_INVAL;
    }
    Digest256 d = gorgon::hmacSha256(bytes(key, key_len), bytes(data, len));
    std::memcpy(out, d.data(), d.size());
    return GORGON_OK;
}

int memEqual(const void* a, const void* b, size_t len) noexcept {
    if (len == 0) return 1;
    if (a == nullptr || b == nullptr) return 0;
    return constantTimeEqual(a, b, len) ? 1 : 0;
}

gorgon_status connRequestBegin(gorgon_plugin* self, gorgon_conn_id id) noexcept {
    gorgon_status s = GORGON_OK;
    Connection* c = owned(self, id, s);
    if (c == nullptr) return s;
    return gen(self).host().connections().beginRequest(*c);
}

gorgon_status connRequestEnd(gorgon_plugin* self, gorgon_conn_id id) noexcept {
    gorgon_status s = GORGON_OK;
    Connection* c = owned(self, id, s);
    if (c == nullptr) return s;
    return gen(self).host().connections().endRequest(*c);
}

gorgon_status hostStatus(gorgon_plugin* self, gorgon_host_status* out) noexcept {
    Host& h = gen(self).host();
    const auto& totals = h.connections().totals();
    gorgon_host_status st{};
    st.struct_size = sizeof st;
    st.log_level = static_cast<uint32_t>(Logger::level());
    st.version = GORGON_HOST_VERSION;
    st.config_file = h.config().file.c_str();
    st.pid = ::getpid();
    st.started_ms = h.startedMs();
    st.connections = h.connections().count();
    st.connections_total = totals.connections;
    st.requests_total = totals.requests;
    st.bytes_in = totals.bytes_in;
    st.bytes_out = totals.bytes_out;
    st.stopping = h.stopping() ? 1 : 0;
    st.generations = static_cast<uint32_t>(h.plugins().generations().size());
    const Watchdog::Summary& lag = watchdog().summary();
    st.lag_max_us = lag.max_us;
    st.lag_max_plugin = lag.max_plugin.c_str();
    st.lag_max_hook = lag.max_hook.c_str();
    std::copy(lag.buckets.begin(), lag.buckets.end(), st.lag_buckets);
    st.lag_warn_ms = static_cast<uint32_t>(std::min<uint64_t>(watchdog().warnMs(), UINT32_MAX));
    st.work_threads = h.work().threads();
    st.work_pending = h.work().pending();
    st.work_total = h.work().total();
    return fillOut(st, out);
}

gorgon_status serverList(gorgon_plugin* self, gorgon_server_list_fn fn, void* user) noexcept {
    if (fn == nullptr) return GORGON_E_INVAL;
    try {
        Host& h = gen(self).host();
        auto report = [&](const Server* s) {
            std::string listen;
            for (const auto& l : s->listeners) {
                // Null: a kept listener lent to the server's next configuration being opened.
                if (l) listen += (listen.empty() ? "" : ", ") + l->boundAddress();
            }
            Generation* owner = h.plugins().protocolOwner(s->config.protocol);
            gorgon_server_status st{};
            st.struct_size = sizeof st;
            st.id = s->id;
            st.name = s->config.name.c_str();
            st.protocol = s->config.protocol.c_str();
            st.listen = listen.c_str();
            st.plugin = owner != nullptr ? owner->name().c_str() : "";
            st.connections = s->current_connections;
            st.connections_total = s->total_connections;
            st.requests_total = s->requests_total;
            st.requests_inflight = s->requests_inflight;
            st.bytes_in = s->bytes_in;
            st.bytes_out = s->bytes_out;
            fn(user, &st);
        };
        for (const auto& s : h.servers().all()) report(s.get());
        if (const Server* s = h.servers().opening()) report(s);
        return GORGON_OK;
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

gorgon_status connList(gorgon_plugin* self, const char* server, gorgon_conn_list_fn fn,
                       void* user) noexcept {
    if (fn == nullptr) return GORGON_E_INVAL;
    try {
        Connections& conns = gen(self).host().connections();
        std::string only = server != nullptr ? std::string(server, strnlen(server, 64)) : "";
        // Collected first: the callback may call back into the host.
        std::vector<gorgon_conn_id> ids;
        conns.forEach([&](const Connection& c) {
            if (!c.open()) return;
            if (server != nullptr && (c.server == nullptr || c.server->config.name != only)) return;
            ids.push_back(c.id);
        });
        for (auto id : ids) {
            Connection* c = conns.find(id);
            if (c == nullptr || !c->open()) continue;
            gorgon_conn_status st{};
            st.struct_size = sizeof st;
            st.in_request = c->in_request ? 1 : 0;
            st.id = c->id;
            st.server = c->server != nullptr ? c->server->config.name.c_str() : "";
            st.peer = c->peer.c_str();
            st.plugin = c->owner != nullptr ? c->owner->name().c_str() : "";
            st.generation = c->owner != nullptr ? c->owner->number() : 0;
            st.opened_ms = c->opened_ms;
            st.active_ms = c->active_ms;
            st.requests = c->requests;
            st.bytes_in = c->bytes_in;
            st.bytes_out = c->bytes_out;
            st.pending = conns.pending(*c);
            fn(user, &st);
        }
        return GORGON_OK;
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

gorgon_status statList(gorgon_plugin* self, gorgon_stat_list_fn fn, void* user) noexcept {
    if (fn == nullptr) return GORGON_E_INVAL;
    try {
        PluginManager& pm = gen(self).host().plugins();
        PluginManager::CounterTotals totals = pm.retiredCounters();
        for (Generation* g : pm.generations()) {
            for (const auto& [name, value] : g->counters) totals[g->name()][name] += value;
        }
        for (const auto& [plugin, counters] : totals) {
            for (const auto& [name, value] : counters) {
                gorgon_stat_info st{};
                st.struct_size = sizeof st;
                st.plugin = plugin.c_str();
                st.name = name.c_str();
                st.value = value;
                fn(user, &st);
            }
        }
        return GORGON_OK;
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

gorgon_status configText(gorgon_plugin* self, gorgon_text_fn fn, void* user) noexcept {
    if (fn == nullptr) return GORGON_E_INVAL;
    const std::string& t = gen(self).host().config().text;
    fn(user, t.data(), t.size());
    return GORGON_OK;
}

gorgon_status configCheck(gorgon_plugin* self, const char* path, gorgon_text_fn fn,
                          void* user) noexcept {
    try {
        Host& h = gen(self).host();
        std::string file =
            path != nullptr ? std::string(path, strnlen(path, 4096)) : h.config().file;
        if (file.empty()) return GORGON_E_INVAL;
        ConfigCheckResult r = checkConfigInChild(file, kConfigCheckTimeoutMs);
        emitLines(fn, user, r.output);
        return r.ok ? GORGON_OK : GORGON_E_INVAL;
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

gorgon_status configReload(gorgon_plugin* self, gorgon_text_fn fn, void* user) noexcept {
    try {
        auto r = gen(self).host().reloadConfig();
        if (r) return GORGON_OK;
        emitLines(fn, user, r.error());
        return GORGON_E_INVAL;
    } catch (const std::exception& e) {
        GLOG(Error, "plugin %s: config_reload: %s", gen(self).name().c_str(), e.what());
        emitLines(fn, user, e.what());
        return GORGON_E_INTERNAL;
    }
}

gorgon_status logSetLevel(gorgon_plugin* self, gorgon_log_level level) noexcept {
    if (level < GORGON_LOG_ERROR || level > GORGON_LOG_DEBUG) return GORGON_E_INVAL;
    auto l = static_cast<LogLevel>(level);
    Logger::setLevel(l);
    GLOG(Info, "log level set to %s by plugin %s", std::string(logLevelName(l)).c_str(),
         gen(self).name().c_str());
    return GORGON_OK;
}

gorgon_status shutdownRequest(gorgon_plugin* self, uint32_t flags) noexcept {
    if ((flags & ~GORGON_SHUTDOWN_GRACEFUL) != 0) return GORGON_E_INVAL;
    bool graceful = (flags & GORGON_SHUTDOWN_GRACEFUL) != 0;
    GLOG(Info, "shutdown (%s) requested by plugin %s", graceful ? "graceful" : "now",
         gen(self).name().c_str());
    try {
        gen(self).host().requestShutdown(graceful);
        return GORGON_OK;
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

}  // namespace gorgon::api
