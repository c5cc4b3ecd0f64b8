// Timers plugins start through the host table. Each belongs to a generation, which cancels
// whatever is left when it is retired.
#pragma once

#include "loop/event_loop.hpp"
#include "util/handle_table.hpp"

#include <gorgon/plugin.h>

namespace gorgon {

class Generation;

class Timers {
  public:
    explicit Timers(EventLoop& loop) : loop_(loop) {}

    gorgon_timer_id start(Generation& owner, uint64_t ms, uint32_t flags, gorgon_timer_fn fn,
                          void* user);
    gorgon_status cancel(Generation& owner, gorgon_timer_id id);
    void cancelAllOf(Generation& owner);
    [[nodiscard]] size_t count() const noexcept { return table_.size(); }

  private:
    struct Record {
        gorgon_timer_id id = 0;
        Generation* owner = nullptr;
        gorgon_timer_fn fn = nullptr;
        void* user = nullptr;
        bool repeat = false;
        Timers* timers = nullptr;
        EventPtr ev;
    };
    static void fire(evutil_socket_t, short, void* arg) noexcept;

    EventLoop& loop_;
    HandleTable<Record> table_;
};

}  // namespace gorgon
