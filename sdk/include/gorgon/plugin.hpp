// gorgon/plugin.hpp — header-only C++20 wrapper over the C plugin ABI in plugin.h.
//
// It is compiled into each plugin (nothing of it crosses the boundary), so it may change between
// SDK versions without touching the ABI. What it adds:
//   - GORGON_PLUGIN(Class, ...) defines the descriptor and the exported entry symbol, and turns
//     the C hooks into Class's constructor, destructor and optional members.
//   - Every call from the host into plugin code goes through a noexcept trampoline that catches
//     all exceptions and turns them into a status and a message. No exception crosses the ABI.
//   - Small value types over the C handles: Host, Config, Conn; and an RAII Timer.
//   - Host::submitWork: a lambda on the host's work pool, its completion on the loop (1.3).
//
// A plugin class looks like:
//
//   class Hello {
//     public:
//       Hello(gorgon::Host host, gorgon::Config config);   // init; throw to refuse
//       ~Hello();                                           // shutdown
//       void drain();                                       // optional
//       void handoffExport(std::string& out);               // optional
//       void handoffImport(std::string_view in);            // optional
//   };
//   GORGON_PLUGIN(Hello, "hello", "1.0.0", "Says hello", GORGON_PROVIDES("protocol:hello"),
//                 GORGON_NONE)
#ifndef GORGON_PLUGIN_HPP
#define GORGON_PLUGIN_HPP

