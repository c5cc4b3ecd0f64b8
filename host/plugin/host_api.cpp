// Every function here is a noexcept trampoline from the C ABI into the host. They check what
// the plugin passes (ids, ownership, sizes) instead of trusting it.
#include "plugin/host_api.hpp"

#include "core/host.hpp"
#include "log/logger.hpp"
#include "plugin/generation.hpp"
#include "plugin/host_api_internal.hpp"

#include <gorgon/producer.h>

#include <event2/buffer.h>

#include <cstring>

namespace gorgon {

namespace {

constexpr size_t kMaxLogMessage = 3072;

using api::gen;
using api::owned;
using api::text;
using api::writeError;
const ConfigNode* node(const gorgon_config* c) {
    return static_cast<const ConfigNode*>(c);
}

LogLevel toLevel(gorgon_log_level level) {
    switch (level) {
        case GORGON_LOG_ERROR:
            return LogLevel::Error;
        case GORGON_LOG_WARN:
            return LogLevel::Warn;
        case GORGON_LOG_INFO:
            return LogLevel::Info;
        default:
            return LogLevel::Debug;
    }
}

void apiLog(gorgon_plugin* self, gorgon_log_level level, const char* msg, size_t len) noexcept {
    LogLevel l = toLevel(level);
    if (!Logger::enabled(l)) return;
    std::string line = gen(self).name() + ": ";
    line += text(msg, std::min(len, kMaxLogMessage));
    Logger::write(l, line);
}

int apiLogEnabled(gorgon_plugin*, gorgon_log_level level) noexcept {
    return Logger::enabled(toLevel(level)) ? 1 : 0;
}

void apiSetError(gorgon_plugin* self, const char* msg, size_t len) noexcept {
    try {
        gen(self).last_error = std::string(text(msg, std::min(len, kMaxLogMessage)));
    } catch (...) {
    }
}

gorgon_config_type apiConfigType(const gorgon_config* c) noexcept {
    if (c == nullptr) return GORGON_CONFIG_MISSING;
    switch (node(c)->type()) {
        case ConfigNode::Type::Null:
            return GORGON_CONFIG_NULL;
        case ConfigNode::Type::Scalar:
            return GORGON_CONFIG_SCALAR;
        case ConfigNode::Type::Sequence:
            return GORGON_CONFIG_SEQUENCE;
        case ConfigNode::Type::Map:
            return GORGON_CONFIG_MAP;
    }
    return GORGON_CONFIG_MISSING;
}

const gorgon_config* apiConfigGet(const gorgon_config* c, const char* key) noexcept {
    if (c == nullptr || key == nullptr) return nullptr;
    return node(c)->get(key);
}

size_t apiConfigSize(const gorgon_config* c) noexcept {
    if (c == nullptr || node(c)->isScalar()) return 0;
    return node(c)->size();
}

const gorgon_config* apiConfigAt(const gorgon_config* c, size_t index) noexcept {
    return c == nullptr ? nullptr : node(c)->at(index);
}

const char* apiConfigKeyAt(const gorgon_config* c, size_t index) noexcept {
    const std::string* k = c == nullptr ? nullptr : node(c)->keyAt(index);
    return k == nullptr ? nullptr : k->c_str();
}

gorgon_status apiConfigString(const gorgon_config* c, const char** out, size_t* len) noexcept {
    if (c == nullptr || out == nullptr || len == nullptr || !node(c)->isScalar()) {
        return GORGON_E_INVAL;
    }
    *out = node(c)->scalar().c_str();
    *len = node(c)->scalar().size();
    return GORGON_OK;
}

// Runs a typed read; on success stores it.
template <class T, class Read>
gorgon_status typed(const gorgon_config* c, T* out, Read read) noexcept {
    if (c == nullptr || out == nullptr) return GORGON_E_INVAL;
    try {
        auto r = read(*node(c));
        if (!r) return GORGON_E_INVAL;
        *out = static_cast<T>(r.value());
        return GORGON_OK;
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

gorgon_status apiConfigInt(const gorgon_config* c, int64_t* out) noexcept {
    return typed(c, out, [](const ConfigNode& n) { return n.asInt(INT64_MIN, INT64_MAX); });
}

gorgon_status apiConfigBool(const gorgon_config* c, int* out) noexcept {
    return typed(c, out, [](const ConfigNode& n) { return n.asBool(); });
}

gorgon_status apiConfigDuration(const gorgon_config* c, uint64_t* out) noexcept {
    return typed(c, out, [](const ConfigNode& n) { return n.asDurationMs(); });
}

gorgon_status apiConfigSizeBytes(const gorgon_config* c, uint64_t* out) noexcept {
    return typed(c, out, [](const ConfigNode& n) { return n.asSizeBytes(); });
}

void apiConfigError(gorgon_plugin* self, const gorgon_config* c, const char* msg,
                    size_t len) noexcept {
    try {
        std::string m(text(msg, std::min(len, kMaxLogMessage)));
        std::string line = c == nullptr ? m : node(c)->error(m).message;
        Generation& g = gen(self);
        g.last_error += (g.last_error.empty() ? "" : "\n") + line;
    } catch (...) {
    }
}

gorgon_status apiConfigCheckKeys(gorgon_plugin* self, const gorgon_config* c,
                                 const char* const* allowed) noexcept {
    if (c == nullptr || !node(c)->isMap()) return GORGON_E_INVAL;
    try {
        std::vector<std::string_view> keys;
        for (size_t i = 0; allowed != nullptr && allowed[i] != nullptr && i < 1024; ++i) {
            keys.emplace_back(allowed[i]);
        }
        auto unknown = node(c)->unknownKeys(keys);
        Generation& g = gen(self);
        for (const auto& line : unknown) g.last_error += (g.last_error.empty() ? "" : "\n") + line;
        return unknown.empty() ? GORGON_OK : GORGON_E_INVAL;
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

gorgon_status apiProtocolRegister(gorgon_plugin* self, const char* name,
                                  const gorgon_protocol* proto, void* user) noexcept {
    if (name == nullptr || proto == nullptr || proto->struct_size < sizeof(uint32_t)) {
        return GORGON_E_INVAL;
    }
    try {
        Generation& g = gen(self);
        std::string n(name, strnlen(name, 64));
        if (g.state != Generation::State::Loading) return GORGON_E_INVAL;
        if (g.protocols.count(n) != 0 || g.host().plugins().protocolTaken(g, n)) {
            return GORGON_E_EXISTS;
        }
        ProtocolRegistration reg;
        std::memcpy(&reg.hooks, proto, std::min<size_t>(proto->struct_size, sizeof reg.hooks));
        reg.hooks.struct_size = sizeof reg.hooks;
        if (reg.hooks.server_open == nullptr || reg.hooks.accept == nullptr) {
            return GORGON_E_INVAL;
        }
        reg.user = user;
        g.protocols[n] = reg;
        return GORGON_OK;
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

gorgon_status apiConnSetCallbacks(gorgon_plugin* self, gorgon_conn_id id,
                                  const gorgon_conn_callbacks* cb, void* user) noexcept {
    gorgon_status s = GORGON_OK;
    Connection* c = owned(self, id, s);
    if (c == nullptr) return s;
    if (cb == nullptr || cb->struct_size < sizeof(uint32_t)) return GORGON_E_INVAL;
    gen(self).host().connections().setCallbacks(*c, *cb, user);
    if (c->callbacks.on_close == nullptr) return GORGON_E_INVAL;
    return GORGON_OK;
}

size_t apiConnInputLength(gorgon_plugin* self, gorgon_conn_id id) noexcept {
    gorgon_status s = GORGON_OK;
    Connection* c = owned(self, id, s);
    return c == nullptr ? 0 : evbuffer_get_length(c->input());
}

gorgon_status apiConnPeek(gorgon_plugin* self, gorgon_conn_id id, size_t want, const char** data,
                          size_t* len) noexcept {
    gorgon_status s = GORGON_OK;
    Connection* c = owned(self, id, s);
    if (c == nullptr) return s;
    if (data == nullptr || len == nullptr) return GORGON_E_INVAL;
    evbuffer* in = c->input();
    size_t n = std::min(want, evbuffer_get_length(in));
    unsigned char* p = n == 0 ? nullptr : evbuffer_pullup(in, static_cast<ev_ssize_t>(n));
    if (n != 0 && p == nullptr) return GORGON_E_NOMEM;
    *data = reinterpret_cast<const char*>(p);
    *len = n;
    return GORGON_OK;
}

// -1 means "absent" (since 1.0), and GORGON_E_INVAL is -1 too: a needle that cannot be searched
// for is GORGON_E_UNSUPPORTED instead, so that a caller can tell its own bug from "not yet".
int64_t apiConnFind(gorgon_plugin* self, gorgon_conn_id id, const char* needle, size_t nlen,
                    size_t limit) noexcept {
    static_assert(GORGON_E_UNSUPPORTED != -1 && GORGON_E_STALE != -1 && GORGON_E_PERM != -1);
    gorgon_status s = GORGON_OK;
    Connection* c = owned(self, id, s);
    if (c == nullptr) return s;
    if (needle == nullptr || nlen == 0) return GORGON_E_UNSUPPORTED;
    evbuffer* in = c->input();
    evbuffer_ptr end{};
    size_t avail = evbuffer_get_length(in);
    if (limit < avail) {
        if (evbuffer_ptr_set(in, &end, limit, EVBUFFER_PTR_SET) != 0) return -1;
    }
    evbuffer_ptr at =
        evbuffer_search_range(in, needle, nlen, nullptr, limit < avail ? &end : nullptr);
    return at.pos < 0 ? -1 : static_cast<int64_t>(at.pos);
}

gorgon_status apiConnConsume(gorgon_plugin* self, gorgon_conn_id id, size_t len) noexcept {
    gorgon_status s = GORGON_OK;
    Connection* c = owned(self, id, s);
    if (c == nullptr) return s;
    return evbuffer_drain(c->input(), len) == 0 ? GORGON_OK : GORGON_E_INVAL;
}

int64_t apiConnRead(gorgon_plugin* self, gorgon_conn_id id, void* buf, size_t cap) noexcept {
    gorgon_status s = GORGON_OK;
    Connection* c = owned(self, id, s);
    if (c == nullptr) return s;
    if (buf == nullptr && cap != 0) return GORGON_E_INVAL;
    int n = evbuffer_remove(c->input(), buf, std::min<size_t>(cap, INT32_MAX));
    return n < 0 ? GORGON_E_IO : n;
}

gorgon_status apiConnWrite(gorgon_plugin* self, gorgon_conn_id id, const void* data,
                           size_t len) noexcept {
    gorgon_status s = GORGON_OK;
    Connection* c = owned(self, id, s);
    if (c == nullptr) return s;
    if (c->state != Connection::State::Open) return GORGON_E_STALE;
    if (c->shut_write) return GORGON_E_INVAL;  // conn_shutdown_write said no more
    if (len == 0) return GORGON_OK;
    if (data == nullptr) return GORGON_E_INVAL;
    try {
        return gen(self).host().connections().write(*c, data, len);
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

size_t apiConnOutputLength(gorgon_plugin* self, gorgon_conn_id id) noexcept {
    gorgon_status s = GORGON_OK;
    Connection* c = owned(self, id, s);
    return c == nullptr ? 0 : evbuffer_get_length(c->output());
}

gorgon_status apiConnPause(gorgon_plugin* self, gorgon_conn_id id, int paused) noexcept {
    gorgon_status s = GORGON_OK;
    Connection* c = owned(self, id, s);
    if (c == nullptr) return s;
    if (c->state != Connection::State::Open) return GORGON_E_STALE;
    gen(self).host().connections().pauseReading(*c, paused != 0);
    return GORGON_OK;
}

gorgon_status apiConnSetTimeouts(gorgon_plugin* self, gorgon_conn_id id, uint64_t read_ms,
                                 uint64_t write_ms) noexcept {
    gorgon_status s = GORGON_OK;
    Connection* c = owned(self, id, s);
    if (c == nullptr) return s;
    gen(self).host().connections().setTimeouts(*c, read_ms, write_ms);
    return GORGON_OK;
}

gorgon_status apiConnClose(gorgon_plugin* self, gorgon_conn_id id, uint32_t flags) noexcept {
    gorgon_status s = GORGON_OK;
    Connection* c = owned(self, id, s);
    if (c == nullptr) return s;
    gen(self).host().connections().close(*c, GORGON_CLOSE_LOCAL,
                                         (flags & GORGON_CLOSE_AFTER_FLUSH) != 0);
    return GORGON_OK;
}

gorgon_status apiConnInfo(gorgon_plugin* self, gorgon_conn_id id, gorgon_conn_info* out) noexcept {
    gorgon_status s = GORGON_OK;
    Connection* c = owned(self, id, s);
    if (c == nullptr) return s;
    if (out == nullptr || out->struct_size < sizeof(uint32_t)) return GORGON_E_INVAL;
    gorgon_conn_info info{};
    info.struct_size = sizeof info;
    info.family = c->family;
    info.peer = c->peer.c_str();
    info.peer_host = c->peer_host.c_str();
    info.peer_port = c->peer_port;
    info.local = gen(self).host().connections().localAddress(*c).c_str();
    info.server_name = c->server != nullptr ? c->server->config.name.c_str() : "";
    info.peer_uid = c->peer_uid;
    info.peer_gid = c->peer_gid;
    info.peer_pid = c->peer_pid;
    api::fillTlsInfo(*c, info);
    uint32_t size = std::min<uint32_t>(out->struct_size, sizeof info);
    std::memcpy(out, &info, size);
    out->struct_size = size;
    return GORGON_OK;
}

gorgon_status apiConnAdopt(gorgon_plugin* self, gorgon_conn_id id, const gorgon_conn_callbacks* cb,
                           void* user) noexcept {
    Generation& g = gen(self);
    Connection* c = g.host().connections().find(id);
    if (c == nullptr || !c->open() || c->owner == nullptr) return GORGON_E_STALE;
    if (c->owner == &g) return GORGON_E_INVAL;
    // Only a newer generation of the same plugin may take a connection over.
    if (c->owner->name() != g.name() || c->owner->number() >= g.number()) return GORGON_E_PERM;
    if (cb == nullptr || cb->struct_size < sizeof(uint32_t)) return GORGON_E_INVAL;
    gorgon_conn_callbacks copy{};
    std::memcpy(&copy, cb, std::min<size_t>(cb->struct_size, sizeof copy));
    if (copy.on_close == nullptr) return GORGON_E_INVAL;
    g.host().connections().adopt(*c, g, *cb, user);
    return GORGON_OK;
}

gorgon_timer_id apiTimerStart(gorgon_plugin* self, uint64_t ms, uint32_t flags, gorgon_timer_fn fn,
                              void* user) noexcept {
    try {
        return gen(self).host().timers().start(gen(self), ms, flags, fn, user);
    } catch (...) {
        return 0;
    }
}

gorgon_status apiTimerCancel(gorgon_plugin* self, gorgon_timer_id id) noexcept {
    return gen(self).host().timers().cancel(gen(self), id);
}

gorgon_stat_id apiStatCounter(gorgon_plugin* self, const char* name) noexcept {
    if (name == nullptr) return 0;
    try {
        Generation& g = gen(self);
        std::string n(name, strnlen(name, 128));
        for (size_t i = 0; i < g.counter_names.size(); ++i) {
            if (g.counter_names[i] == n) return i + 1;
        }
        if (g.counter_names.size() >= 1024) return 0;
        g.counter_names.push_back(n);
        g.counters[n] = 0;
        return g.counter_names.size();
    } catch (...) {
        return 0;
    }
}

void apiStatAdd(gorgon_plugin* self, gorgon_stat_id counter, int64_t delta) noexcept {
    Generation& g = gen(self);
    if (counter == 0 || counter > g.counter_names.size()) return;
    g.counters[g.counter_names[counter - 1]] += delta;
}

gorgon_status apiServicePublish(gorgon_plugin* self, const char* name, const void* iface) noexcept {
    if (name == nullptr) return GORGON_E_INVAL;
    try {
        return gen(self).host().plugins().publish(gen(self), std::string(name, strnlen(name, 128)),
                                                  iface);
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

gorgon_status apiServiceAcquire(gorgon_plugin* self, const char* name,
                                const void** iface) noexcept {
    if (name == nullptr) return GORGON_E_INVAL;
    try {
        return gen(self).host().plugins().acquire(gen(self), std::string(name, strnlen(name, 128)),
                                                  iface);
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

gorgon_status apiServiceRelease(gorgon_plugin* self, const void* iface) noexcept {
    return gen(self).host().plugins().release(gen(self), iface);
}

gorgon_status apiBufferAppend(gorgon_buffer* b, const void* data, size_t len) noexcept {
    if (b == nullptr || (data == nullptr && len != 0)) return GORGON_E_INVAL;
    if (b->data.size() + len > (64u << 20)) return GORGON_E_TOOBIG;
    try {
        b->data.append(static_cast<const char*>(data), len);
        return GORGON_OK;
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

gorgon_status apiPluginList(gorgon_plugin* self, gorgon_plugin_list_fn fn, void* user) noexcept {
    if (fn == nullptr) return GORGON_E_INVAL;
    try {
        PluginManager& pm = gen(self).host().plugins();
        for (Generation* g : pm.generations()) {
            const char* state = "loading";
            switch (g->state) {
                case Generation::State::Active:
                    state = "active";
                    break;
                case Generation::State::Draining:
                    state = "draining";
                    break;
                case Generation::State::Finalizing:
                    state = "finalizing";
                    break;
                case Generation::State::Loading:
                    break;
            }
            gorgon_plugin_info info{};
            info.struct_size = sizeof info;
            info.name = g->name().c_str();
            info.version = g->info().version.c_str();
            info.description = g->info().description.c_str();
            info.file = g->object().file().c_str();
            info.sha256 = g->object().sha256().c_str();
            info.state = state;
            info.generation = g->number();
            info.connections = g->connections.size();
            info.references = g->references() + g->timers.size();
            info.loaded_ms = g->loaded_ms;
            info.requests_inflight = g->requests_inflight;
            info.requests_total = g->requests_total;
            fn(user, &info);
        }
        return GORGON_OK;
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

template <class Op>
gorgon_status manage(gorgon_plugin* self, const char* call, char* err, size_t cap, Op op) noexcept {
    try {
        auto r = op();
        if (!r) {
            writeError(err, cap, r.error());
            return GORGON_E_INVAL;
        }
        writeError(err, cap, "");
        return GORGON_OK;
    } catch (const std::exception& e) {
        GLOG(Error, "plugin %s: %s: %s", gen(self).name().c_str(), call, e.what());
        writeError(err, cap, e.what());
        return GORGON_E_INTERNAL;
    }
}

gorgon_status apiPluginLoad(gorgon_plugin* self, const char* what, char* err, size_t cap) noexcept {
    if (what == nullptr) return GORGON_E_INVAL;
    return manage(self, "plugin_load", err, cap, [&]() -> Result<void> {
        auto r = gen(self).host().plugins().load(what);
        if (!r) return fail(r.error());
        return {};
    });
}

gorgon_status apiPluginUnload(gorgon_plugin* self, const char* name, char* err,
                              size_t cap) noexcept {
    if (name == nullptr) return GORGON_E_INVAL;
    return manage(self, "plugin_unload", err, cap,
                  [&] { return gen(self).host().plugins().unload(name); });
}

gorgon_status apiPluginReload(gorgon_plugin* self, const char* name, const char* path, char* err,
                              size_t cap) noexcept {
    if (name == nullptr) return GORGON_E_INVAL;
    return manage(self, "plugin_reload", err, cap, [&]() -> Result<void> {
        auto r = gen(self).host().plugins().reload(name, path == nullptr ? "" : path);
        if (!r) return fail(r.error());
        return {};
    });
}

// ---- ABI 1.1 ----

// Registers a producer built by `make` for `self`; 0 if it throws (bad fd, no memory).
template <class Make>
gorgon_producer_id made(gorgon_plugin* self, Make make) noexcept {
    try {
        Generation& g = gen(self);
        return g.host().producers().add(make(), g);
    } catch (...) {
        return 0;
    }
}

// Takes producer `id` out of the table for a composite; nullptr if stale or already taken.
ProducerPtr take(gorgon_plugin* self, gorgon_producer_id id) {
    return gen(self).host().producers().adopt(id);
}

gorgon_producer_id apiProducerMemory(gorgon_plugin* self, const void* data, size_t len) noexcept {
    if (data == nullptr && len != 0) return 0;
    return made(self, [&] { return Producers::memory(data, len); });
}

gorgon_producer_id apiProducerFile(gorgon_plugin* self, int fd, uint64_t offset,
                                   uint64_t length) noexcept {
    if (fd < 0) return 0;
    return made(self, [&] { return Producers::file(fd, offset, length); });
}

gorgon_producer_id apiProducerChunked(gorgon_plugin* self, gorgon_producer_id inner) noexcept {
    return made(self, [&] {
        ProducerPtr p = take(self, inner);
        if (!p) throw std::invalid_argument("stale producer");
        return Producers::chunked(std::move(p));
    });
}

gorgon_producer_id apiProducerGzip(gorgon_plugin* self, gorgon_producer_id inner,
                                   int level) noexcept {
    return made(self, [&] {
        ProducerPtr p = take(self, inner);
        if (!p) throw std::invalid_argument("stale producer");
        return Producers::gzip(std::move(p), level);
    });
}

gorgon_producer_id apiProducerConcat(gorgon_plugin* self, const gorgon_producer_id* parts,
                                     size_t count) noexcept {
    if (parts == nullptr && count != 0) return 0;
    Producers& table = gen(self).host().producers();
    for (size_t i = 0; i < count; ++i) {
        Producer* p = table.find(parts[i]);
        if (p == nullptr || p->taken) return 0;  // check all before taking any
    }
    return made(self, [&] {
        std::vector<ProducerPtr> list;
        list.reserve(count);
        for (size_t i = 0; i < count; ++i) list.push_back(take(self, parts[i]));
        return Producers::concat(std::move(list));
    });
}

gorgon_producer_id apiProducerCustom(gorgon_plugin* self, const gorgon_producer_ops* ops,
                                     void* user) noexcept {
    if (ops == nullptr || ops->struct_size < sizeof(uint32_t)) return 0;
    gorgon_producer_ops copy{};
    std::memcpy(&copy, ops, std::min<size_t>(ops->struct_size, sizeof copy));
    if (copy.produce == nullptr || copy.release == nullptr) return 0;
    return made(self, [&] { return Producers::custom(copy, user, gen(self)); });
}

gorgon_status apiProducerFree(gorgon_plugin* self, gorgon_producer_id id) noexcept {
    Producers& table = gen(self).host().producers();
    Producer* p = table.find(id);
    if (p == nullptr || p->taken) return GORGON_E_STALE;
    table.free(id);
    return GORGON_OK;
}

gorgon_status apiProducerWake(gorgon_plugin* self, gorgon_producer_id id) noexcept {
    if (gen(self).host().producers().find(id) == nullptr) return GORGON_E_STALE;
    gen(self).host().connections().wake(id);
    return GORGON_OK;
}

gorgon_status apiSinkWrite(gorgon_sink* sink, const void* data, size_t len) noexcept {
    if (sink == nullptr || (data == nullptr && len != 0)) return GORGON_E_INVAL;
    return evbuffer_add(sink->out, data, len) == 0 ? GORGON_OK : GORGON_E_NOMEM;
}

gorgon_status apiSinkWriteFile(gorgon_sink* sink, int fd, uint64_t offset,
                               uint64_t length) noexcept {
    if (sink == nullptr || fd < 0) return GORGON_E_INVAL;
    return sinkWriteFile(*sink, fd, offset, length);
}

gorgon_status apiConnSend(gorgon_plugin* self, gorgon_conn_id id, gorgon_producer_id producer,
                          gorgon_send_done_fn done, void* user) noexcept {
    gorgon_status s = GORGON_OK;
    Connection* c = owned(self, id, s);
    if (c == nullptr) return s;
    if (c->state != Connection::State::Open) return GORGON_E_STALE;
    if (c->shut_write) return GORGON_E_INVAL;
    try {
        return gen(self).host().connections().send(*c, producer, done, user);
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

uint64_t apiConnPending(gorgon_plugin* self, gorgon_conn_id id) noexcept {
    gorgon_status s = GORGON_OK;
    Connection* c = owned(self, id, s);
    return c == nullptr ? 0 : gen(self).host().connections().pending(*c);
}

int64_t apiNowMs(gorgon_plugin* self) noexcept {
    return gen(self).host().loop().nowMs();
}

size_t apiConfigWhere(const gorgon_config* c, char* buf, size_t cap) noexcept {
    try {
        std::string w = c == nullptr ? std::string("<config>") : node(c)->where();
        writeError(buf, cap, w);
        return w.size();
    } catch (...) {
        return 0;
    }
}

const void* apiServiceCurrent(gorgon_plugin* self, const char* name) noexcept {
    if (name == nullptr) return nullptr;
    try {
        return gen(self).host().plugins().currentService(std::string(name, strnlen(name, 128)));
    } catch (...) {
        return nullptr;
    }
}

// Designated, in declaration order: an entry out of place does not compile (C++20), and GCC's
// -Wmissing-field-initializers (in -Wextra) refuses one left out. The unit test
// "host table: every function slot is filled" catches a gap under any compiler.
constexpr gorgon_host_api kApi = {
    .struct_size = sizeof(gorgon_host_api),
    .abi_major = GORGON_ABI_MAJOR,
    .abi_minor = GORGON_ABI_MINOR,
    .host_version = GORGON_HOST_VERSION,
    .log = &apiLog,
    .log_enabled = &apiLogEnabled,
    .set_error = &apiSetError,
    .config_type = &apiConfigType,
    .config_get = &apiConfigGet,
    .config_size = &apiConfigSize,
    .config_at = &apiConfigAt,
    .config_key_at = &apiConfigKeyAt,
    .config_string = &apiConfigString,
    .config_int = &apiConfigInt,
    .config_bool = &apiConfigBool,
    .config_duration_ms = &apiConfigDuration,
    .config_size_bytes = &apiConfigSizeBytes,
    .config_error = &apiConfigError,
    .config_check_keys = &apiConfigCheckKeys,
    .protocol_register = &apiProtocolRegister,
    .conn_set_callbacks = &apiConnSetCallbacks,
    .conn_input_length = &apiConnInputLength,
    .conn_peek = &apiConnPeek,
    .conn_find = &apiConnFind,
    .conn_consume = &apiConnConsume,
    .conn_read = &apiConnRead,
    .conn_write = &apiConnWrite,
    .conn_output_length = &apiConnOutputLength,
    .conn_pause_reading = &apiConnPause,
    .conn_set_timeouts = &apiConnSetTimeouts,
    .conn_close = &apiConnClose,
    .conn_info = &apiConnInfo,
    .conn_adopt = &apiConnAdopt,
    .timer_start = &apiTimerStart,
    .timer_cancel = &apiTimerCancel,
    .stat_counter = &apiStatCounter,
    .stat_add = &apiStatAdd,
    .service_publish = &apiServicePublish,
    .service_acquire = &apiServiceAcquire,
    .service_release = &apiServiceRelease,
    .buffer_append = &apiBufferAppend,
    .plugin_list = &apiPluginList,
    .plugin_load = &apiPluginLoad,
    .plugin_unload = &apiPluginUnload,
    .plugin_reload = &apiPluginReload,
    // 1.1
    .producer_memory = &apiProducerMemory,
    .producer_file = &apiProducerFile,
    .producer_chunked = &apiProducerChunked,
    .producer_gzip = &apiProducerGzip,
    .producer_concat = &apiProducerConcat,
    .producer_custom = &apiProducerCustom,
    .producer_free = &apiProducerFree,
    .producer_wake = &apiProducerWake,
    .sink_write = &apiSinkWrite,
    .sink_write_file = &apiSinkWriteFile,
    .conn_send = &apiConnSend,
    .conn_pending = &apiConnPending,
    .now_ms = &apiNowMs,
    .config_where = &apiConfigWhere,
    .service_current = &apiServiceCurrent,
    // 1.2
    .random_bytes = &api::randomBytes,
    .sha256 = &api::sha256,
    .hmac_sha256 = &api::hmacSha256,
    .mem_equal = &api::memEqual,
    .conn_request_begin = &api::connRequestBegin,
    .conn_request_end = &api::connRequestEnd,
    .host_status = &api::hostStatus,
    .server_list = &api::serverList,
    .conn_list = &api::connList,
    .stat_list = &api::statList,
    .config_text = &api::configText,
    .config_check = &api::configCheck,
    .config_reload = &api::configReload,
    .log_set_level = &api::logSetLevel,
    .shutdown_request = &api::shutdownRequest,
    .listen_open = &api::listenOpen,
    .listen_close = &api::listenClose,
    .conn_connect = &api::connConnect,
    .conn_shutdown_write = &api::connShutdownWrite,
    .conn_start_tls = &api::connStartTls,
    // 1.3
    .work_submit = &api::workSubmit,
    .work_cancel = &api::workCancel,
    .conn_move_server = &api::connMoveServer,
    .protocol_goodbye = &api::protocolGoodbye,
};

}  // namespace

const gorgon_host_api& hostApi() noexcept {
    return kApi;
}

}  // namespace gorgon
