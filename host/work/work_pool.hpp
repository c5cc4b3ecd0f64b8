// The host's work pool (ABI 1.3 work_submit): blocking or long work runs on a few threads, and
// its completion runs on the loop. Threads never touch loop state: a finished job is handed
// back through a mutex-guarded list and an eventfd the loop watches.
#pragma once

#include "loop/event_loop.hpp"
#include "util/unique_fd.hpp"

#include <gorgon/plugin.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <sys/types.h>

namespace gorgon {

class Generation;

class WorkPool {
  public:
    explicit WorkPool(EventLoop& loop) : loop_(loop) {}
    WorkPool(const WorkPool&) = delete;
    WorkPool& operator=(const WorkPool&) = delete;
    ~WorkPool();

    // How many threads to run (at least 1). Threads start with the first submit; a larger
    // number later adds threads, a smaller one takes effect at the next start.
    void configure(unsigned threads) noexcept { wanted_ = threads == 0 ? 1 : threads; }
    // work_pool.threads when the configuration does not say: the cores, at least 2.
    static unsigned defaultThreads() noexcept;

    gorgon_status submit(Generation& owner, gorgon_work_fn work, gorgon_work_done_fn done,
                         void* arg, gorgon_work_id* out);
    gorgon_status cancel(Generation& owner, gorgon_work_id id);
    // Work of `owner` not started yet completes with GORGON_E_CANCELLED (drain deadline).
    void cancelQueuedOf(Generation& owner);
    // Before `owner` is finalised: cancels what has not started, waits for what runs, and
    // delivers every completion of `owner` now, so none can reach an unloaded plugin.
    void finishAllOf(Generation& owner);

    [[nodiscard]] unsigned threads() const noexcept {
        return threads_.empty() ? wanted_ : static_cast<unsigned>(threads_.size());
    }
    [[nodiscard]] uint64_t pending() const noexcept { return jobs_.size(); }
    [[nodiscard]] uint64_t total() const noexcept { return total_; }

  private:
    struct Job {
        enum class State { Queued, Running, Done };
        gorgon_work_id id = 0;
        Generation* owner = nullptr;  // read on the loop only
        gorgon_work_fn work = nullptr;
        gorgon_work_done_fn done = nullptr;
        void* arg = nullptr;
        State state = State::Queued;  // guarded by mutex_
        gorgon_status status = GORGON_OK;
    };

    bool startThreads();
    void threadMain() noexcept;
    // Moves queued jobs of `owner` to the finished list as cancelled; mutex_ held.
    void cancelQueuedLocked(Generation& owner, std::vector<Job*>& into);
    void signalLoop() noexcept;
    static void onReady(evutil_socket_t fd, short, void* arg) noexcept;
    void deliver(std::vector<Job*> finished, bool notify_manager);

    EventLoop& loop_;
    unsigned wanted_ = defaultThreads();
    pid_t pid_ = 0;  // the process the threads run in (a forked probe child has none)
    UniqueFd wake_fd_;
    EventPtr wake_ev_;
    std::map<gorgon_work_id, std::unique_ptr<Job>> jobs_;  // loop thread only
    gorgon_work_id next_id_ = 1;
    uint64_t total_ = 0;

    std::mutex mutex_;
    std::condition_variable work_cv_;  // a job was queued, or stopping
    std::condition_variable idle_cv_;  // a job finished running
    std::deque<Job*> queue_;
    std::vector<Job*> finished_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace gorgon