#include <gorgon/plugin.h>

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace gorgon {

// Thrown by Config accessors; the trampolines report it at the node's file:line:column.
class ConfigError : public std::runtime_error {
  public:
    ConfigError(const gorgon_config* node, const std::string& message, bool reported = false)
        : std::runtime_error(message), node_(node), reported_(reported) {}
    [[nodiscard]] const gorgon_config* node() const noexcept { return node_; }
    // True when the host already holds the located messages (config_check_keys).
    [[nodiscard]] bool reported() const noexcept { return reported_; }

  private:
    const gorgon_config* node_;
    bool reported_;
};

// The host table plus this generation's handle: everything a plugin needs to call the host.
class Host {
  public:
    Host() = default;
    Host(const gorgon_host_api* api, gorgon_plugin* self) noexcept : api_(api), self_(self) {}

    [[nodiscard]] const gorgon_host_api* api() const noexcept { return api_; }
    [[nodiscard]] gorgon_plugin* self() const noexcept { return self_; }

    void log(gorgon_log_level level, std::string_view msg) const noexcept {
        api_->log(self_, level, msg.data(), msg.size());
    }
    void error(std::string_view m) const noexcept { log(GORGON_LOG_ERROR, m); }
    void warn(std::string_view m) const noexcept { log(GORGON_LOG_WARN, m); }
    void info(std::string_view m) const noexcept { log(GORGON_LOG_INFO, m); }
    void debug(std::string_view m) const noexcept { log(GORGON_LOG_DEBUG, m); }
    [[nodiscard]] bool logEnabled(gorgon_log_level level) const noexcept {
        return api_->log_enabled(self_, level) != 0;
    }
    void setError(std::string_view msg) const noexcept {
        api_->set_error(self_, msg.data(), msg.size());
    }

    // ABI 1.3: runs `work()` on a pool thread, then `done(status)` on the loop: GORGON_OK when
    // work ran, GORGON_E_CANCELLED when it never did (cancelWork, unload), GORGON_E_INTERNAL
    // when it threw (the message is logged). `work` must not call the host, nor touch what the
    // loop touches; give it its own copies and have it leave its result in what it captured.
    // Returns the host's status (GORGON_E_UNSUPPORTED on a host older than 1.3); on an error
    // neither function runs. *id (optional) receives the work's id.
    gorgon_status submitWork(std::function<void()> work, std::function<void(gorgon_status)> done,
                             gorgon_work_id* id = nullptr) const {
        if (!GORGON_HOST_HAS(api_, work_submit)) return GORGON_E_UNSUPPORTED;
        auto job = std::make_unique<Work>(Work{api_, self_, std::move(work), std::move(done), {}});
        gorgon_status s =
            api_->work_submit(self_, &Host::runWork, &Host::finishWork, job.get(), id);
        if (s == GORGON_OK) job.release();  // finish() takes it back
        return s;
    }
    // ABI 1.3: see work_cancel in plugin.h.
    gorgon_status cancelWork(gorgon_work_id id) const noexcept {
        if (!GORGON_HOST_HAS(api_, work_cancel)) return GORGON_E_UNSUPPORTED;
        return api_->work_cancel(self_, id);
    }

  private:
    struct Work {
        const gorgon_host_api* api;
        gorgon_plugin* self;
        std::function<void()> work;
        std::function<void(gorgon_status)> done;
        std::string failure;  // what work() threw; read on the loop after it has finished
    };
    // On a pool thread: no host call here, so a failure is kept for finish() to log.
    static void runWork(void* arg) noexcept {
        auto* w = static_cast<Work*>(arg);
        try {
            w->work();
        } catch (const std::exception& e) {
            try {
                w->failure = std::string("exception in work: ") + e.what();
            } catch (...) {
                w->failure = "?";
            }
        } catch (...) {
            w->failure = "unknown exception in work";
        }
    }
    static void finishWork(void* arg, gorgon_work_id, gorgon_status status) noexcept {
        std::unique_ptr<Work> w(static_cast<Work*>(arg));
        Host host(w->api, w->self);
        if (!w->failure.empty()) {
            host.error(w->failure);
            if (status == GORGON_OK) status = GORGON_E_INTERNAL;
        }
        try {
            if (w->done) w->done(status);
        } catch (const std::exception& e) {
            host.error(std::string("exception in work completion: ") + e.what());
        } catch (...) {
            host.error("unknown exception in work completion");
        }
    }

    const gorgon_host_api* api_ = nullptr;
    gorgon_plugin* self_ = nullptr;
};

// A BORROWED view of a configuration node; valid only inside the hook that received it.
class Config {
  public:
    Config(const gorgon_host_api* api, const gorgon_config* node) noexcept
        : api_(api), node_(node) {}

    [[nodiscard]] const gorgon_config* node() const noexcept { return node_; }
    [[nodiscard]] gorgon_config_type type() const noexcept {
        return node_ ? api_->config_type(node_) : GORGON_CONFIG_MISSING;
    }
    [[nodiscard]] bool present() const noexcept {
        return type() != GORGON_CONFIG_MISSING && type() != GORGON_CONFIG_NULL;
    }
    [[nodiscard]] Config operator[](const char* key) const noexcept {
        return {api_, node_ ? api_->config_get(node_, key) : nullptr};
    }
    [[nodiscard]] size_t size() const noexcept { return node_ ? api_->config_size(node_) : 0; }
    [[nodiscard]] Config at(size_t i) const noexcept {
        return {api_, node_ ? api_->config_at(node_, i) : nullptr};
    }
    [[nodiscard]] std::string_view keyAt(size_t i) const noexcept {
        const char* k = node_ ? api_->config_key_at(node_, i) : nullptr;
        return k ? std::string_view(k) : std::string_view();
    }

    [[nodiscard]] std::string string(std::string_view fallback = {}) const {
        if (!present()) return std::string(fallback);
        const char* p = nullptr;
        size_t n = 0;
        if (api_->config_string(node_, &p, &n) != GORGON_OK) fail("expected a string");
        return {p, n};
    }
    [[nodiscard]] int64_t integer(int64_t fallback) const {
        if (!present()) return fallback;
        int64_t v = 0;
        if (api_->config_int(node_, &v) != GORGON_OK) fail("expected an integer");
        return v;
    }
    [[nodiscard]] int64_t integer(int64_t fallback, int64_t min, int64_t max) const {
        int64_t v = integer(fallback);
        if (v < min || v > max) {
            fail("must be between " + std::to_string(min) + " and " + std::to_string(max));
        }
        return v;
    }
    [[nodiscard]] bool boolean(bool fallback) const {
        if (!present()) return fallback;
        int v = 0;
        if (api_->config_bool(node_, &v) != GORGON_OK) fail("expected true or false");
        return v != 0;
    }
    [[nodiscard]] uint64_t durationMs(uint64_t fallback) const {
        if (!present()) return fallback;
        uint64_t v = 0;
        if (api_->config_duration_ms(node_, &v) != GORGON_OK) {
            fail("expected a duration such as 500ms, 10s, 5m or 1h");
        }
        return v;
    }
    [[nodiscard]] uint64_t sizeBytes(uint64_t fallback) const {
        if (!present()) return fallback;
        uint64_t v = 0;
        if (api_->config_size_bytes(node_, &v) != GORGON_OK) {
            fail("expected a size such as 512, 64k, 16M or 1G");
        }
        return v;
    }
    // Throws ConfigError if this map holds a key not in `allowed` (NULL-terminated). The host
    // keeps a located message for every such key (shown when a plugin hook fails); the exception
    // carries the first one as well, located at that key, for a caller whose error goes
    // elsewhere: an HTTP route's route_open answers through the http plugin's error buffer.
    void allowKeys(Host host, const char* const* allowed) const {
        if (!node_ || api_->config_check_keys(host.self(), node_, allowed) == GORGON_OK) return;
        if (type() != GORGON_CONFIG_MAP) fail("expected a map");
        std::string known;
        for (size_t k = 0; allowed != nullptr && allowed[k] != nullptr; ++k) {
            known += (known.empty() ? "" : ", ") + std::string(allowed[k]);
        }
        for (size_t i = 0; i < size(); ++i) {
            const std::string key(keyAt(i));
            bool listed = false;
            for (size_t k = 0; allowed != nullptr && allowed[k] != nullptr && !listed; ++k) {
                listed = key == allowed[k];
            }
            if (listed) continue;
            throw ConfigError((*this)[key.c_str()].node(),
                              "unknown key \"" + key + "\"" +
                                  (known.empty() ? " (no keys are allowed here)"
                                                 : " (known keys: " + known + ")"),
                              /*reported=*/true);
        }
        throw ConfigError(nullptr, "unknown configuration keys", /*reported=*/true);
    }
    [[noreturn]] void fail(const std::string& message) const { throw ConfigError(node_, message); }

  private:
    const gorgon_host_api* api_;
    const gorgon_config* node_;
};

// A connection id with the calls that act on it. Cheap to copy; does not own the connection.
class Conn {
  public:
    Conn() = default;
    Conn(Host host, gorgon_conn_id id) noexcept : host_(host), id_(id) {}

    [[nodiscard]] gorgon_conn_id id() const noexcept { return id_; }
    [[nodiscard]] size_t inputLength() const noexcept {
        return host_.api()->conn_input_length(host_.self(), id_);
    }
    [[nodiscard]] size_t outputLength() const noexcept {
        return host_.api()->conn_output_length(host_.self(), id_);
    }
    // The first `want` input bytes (fewer if fewer arrived). Valid until the next call.
    [[nodiscard]] std::string_view peek(size_t want) const noexcept {
        const char* p = nullptr;
        size_t n = 0;
        if (host_.api()->conn_peek(host_.self(), id_, want, &p, &n) != GORGON_OK) return {};
        return {p, n};
    }
    // Offset of `needle` in the first `limit` input bytes; -1 when it is not there (yet); another
    // negative status for a stale connection or an empty needle (conn_find). Test `< 0`.
    [[nodiscard]] int64_t find(std::string_view needle, size_t limit) const noexcept {
        return host_.api()->conn_find(host_.self(), id_, needle.data(), needle.size(), limit);
    }
    gorgon_status consume(size_t n) const noexcept {
        return host_.api()->conn_consume(host_.self(), id_, n);
    }
    gorgon_status write(std::string_view data) const noexcept {
        return host_.api()->conn_write(host_.self(), id_, data.data(), data.size());
    }
    gorgon_status close(uint32_t flags = GORGON_CLOSE_AFTER_FLUSH) const noexcept {
        return host_.api()->conn_close(host_.self(), id_, flags);
    }
    gorgon_status pauseReading(bool paused) const noexcept {
        return host_.api()->conn_pause_reading(host_.self(), id_, paused ? 1 : 0);
    }
    gorgon_status setTimeouts(uint64_t read_ms, uint64_t write_ms) const noexcept {
        return host_.api()->conn_set_timeouts(host_.self(), id_, read_ms, write_ms);
    }
    [[nodiscard]] std::optional<gorgon_conn_info> info() const noexcept {
        gorgon_conn_info out{};
        out.struct_size = sizeof out;
        if (host_.api()->conn_info(host_.self(), id_, &out) != GORGON_OK) return std::nullopt;
        return out;
    }

    // Reads one line ending in "\n" (a preceding "\r" is stripped) of at most `max` bytes,
    // not counting the line end. Returns nullopt when no whole line has arrived yet. Sets
    // `too_long` (and returns nullopt, leaving the input as it is) when the line is longer than
    // `max`, ended or not; the caller decides what to do.
    [[nodiscard]] std::optional<std::string> readLine(size_t max, bool& too_long) const {
        too_long = false;
        int64_t at = find("\n", max + 2);  // room for "\r\n" after `max` bytes
        if (at < 0) {
            too_long = inputLength() > max + 1;
            return std::nullopt;
        }
        auto n = static_cast<size_t>(at);
        std::string line(peek(n + 1).substr(0, n));
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.size() > max) {
            too_long = true;
            return std::nullopt;
        }
        consume(n + 1);
        return line;
    }

  private:
    Host host_;
    gorgon_conn_id id_ = 0;
};

