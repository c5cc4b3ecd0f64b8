#include "auth_cache.hpp"

namespace gorgon::httpauth {

bool SuccessCache::hit(const Digest& key, std::int64_t now_ms) {
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    if (it->second->expires <= now_ms) {
        order_.erase(it->second);
        index_.erase(it);
        return false;
    }
    order_.splice(order_.begin(), order_, it->second);
    return true;
}

void SuccessCache::insert(const Digest& key, std::int64_t now_ms) {
    if (capacity_ == 0 || ttl_ms_ <= 0) return;
    auto it = index_.find(key);
    if (it != index_.end()) {
        it->second->expires = now_ms + ttl_ms_;
        order_.splice(order_.begin(), order_, it->second);
        return;
    }
    if (index_.size() >= capacity_) {
        index_.erase(order_.back().key);
        order_.pop_back();
    }
    order_.push_front(Entry{key, now_ms + ttl_ms_});
    index_.emplace(key, order_.begin());
}

}  // namespace gorgon::httpauth
