#include "loop/event_loop.hpp"

#include "log/logger.hpp"

#include <stdexcept>

namespace gorgon {

EventLoop::EventLoop() {
    // Single-threaded by design: no locking, no thread support in libevent.
    CHandle<event_config, event_config_free> cfg(event_config_new());
    if (!cfg) throw std::runtime_error("event_config_new failed");
    event_config_set_flag(cfg.get(), EVENT_BASE_FLAG_NOLOCK);
    base_.reset(event_base_new_with_config(cfg.get()));
    if (!base_) throw std::runtime_error("cannot create the event loop");
    deferred_event_.reset(event_new(base_.get(), -1, 0, &EventLoop::runDeferred, this));
    if (!deferred_event_) throw std::runtime_error("cannot create the deferred event");
}

EventLoop::~EventLoop() {
    deferred_event_.reset();
    signals_.clear();
}

int64_t EventLoop::nowMs() const noexcept {
    timeval tv{};
    event_base_gettimeofday_cached(base_.get(), &tv);
    return static_cast<int64_t>(tv.tv_sec) * 1000 + tv.tv_usec / 1000;
}

void EventLoop::defer(std::function<void()> job) {
    deferred_.push_back(std::move(job));
    if (deferred_.size() == 1) event_active(deferred_event_.get(), 0, 0);
}

void EventLoop::runDeferred(evutil_socket_t, short, void* arg) noexcept {
    auto* self = static_cast<EventLoop*>(arg);
    // Jobs may defer more jobs; those run in the next pass so one pass is bounded.
    std::vector<std::function<void()>> jobs;
    jobs.swap(self->deferred_);
    for (auto& job : jobs) {
        try {
            job();
        } catch (const std::exception& e) {
            GLOG(Error, "internal error in deferred work: %s", e.what());
        }
    }
    if (!self->deferred_.empty()) event_active(self->deferred_event_.get(), 0, 0);
}

void EventLoop::onSignal(int signo, std::function<void()> fn) {
    auto slot = std::make_unique<SignalSlot>();
    slot->fn = std::move(fn);
    slot->ev.reset(evsignal_new(
        base_.get(), signo,
        [](evutil_socket_t, short, void* arg) noexcept {
            auto* s = static_cast<SignalSlot*>(arg);
            try {
                s->fn();
            } catch (const std::exception& e) {
                GLOG(Error, "internal error in signal handler: %s", e.what());
            }
        },
        slot.get()));
    if (!slot->ev || event_add(slot->ev.get(), nullptr) != 0) {
        throw std::runtime_error("cannot install a signal handler");
    }
    signals_.push_back(std::move(slot));
}

int EventLoop::run() {
    return event_base_dispatch(base_.get());
}

void EventLoop::stop() noexcept {
    event_base_loopbreak(base_.get());
}

}  // namespace gorgon
