// The loop-lag watchdog: times every callback the host makes into plugin code, logs one that
// held the loop past watchdog.warn_ms (naming the plugin and the hook), and keeps the longest
// and a histogram for `gorgonctl status`. The loop is single-threaded, so it needs no lock.
#pragma once

#include <gorgon/plugin.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace gorgon {

class Generation;

class Watchdog {
  public:
    // Upper bounds (exclusive, in ms) of every bucket but the last, which takes the rest.
    static constexpr std::array<uint64_t, GORGON_LAG_BUCKETS - 1> kBucketLimitsMs{1, 5, 20, 100,
                                                                                  500};

    struct Summary {
        uint64_t max_us = 0;
        std::string max_plugin;
        std::string max_hook;
        std::array<uint64_t, GORGON_LAG_BUCKETS> buckets{};
    };

    void setWarnMs(uint64_t ms) noexcept { warn_ms_ = ms; }
    [[nodiscard]] uint64_t warnMs() const noexcept { return warn_ms_; }
    [[nodiscard]] const Summary& summary() const noexcept { return summary_; }

    // One callback of `plugin` into `hook` took `us` microseconds.
    void record(std::string_view plugin, std::string_view hook, uint64_t us);

    // Times the callback made while it lives. Only the outermost scope counts: a plugin's
    // callback that reaches another plugin (a custom producer inside conn_send) is one stretch
    // of loop time, not two.
    class Scope {
      public:
        Scope(const Generation* plugin, const char* hook) noexcept;
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;
        ~Scope();

      private:
        const Generation* plugin_;
        const char* hook_;
        bool outermost_;
        std::chrono::steady_clock::time_point start_;
    };

  private:
    uint64_t warn_ms_ = 50;
    int depth_ = 0;
    Summary summary_;
};

// The process's watchdog (one loop, one watchdog).
Watchdog& watchdog() noexcept;

// Shorthand for the call sites: `WatchScope w(c.owner, "on_data");`.
using WatchScope = Watchdog::Scope;

}  // namespace gorgon
