// What a user name resolved to, kept for a while: the user's open root, or nothing (an unknown
// user, a system user, no public_html: all alike). Bounded (least recently used goes first) and
// timed (an entry older than the TTL is not used), so a new public_html or a removed user is
// seen within the TTL, and a flood of made-up names cannot grow memory.
#pragma once

#include <gorgon/filesystem.hpp>

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace gorgon::userdir {

class RootCache {
  public:
    using Root = std::shared_ptr<const FsRoot>;  // null: nothing is served for the name

    explicit RootCache(std::size_t capacity) : capacity_(capacity) {}

    // The entry for `name` if it is younger than its expiry; an expired one is dropped.
    [[nodiscard]] std::optional<Root> find(const std::string& name, std::int64_t now_ms) {
        auto it = index_.find(name);
        if (it == index_.end()) return std::nullopt;
        if (it->second->expires_ms <= now_ms) {
            order_.erase(it->second);
            index_.erase(it);
            return std::nullopt;
        }
        order_.splice(order_.begin(), order_, it->second);  // most recently used
        return it->second->root;
    }

    void put(const std::string& name, Root root, std::int64_t expires_ms) {
        if (capacity_ == 0) return;
        if (auto it = index_.find(name); it != index_.end()) {
            order_.erase(it->second);
            index_.erase(it);
        }
        while (order_.size() >= capacity_) {
            index_.erase(order_.back().name);
            order_.pop_back();
        }
        order_.push_front(Entry{name, std::move(root), expires_ms});
        index_.emplace(name, order_.begin());
    }

    [[nodiscard]] std::size_t size() const noexcept { return order_.size(); }

  private:
    struct Entry {
        std::string name;
        Root root;
        std::int64_t expires_ms;
    };
    std::size_t capacity_;
    std::list<Entry> order_;
    std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace gorgon::userdir
