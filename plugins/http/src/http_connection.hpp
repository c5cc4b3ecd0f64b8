// One client connection: the HTTP/1.x state machine. It reads a head (peeking at the host's
// input, copying the head once into a buffer it reuses), parses it, routes the request, writes
// the response, then either takes the next request (keep-alive, pipelining) or closes.
//
// Requests are handled strictly one at a time: the next head is parsed only once the current
// response is queued and the current body is consumed. While a request is with an extension, no
// more than a bounded amount of input is read (reading pauses), so a client cannot make the
// server buffer without limit.
#pragma once

#include "http_parser.hpp"
#include "http_request.hpp"

#include <gorgon/http.h>
#include <gorgon/plugin.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace gorgon::http {

class HttpPlugin;
class Server;
struct HandoffEntry;
struct ServerConfig;

class Connection final : public ConnHandler {
  public:
    enum class State : std::uint8_t {
        Idle,        // between requests: waiting for (or reading) the next head
        Handling,    // a request is with an extension (or being answered)
        Discarding,  // answered; dropping the rest of a small body nobody read
        Lingering,   // a final answer is queued; dropping input until the peer leaves or is quiet
        Closing,     // conn_close was called; only on_close is left
        HandedOff,   // a newer generation adopted it: never touch it again
    };

    // `counted`: the connection holds one of the server's max_connections places.
    Connection(Server& server, HttpPlugin& plugin, bool counted);
    ~Connection() override;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    Connection(Connection&&) = delete;
    Connection& operator=(Connection&&) = delete;

    // A new connection: binds it and sets the first-request timeouts.
    gorgon_status open(gorgon_conn_id id);
    // A connection handed over by the previous generation.
    gorgon_status adopt(const HandoffEntry& entry);
    // Answers `status` (503 when over max_connections) without reading a request, and closes.
    void refuse(int status);
    // Processes input that arrived before this generation adopted the connection.
    void kick();
    // This generation is being retired: close if idle, else close after the current response.
    void drain();
    // The server is closing: drop the request (abort) and the connection.
    void serverGone() noexcept;
    // Between requests: moves to the newest configuration of the server, if it changed.
    void followServer() noexcept;

    [[nodiscard]] State state() const noexcept { return state_; }
    [[nodiscard]] bool counted() const noexcept { return counted_; }
    // Idle between requests, so a newer generation can take it over.
    [[nodiscard]] bool exportable() const noexcept;
    [[nodiscard]] HandoffEntry handoffEntry() const;
    // False once another generation owns the connection.
    [[nodiscard]] bool owned() const noexcept;
    bool needs_kick = false;

    void onData() override;
    void onDrained() override;
    void onEvent(gorgon_conn_event event) override;
    void onClose(gorgon_close_reason reason) override;

    // ---- For the gorgon_http_api functions (http_request.cpp) ----
    gorgon_status respond(Request& r, int status, const gorgon_http_header* fields,
                          std::size_t count, gorgon_producer_id body,
                          std::int64_t content_length) noexcept;
    gorgon_status respondError(Request& r, int status, const gorgon_http_header* fields,
                               std::size_t count) noexcept;
    std::int64_t bodyRead(Request& r, void* buf, std::size_t cap, int* finished);
    gorgon_status bodyNotify(Request& r, gorgon_http_body_fn fn, void* user);
    // decline() of the http api (ABI 1.4): routing resumes after r's route, from the loop.
    gorgon_status decline(Request& r) noexcept;
    [[nodiscard]] bool isSecure() noexcept { return secure(); }
    [[nodiscard]] std::string_view peer() noexcept;
    [[nodiscard]] std::string_view serverName() const noexcept;

    // The server's list of its connections (intrusive: nothing to allocate per connection).
    Connection* prev = nullptr;
    Connection* next = nullptr;

  private:
    // What finish() sends.
    struct Reply {
        int status = 500;
        const gorgon_http_header* fields = nullptr;
        std::size_t field_count = 0;
        gorgon_producer_id body = 0;
        std::int64_t content_length = -1;
        bool page = false;         // the http plugin's own HTML page for `status`
        bool force_close = false;  // the connection must not be reused (framing in doubt)
        bool linger = false;       // the client may be sending still: drop its input a while
    };

