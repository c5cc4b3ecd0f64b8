// Objects a plugin may name across calls (connections, timers) live in a slot table and are
// named by 64-bit ids: slot index in the low half, a per-slot reuse counter in the high half.
// A stale id therefore misses instead of reaching a reused or freed object.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace gorgon {

template <class T>
class HandleTable {
  public:
    // Stores `obj` and returns its id (never 0).
    uint64_t insert(std::unique_ptr<T> obj) {
        uint32_t index = 0;
        if (!free_.empty()) {
            index = free_.back();
            free_.pop_back();
        } else {
            index = static_cast<uint32_t>(slots_.size());
            slots_.emplace_back();
        }
        Slot& s = slots_[index];
        s.obj = std::move(obj);
        ++live_;
        return (static_cast<uint64_t>(s.reuse) << 32) | (index + 1u);
    }

    [[nodiscard]] T* find(uint64_t id) const noexcept {
        auto low = static_cast<uint32_t>(id & 0xffffffffu);
        if (low == 0 || low > slots_.size()) return nullptr;
        const Slot& s = slots_[low - 1];
        if (s.reuse != static_cast<uint32_t>(id >> 32)) return nullptr;
        return s.obj.get();
    }

    // Removes and returns the object; the id is stale from now on.
    std::unique_ptr<T> take(uint64_t id) noexcept {
        if (find(id) == nullptr) return nullptr;
        auto index = static_cast<uint32_t>(id & 0xffffffffu) - 1u;
        Slot& s = slots_[index];
        auto obj = std::move(s.obj);
        ++s.reuse;
        free_.push_back(index);
        --live_;
        return obj;
    }

    [[nodiscard]] size_t size() const noexcept { return live_; }

    template <class Fn>
    void forEach(Fn&& fn) const {
        for (const auto& s : slots_) {
            if (s.obj) fn(*s.obj);
        }
    }

    template <class Fn>
    void forEachId(Fn&& fn) const {
        for (size_t i = 0; i < slots_.size(); ++i) {
            const Slot& s = slots_[i];
            if (s.obj) fn((static_cast<uint64_t>(s.reuse) << 32) | (i + 1u), *s.obj);
        }
    }

  private:
    struct Slot {
        std::unique_ptr<T> obj;
        uint32_t reuse = 1;
    };
    std::vector<Slot> slots_;
    std::vector<uint32_t> free_;
    size_t live_ = 0;
};

}  // namespace gorgon
