#include "work/watchdog.hpp"

#include <doctest/doctest.h>

using gorgon::Watchdog;

TEST_CASE("watchdog: callbacks land in their duration's bucket; the longest is kept") {
    Watchdog w;
    w.setWarnMs(0);                       // no log lines from a unit test
    w.record("a", "on_data", 999);        // < 1 ms
    w.record("a", "on_data", 1000);       // < 5 ms: bounds are exclusive
    w.record("b", "timer", 19'999);       // < 20 ms
    w.record("c", "work_done", 20'000);   // < 100 ms
    w.record("d", "accept", 499'999);     // < 500 ms
    w.record("e", "on_close", 500'000);   // >= 500 ms
    w.record("f", "on_data", 7'000'000);  // >= 500 ms
    const auto& s = w.summary();
    CHECK(s.buckets == std::array<uint64_t, GORGON_LAG_BUCKETS>{1, 1, 1, 1, 1, 2});
    CHECK(s.max_us == 7'000'000);
    CHECK(s.max_plugin == "f");
    CHECK(s.max_hook == "on_data");
    w.record("g", "timer", 10);  // shorter: the maximum stays
    CHECK(w.summary().max_plugin == "f");
}

TEST_CASE("watchdog: only the outermost scope counts") {
    Watchdog& w = gorgon::watchdog();
    auto before = w.summary().buckets;
    {
        gorgon::WatchScope outer(nullptr, "on_data");
        gorgon::WatchScope inner(nullptr, "produce");
    }
    uint64_t added = 0;
    for (size_t i = 0; i < before.size(); ++i) added += w.summary().buckets[i] - before[i];
    CHECK(added == 1);
}