// What a C++ connection handler implements. The object is PLUGIN-OWNED; onClose is the last
// call it receives, so its owner may free it there. gorgon::serve() makes the connection its
// owner instead.
class ConnHandler {
  public:
    ConnHandler() = default;
    ConnHandler(const ConnHandler&) = delete;
    ConnHandler& operator=(const ConnHandler&) = delete;
    virtual ~ConnHandler() = default;
    virtual void onData() {}
    virtual void onDrained() {}
    // Default: any EOF or timeout closes the connection.
    virtual void onEvent(gorgon_conn_event) { conn().close(GORGON_CLOSE_AFTER_FLUSH); }
    virtual void onClose(gorgon_close_reason /*reason*/) {}

    [[nodiscard]] const Conn& conn() const noexcept { return conn_; }
    [[nodiscard]] const Host& host() const noexcept { return host_; }

    // Binds this handler to a connection (from accept or from a hand-off).
    gorgon_status attach(Host host, gorgon_conn_id id, bool adopt = false) noexcept;

  private:
    static void dataThunk(void* user, gorgon_conn_id) noexcept {
        guard(user, [](ConnHandler& h) { h.onData(); });
    }
    static void drainedThunk(void* user, gorgon_conn_id) noexcept {
        guard(user, [](ConnHandler& h) { h.onDrained(); });
    }
    static void eventThunk(void* user, gorgon_conn_id, gorgon_conn_event ev) noexcept {
        guard(user, [ev](ConnHandler& h) { h.onEvent(ev); });
    }
    static void closeThunk(void* user, gorgon_conn_id, gorgon_close_reason reason) noexcept {
        auto* h = static_cast<ConnHandler*>(user);
        Host host = h->host_;  // onClose may free the handler
        try {
            h->onClose(reason);
        } catch (const std::exception& e) {
            host.error(std::string("exception in onClose: ") + e.what());
        } catch (...) {
            host.error("unknown exception in onClose");
        }
    }
    template <class Fn>
    static void guard(void* user, Fn&& fn) noexcept {
        auto* h = static_cast<ConnHandler*>(user);
        try {
            fn(*h);
        } catch (const std::exception& e) {
            h->host_.error(std::string("exception in connection handler: ") + e.what());
            h->conn_.close(GORGON_CLOSE_NOW);
        } catch (...) {
            h->host_.error("unknown exception in connection handler");
            h->conn_.close(GORGON_CLOSE_NOW);
        }
    }

