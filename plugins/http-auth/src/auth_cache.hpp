// Recently verified credentials, so that a browser, which sends Authorization with every
// request, does not cost a password hash every time. Keyed by SHA-256(realm, user, password):
// the password itself is never kept. Bounded (least recently used out first) and short-lived
// (an entry is trusted for `ttl_ms` after its check, never refreshed by hits). Time is passed
// in, so this is a plain class.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>

namespace gorgon::httpauth {

using Digest = std::array<std::uint8_t, 32>;

class SuccessCache {
  public:
    SuccessCache(std::size_t capacity, std::int64_t ttl_ms)
        : capacity_(capacity), ttl_ms_(ttl_ms) {}

    // True if `key` was verified less than ttl_ms ago (an expired entry is dropped).
    [[nodiscard]] bool hit(const Digest& key, std::int64_t now_ms);
    void insert(const Digest& key, std::int64_t now_ms);
    void clear() noexcept {
        order_.clear();
        index_.clear();
    }
    [[nodiscard]] std::size_t size() const noexcept { return index_.size(); }

  private:
    struct Entry {
        Digest key;
        std::int64_t expires;
    };
    struct Hash {
        std::size_t operator()(const Digest& d) const noexcept {
            std::size_t h = 0;
            for (std::size_t i = 0; i < sizeof h; ++i) h = (h << 8) | d[i];
            return h;
        }
    };
    std::size_t capacity_;
    std::int64_t ttl_ms_;
    std::list<Entry> order_;  // most recently used first
    std::unordered_map<Digest, std::list<Entry>::iterator, Hash> index_;
};

}  // namespace gorgon::httpauth
