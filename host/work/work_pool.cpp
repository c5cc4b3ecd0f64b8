#include "work/work_pool.hpp"

#include "core/host.hpp"
#include "log/logger.hpp"
#include "plugin/generation.hpp"
#include "work/watchdog.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace gorgon {

unsigned WorkPool::defaultThreads() noexcept {
    return std::max(2u, std::thread::hardware_concurrency());
}

WorkPool::~WorkPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_cv_.notify_all();
    for (auto& t : threads_) t.join();
}

bool WorkPool::startThreads() {
    if (pid_ == 0) {
        wake_fd_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
        if (!wake_fd_.valid()) {
            GLOG(Error, "work pool: eventfd: %s", std::strerror(errno));
            return false;
        }
        wake_ev_.reset(event_new(loop_.base(), wake_fd_.get(), EV_READ | EV_PERSIST,
                                 &WorkPool::onReady, this));
        if (!wake_ev_ || event_add(wake_ev_.get(), nullptr) != 0) {
            // work_submit returns GORGON_E_INTERNAL, which promises a logged detail.
            GLOG(Error, "work pool: cannot watch its eventfd on the loop");
            wake_ev_.reset();
            wake_fd_.reset();
            return false;
        }
        pid_ = ::getpid();
    }
    // Threads start with every signal blocked: signals belong to the loop thread.
    sigset_t all;
    sigset_t old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    try {
        while (threads_.size() < wanted_) {
            threads_.emplace_back([this] { threadMain(); });
            pthread_setname_np(threads_.back().native_handle(), "gorgon-work");
        }
    } catch (const std::system_error& e) {
        GLOG(Error, "work pool: cannot start a thread: %s", e.what());
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return !threads_.empty();
}

gorgon_status WorkPool::submit(Generation& owner, gorgon_work_fn work, gorgon_work_done_fn done,
                               void* arg, gorgon_work_id* out) {
    if (work == nullptr || done == nullptr) return GORGON_E_INVAL;
    if (owner.state == Generation::State::Finalizing) return GORGON_E_STALE;
    // A forked probe child inherits none of the threads (and maybe a held mutex).
    if (pid_ != 0 && pid_ != ::getpid()) return GORGON_E_UNSUPPORTED;
    if (threads_.size() < wanted_ && !startThreads()) return GORGON_E_INTERNAL;
    auto job = std::make_unique<Job>();
    job->id = next_id_++;
    job->owner = &owner;
    job->work = work;
    job->done = done;
    job->arg = arg;
    Job* raw = job.get();
    jobs_.emplace(raw->id, std::move(job));
    owner.work_pending++;
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(raw);
    }
    work_cv_.notify_one();
    if (out != nullptr) *out = raw->id;
    return GORGON_OK;
}

gorgon_status WorkPool::cancel(Generation& owner, gorgon_work_id id) {
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return GORGON_E_STALE;
    Job* job = it->second.get();
    if (job->owner != &owner) return GORGON_E_PERM;
    {
        std::lock_guard lock(mutex_);
        if (job->state != Job::State::Queued) return GORGON_E_BUSY;
        std::erase(queue_, job);
        job->state = Job::State::Done;
        job->status = GORGON_E_CANCELLED;
        finished_.push_back(job);
    }
    signalLoop();  // the completion comes from the loop, never inside this call
    return GORGON_OK;
}

void WorkPool::cancelQueuedLocked(Generation& owner, std::vector<Job*>& into) {
    for (auto it = queue_.begin(); it != queue_.end();) {
        if ((*it)->owner != &owner) {
            ++it;
            continue;
        }
        (*it)->state = Job::State::Done;
        (*it)->status = GORGON_E_CANCELLED;
        into.push_back(*it);
        it = queue_.erase(it);
    }
}

void WorkPool::cancelQueuedOf(Generation& owner) {
    {
        std::lock_guard lock(mutex_);
        cancelQueuedLocked(owner, finished_);
    }
    signalLoop();
}

void WorkPool::finishAllOf(Generation& owner) {
    if (owner.work_pending == 0) return;
    std::vector<Job*> mine;
    {
        std::unique_lock lock(mutex_);
        cancelQueuedLocked(owner, finished_);
        // A running job cannot be stopped: wait for it (the plugin's code is still mapped).
        idle_cv_.wait(lock, [&] {
            return std::none_of(jobs_.begin(), jobs_.end(), [&](const auto& j) {
                return j.second->owner == &owner && j.second->state == Job::State::Running;
            });
        });
        for (auto it = finished_.begin(); it != finished_.end();) {
            if ((*it)->owner == &owner) {
                mine.push_back(*it);
                it = finished_.erase(it);
            } else {
                ++it;
            }
        }
    }
    deliver(std::move(mine), false);
}

void WorkPool::signalLoop() noexcept {
    uint64_t one = 1;
    // A full counter (never in practice) still leaves the fd readable: nothing is lost.
    [[maybe_unused]] ssize_t n = ::write(wake_fd_.get(), &one, sizeof one);
}

void WorkPool::threadMain() noexcept {
    std::unique_lock lock(mutex_);
    for (;;) {
        work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        Job* job = queue_.front();
        queue_.pop_front();
        job->state = Job::State::Running;
        gorgon_work_fn work = job->work;
        void* arg = job->arg;
        lock.unlock();
        work(arg);
        lock.lock();
        job->state = Job::State::Done;
        job->status = GORGON_OK;
        bool first = finished_.empty();
        finished_.push_back(job);
        idle_cv_.notify_all();
        if (first) signalLoop();
    }
}

void WorkPool::onReady(evutil_socket_t fd, short, void* arg) noexcept {
    auto* self = static_cast<WorkPool*>(arg);
    uint64_t count = 0;
    [[maybe_unused]] ssize_t n = ::read(fd, &count, sizeof count);
    std::vector<Job*> finished;
    {
        std::lock_guard lock(self->mutex_);
        finished.swap(self->finished_);
    }
    self->deliver(std::move(finished), true);
}

void WorkPool::deliver(std::vector<Job*> finished, bool notify_manager) {
    for (Job* job : finished) {
        auto node = jobs_.extract(job->id);  // the id is stale from here on
        if (node.empty()) continue;
        Generation& owner = *job->owner;
        owner.work_pending--;
        total_++;
        {
            WatchScope scope(&owner, "work_done");
            job->done(job->arg, job->id, job->status);
        }
        if (notify_manager) owner.host().plugins().referenceDropped(owner);
    }
}

}  // namespace gorgon
