// Failed TCP logins, counted per client address: each failure is answered later than the one
// before, and max_failures within failure_window lock the address out for `lockout`. Pure code
// (time is passed in): unit-tested directly.
//
// The table is bounded (max_entries addresses). When it is full, expired entries go first, then
// the unlocked entry whose last failure is oldest; an address that is locked out is dropped
// only when every entry is locked, and then the one whose lockout ends soonest. So flooding
// the table from many addresses cannot unlock one that is locked, short of locking out as many
// addresses as the table holds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gorgon::monitor {

struct LockoutPolicy {
    std::uint32_t max_failures = 5;
    std::uint64_t window_ms = 10 * 60 * 1000;  // failures further apart than this are forgotten
    std::uint64_t delay_ms = 1000;             // the n-th failure is answered after n x delay
    std::uint64_t max_delay_ms = 30 * 1000;
    std::uint64_t lockout_ms = 15 * 60 * 1000;
    std::size_t max_entries = 4096;
};

struct FailureOutcome {
    std::uint32_t failures = 0;   // failures counted for the address so far, this one included
    std::uint64_t delay_ms = 0;   // how long to wait before answering it
    std::uint64_t locked_ms = 0;  // nonzero: the address is now locked out for this long
    bool locked_now = false;      // this failure began the lockout
};

class LockoutTable {
  public:
    explicit LockoutTable(LockoutPolicy policy) : policy_(policy) {}

    // Milliseconds the address stays locked out at `now_ms`, or 0 if it may try.
    [[nodiscard]] std::uint64_t lockedFor(std::string_view address, std::int64_t now_ms) const;

    FailureOutcome recordFailure(std::string_view address, std::int64_t now_ms);
    void recordSuccess(std::string_view address);

    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
    [[nodiscard]] const LockoutPolicy& policy() const noexcept { return policy_; }

  private:
    struct Entry {
        std::uint32_t failures = 0;
        std::int64_t first_ms = 0;         // the first failure counted
        std::int64_t last_ms = 0;          // the latest failure
        std::int64_t locked_until_ms = 0;  // 0: not locked
    };
    [[nodiscard]] std::uint64_t delayFor(std::uint32_t failures) const noexcept;
    [[nodiscard]] bool expired(const Entry& e, std::int64_t now_ms) const noexcept;
    void makeRoom(std::int64_t now_ms);

    LockoutPolicy policy_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace gorgon::monitor
