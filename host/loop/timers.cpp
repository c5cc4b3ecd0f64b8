#include "loop/timers.hpp"

#include "plugin/generation.hpp"
#include "work/watchdog.hpp"

namespace gorgon {

gorgon_timer_id Timers::start(Generation& owner, uint64_t ms, uint32_t flags, gorgon_timer_fn fn,
                              void* user) {
    if (fn == nullptr || owner.state == Generation::State::Finalizing) return 0;
    auto rec = std::make_unique<Record>();
    Record* r = rec.get();
    r->owner = &owner;
    r->fn = fn;
    r->user = user;
    r->repeat = (flags & GORGON_TIMER_REPEAT) != 0;
    r->timers = this;
    r->ev.reset(event_new(loop_.base(), -1, r->repeat ? EV_PERSIST : 0, &Timers::fire, r));
    if (!r->ev) return 0;
    timeval tv{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
    if (event_add(r->ev.get(), &tv) != 0) return 0;
    r->id = table_.insert(std::move(rec));
    owner.timers.insert(r->id);
    return r->id;
}

void Timers::fire(evutil_socket_t, short, void* arg) noexcept {
    auto* r = static_cast<Record*>(arg);
    Timers* self = r->timers;
    gorgon_timer_id id = r->id;
    gorgon_timer_fn fn = r->fn;
    void* user = r->user;
    std::unique_ptr<Record> done;
    if (!r->repeat) {
        // A one-shot timer is forgotten before its callback runs (its id is then stale).
        r->owner->timers.erase(id);
        done = self->table_.take(id);
    }
    {
        WatchScope w(r->owner, "timer");  // a one-shot's owner outlives its callback
        fn(user, id);
    }
    // For a repeating timer the callback may have cancelled it; nothing of `r` is touched here.
}

gorgon_status Timers::cancel(Generation& owner, gorgon_timer_id id) {
    Record* r = table_.find(id);
    if (r == nullptr) return GORGON_E_STALE;
    if (r->owner != &owner) return GORGON_E_PERM;
    owner.timers.erase(id);
    // Freeing the event from inside its own callback is allowed by libevent.
    table_.take(id);
    return GORGON_OK;
}

void Timers::cancelAllOf(Generation& owner) {
    auto ids = owner.timers;
    for (auto id : ids) cancel(owner, id);
}

}  // namespace gorgon
