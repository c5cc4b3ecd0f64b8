#include "work/watchdog.hpp"

#include "log/logger.hpp"
#include "plugin/generation.hpp"

namespace gorgon {

Watchdog& watchdog() noexcept {
    static Watchdog instance;
    return instance;
}

void Watchdog::record(std::string_view plugin, std::string_view hook, uint64_t us) {
    size_t bucket = 0;
    while (bucket < kBucketLimitsMs.size() && us >= kBucketLimitsMs[bucket] * 1000) ++bucket;
    summary_.buckets[bucket]++;
    if (us > summary_.max_us || summary_.max_plugin.empty()) {
        summary_.max_us = us;
        summary_.max_plugin.assign(plugin);
        summary_.max_hook.assign(hook);
    }
    if (warn_ms_ != 0 && us >= warn_ms_ * 1000) {
        GLOG(Warn, "watchdog: plugin %.*s held the loop for %llu.%03llu ms in %.*s (warn_ms %llu)",
             static_cast<int>(plugin.size()), plugin.data(),
             static_cast<unsigned long long>(us / 1000), static_cast<unsigned long long>(us % 1000),
             static_cast<int>(hook.size()), hook.data(), static_cast<unsigned long long>(warn_ms_));
    }
}

Watchdog::Scope::Scope(const Generation* plugin, const char* hook) noexcept
    : plugin_(plugin), hook_(hook), outermost_(watchdog().depth_++ == 0) {
    if (outermost_) start_ = std::chrono::steady_clock::now();
}

Watchdog::Scope::~Scope() {
    Watchdog& w = watchdog();
    w.depth_--;
    if (!outermost_) return;
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::steady_clock::now() - start_)
                  .count();
    // The generation outlives every callback into it (finalisation is deferred to the loop).
    std::string_view name = plugin_ != nullptr ? std::string_view(plugin_->name()) : "?";
    w.record(name, hook_, static_cast<uint64_t>(us < 0 ? 0 : us));
}

}  // namespace gorgon
