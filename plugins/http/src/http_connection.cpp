#include "http_connection.hpp"

#include "http_handoff.hpp"
#include "http_path.hpp"
#include "http_plugin.hpp"
#include "http_response.hpp"
#include "http_routes.hpp"
#include "http_server.hpp"
#include "http_text.hpp"

#include <algorithm>
#include <cstddef>

namespace gorgon::http {

namespace {

// An unread body this small is read and dropped to keep the connection; a larger one closes it.
constexpr std::uint64_t kDiscardMax = std::uint64_t{64} * 1024;
// While a request is being handled, reading pauses once this much input waits unread.
constexpr std::size_t kMinInputHighWater = std::size_t{64} * 1024;
// Lingering close: drop the client's input until it is quiet this long, or at most this long.
constexpr std::uint64_t kLingerQuietMs = 1000;
constexpr std::int64_t kLingerMaxMs = 10'000;
// Pipelined requests wait while this much of the previous answers is still unsent, so a client
// that sends requests but reads no answers cannot make the server queue without bound.
constexpr std::uint64_t kOutputHighWater = std::uint64_t{64} * 1024;
// How much chunked body is looked at per host call.
constexpr std::size_t kChunkedWindow = std::size_t{64} * 1024;
constexpr std::string_view k100Continue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr std::string_view kHtml = "Content-Type: text/html; charset=utf-8\r\n";

// Whether an extension's answer carries a Location (which HTTPS may have to rewrite).
bool hasLocation(const gorgon_http_header* fields, std::size_t count) noexcept {
    for (std::size_t i = 0; i < count; ++i) {
        if (equalsLower({fields[i].name.ptr, fields[i].name.len}, "location")) return true;
    }
    return false;
}

// The first line of `text`, without its line end, for logging a request that was refused.
std::string_view firstLine(std::string_view text, std::size_t max) {
    std::string_view line = text.substr(0, std::min(text.find('\n'), max));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

// Input waiting while a request is handled beyond which reading pauses.
std::size_t inputHighWater(const ServerConfig& cfg) noexcept {
    return std::max(kMinInputHighWater, cfg.limits.maxHead());
}

}  // namespace

Connection::Connection(Server& server, HttpPlugin& plugin, bool counted)
    : server_(&server),
      plugin_(plugin),
      cfg_(&server.config()),
      counted_(counted),
      servers_seen_(plugin.serversVersion()) {}

Connection::~Connection() = default;

Exchange& Connection::exchange() {
    if (!ex_) {
        ex_ = plugin_.takeExchange();
        ex_->req.conn = this;  // pooled ones are inactive; each path below resets what it uses
    }
    return *ex_;
}

void Connection::releaseExchange() noexcept {
    if (ex_ && !ex_->req.active) plugin_.giveExchange(std::move(ex_));
}

// ---- Setting up ---------------------------------------------------------------------------

gorgon_status Connection::open(gorgon_conn_id id) {
    gorgon_status s = attach(plugin_.host(), id);
    if (s != GORGON_OK) return s;
    setReadTimeout(cfg_->header_timeout_ms, true);
    return GORGON_OK;
}

gorgon_status Connection::adopt(const HandoffEntry& entry) {
    gorgon_status s = attach(plugin_.host(), entry.conn, /*adopt=*/true);
    if (s != GORGON_OK) return s;
    requests_ = entry.requests;
    fresh_ = entry.fresh;
    head_started_ms_ = static_cast<std::int64_t>(entry.head_started_ms);
    input_empty_ = false;  // the host may hold input that arrived during the reload
    needs_kick = true;
    // This generation's timeouts from now on; kick() narrows it to a header deadline if needed.
    setReadTimeout(fresh_ ? cfg_->header_timeout_ms : cfg_->keepalive_timeout_ms, true);
    return GORGON_OK;
}

void Connection::kick() {
    needs_kick = false;
    if (state_ == State::Idle) pump();
}

void Connection::refuse(int status) {
    Reply reply;
    reply.status = status;
    reply.page = true;
    reply.force_close = true;
    reply.linger = true;  // the request may be on its way: read it, so the close is no reset
    Exchange& ex = exchange();
    ex.req.reset();
    ex.head.clear();
    ex.req.active = true;
    state_ = State::Handling;
    (void)finish(reply);
}

bool Connection::exportable() const noexcept {
    return state_ == State::Idle && !peer_eof_ && !draining_ && server_ != nullptr && counted_;
}

HandoffEntry Connection::handoffEntry() const {
    HandoffEntry e;
    e.conn = conn().id();
    e.requests = requests_;
    e.head_started_ms = head_started_ms_ > 0 ? static_cast<std::uint64_t>(head_started_ms_) : 0;
    e.fresh = fresh_;
    e.server = server_ != nullptr ? server_->name() : std::string();
    return e;
}

bool Connection::owned() const noexcept {
    gorgon_conn_info info{};
    info.struct_size = sizeof info;
    return api()->conn_info(self(), conn().id(), &info) != GORGON_E_PERM;
}

void Connection::drain() {
    draining_ = true;
    if (state_ != State::Idle) return;  // the current response says Connection: close
    if (!owned()) {
        state_ = State::HandedOff;
        return;
    }
    closeAfterFlush();
}

void Connection::serverGone() noexcept {
    server_ = nullptr;
    if (state_ == State::HandedOff) return;
    if (!owned()) {
        state_ = State::HandedOff;
        return;
    }
    abortRequest(0);
    closeNow();
}

// ---- Events ---------------------------------------------------------------------------------

void Connection::onData() {
    switch (state_) {
        case State::Idle:
        case State::Discarding:
            input_empty_ = false;
            pump();
            break;
        case State::Handling:
            input_empty_ = false;
            onBodyData();
            break;
        case State::Lingering:
            dropInput();
            break;
        case State::Closing:
        case State::HandedOff:
            break;
    }
}

void Connection::onDrained() {
    // A response given from outside pump() (an asynchronous one) continues the connection
    // here, from the loop, never from inside the extension that answered.
    if (kick_ && (state_ == State::Idle || state_ == State::Discarding)) {
        kick_ = false;
        pump();
    }
}

void Connection::onEvent(gorgon_conn_event event) {
    if (state_ == State::Closing || state_ == State::HandedOff) return;
    switch (event) {
        case GORGON_CONN_EOF:
            peer_eof_ = true;
            switch (state_) {
                case State::Idle:
                case State::Discarding:
                    // Requests already buffered are still answered; then the connection closes.
                    pump();
                    break;
                case State::Handling:
                    // As nginx does: a client that leaves while its request is pending is gone
                    // (HTTP/1.1 gives no way to tell a half-close from a close).
                    abortRequest(499);
                    closeAfterFlush();
                    break;
                case State::Lingering:
                    closeAfterFlush();
                    break;
                default:
                    break;
            }
            break;
        case GORGON_CONN_READ_TIMEOUT:
            switch (state_) {
                case State::Idle:
                    if (head_started_ms_ != 0) {
                        timeoutHead();
                    } else {
                        closeAfterFlush();  // idle keep-alive: leave without a word
                    }
                    break;
                case State::Handling:
                    // Only a body the extension is waiting for has a timeout; a slow extension
                    // is not the client's fault.
                    if (busy() && req().body_started && !req().body_done) {
                        abortRequest(0);
                        refuseRequest(408, req().head.request_line, true);
                    }
                    break;
                case State::Discarding:
                case State::Lingering:
                    closeAfterFlush();
                    break;
                default:
                    break;
            }
            break;
        case GORGON_CONN_WRITE_TIMEOUT:
            abortRequest(0);
            closeNow();
            break;
        case GORGON_CONN_CONNECTED:  // only outbound connections (conn_connect) see it
        case GORGON_CONN_TLS_READY:  // only after conn_start_tls (HTTPS here is implicit)
            break;
    }
}

void Connection::onClose(gorgon_close_reason reason) {
    std::unique_ptr<Connection> owner(this);  // released to the host in Server::accept/adopt
    abortRequest(reason == GORGON_CLOSE_PEER || reason == GORGON_CLOSE_ERROR ? 499 : 0);
    cancelNotify();
    releaseExchange();
    state_ = State::Closing;
    if (server_ != nullptr) server_->unlink(*this);
}

// ---- Reading requests -----------------------------------------------------------------------

void Connection::pump() {
    if (pumping_) return;  // the running pump() sees the new state itself
    pumping_ = true;
    kick_ = false;
    for (;;) {
        if (state_ == State::Idle) {
            if (!input_empty_ && requests_ != 0 &&
                api()->conn_pending(self(), conn().id()) > kOutputHighWater) {
                // Answers are piling up: stop reading and taking requests until they drain.
                kick_ = true;
                if (!paused_) pauseReading(true);
                break;
            }
            if (!readRequest()) break;
        } else if (state_ == State::Discarding) {
            if (!discard()) break;
        } else {
            break;
        }
    }
    pumping_ = false;
}

void Connection::followServer() noexcept {
    // Only between requests with nothing of the next head read yet: the head is parsed with
    // one server's limits from its first byte.
    if (servers_seen_ == plugin_.serversVersion() || server_ == nullptr || draining_ ||
        head_started_ms_ != 0) {
        return;
    }
    servers_seen_ = plugin_.serversVersion();
    Server* newest = plugin_.findServer(server_->name());
    if (newest == nullptr || newest == server_ || !GORGON_HOST_HAS(api(), conn_move_server) ||
        api()->conn_move_server(self(), conn().id(), newest->id()) != GORGON_OK) {
        return;
    }
    server_->unlink(*this);
    server_ = newest;
    cfg_ = &newest->config();
    set_ = nullptr;
    newest->link(*this);
}

bool Connection::readRequest() {
    followServer();
    if (input_empty_ || draining_) {
        waitForRequest();  // a retiring generation starts no new request: it closes instead
        return false;
    }
    const Limits& limits = cfg_->limits;
    const std::size_t want = limits.maxHead() + 1;
    const std::string_view in = conn().peek(want);
    if (in.empty()) {
        input_empty_ = true;
        waitForRequest();
        return false;
    }
    const std::int64_t now = plugin_.now();
    if (head_started_ms_ == 0) head_started_ms_ = now;
    switch (scanner_.scan(in.data(), in.size(), limits)) {
        case HeadScanner::Status::NeedMore: {
            input_empty_ = true;               // everything there was has been looked at
            releaseExchange();                 // a partial head lives in the host's input, not here
            if (paused_) pauseReading(false);  // the rest of it must be able to arrive
            if (peer_eof_ || draining_) {
                closeAfterFlush();
                return false;
            }
            // The deadline runs from the head's first byte: dribbling does not extend it.
            const std::int64_t left =
                head_started_ms_ + static_cast<std::int64_t>(cfg_->header_timeout_ms) - now;
            if (left <= 0) {
                timeoutHead();
            } else {
                setReadTimeout(static_cast<std::uint64_t>(left), true);
            }
            return false;
        }
        case HeadScanner::Status::Error: {
            // Copied before any other host call: `in` is only valid until then.
            std::string& head = exchange().head;
            head.assign(firstLine(in.substr(scanner_.skip()), 1024));
            const int status = scanner_.error();
            scanner_.reset();
            refuseRequest(status, head, true);
            return false;
        }
        case HeadScanner::Status::Complete:
            break;
    }
    const std::size_t skip = scanner_.skip();
    const std::size_t len = scanner_.headLength();
    exchange().head.assign(in.data() + skip, len);
    input_empty_ = in.size() == skip + len && in.size() < want;
    conn().consume(skip + len);
    scanner_.reset();
    head_started_ms_ = 0;
    startRequest(now);
    return true;
}

void Connection::waitForRequest() {
    releaseExchange();
    if (peer_eof_ || draining_ || server_ == nullptr) {
        closeAfterFlush();
        return;
    }
    if (paused_) pauseReading(false);
    const std::uint64_t ms = fresh_ ? cfg_->header_timeout_ms : cfg_->keepalive_timeout_ms;
    if (ms == 0) {
        closeAfterFlush();
        return;
    }
    setReadTimeout(ms, rearm_);
    rearm_ = false;
}

void Connection::startRequest(std::int64_t now) {
    Exchange& ex = exchange();
    Request& r = ex.req;
    r.resetState();  // parseHead clears the head itself
    set_ = nullptr;
    r.started_ms = now;
    const Limits& limits = cfg_->limits;
    if (int status = parseHead(ex.head, limits, r.head); status != 0) {
        const std::string_view line = firstLine(ex.head, limits.request_line);
        r.head.clear();
        refuseRequest(status, line, !input_empty_);
        return;
    }
    ++requests_;
    fresh_ = false;
    plugin_.count(Stat::Requests);
    r.active = true;
    // The host counts requests in flight per generation and server, for the monitor.
    if (GORGON_HOST_HAS(api(), conn_request_begin)) api()->conn_request_begin(self(), conn().id());
    state_ = State::Handling;

    if (r.head.chunked) {
        r.body = Request::Body::Chunked;
        r.body_done = false;
        r.chunked.reset(limits.body_size, limits.header_size);
    } else if (r.head.content_length > 0) {
        r.body = Request::Body::Length;
        r.body_left = static_cast<std::uint64_t>(r.head.content_length);
        r.body_done = false;
        if (limits.body_size != 0 && r.body_left > limits.body_size) {
            Reply reply;
            reply.status = 413;
            reply.page = true;
            reply.force_close = true;
            (void)finish(reply);
            return;
        }
    }
    r.expect_pending = r.head.expect_continue && !r.body_done;

    if (r.head.form == TargetForm::Asterisk) {
        // "OPTIONS *" asks about the server itself: nothing to route, nothing to say but OK.
        Reply reply;
        reply.status = 200;
        reply.content_length = 0;
        (void)finish(reply);
        return;
    }
    if (normalizePath(r.head.path, r.path_scratch, r.path) != 0) {
        Reply reply;
        reply.status = 400;
        reply.page = true;
        reply.force_close = true;
        (void)finish(reply);
        return;
    }
    dispatch(0);
}

void Connection::dispatch(std::size_t first) {
    Request& r = req();
    set_ = server_->routeSet(r.head.host, tlsServerName());
    if (set_ == nullptr) {
        // RFC 9110 15.5.20: this server (or, over TLS, this connection) is not authoritative
        // for the host the request names.
        Reply reply;
        reply.status = 421;
        reply.page = true;
        (void)finish(reply);
        return;
    }
    Routes& routes = set_->routes;
    // Here no extension code is on the stack, so retired routes can be closed safely.
    if (routes.hasRetired()) routes.sweep();
    for (std::size_t i = first; i < routes.size(); ++i) {
        Binding* b = routes.current(i, r.started_ms);
        if (b->ext->match(b->route, &r) == 0) continue;
        r.binding = b;
        r.route_index = i;
        ++b->inflight;
        r.in_handle = true;
        const gorgon_status s = b->ext->handle(b->route, &r);
        r.in_handle = false;
        if (!r.active) {
            // Answered (or refused because of its body) inside handle().
            if (s != GORGON_OK && s != GORGON_E_AGAIN && host().logEnabled(GORGON_LOG_WARN)) {
                host().warn("extension " + *b->name + " answered and then returned status " +
                            std::to_string(s));
            }
            return;
        }
        if (s == GORGON_E_AGAIN) {
            rearm_ = true;  // it will answer later; the idle timer restarts after that
            return;
        }
        r.binding = nullptr;
        Routes::finished(*b);
        if (s == GORGON_DECLINED) continue;
        host().error("extension " + *b->name + " failed on \"" + std::string(r.head.request_line) +
                     "\": " +
                     (s == GORGON_OK ? std::string("returned OK without answering")
                                     : "status " + std::to_string(s)));
        Reply reply;
        reply.status = 500;
        reply.page = true;
        (void)finish(reply);
        return;
    }
    Reply reply;
    reply.status = 404;
    reply.page = true;
    (void)finish(reply);
}

void Connection::refuseRequest(int status, std::string_view line, bool linger) {
    // The line may point into the head buffer already: keep it there.
    Exchange& ex = exchange();
    if (line.data() != ex.head.data()) ex.head.assign(line);
    ex.req.reset();
    ex.req.head.request_line =
        std::string_view(ex.head.data(), std::min(line.size(), ex.head.size()));
    ex.req.active = true;
    state_ = State::Handling;
    Reply reply;
    reply.status = status;
    reply.page = true;
    reply.force_close = true;
    reply.linger = linger;
    (void)finish(reply);
}

void Connection::timeoutHead() {
    refuseRequest(408, {}, false);
}

// ---- Answering ------------------------------------------------------------------------------

gorgon_status Connection::respond(Request& r, int status, const gorgon_http_header* fields,
                                  std::size_t count, gorgon_producer_id body,
                                  std::int64_t content_length) noexcept {
    if (!mine(r) || !r.active || state_ != State::Handling) {
        freeProducer(body);
        return GORGON_E_STALE;
    }
    try {
        if (r.body_error != 0) {
            // The body was bad: that is the answer, whatever the extension made of it.
            freeProducer(body);
            Reply err;
            err.status = r.body_error;
            err.page = true;
            err.force_close = true;
            (void)finish(err);
            return GORGON_OK;
        }
        // No producer but a length: nothing could keep that promise (HEAD and 204/304 aside).
        const bool valid =
            status >= 200 && status <= 599 && (fields != nullptr || count == 0) &&
            content_length >= -1 &&
            !(body == 0 && content_length > 0 && !r.head.is_head && !statusForbidsBody(status));
        if (valid) {
            Reply reply;
            reply.status = status;
            reply.fields = fields;
            reply.field_count = count;
            reply.body = body;
            reply.content_length = content_length;
            if (finish(reply)) return GORGON_OK;
        }
        freeProducer(body);
        rejectResponse(status);
        return GORGON_E_INVAL;
    } catch (...) {
        // Out of memory building the head: nothing sensible can be sent.
        abortRequest(0);
        closeNow();
        return GORGON_E_NOMEM;
    }
}

gorgon_status Connection::respondError(Request& r, int status, const gorgon_http_header* fields,
                                       std::size_t count) noexcept {
    if (!mine(r) || !r.active || state_ != State::Handling) return GORGON_E_STALE;
    try {
        Reply reply;
        reply.status = r.body_error != 0 ? r.body_error : status;
        if (reply.status < 200 || reply.status > 599 || statusForbidsBody(reply.status)) {
            reply.status = 500;
        }
        reply.fields = fields;
        reply.field_count = fields != nullptr ? count : 0;
        reply.page = true;
        reply.force_close = r.body_error != 0;
        if (finish(reply)) return GORGON_OK;
        rejectResponse(status);
        return GORGON_E_INVAL;
    } catch (...) {
        abortRequest(0);
        closeNow();
        return GORGON_E_NOMEM;
    }
}

void Connection::rejectResponse(int status) {
    const Request& r = req();
    host().error("extension " + (r.binding != nullptr ? *r.binding->name : std::string("?")) +
                 " gave an invalid response (status " + std::to_string(status) +
                 ", a field with a control byte or no token name, or a length without a body); "
                 "answered 500");
    Reply err;
    err.status = 500;
    err.page = true;
    (void)finish(err);  // no fields: cannot fail
}

bool Connection::finish(const Reply& reply) {
    Request& r = req();
    if (!r.body_done && r.body_error == 0 && r.body == Request::Body::Chunked) {
        // An unread chunked body is checked as far as it has arrived before the answer is
        // committed: a framing error or an oversized chunk replaces the answer with 400 or 413
        // (as nginx's discard does), whether or not the extension ever read the body.
        discard_budget_ = kDiscardMax;
        const ChunkedDecoder::Status s = skipChunked(r);
        if (s == ChunkedDecoder::Status::Error || s == ChunkedDecoder::Status::TooLarge) {
            r.body_error = s == ChunkedDecoder::Status::Error ? 400 : 413;
            freeProducer(reply.body);
            Reply err;
            err.status = r.body_error;
            err.page = true;
            err.force_close = true;
            return finish(err);  // no fields: cannot fail
        }
    }
    const ServerConfig& cfg = *cfg_;
    const std::int64_t now = plugin_.now();

    bool close = reply.force_close || !r.head.keep_alive || draining_ || peer_eof_ ||
                 server_ == nullptr || cfg.keepalive_timeout_ms == 0 ||
                 requests_ >= cfg.max_keepalive_requests;
    bool linger = reply.linger || r.body_error != 0;
    bool discard = false;
    if (!r.body_done && r.body_error == 0) {
        if (r.expect_pending) {
            // The client was never asked for its body: it may wait for "100 Continue" or send
            // anyway. Only a body that is already here in full can be skipped safely.
            discard = r.body == Request::Body::Length && r.body_left <= kDiscardMax &&
                      conn().inputLength() >= r.body_left;
        } else {
            discard = r.body == Request::Body::Chunked ? discard_budget_ != 0
                                                       : r.body_left <= kDiscardMax;
        }
        if (!discard) close = true;
        linger = linger || close;
    }
    if (close && !input_empty_) linger = true;  // a close with unread input would be a reset

    ResponseSpec spec;
    spec.status = reply.status;
    spec.fields = reply.fields;
    spec.field_count = reply.field_count;
    spec.extra = reply.page ? kHtml : std::string_view();
    spec.date = plugin_.dates().http();
    spec.server = cfg.server_header;
    spec.has_body = reply.body != 0 || reply.page;
    spec.content_length =
        reply.page ? static_cast<std::int64_t>(errorPageLength(reply.status))
                   : (reply.body == 0 && reply.content_length < 0 ? 0 : reply.content_length);
    spec.version = r.head.version_num;
    // HTTPS: asked of the host once per connection, and only when it can change the answer.
    if ((!cfg.hsts_value.empty() || hasLocation(reply.fields, reply.field_count)) && secure()) {
        spec.hsts = cfg.hsts_value;
        spec.https_host = r.head.host;
    }
    const Framing framing = chooseFraming(spec);
    if (framing == Framing::Close) close = true;
    spec.close = close;

    std::string& out = plugin_.scratch();
    out.clear();
    if (!appendResponseHead(out, spec, framing)) return false;  // nothing sent, nothing changed
    const bool send_body = !r.head.is_head && framing != Framing::None;
    if (reply.page && send_body) appendErrorPage(out, reply.status);
    const std::int64_t page_len =
        reply.page && send_body ? static_cast<std::int64_t>(errorPageLength(reply.status)) : 0;
    const std::size_t head_bytes = out.size() - static_cast<std::size_t>(page_len);
    gorgon_status ws = conn().write(out);
    if (reply.body != 0) {
        if (send_body && ws == GORGON_OK) {
            gorgon_producer_id body = reply.body;
            if (framing == Framing::Chunked) {
                body = api()->producer_chunked(self(), body);
                if (body == 0) {
                    freeProducer(reply.body);
                    ws = GORGON_E_NOMEM;
                }
            }
            if (body != 0) {
                ws = api()->conn_send(self(), conn().id(), body, nullptr, nullptr);
                if (ws != GORGON_OK) freeProducer(body);
            }
        } else {
            freeProducer(reply.body);
        }
    }
    // Body bytes for the log and the counters: -1 when the length is not known in advance.
    std::int64_t body_bytes = 0;
    if (send_body) body_bytes = reply.page ? page_len : spec.content_length;
    plugin_.countResponse(reply.status, head_bytes + static_cast<std::uint64_t>(
                                                         std::max<std::int64_t>(body_bytes, 0)));
    logLine(reply.status, body_bytes, now);

    endRequest();
    if (ws != GORGON_OK) {
        closeNow();
        return true;
    }
    if (close) {
        if (linger) {
            startLinger(now);
        } else {
            closeAfterFlush();
        }
    } else if (discard) {
        state_ = State::Discarding;  // a chunked one goes on with what is left of its budget
    } else {
        state_ = State::Idle;
    }
    if (!pumping_ && (state_ == State::Idle || state_ == State::Discarding)) {
        kick_ = true;
        rearm_ = true;
    }
    return true;
}

void Connection::endRequest() noexcept {
    Request& r = req();
    if (r.active && GORGON_HOST_HAS(api(), conn_request_end)) {
        api()->conn_request_end(self(), conn().id());
    }
    r.active = false;
    r.notify_fn = nullptr;
    cancelNotify();
    if (Binding* b = r.binding) {
        r.binding = nullptr;
        if (server_ != nullptr) Routes::finished(*b);
    }
    if (paused_) pauseReading(false);
}

void Connection::abortRequest(int log_status) noexcept {
    if (!busy()) return;
    Request& r = req();
    Binding* b = r.binding;
    r.binding = nullptr;
    if (r.active && GORGON_HOST_HAS(api(), conn_request_end)) {
        api()->conn_request_end(self(), conn().id());
    }
    r.active = false;
    r.notify_fn = nullptr;
    cancelNotify();
    if (b != nullptr) {
        // The extension forgets the request; from here on it never touches it.
        if (b->has_abort) b->ext->abort(b->route, &r);
        if (server_ != nullptr) Routes::finished(*b);
    }
    if (log_status != 0) {
        try {
            logLine(log_status, 0, plugin_.now());
        } catch (...) {
        }
    }
}

// ---- Request bodies -------------------------------------------------------------------------

void Connection::onBodyData() {
    Request& r = req();
    if (!paused_ && conn().inputLength() > inputHighWater(*cfg_)) pauseReading(true);
    if (r.active && !r.body_done && r.body_error == 0 && r.notify_fn != nullptr) {
        r.notify_fn(r.notify_user, &r);
    }
    if (state_ != State::Handling) pump();  // answered from the callback
}

void Connection::startBody() {
    Request& r = req();
    if (r.body_started) return;
    r.body_started = true;
    rearm_ = true;
    if (r.expect_pending) {
        r.expect_pending = false;
        conn().write(k100Continue);
    }
    if (!r.body_done) setReadTimeout(cfg_->body_timeout_ms, true);
}

std::int64_t Connection::bodyRead(Request& r, void* buf, std::size_t cap, int* finished) {
    if (finished != nullptr) *finished = 0;
    if (!mine(r) || !r.active || state_ != State::Handling) return GORGON_E_STALE;
    if (r.body_error != 0) return r.body_error == 413 ? GORGON_E_TOOBIG : GORGON_E_INVAL;
    if (r.body_done) {
        if (finished != nullptr) *finished = 1;
        return 0;
    }
    if (buf == nullptr && cap != 0) return GORGON_E_INVAL;
    startBody();
    std::int64_t n = 0;
    if (r.body == Request::Body::Length) {
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(cap, r.body_left));
        if (want != 0) {
            n = api()->conn_read(self(), conn().id(), buf, want);
            if (n < 0) return n;
            r.body_left -= static_cast<std::uint64_t>(n);
            if (static_cast<std::size_t>(n) < want) input_empty_ = true;
        }
        if (r.body_left == 0) r.body_done = true;
    } else {
        n = readChunked(r, static_cast<char*>(buf), cap);
        if (n < 0) return n;
    }
    if (paused_ && conn().inputLength() < inputHighWater(*cfg_) / 2) pauseReading(false);
    // A reader that takes bounded pieces (a full buffer each time) and stops while more is
    // already here must hear about the rest: no new bytes may arrive to say so (reading may be
    // paused, or the client has sent everything and waits). Told again from the loop; a reader
    // that found nothing more gets 0 and is not told again.
    if (r.notify_fn != nullptr && !r.body_done && n > 0 && static_cast<std::size_t>(n) == cap &&
        conn().inputLength() != 0) {
        scheduleNotify();
    }
    if (finished != nullptr) *finished = r.body_done ? 1 : 0;
    return n;
}

std::int64_t Connection::readChunked(Request& r, char* buf, std::size_t cap) {
    std::size_t total = 0;
    while (!r.body_done) {
        const std::size_t want = std::min(cap - total, kChunkedWindow) + 8192;
        const std::string_view in = conn().peek(want);
        if (in.empty()) {
            input_empty_ = true;
            break;
        }
        std::size_t consumed = 0;
        std::size_t produced = 0;
        const ChunkedDecoder::Status s =
            r.chunked.feed(in.data(), in.size(), buf == nullptr ? nullptr : buf + total,
                           cap - total, consumed, produced);
        const bool all_seen = in.size() < want && consumed == in.size();
        if (consumed != 0) conn().consume(consumed);
        total += produced;
        switch (s) {
            case ChunkedDecoder::Status::Done:
                r.body_done = true;
                input_empty_ = all_seen;
                break;
            case ChunkedDecoder::Status::Error:
                r.body_error = 400;
                return GORGON_E_INVAL;
            case ChunkedDecoder::Status::TooLarge:
                r.body_error = 413;
                return GORGON_E_TOOBIG;
            case ChunkedDecoder::Status::Ok:
                break;
        }
        if (all_seen) input_empty_ = true;
        if (all_seen || consumed == 0) break;
    }
    return static_cast<std::int64_t>(total);
}

gorgon_status Connection::bodyNotify(Request& r, gorgon_http_body_fn fn, void* user) {
    if (!mine(r) || !r.active || state_ != State::Handling) return GORGON_E_STALE;
    r.notify_fn = fn;
    r.notify_user = user;
    if (fn == nullptr) return GORGON_OK;
    if (!r.body_done && r.body_error == 0) startBody();
    // Something to say already (bytes waiting, or the body complete): say it from the loop.
    if (r.body_done || r.body_error != 0 || !input_empty_) scheduleNotify();
    return GORGON_OK;
}

void Connection::scheduleNotify() noexcept {
    if (notify_timer_ != 0) return;
    notify_timer_ =
        api()->timer_start(self(), 0, GORGON_TIMER_ONCE, &Connection::notifyThunk, this);
}

void Connection::cancelNotify() noexcept {
    if (notify_timer_ == 0) return;
    api()->timer_cancel(self(), notify_timer_);
    notify_timer_ = 0;
}

void Connection::notifyThunk(void* user, gorgon_timer_id /*timer*/) noexcept {
    auto* c = static_cast<Connection*>(user);
    c->notify_timer_ = 0;
    try {
        c->onNotifyTimer();
    } catch (...) {
        c->host().error("exception in a body notification");
        c->abortRequest(0);
        c->closeNow();
    }
}

void Connection::onNotifyTimer() {
    if (state_ == State::Handling && busy() && req().resume && server_ != nullptr) {
        Request& r = req();
        r.resume = false;
        dispatch(r.route_index + 1);
    } else if (state_ == State::Handling && busy() && req().notify_fn != nullptr) {
        Request& r = req();
        r.notify_fn(r.notify_user, &r);
    }
    if (state_ != State::Handling) pump();
}

bool Connection::discard() {
    Request& r = req();
    if (r.body == Request::Body::Length) {
        const std::size_t avail = conn().inputLength();
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(avail, r.body_left));
        if (n != 0) {
            conn().consume(n);
            r.body_left -= n;
        }
        if (r.body_left == 0) {
            r.body_done = true;
            input_empty_ = avail == n;
            state_ = State::Idle;
            rearm_ = true;
            return true;
        }
    } else {
        const ChunkedDecoder::Status s = skipChunked(r);
        if (s == ChunkedDecoder::Status::Done) {
            state_ = State::Idle;
            rearm_ = true;
            return true;
        }
        if (s != ChunkedDecoder::Status::Ok) {
            // Malformed: the answer is out, so the connection ends here; lingering, because
            // the client may still be sending and a reset could destroy that answer.
            startLinger(plugin_.now());
            return false;
        }
        if (discard_budget_ == 0) {
            closeAfterFlush();  // more than is worth waiting for
            return false;
        }
    }
    input_empty_ = true;
    if (peer_eof_ || draining_) {
        closeAfterFlush();
        return false;
    }
    if (paused_) pauseReading(false);
    setReadTimeout(cfg_->body_timeout_ms, false);
    return false;
}

