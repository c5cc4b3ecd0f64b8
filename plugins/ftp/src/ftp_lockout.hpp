// Failed logins per client address: after `max_failures` within `window_ms`, the address is
// locked out for `lockout_ms` (every login from it is refused, right or wrong, so guessing
// stops paying). Bounded: at most `capacity` addresses are remembered; when full, the entry
// that changed longest ago goes. Time is passed in, so this is pure and unit-tested.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gorgon::ftp {

class LoginLimiter {
  public:
    LoginLimiter(std::uint32_t max_failures, std::uint64_t window_ms, std::uint64_t lockout_ms,
                 std::size_t capacity = 10000);

    // True while `address` is locked out.
    [[nodiscard]] bool locked(std::string_view address, std::int64_t now_ms) const;
    // Records a failure; true if this one locked the address out.
    bool failed(std::string_view address, std::int64_t now_ms);
    // A successful login clears the address's failures.
    void succeeded(std::string_view address);
    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

  private:
    struct Entry {
        std::uint32_t failures = 0;
        std::int64_t window_start = 0;
        std::int64_t locked_until = 0;
        std::int64_t touched = 0;
    };
    void evictOne(std::int64_t now_ms);

    std::uint32_t max_failures_;
    std::uint64_t window_ms_;
    std::uint64_t lockout_ms_;
    std::size_t capacity_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace gorgon::ftp
