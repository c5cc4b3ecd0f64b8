// Failed checks per client address. After `max_failures` within `window_ms` the address is
// locked out for `lockout_ms`: its credentials are not even checked (429 with Retry-After), so
// guessing stops paying and costs no hashing. Bounded: at most `capacity` addresses are
// remembered, the least recently touched going first, so a spray of addresses cannot grow
// memory (it can only push older entries out). Time is passed in, so this is a plain class.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gorgon::httpauth {

class FailureTable {
  public:
    FailureTable(std::uint32_t max_failures, std::int64_t window_ms, std::int64_t lockout_ms,
                 std::size_t capacity)
        : max_failures_(max_failures),
          window_ms_(window_ms),
          lockout_ms_(lockout_ms),
          capacity_(capacity) {}

    // Milliseconds left of the address's lockout; 0 when it is not locked out.
    [[nodiscard]] std::int64_t lockedFor(std::string_view address, std::int64_t now_ms) const;
    // Records a failure; true if this one locked the address out.
    bool failed(std::string_view address, std::int64_t now_ms);
    // A success clears the address's failures.
    void succeeded(std::string_view address);
    [[nodiscard]] std::size_t size() const noexcept { return index_.size(); }

  private:
    struct Entry {
        std::string address;
        std::uint32_t failures = 0;
        std::int64_t window_start = 0;
        std::int64_t locked_until = 0;
    };
    std::uint32_t max_failures_;
    std::int64_t window_ms_;
    std::int64_t lockout_ms_;
    std::size_t capacity_;
    std::list<Entry> order_;  // most recently touched first
    std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // keys in order_
};

}  // namespace gorgon::httpauth
