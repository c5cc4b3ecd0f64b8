// Client connections, owned by the host and tagged with the plugin generation that serves each;
// the plugin only ever holds the id.
//
// I/O is done here rather than through bufferevents so that a request costs what it costs in
// nginx: one read, one write (writev or sendfile) issued as soon as the plugin has answered,
// and a write event registered only when the socket pushes back (EAGAIN).
//
// A TLS connection (implicit on a server's listeners, or upgraded with conn_start_tls) takes the
// same paths with OpenSSL in between: net/tls_connections.cpp holds that branch.
#pragma once

#include "loop/event_loop.hpp"
#include "net/admission.hpp"
#include "net/producers.hpp"
#include "util/c_handle.hpp"
#include "util/handle_table.hpp"

#include <gorgon/plugin.h>

#include <event2/buffer.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace gorgon {

class Generation;
class TlsContext;
class TlsStream;
struct Server;

using EvBufferPtr = CHandle<evbuffer, evbuffer_free>;

class Connection {
  public:
    enum class State { Open, Flushing, Closed };

    Connection() = default;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();

    [[nodiscard]] bool open() const noexcept { return state != State::Closed; }
    [[nodiscard]] evbuffer* input() const noexcept { return in.get(); }
    [[nodiscard]] evbuffer* output() const noexcept { return out.get(); }

    gorgon_conn_id id = 0;
    Generation* owner = nullptr;
    Server* server = nullptr;
    int fd = -1;
    EvBufferPtr in;
    EvBufferPtr out;
    EventPtr read_ev;
    EventPtr write_ev;
    gorgon_conn_callbacks callbacks{};
    void* user = nullptr;
    State state = State::Open;
    bool paused = false;        // the plugin stopped reading
    bool eof = false;           // the peer stopped sending
    bool writing = false;       // write_ev is pending
    bool dirty = false;         // has output waiting for the next flush pass
    bool in_callback = false;   // a read/write callback of this connection is running
    bool connecting = false;    // an outbound connect has not completed yet
    bool shut_write = false;    // conn_shutdown_write: SHUT_WR once output is flushed
    bool write_closed = false;  // SHUT_WR done
    bool in_request = false;    // between conn_request_begin and conn_request_end
    uint64_t read_timeout_ms = 0;
    uint64_t write_timeout_ms = 0;
    // Bytes read per readiness event (the server's `socket.read_buffer`).
    uint32_t read_size = 16 * 1024;
    // Its place in the server's limits (accepted on a server's listener only); dropped as the
    // socket closes.
    std::unique_ptr<AdmissionTicket> admission;

    struct Queued {
        gorgon_producer_id producer;
        gorgon_send_done_fn done;
        void* user;
    };
    // Bodies not yet fully produced, in order. A vector: it allocates nothing until the first
    // body (an idle connection costs less), and it rarely holds more than one or two.
    std::vector<Queued> sendq;
    gorgon_producer_id producing = 0;  // the head while its produce() runs
    std::unique_ptr<TlsStream> tls;    // null: plaintext

    // For status and the monitor.
    int64_t opened_ms = 0;
    int64_t active_ms = 0;
    uint64_t bytes_in = 0;
    uint64_t bytes_out = 0;
    uint64_t requests = 0;

    int family = 0;
    std::string peer, peer_host, local;
    uint16_t peer_port = 0;
    int64_t peer_uid = -1, peer_gid = -1, peer_pid = -1;
};

class Connections {
  public:
    Connections(EventLoop& loop, Producers& producers);
    Connections(const Connections&) = delete;
    Connections& operator=(const Connections&) = delete;
    ~Connections();

    // Wraps an accepted, non-blocking socket. Returns nullptr (and closes fd) on failure.
    // `bulk`: a plugin's own data connection (listen_open, conn_connect), which keeps Nagle's
    // algorithm so a file body leaves in full segments; others get TCP_NODELAY, since their
    // replies are written whole and waiting to fill a segment would only add latency.
    Connection* create(int fd, const sockaddr* peer, socklen_t peer_len, Server& server,
                       Generation& owner, bool bulk = false);
    // Wraps a socket whose non-blocking connect() is in progress: the connection reports
    // GORGON_CONN_CONNECTED (or closes) when it completes, within `timeout_ms`.
    Connection* createConnecting(int fd, const sockaddr* peer, socklen_t peer_len, Server& server,
                                 Generation& owner, const gorgon_conn_callbacks& cb, void* user,
                                 uint64_t timeout_ms);
    [[nodiscard]] Connection* find(gorgon_conn_id id) const noexcept { return table_.find(id); }

