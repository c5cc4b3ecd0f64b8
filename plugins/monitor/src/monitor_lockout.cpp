#include "monitor_lockout.hpp"

#include <algorithm>

namespace gorgon::monitor {

namespace {

std::int64_t plus(std::int64_t t, std::uint64_t ms) noexcept {
    constexpr auto kMax = static_cast<std::uint64_t>(INT64_MAX);
    return ms > kMax - static_cast<std::uint64_t>(std::max<std::int64_t>(t, 0))
               ? INT64_MAX
               : t + static_cast<std::int64_t>(ms);
}

}  // namespace

std::uint64_t LockoutTable::delayFor(std::uint32_t failures) const noexcept {
    if (failures != 0 && policy_.delay_ms > policy_.max_delay_ms / failures) {
        return policy_.max_delay_ms;
    }
    return std::min(policy_.delay_ms * failures, policy_.max_delay_ms);
}

bool LockoutTable::expired(const Entry& e, std::int64_t now_ms) const noexcept {
    if (e.locked_until_ms != 0) return now_ms >= e.locked_until_ms;
    return now_ms >= plus(e.first_ms, policy_.window_ms);
}

std::uint64_t LockoutTable::lockedFor(std::string_view address, std::int64_t now_ms) const {
    auto it = entries_.find(std::string(address));
    if (it == entries_.end() || it->second.locked_until_ms == 0 ||
        now_ms >= it->second.locked_until_ms) {
        return 0;
    }
    return static_cast<std::uint64_t>(it->second.locked_until_ms - now_ms);
}

void LockoutTable::makeRoom(std::int64_t now_ms) {
    std::erase_if(entries_, [&](const auto& kv) { return expired(kv.second, now_ms); });
    if (entries_.size() < policy_.max_entries) return;
    auto victim = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
        const Entry& e = it->second;
        if (victim == entries_.end()) {
            victim = it;
            continue;
        }
        const Entry& v = victim->second;
        const bool e_locked = e.locked_until_ms != 0;
        const bool v_locked = v.locked_until_ms != 0;
        if (e_locked != v_locked) {
            if (!e_locked) victim = it;  // an unlocked entry goes before any locked one
        } else if (e_locked ? e.locked_until_ms < v.locked_until_ms : e.last_ms < v.last_ms) {
            victim = it;
        }
    }
    if (victim != entries_.end()) entries_.erase(victim);
}

FailureOutcome LockoutTable::recordFailure(std::string_view address, std::int64_t now_ms) {
    auto it = entries_.find(std::string(address));
    if (it != entries_.end() && expired(it->second, now_ms)) {
        entries_.erase(it);
        it = entries_.end();
    }
    if (it == entries_.end()) {
        if (entries_.size() >= policy_.max_entries) makeRoom(now_ms);
        it = entries_.emplace(std::string(address), Entry{0, now_ms, now_ms, 0}).first;
    }
    Entry& e = it->second;
    FailureOutcome out;
    if (e.locked_until_ms != 0) {
        // Still locked (a login that was already under way when the lock began): no more
        // counting, and the lock is not extended, so the end the operator was told stays true.
        out.failures = e.failures;
        out.delay_ms = delayFor(e.failures);
        out.locked_ms = static_cast<std::uint64_t>(e.locked_until_ms - now_ms);
        return out;
    }
    e.failures = e.failures + 1;
    e.last_ms = now_ms;
    out.failures = e.failures;
    out.delay_ms = delayFor(e.failures);
    if (e.failures >= policy_.max_failures) {
        e.locked_until_ms = plus(now_ms, policy_.lockout_ms);
        out.locked_ms = policy_.lockout_ms;
        out.locked_now = true;
    }
    return out;
}

void LockoutTable::recordSuccess(std::string_view address) {
    entries_.erase(std::string(address));
}

}  // namespace gorgon::monitor