    [[nodiscard]] const gorgon_host_api* api() const noexcept { return host().api(); }
    [[nodiscard]] gorgon_plugin* self() const noexcept { return host().self(); }

    void pump();
    bool readRequest();
    void waitForRequest();
    void startRequest(std::int64_t now);
    // Offers the request to the routes from index `first` on; 404 when none takes it.
    void dispatch(std::size_t first);
    // Sends the response and moves on. Returns false, having sent and changed nothing, if one
    // of the reply's fields is invalid.
    [[nodiscard]] bool finish(const Reply& reply);
    void rejectResponse(int status);
    void endRequest() noexcept;
    void refuseRequest(int status, std::string_view line, bool linger);
    void timeoutHead();
    void abortRequest(int log_status) noexcept;
    void onBodyData();
    void startBody();
    std::int64_t readChunked(Request& r, char* buf, std::size_t cap);
    bool discard();
    // Decodes and drops the chunked body in the input, within discard_budget_ input bytes.
    // Ok: more is needed (the input is used up) or the budget is spent.
    ChunkedDecoder::Status skipChunked(Request& r);
    void startLinger(std::int64_t now);
    void dropInput();
    void closeAfterFlush() noexcept;
    void closeNow() noexcept;
    void setReadTimeout(std::uint64_t ms, bool force) noexcept;
    void pauseReading(bool paused) noexcept;
    void scheduleNotify() noexcept;
    void cancelNotify() noexcept;
    static void notifyThunk(void* user, gorgon_timer_id timer) noexcept;
    void onNotifyTimer();
    void freeProducer(gorgon_producer_id p) noexcept;
    void logLine(int status, std::int64_t bytes, std::int64_t now);
    // The request state, taken from the plugin's pool when a request starts.
    Exchange& exchange();
    [[nodiscard]] Request& req() noexcept { return ex_->req; }
    [[nodiscard]] bool mine(const Request& r) const noexcept {
        return ex_ != nullptr && &r == &ex_->req;
    }
    [[nodiscard]] bool busy() const noexcept { return ex_ != nullptr && ex_->req.active; }
    // Gives the request state back while the connection waits (keep-alive costs no buffers).
    void releaseExchange() noexcept;
    std::string_view peerHost() noexcept;
    // The connection is TLS (the host did the handshake before the plugin saw it).
    bool secure() noexcept;
    void loadInfo() noexcept;

    Server* server_;  // null once the server is closed
    HttpPlugin& plugin_;
    const ServerConfig* cfg_;
    State state_ = State::Idle;
    bool counted_;
    bool fresh_ = true;        // no request yet: the header timeout applies, not keep-alive
    bool peer_eof_ = false;    // the client shut down its sending side
    bool paused_ = false;      // reading paused by us
    bool draining_ = false;    // this generation is being retired
    bool pumping_ = false;     // inside pump(): it will see state changes itself
    bool kick_ = false;        // answered from outside pump(): continue when output drains
    bool input_empty_ = true;  // nothing unread is known to be in the input
    bool rearm_ = false;       // time passed since the last read: restart the idle timer
    bool info_loaded_ = false;
    bool secure_ = false;  // TLS, as conn_info said (valid once info_loaded_)
    std::uint64_t requests_ = 0;
    std::uint64_t servers_seen_ = 0;    // plugin_.serversVersion() when followServer last looked
    std::int64_t head_started_ms_ = 0;  // when the first byte of the next head arrived
    std::int64_t linger_until_ms_ = 0;
    std::uint64_t read_timeout_ms_ = 0;  // as last set with conn_set_timeouts
    std::size_t discard_budget_ = 0;     // input bytes of an unread body still worth dropping
    gorgon_timer_id notify_timer_ = 0;
    const char* peer_ = nullptr;       // HOST-OWNED, valid while the connection lives
    const char* peer_host_ = nullptr;  // ditto
    HeadScanner scanner_;
    std::unique_ptr<Exchange> ex_;  // while a request is read or answered
};

}  // namespace gorgon::http
