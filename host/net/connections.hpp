// Client connections: a bufferevent each, owned by the host, tagged with the plugin generation
// that serves it. The plugin only ever holds the id.
#pragma once

#include "loop/event_loop.hpp"
#include "net/producers.hpp"
#include "util/c_handle.hpp"
#include "util/handle_table.hpp"

#include <gorgon/plugin.h>

#include <event2/bufferevent.h>

#include <deque>
#include <string>

namespace gorgon {

class Generation;
struct Server;

using BufferEventPtr = CHandle<bufferevent, bufferevent_free>;

class Connection {
  public:
    enum class State { Open, Flushing, Closed };

    gorgon_conn_id id = 0;
    Generation* owner = nullptr;
    Server* server = nullptr;
    BufferEventPtr bev;
    gorgon_conn_callbacks callbacks{};
    void* user = nullptr;
    State state = State::Open;
    bool paused = false;
    bool reading_stopped_by_event = false;

    struct Queued {
        gorgon_producer_id producer;
        gorgon_send_done_fn done;
        void* user;
    };
    std::deque<Queued> sendq;          // bodies not yet fully produced, in order
    gorgon_producer_id producing = 0;  // the head while its produce() runs

    int family = 0;
    std::string peer, peer_host, local;
    uint16_t peer_port = 0;
    int64_t peer_uid = -1, peer_gid = -1, peer_pid = -1;

    [[nodiscard]] bool open() const noexcept { return state != State::Closed; }
};

class Connections {
  public:
    Connections(EventLoop& loop, Producers& producers) : loop_(loop), producers_(producers) {}

    // Wraps an accepted socket. Returns nullptr (and closes fd) on failure.
    Connection* create(int fd, const sockaddr* peer, socklen_t peer_len, Server& server,
                       Generation& owner);
    [[nodiscard]] Connection* find(gorgon_conn_id id) const noexcept { return table_.find(id); }

    // Closes now or after flushing. on_close reaches the owner later, from the loop.
    void close(Connection& c, gorgon_close_reason reason, bool flush);
    // Moves a connection to another generation (reload hand-off).
    void adopt(Connection& c, Generation& to, const gorgon_conn_callbacks& cb, void* user);
    void setCallbacks(Connection& c, const gorgon_conn_callbacks& cb, void* user);

    // Queues a producer (already in the Producers table) behind everything queued before it.
    gorgon_status send(Connection& c, gorgon_producer_id producer, gorgon_send_done_fn done,
                       void* user);
    // Writes bytes in order with queued producers.
    gorgon_status write(Connection& c, const void* data, size_t len);
    [[nodiscard]] uint64_t pending(const Connection& c) const;
    // A custom producer queued somewhere has data again.
    void wake(gorgon_producer_id producer);

    void closeAllOf(Generation& owner, gorgon_close_reason reason);
    // Last resort when a generation is finalised with connections still pending: delivers
    // their on_close now, then detaches them from it.
    void forgetAllOf(Generation& owner);
    void closeAllOf(const Server& server, gorgon_close_reason reason);
    [[nodiscard]] size_t count() const noexcept { return table_.size(); }

    template <class Fn>
    void forEach(Fn&& fn) const {
        table_.forEach(fn);
    }

  private:
    static void onRead(bufferevent* bev, void* arg) noexcept;
    static void onWrite(bufferevent* bev, void* arg) noexcept;
    static void onEvent(bufferevent* bev, short what, void* arg) noexcept;
    void finish(gorgon_conn_id id, gorgon_close_reason reason);
    // Pulls from queued producers while the output is short. `from_loop` is false inside a
    // plugin's host call, where completion callbacks must be deferred.
    void drive(Connection& c, bool from_loop);
    void abandonQueue(Connection& c);
    void completed(Connection& c, const Connection::Queued& q, gorgon_status status,
                   bool from_loop);

    EventLoop& loop_;
    Producers& producers_;
    HandleTable<Connection> table_;
};

}  // namespace gorgon
