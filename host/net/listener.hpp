// A listening socket (TCP over IPv4/IPv6, or Unix) with libevent accepting on it.
#pragma once

#include "config/server_limits.hpp"
#include "loop/event_loop.hpp"
#include "net/address.hpp"
#include "util/c_handle.hpp"
#include "util/result.hpp"

#include <event2/listener.h>

#include <functional>
#include <string>

namespace gorgon {

using ListenerPtr = CHandle<evconnlistener, evconnlistener_free>;

class Listener {
  public:
    using AcceptFn = std::function<void(int fd, const sockaddr* peer, socklen_t len)>;

    // Binds and listens. For Unix sockets a stale socket file is replaced, anything else at
    // that path is an error. The actual address (port 0 resolved) is in boundAddress().
    // `opts`: a server's `socket:` settings (backlog, buffers, keep-alive, deferred accept).
    static Result<std::unique_ptr<Listener>> open(event_base* base, const ListenAddress& addr,
                                                  AcceptFn on_accept,
                                                  const SocketOptions* opts = nullptr);
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;
    ~Listener();

    [[nodiscard]] const std::string& boundAddress() const noexcept { return bound_; }
    [[nodiscard]] const ListenAddress& address() const noexcept { return addr_; }
    void pause() noexcept;

    // Only open() builds listeners; the key keeps the constructor usable by make_unique.
    class Key {
        friend class Listener;
        Key() = default;
    };
    explicit Listener(Key /*unused*/) {}

  private:
    static void onAccept(evconnlistener*, evutil_socket_t fd, sockaddr* peer, int len,
                         void* arg) noexcept;
    static void onError(evconnlistener*, void* arg) noexcept;
    static void onResume(evutil_socket_t, short, void* arg) noexcept;

    // Out of descriptors, accepting pauses this long before it tries again.
    static constexpr int kAcceptPauseMs = 100;

    ListenAddress addr_;
    std::string bound_;
    AcceptFn on_accept_;
    bool paused_ = false;
    uint64_t failures_ = 0;  // accepts that ran out of descriptors since the last log line
    int64_t last_failure_log_ms_ = -1'000'000;
    EventPtr resume_;
    ListenerPtr listener_;  // last: freed first
};

}  // namespace gorgon
