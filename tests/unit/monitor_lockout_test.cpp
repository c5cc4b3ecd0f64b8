// Unit tests for failed-login bookkeeping (plugins/monitor/src/monitor_lockout.cpp).
#include "monitor_lockout.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace gorgon::monitor;

namespace {

LockoutPolicy policy() {
    LockoutPolicy p;
    p.max_failures = 3;
    p.window_ms = 60'000;
    p.delay_ms = 1000;
    p.max_delay_ms = 2500;
    p.lockout_ms = 300'000;
    p.max_entries = 4;
    return p;
}

}  // namespace

TEST_CASE("monitor lockout: failures slow down, then lock out, then expire") {
    LockoutTable t(policy());
    CHECK(t.lockedFor("10.0.0.1", 0) == 0);
    FailureOutcome a = t.recordFailure("10.0.0.1", 1000);
    CHECK(a.failures == 1);
    CHECK(a.delay_ms == 1000);
    CHECK(a.locked_ms == 0);
    FailureOutcome b = t.recordFailure("10.0.0.1", 2000);
    CHECK(b.delay_ms == 2000);
    CHECK(b.locked_ms == 0);
    CHECK(t.lockedFor("10.0.0.1", 2000) == 0);
    FailureOutcome c = t.recordFailure("10.0.0.1", 3000);
    CHECK(c.failures == 3);
    CHECK(c.delay_ms == 2500);  // capped
    CHECK(c.locked_ms == 300'000);
    CHECK(c.locked_now);
    CHECK_FALSE(b.locked_now);
    CHECK(t.lockedFor("10.0.0.1", 3000) == 300'000);
    CHECK(t.lockedFor("10.0.0.1", 303'000 - 1) == 1);
    CHECK(t.lockedFor("10.0.0.1", 303'000) == 0);
    // Another address is unaffected.
    CHECK(t.lockedFor("10.0.0.2", 3000) == 0);
    // After the lock, counting starts again.
    FailureOutcome d = t.recordFailure("10.0.0.1", 400'000);
    CHECK(d.failures == 1);
    CHECK(d.locked_ms == 0);
}

TEST_CASE("monitor lockout: a failure during a lock neither counts nor extends it") {
    LockoutTable t(policy());
    for (int i = 0; i < 3; ++i) t.recordFailure("a", 0);
    const FailureOutcome late = t.recordFailure("a", 10'000);
    CHECK(late.failures == 3);
    CHECK(late.locked_ms == 290'000);
    CHECK_FALSE(late.locked_now);
    CHECK(t.lockedFor("a", 10'000) == 290'000);
}

TEST_CASE("monitor lockout: failures outside the window are forgotten") {
    LockoutTable t(policy());
    t.recordFailure("a", 0);
    t.recordFailure("a", 30'000);
    const FailureOutcome fresh = t.recordFailure("a", 60'000);  // the first is 60 s old
    CHECK(fresh.failures == 1);
    CHECK(fresh.locked_ms == 0);
}

TEST_CASE("monitor lockout: success clears an address") {
    LockoutTable t(policy());
    t.recordFailure("a", 0);
    t.recordFailure("a", 0);
    t.recordSuccess("a");
    CHECK(t.recordFailure("a", 0).failures == 1);
}

TEST_CASE("monitor lockout: the table is bounded and a full table keeps its locks") {
    LockoutTable t(policy());
    for (int i = 0; i < 3; ++i) t.recordFailure("locked", 0);
    REQUIRE(t.lockedFor("locked", 1) > 0);
    // Flood from many addresses, each failing once.
    for (int i = 0; i < 100; ++i) t.recordFailure("flood-" + std::to_string(i), 1000 + i);
    CHECK(t.size() <= 4);
    CHECK(t.lockedFor("locked", 2000) > 0);
    // When every entry is locked, the one whose lock ends soonest goes.
    LockoutTable all(policy());
    for (int a = 0; a < 4; ++a) {
        for (int i = 0; i < 3; ++i) all.recordFailure("x" + std::to_string(a), a * 1000);
    }
    all.recordFailure("newcomer", 5000);
    CHECK(all.size() == 4);
    CHECK(all.lockedFor("x0", 5000) == 0);  // locked earliest, so it ended soonest
    CHECK(all.lockedFor("x3", 5000) > 0);
}

TEST_CASE("monitor lockout: huge settings do not overflow") {
    LockoutPolicy p = policy();
    p.delay_ms = UINT64_MAX / 2;
    p.max_delay_ms = 30'000;
    p.lockout_ms = UINT64_MAX;
    p.max_failures = 2;
    LockoutTable t(p);
    CHECK(t.recordFailure("a", 5).delay_ms == 30'000);
    const FailureOutcome o = t.recordFailure("a", 5);
    CHECK(o.delay_ms == 30'000);
    CHECK(o.locked_ms > 0);
    CHECK(t.lockedFor("a", INT64_MAX - 1) > 0);
}