    Host host_;
    Conn conn_;
};

inline gorgon_status ConnHandler::attach(Host host, gorgon_conn_id id, bool adopt) noexcept {
    host_ = host;
    conn_ = Conn(host, id);
    static const gorgon_conn_callbacks callbacks = {sizeof(gorgon_conn_callbacks), &dataThunk,
                                                    &drainedThunk, &eventThunk, &closeThunk};
    return adopt ? host.api()->conn_adopt(host.self(), id, &callbacks, this)
                 : host.api()->conn_set_callbacks(host.self(), id, &callbacks, this);
}

namespace detail {

// Owns a handler for exactly as long as its connection lives: freed after onClose.
template <class H>
class OwnedHandler final : public H {
  public:
    using H::H;
    void onClose(gorgon_close_reason reason) override {
        std::unique_ptr<OwnedHandler> self(this);  // adopted from serve(); freed on return
        H::onClose(reason);
    }
};

}  // namespace detail

// Serves connection `id` with a new H(args...), which lives until the connection closes (after
// its onClose). For handlers that need no owner; H overrides onData and friends, and may
// override onClose for cleanup. Returns the status to return from accept().
template <class H, class... Args>
gorgon_status serve(Host host, gorgon_conn_id id, Args&&... args) noexcept {
    try {
        auto handler = std::make_unique<detail::OwnedHandler<H>>(std::forward<Args>(args)...);
        gorgon_status status = handler->attach(host, id);
        if (status == GORGON_OK) handler.release();  // the connection owns it now
        return status;
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

// A one-shot or repeating timer that is cancelled when this object is destroyed.
class Timer {
  public:
    Timer() = default;
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;
    Timer(Timer&& o) noexcept { *this = std::move(o); }
    Timer& operator=(Timer&& o) noexcept {
        if (this != &o) {
            cancel();
            host_ = o.host_;
            id_ = std::exchange(o.id_, 0);
            fn_ = std::move(o.fn_);
        }
        return *this;
    }
    ~Timer() { cancel(); }

    // Starts (or restarts) the timer. Returns false if the host refused.
    bool start(Host host, uint64_t ms, bool repeat, std::function<void()> fn) {
        cancel();
        host_ = host;
        fn_ = std::make_unique<Slot>(Slot{std::move(fn), host, repeat, this});
        id_ = host.api()->timer_start(
            host.self(), ms, repeat ? GORGON_TIMER_REPEAT : GORGON_TIMER_ONCE, &fire, fn_.get());
        return id_ != 0;
    }
    void cancel() noexcept {
        if (id_ != 0) host_.api()->timer_cancel(host_.self(), id_);
        id_ = 0;
    }
    [[nodiscard]] bool active() const noexcept { return id_ != 0; }

  private:
    struct Slot {
        std::function<void()> fn;
        Host host;
        bool repeat;
        Timer* owner;
    };
    static void fire(void* user, gorgon_timer_id) noexcept {
        auto* slot = static_cast<Slot*>(user);
        if (!slot->repeat) slot->owner->id_ = 0;  // the host already forgot a one-shot timer
        try {
            slot->fn();
        } catch (const std::exception& e) {
            slot->host.error(std::string("exception in timer: ") + e.what());
        } catch (...) {
            slot->host.error("unknown exception in timer");
        }
    }

    Host host_;
    gorgon_timer_id id_ = 0;
    std::unique_ptr<Slot> fn_;
};

namespace detail {

// Runs `fn`, converting any exception into a status plus a message the host can show.
template <class Fn>
gorgon_status barrier(const gorgon_host_api* api, gorgon_plugin* self, Fn&& fn) noexcept {
    try {
        return fn();
    } catch (const ConfigError& e) {
        if (e.reported()) {
            // The host already has the located messages; a summary would replace them.
        } else if (e.node() != nullptr) {
            api->config_error(self, e.node(), e.what(), std::char_traits<char>::length(e.what()));
        } else {
            api->set_error(self, e.what(), std::char_traits<char>::length(e.what()));
        }
        return GORGON_E_INVAL;
    } catch (const std::bad_alloc&) {
        api->set_error(self, "out of memory", 13);
        return GORGON_E_NOMEM;
    } catch (const std::exception& e) {
        api->set_error(self, e.what(), std::char_traits<char>::length(e.what()));
        return GORGON_E_INTERNAL;
    } catch (...) {
        api->set_error(self, "unknown exception", 17);
        return GORGON_E_INTERNAL;
    }
}

// Owns the plugin object and remembers the host for the trampolines.
template <class P>
struct Instance {
    Host host;
    std::unique_ptr<P> plugin;
};

template <class P>
struct Adapter {
    static gorgon_status init(const gorgon_host_api* api, gorgon_plugin* self,
                              const gorgon_config* config, void** state) noexcept {
        return barrier(api, self, [&] {
            auto inst = std::make_unique<Instance<P>>();
            inst->host = Host(api, self);
            inst->plugin = std::make_unique<P>(inst->host, Config(api, config));
            *state = inst.release();  // ownership passes to the host until shutdown()
            return GORGON_OK;
        });
    }
    static void shutdown(void* state) noexcept {
        std::unique_ptr<Instance<P>> inst(static_cast<Instance<P>*>(state));
        try {
            inst->plugin.reset();
        } catch (...) {
            inst->host.error("exception in plugin destructor");
        }
    }
    static void drain(void* state) noexcept {
        auto* inst = static_cast<Instance<P>*>(state);
        if constexpr (requires(P & p) { p.drain(); }) {
            try {
                inst->plugin->drain();
            } catch (...) {
                inst->host.error("exception in drain");
            }
        }
    }
    static gorgon_status handoffExport(void* state, gorgon_buffer* out) noexcept {
        auto* inst = static_cast<Instance<P>*>(state);
        return barrier(inst->host.api(), inst->host.self(), [&] {
            std::string blob;
            if constexpr (requires(P & p, std::string & s) { p.handoffExport(s); }) {
                inst->plugin->handoffExport(blob);
            }
            return inst->host.api()->buffer_append(out, blob.data(), blob.size());
        });
    }
    static gorgon_status handoffImport(void* state, const void* data, size_t len) noexcept {
        auto* inst = static_cast<Instance<P>*>(state);
        return barrier(inst->host.api(), inst->host.self(), [&] {
            if constexpr (requires(P & p, std::string_view s) { p.handoffImport(s); }) {
                inst->plugin->handoffImport(std::string_view(static_cast<const char*>(data), len));
            }
            return GORGON_OK;
        });
    }
    static constexpr bool kHasDrain = requires(P & p) { p.drain(); };
    static constexpr bool kHasHandoff = requires(P & p, std::string& s, std::string_view v) {
        p.handoffExport(s);
        p.handoffImport(v);
    };
};

// Registers a protocol whose servers are objects of type S, built as S(owner, host, info,
// config) and handed connections through S::accept(gorgon_conn_id). An optional
// S::goodbye() is called when a reload removes the server, before its connections close.
template <class S, class Owner>
struct ProtocolAdapter {
    struct User {
        Owner* owner;
        Host host;
    };
    static gorgon_status open(void* user, const gorgon_server_info* info,
                              const gorgon_config* config, void** server_state) noexcept {
        auto* u = static_cast<User*>(user);
        return barrier(u->host.api(), u->host.self(), [&] {
            auto server =
                std::make_unique<S>(*u->owner, u->host, *info, Config(u->host.api(), config));
            *server_state = server.release();  // owned by the host until server_close
            return GORGON_OK;
        });
    }
    static void close(void* server_state) noexcept {
        std::unique_ptr<S> server(static_cast<S*>(server_state));
    }
    static gorgon_status accept(void* server_state, gorgon_conn_id conn) noexcept {
        auto* s = static_cast<S*>(server_state);
        try {
            return s->accept(conn);
        } catch (...) {
            return GORGON_E_INTERNAL;
        }
    }
    // S::goodbye(), if S has one: the server is being removed (protocol_goodbye, ABI 1.3).
    static constexpr bool kHasGoodbye = requires(S & s) { s.goodbye(); };
    static void goodbye(void* server_state) noexcept {
        if constexpr (kHasGoodbye) {
            try {
                static_cast<S*>(server_state)->goodbye();
            } catch (...) {
                // Nothing to report to: the connections close anyway.
            }
        }
    }
};

}  // namespace detail

// Keeps a protocol registration's context alive for as long as the plugin object that owns it.
template <class S, class Owner>
class ProtocolRegistration {
  public:
    // Throws std::runtime_error if the host refuses (e.g. the name is taken).
    ProtocolRegistration(Host host, const char* name, Owner* owner)
        : user_(std::make_unique<typename detail::ProtocolAdapter<S, Owner>::User>(
              typename detail::ProtocolAdapter<S, Owner>::User{owner, host})) {
        using A = detail::ProtocolAdapter<S, Owner>;
        static const gorgon_protocol proto = {sizeof(gorgon_protocol), &A::open, &A::close,
                                              &A::accept};
        if (host.api()->protocol_register(host.self(), name, &proto, user_.get()) != GORGON_OK) {
            throw std::runtime_error(std::string("cannot register protocol ") + name);
        }
        if constexpr (A::kHasGoodbye) {
            if (GORGON_HOST_HAS(host.api(), protocol_goodbye)) {
                host.api()->protocol_goodbye(host.self(), name, &A::goodbye);
            }
        }
    }

  private:
    std::unique_ptr<typename detail::ProtocolAdapter<S, Owner>::User> user_;
};

}  // namespace gorgon

// NULL-terminated lists for the descriptor.
#define GORGON_PROVIDES(...)                                      \
    [] {                                                          \
        static const char* const list[] = {__VA_ARGS__, nullptr}; \
        return list;                                              \
    }()
#define GORGON_DEPENDS(...)                                       \
    [] {                                                          \
        static const char* const list[] = {__VA_ARGS__, nullptr}; \
        return list;                                              \
    }()
#define GORGON_NONE nullptr

// Defines the descriptor for plugin class `Class` and exports gorgon_plugin_entry. The last
// argument, the dependencies (GORGON_DEPENDS(...) or GORGON_NONE), is variadic so that a macro
// wrapping this one can pass an expanded GORGON_DEPENDS with its commas through.
#define GORGON_PLUGIN(Class, Name, Version, Description, Provides, ...)                  \
    extern "C" GORGON_EXPORT const gorgon_plugin_descriptor* gorgon_plugin_entry(void) { \
        using A = ::gorgon::detail::Adapter<Class>;                                      \
        static const gorgon_plugin_descriptor descriptor = {                             \
            sizeof(gorgon_plugin_descriptor),                                            \
            GORGON_ABI_MAJOR,                                                            \
            GORGON_ABI_MINOR,                                                            \
            Name,                                                                        \
            Version,                                                                     \
            Description,                                                                 \
            Provides,                                                                    \
            __VA_ARGS__,                                                                 \
            &A::init,                                                                    \
            &A::shutdown,                                                                \
            A::kHasDrain ? &A::drain : nullptr,                                          \
            A::kHasHandoff ? &A::handoffExport : nullptr,                                \
            A::kHasHandoff ? &A::handoffImport : nullptr,                                \
        };                                                                               \
        return &descriptor;                                                              \
    }

#endif  // GORGON_PLUGIN_HPP