ChunkedDecoder::Status Connection::skipChunked(Request& r) {
    for (;;) {
        const std::string_view in = conn().peek(kChunkedWindow);
        if (in.empty()) {
            input_empty_ = true;
            return ChunkedDecoder::Status::Ok;
        }
        std::size_t consumed = 0;
        std::size_t produced = 0;
        const ChunkedDecoder::Status s =
            r.chunked.feed(in.data(), in.size(), nullptr, discard_budget_, consumed, produced);
        const bool all_seen = in.size() < kChunkedWindow && consumed == in.size();
        if (consumed != 0) conn().consume(consumed);
        discard_budget_ -= std::min(discard_budget_, consumed);
        if (s == ChunkedDecoder::Status::Done) {
            r.body_done = true;
            input_empty_ = all_seen;
            return s;
        }
        if (s != ChunkedDecoder::Status::Ok) return s;
        if (all_seen) input_empty_ = true;
        if (all_seen || consumed == 0 || discard_budget_ == 0) return s;
    }
}

// ---- Closing --------------------------------------------------------------------------------

void Connection::startLinger(std::int64_t now) {
    // Without a lingering close, unread input at close() makes the kernel send a reset, which
    // can destroy the response on its way to the client. So: keep reading and dropping until
    // the client leaves, is quiet for a moment, or has had long enough.
    state_ = State::Lingering;
    releaseExchange();
    linger_until_ms_ = now + kLingerMaxMs;
    setReadTimeout(kLingerQuietMs, true);
    dropInput();
}

