// The one event loop: owns the event_base, runs deferred work, and maps signals to callbacks.
#pragma once

#include "util/c_handle.hpp"

#include <event2/event.h>

#include <functional>
#include <memory>
#include <vector>

namespace gorgon {

using EventBasePtr = CHandle<event_base, event_base_free>;
using EventPtr = CHandle<event, event_free>;

class EventLoop {
  public:
    EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;
    ~EventLoop();

    [[nodiscard]] event_base* base() const noexcept { return base_.get(); }
    // Wall-clock milliseconds since the epoch, cached once per loop iteration (cheap).
    [[nodiscard]] int64_t nowMs() const noexcept;

    // Runs `job` from the loop after the current callback returns, in FIFO order. This is how
    // the host keeps promises such as "on_close is never called inside a host function".
    void defer(std::function<void()> job);

    // Calls `fn` from the loop (not from the signal handler) when `signo` arrives.
    void onSignal(int signo, std::function<void()> fn);

    int run();
    void stop() noexcept;

  private:
    static void runDeferred(evutil_socket_t, short, void* arg) noexcept;

    EventBasePtr base_;
    std::vector<std::function<void()>> deferred_;
    struct SignalSlot {
        std::function<void()> fn;
        EventPtr ev;
    };
    std::vector<std::unique_ptr<SignalSlot>> signals_;
    EventPtr deferred_event_;  // last: destroyed before what its callback touches
};

}  // namespace gorgon
