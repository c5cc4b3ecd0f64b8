#include "ftp_lockout.hpp"

namespace gorgon::ftp {

LoginLimiter::LoginLimiter(std::uint32_t max_failures, std::uint64_t window_ms,
                           std::uint64_t lockout_ms, std::size_t capacity)
    : max_failures_(max_failures),
      window_ms_(window_ms),
      lockout_ms_(lockout_ms),
      capacity_(capacity == 0 ? 1 : capacity) {}

bool LoginLimiter::locked(std::string_view address, std::int64_t now_ms) const {
    if (max_failures_ == 0) return false;
    auto it = entries_.find(std::string(address));
    return it != entries_.end() && it->second.locked_until > now_ms;
}

bool LoginLimiter::failed(std::string_view address, std::int64_t now_ms) {
    if (max_failures_ == 0) return false;
    auto it = entries_.find(std::string(address));
    if (it == entries_.end()) {
        if (entries_.size() >= capacity_) evictOne(now_ms);
        it = entries_.emplace(std::string(address), Entry{}).first;
    }
    Entry& e = it->second;
    e.touched = now_ms;
    if (e.failures == 0 || now_ms - e.window_start > static_cast<std::int64_t>(window_ms_)) {
        e.failures = 0;
        e.window_start = now_ms;
    }
    ++e.failures;
    if (e.failures >= max_failures_) {
        e.locked_until = now_ms + static_cast<std::int64_t>(lockout_ms_);
        e.failures = 0;
        return true;
    }
    return false;
}

void LoginLimiter::succeeded(std::string_view address) {
    auto it = entries_.find(std::string(address));
    if (it != entries_.end() && it->second.locked_until == 0) entries_.erase(it);
}

void LoginLimiter::evictOne(std::int64_t now_ms) {
    // Expired entries first; otherwise the one touched longest ago. Linear, but only when full.
    auto victim = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
        const Entry& e = it->second;
        const bool expired = e.locked_until <= now_ms &&
                             now_ms - e.window_start > static_cast<std::int64_t>(window_ms_);
        if (expired) {
            victim = it;
            break;
        }
        if (victim == entries_.end() || e.touched < victim->second.touched) victim = it;
    }
    if (victim != entries_.end()) entries_.erase(victim);
}

}  // namespace gorgon::ftp
