#include "auth_failures.hpp"

namespace gorgon::httpauth {

std::int64_t FailureTable::lockedFor(std::string_view address, std::int64_t now_ms) const {
    auto it = index_.find(address);
    if (it == index_.end() || it->second->locked_until <= now_ms) return 0;
    return it->second->locked_until - now_ms;
}

bool FailureTable::failed(std::string_view address, std::int64_t now_ms) {
    if (max_failures_ == 0 || capacity_ == 0) return false;
    auto it = index_.find(address);
    if (it == index_.end()) {
        if (index_.size() >= capacity_) {
            index_.erase(order_.back().address);
            order_.pop_back();
        }
        order_.push_front(Entry{std::string(address), 0, now_ms, 0});
        it = index_.emplace(order_.front().address, order_.begin()).first;
    } else {
        order_.splice(order_.begin(), order_, it->second);
    }
    Entry& e = *it->second;
    if (now_ms - e.window_start >= window_ms_) {
        e.window_start = now_ms;
        e.failures = 0;
    }
    if (++e.failures < max_failures_) return false;
    e.failures = 0;
    e.window_start = now_ms;
    e.locked_until = now_ms + lockout_ms_;
    return true;
}

void FailureTable::succeeded(std::string_view address) {
    auto it = index_.find(address);
    if (it == index_.end()) return;
    const auto entry = it->second;
    index_.erase(it);
    order_.erase(entry);
}

}  // namespace gorgon::httpauth