    // Closes now or after flushing. on_close reaches the owner later, from the loop.
    void close(Connection& c, gorgon_close_reason reason, bool flush);
    // Moves a connection to another generation (reload hand-off).
    void adopt(Connection& c, Generation& to, const gorgon_conn_callbacks& cb, void* user);
    void setCallbacks(Connection& c, const gorgon_conn_callbacks& cb, void* user);
    void pauseReading(Connection& c, bool paused);
    void setTimeouts(Connection& c, uint64_t read_ms, uint64_t write_ms);
    // Half-closes the sending side once everything queued has gone.
    void shutdownWrite(Connection& c);
    // TLS on `c`: implicit (the handshake starts now; the server's protocol gets the connection
    // once it succeeds) or in-band (conn_start_tls: output queued so far goes out in plaintext
    // first, input received so far is dropped, and the plugin hears GORGON_CONN_TLS_READY).
    // `require_origin`: the handshake must resume that session family (GORGON_TLS_REQUIRE_REUSE).
    gorgon_status startTls(Connection& c, std::shared_ptr<const TlsContext> context, bool in_band,
                           uint64_t require_origin);
    // Moves a connection nobody has accepted yet to the generation that will (see startTls).
    void rehome(Connection& c, Generation& to);
    // Request accounting (conn_request_begin/end): per connection, generation and server.
    gorgon_status beginRequest(Connection& c);
    gorgon_status endRequest(Connection& c);

    // Queues a producer (already in the Producers table) behind everything queued before it.
    gorgon_status send(Connection& c, gorgon_producer_id producer, gorgon_send_done_fn done,
                       void* user);
    // Appends bytes, in order with queued producers.
    gorgon_status write(Connection& c, const void* data, size_t len);
    [[nodiscard]] uint64_t pending(const Connection& c) const;
    // The local address the connection arrived on, looked up the first time it is asked for.
    const std::string& localAddress(Connection& c);
    // A custom producer queued somewhere has data again.
    void wake(gorgon_producer_id producer);

    // Called after a connection of `server` has closed (and had its on_close).
    void onServerLeft(std::function<void(Server&)> fn) { server_left_ = std::move(fn); }

    void closeAllOf(Generation& owner, gorgon_close_reason reason);
    // `flush`: each closes once its queued output has gone (a goodbye reaches the client).
    void closeAllOf(const Server& server, gorgon_close_reason reason, bool flush = false);
    // Last resort when a generation is finalised with connections still pending: delivers
    // their on_close now, then detaches them from it.
    void forgetAllOf(Generation& owner);
    [[nodiscard]] size_t count() const noexcept { return table_.size(); }
    struct Totals {
        uint64_t connections = 0;
        uint64_t requests = 0;
        uint64_t bytes_in = 0;
        uint64_t bytes_out = 0;
    };
    [[nodiscard]] const Totals& totals() const noexcept { return totals_; }

    template <class Fn>
    void forEach(Fn&& fn) const {
        table_.forEach(fn);
    }

  private:
    // A flushing close must end even if the peer never reads.
    static constexpr uint64_t kFlushTimeoutMs = 30'000;
    // Producers are pulled until this much output is queued; the socket drains it before more.
    static constexpr size_t kOutputHighWater = 256 * 1024;
    static timeval toTimeval(uint64_t ms) noexcept {
        return timeval{static_cast<time_t>(ms / 1000),
                       static_cast<suseconds_t>((ms % 1000) * 1000)};
    }

    static void onReadable(evutil_socket_t fd, short what, void* arg) noexcept;
    static void onWritable(evutil_socket_t fd, short what, void* arg) noexcept;
    static void onFlushPass(evutil_socket_t fd, short what, void* arg) noexcept;

    Connection* wrap(int fd, const sockaddr* peer, socklen_t peer_len, Server& server,
                     Generation& owner, bool bulk);
    void connected(Connection& c, bool timed_out);
    void countIn(Connection& c, uint64_t n) noexcept;
    void countOut(Connection& c, uint64_t n) noexcept;
    void readOnce(Connection& c);
    void timedOut(Connection& c, gorgon_conn_event event);
    // Pulls producers and writes what the socket takes; registers for writability on EAGAIN.
    void flush(Connection& c);
    // Output appeared outside this connection's own callbacks: flush at the end of the pass.
    void markDirty(Connection& c);
    void armRead(Connection& c);
    void finish(gorgon_conn_id id, gorgon_close_reason reason);
    // Pulls from queued producers while the output is short. `from_loop` is false inside a
    // plugin's host call, where completion callbacks must be deferred.
    void drive(Connection& c, bool from_loop);
    void abandonQueue(Connection& c);

    // ---- TLS (tls_connections.cpp) ----
    enum class TlsSent { Progress, WantWrite, WantRead, Failed };
    // Advances a connection whose TLS is not ready: plaintext before an upgrade, the handshake.
    void tlsAdvance(Connection& c);
    void tlsHandshake(Connection& c);
    void tlsHandshakeDone(Connection& c);
    // Reads records until OpenSSL has nothing buffered (one recv in the common case).
    void tlsRead(Connection& c);
    // One record from the front of the output.
    TlsSent tlsWrite(Connection& c);
    // Registers for writability for the TLS engine itself (not for queued output).
    void tlsWantWrite(Connection& c);
    // Logs why (at debug: clients fail handshakes all the time) and closes with `reason`.
    void tlsFailed(Connection& c, const std::string& why,
                   gorgon_close_reason reason = GORGON_CLOSE_ERROR);
    void completed(Connection& c, const Connection::Queued& q, gorgon_status status,
                   bool from_loop);

    EventLoop& loop_;
    Producers& producers_;
    HandleTable<Connection> table_;
    std::vector<gorgon_conn_id> dirty_;
    Totals totals_;
    std::function<void(Server&)> server_left_;
    EventPtr flush_ev_;  // last: freed first
};

}  // namespace gorgon