void Connection::dropInput() {
    const std::size_t n = conn().inputLength();
    if (n != 0) conn().consume(n);
    if (peer_eof_ || plugin_.now() >= linger_until_ms_) closeAfterFlush();
}

void Connection::closeAfterFlush() noexcept {
    if (state_ == State::Closing || state_ == State::HandedOff) return;
    state_ = State::Closing;
    releaseExchange();
    conn().close(GORGON_CLOSE_AFTER_FLUSH);
}

void Connection::closeNow() noexcept {
    if (state_ == State::HandedOff) return;
    state_ = State::Closing;
    conn().close(GORGON_CLOSE_NOW);
}

// ---- Small things ---------------------------------------------------------------------------

void Connection::setReadTimeout(std::uint64_t ms, bool force) noexcept {
    if (!force && ms == read_timeout_ms_) return;
    read_timeout_ms_ = ms;
    conn().setTimeouts(ms, cfg_->send_timeout_ms);
}

void Connection::pauseReading(bool paused) noexcept {
    paused_ = paused;
    conn().pauseReading(paused);
}

void Connection::freeProducer(gorgon_producer_id p) noexcept {
    if (p != 0) api()->producer_free(self(), p);
}

void Connection::loadInfo() noexcept {
    if (info_loaded_) return;
    info_loaded_ = true;
    gorgon_conn_info info{};
    info.struct_size = sizeof info;
    if (api()->conn_info(self(), conn().id(), &info) == GORGON_OK) {
        peer_ = info.peer;
        peer_host_ = info.peer_host;
        // A host older than ABI 1.2 fills less: then there is no TLS.
        secure_ =
            info.struct_size >= offsetof(gorgon_conn_info, tls) + sizeof info.tls && info.tls != 0;
        if (secure_ &&
            info.struct_size >= offsetof(gorgon_conn_info, tls_sni) + sizeof info.tls_sni) {
            tls_sni_ = info.tls_sni;
        }
    }
}

