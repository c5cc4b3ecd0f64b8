// Client connections: a bufferevent each, owned by the host, tagged with the plugin generation
// that serves it. The plugin only ever holds the id.
#pragma once

#include "loop/event_loop.hpp"
#include "util/c_handle.hpp"
#include "util/handle_table.hpp"

#include <gorgon/plugin.h>

#include <event2/bufferevent.h>

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

    int family = 0;
    std::string peer, peer_host, local;
    uint16_t peer_port = 0;
    int64_t peer_uid = -1, peer_gid = -1, peer_pid = -1;

    [[nodiscard]] bool open() const noexcept { return state != State::Closed; }
};

class Connections {
  public:
    explicit Connections(EventLoop& loop) : loop_(loop) {}

    // Wraps an accepted socket. Returns nullptr (and closes fd) on failure.
    Connection* create(int fd, const sockaddr* peer, socklen_t peer_len, Server& server,
                       Generation& owner);
    [[nodiscard]] Connection* find(gorgon_conn_id id) const noexcept { return table_.find(id); }

    // Closes now or after flushing. on_close reaches the owner later, from the loop.
    void close(Connection& c, gorgon_close_reason reason, bool flush);
    // Moves a connection to another generation (reload hand-off).
    void adopt(Connection& c, Generation& to, const gorgon_conn_callbacks& cb, void* user);
    void setCallbacks(Connection& c, const gorgon_conn_callbacks& cb, void* user);

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

    EventLoop& loop_;
    HandleTable<Connection> table_;
};

}  // namespace gorgon
