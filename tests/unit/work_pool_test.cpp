// The work pool on its own: a real Host and a Generation made from fixture-work (its code is not
// used: the jobs here are the test's own functions), driven by running the loop by hand.
#include "work/work_pool.hpp"

#include "core/host.hpp"
#include "plugin/plugin_object.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace {

using gorgon::Generation;
using gorgon::Host;

struct Fixture {
    Host host;
    std::unique_ptr<Generation> gen;
    char dir[32] = "/tmp/gorgon-pool-XXXXXX";

    Fixture() {
        REQUIRE(::mkdtemp(dir) != nullptr);
        auto obj = gorgon::PluginObject::open(GORGON_TEST_FIXTURE_DIR "/fixture-work.so", dir);
        REQUIRE_MESSAGE(obj.ok(), (obj.ok() ? "" : obj.error()));
        gen = std::make_unique<Generation>(host, std::move(obj.value()), 1);
    }
    ~Fixture() {
        gen->object().close();
        ::rmdir(dir);
    }
    // Runs the loop until `done` holds (each turn waits for the pool's eventfd).
    template <class Pred>
    void runUntil(Pred done) {
        for (int i = 0; i < 600 && !done(); ++i) {  // at most a minute
            timeval tv{0, 100'000};
            event_base_loopexit(host.loop().base(), &tv);
            event_base_loop(host.loop().base(), EVLOOP_ONCE);
        }
        REQUIRE(done());
    }
};

// What one job saw and how it ended.
struct Job {
    std::thread::id ran_on;
    std::atomic<bool> started{false};
    std::atomic<bool> ran{false};
    int completions = 0;
    gorgon_status status = 1;
    // A gate the job waits at until the test opens it (nullptr: no wait).
    struct Gate {
        std::mutex m;
        std::condition_variable cv;
        bool open = false;
    }* gate = nullptr;
};

void work(void* arg) {
    auto* j = static_cast<Job*>(arg);
    j->started = true;
    if (j->gate != nullptr) {
        std::unique_lock lock(j->gate->m);
        j->gate->cv.wait(lock, [&] { return j->gate->open; });
    }
    j->ran_on = std::this_thread::get_id();
    j->ran = true;
}

void done(void* arg, gorgon_work_id, gorgon_status status) {
    auto* j = static_cast<Job*>(arg);
    j->completions++;
    j->status = status;
}

}  // namespace

TEST_CASE("work pool: jobs run on pool threads and complete once each, on the loop") {
    Fixture f;
    auto& pool = f.host.work();
    pool.configure(2);
    std::vector<Job> jobs(16);
    for (auto& j : jobs) REQUIRE(pool.submit(*f.gen, &work, &done, &j, nullptr) == GORGON_OK);
    CHECK(f.gen->work_pending == 16);
    CHECK(f.gen->references() == 16);                      // pending work pins the generation
    for (const auto& j : jobs) CHECK(j.completions == 0);  // never inside submit
    f.runUntil([&] { return pool.pending() == 0; });
    for (const auto& j : jobs) {
        CHECK(j.completions == 1);
        CHECK(j.status == GORGON_OK);
        CHECK(j.ran_on != std::this_thread::get_id());
    }
    CHECK(f.gen->work_pending == 0);
    CHECK(pool.total() == 16);
    CHECK(pool.threads() == 2);
    CHECK(pool.submit(*f.gen, nullptr, &done, nullptr, nullptr) == GORGON_E_INVAL);
    CHECK(pool.submit(*f.gen, &work, nullptr, nullptr, nullptr) == GORGON_E_INVAL);
}

TEST_CASE("work pool: cancel completes queued work with GORGON_E_CANCELLED, never running work") {
    Fixture f;
    auto& pool = f.host.work();
    pool.configure(1);
    Job::Gate gate;
    Job blocker;
    blocker.gate = &gate;
    Job queued;
    gorgon_work_id a = 0;
    gorgon_work_id b = 0;
    REQUIRE(pool.submit(*f.gen, &work, &done, &blocker, &a) == GORGON_OK);
    REQUIRE(pool.submit(*f.gen, &work, &done, &queued, &b) == GORGON_OK);
    CHECK(pool.cancel(*f.gen, b) == GORGON_OK);  // one thread: b is behind a
    CHECK(queued.completions == 0);              // the completion comes from the loop
    f.runUntil([&] { return queued.completions == 1; });
    CHECK(queued.status == GORGON_E_CANCELLED);
    CHECK_FALSE(queued.ran);
    CHECK(pool.cancel(*f.gen, b) == GORGON_E_STALE);
    // a is running: cancel refuses, and a completes normally.
    while (!blocker.started) std::this_thread::yield();
    CHECK(pool.cancel(*f.gen, a) == GORGON_E_BUSY);
    {
        std::lock_guard lock(gate.m);
        gate.open = true;
    }
    gate.cv.notify_all();
    f.runUntil([&] { return blocker.completions == 1; });
    CHECK(blocker.status == GORGON_OK);
    CHECK(f.gen->work_pending == 0);
}

TEST_CASE("work pool: finishing a generation delivers all of its completions at once") {
    Fixture f;
    auto& pool = f.host.work();
    pool.configure(1);
    Job::Gate gate;
    Job running;
    running.gate = &gate;
    Job queued;
    REQUIRE(pool.submit(*f.gen, &work, &done, &running, nullptr) == GORGON_OK);
    REQUIRE(pool.submit(*f.gen, &work, &done, &queued, nullptr) == GORGON_OK);
    while (!running.started) std::this_thread::yield();  // taken by the one thread
    std::thread opener([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        std::lock_guard lock(gate.m);
        gate.open = true;
        gate.cv.notify_all();
    });
    pool.finishAllOf(*f.gen);  // waits for the running job, cancels the queued one
    opener.join();
    CHECK(running.completions == 1);
    CHECK(running.status == GORGON_OK);
    CHECK(queued.completions == 1);
    CHECK(queued.status == GORGON_E_CANCELLED);
    CHECK_FALSE(queued.ran);
    CHECK(f.gen->work_pending == 0);
    CHECK(pool.pending() == 0);
}