std::string_view Connection::tlsServerName() noexcept {
    loadInfo();
    return tls_sni_ != nullptr ? std::string_view(tls_sni_) : std::string_view();
}

bool Connection::secure() noexcept {
    loadInfo();
    return secure_;
}

gorgon_status Connection::decline(Request& r) noexcept {
    if (!mine(r) || !r.active) return GORGON_E_STALE;
    if (r.binding == nullptr || r.in_handle || r.resume) return GORGON_E_INVAL;
    Binding* b = r.binding;
    r.binding = nullptr;
    r.notify_fn = nullptr;  // the next route must not be called back for this one's reads
    r.notify_user = nullptr;
    if (server_ != nullptr) Routes::finished(*b);
    // Routing resumes from the loop: the declining extension is still on the stack, and the
    // next route's handle() must not run inside it (nor may a sweep close its route).
    r.resume = true;
    scheduleNotify();
    return GORGON_OK;
}

std::string_view Connection::peer() noexcept {
    loadInfo();
    return peer_ != nullptr ? std::string_view(peer_) : std::string_view();
}

std::string_view Connection::peerHost() noexcept {
    loadInfo();
    return peer_host_ != nullptr ? std::string_view(peer_host_) : std::string_view();
}

std::string_view Connection::serverName() const noexcept {
    return server_ != nullptr ? std::string_view(server_->name()) : std::string_view();
}

void Connection::logLine(int status, std::int64_t bytes, std::int64_t now) {
    AccessLog* log = server_ != nullptr ? server_->accessLog() : nullptr;
    if (log == nullptr) return;
    const Request& r = req();
    const RequestHead& h = r.head;
    DateCache& dates = plugin_.dates();
    LogRecord rec;
    rec.peer = peerHost();
    if (log->format() == LogFormat::Json) {
        rec.time_iso = dates.iso();
    } else {
        rec.time_clf = dates.clf();
    }
    rec.request_line = h.request_line;
    rec.method = h.method;
    rec.target = r.original_target.empty() ? h.target : r.original_target;
    rec.user = r.user;
    rec.protocol = h.version;
    rec.host = h.host;
    if (set_ != nullptr) rec.vhost = set_->name;
    rec.referer = h.referer;
    rec.user_agent = h.user_agent;
    rec.status = status;
    rec.bytes = bytes;
    rec.duration_ms = r.started_ms != 0 ? std::max<std::int64_t>(0, now - r.started_ms) : 0;
    log->append(rec);
    plugin_.armHousekeeping();
}

}  // namespace gorgon::http
