// Loads and unloads a plugin N times through the real plugin manager, and fails if file
// descriptors, memory mappings or resident memory grow, or if an unloaded plugin stays mapped.
// Prints the cost of one load+init and of one full cycle.
//   gorgon_soak PLUGIN.so CYCLES RUNTIME_DIR
#include <event2/event.h>

#include <malloc.h>

#if defined(__SANITIZE_ADDRESS__)
// From libasan (sanitizer/allocator_interface.h, which GCC 12 does not install).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

#include "config/config.hpp"
#include "core/host.hpp"
#include "log/logger.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

size_t countFds() {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
    return n;
}

// Mappings of files under `dir` (our private plugin copies), and all file-backed mappings
// (anonymous ones come and go with the allocator; a leaked dlopen shows up as a file).
std::pair<size_t, size_t> countMaps(const std::string& dir) {
    std::ifstream maps("/proc/self/maps");
    size_t ours = 0;
    size_t files = 0;
    for (std::string line; std::getline(maps, line);) {
        if (line.find(" /") != std::string::npos) ++files;
        if (line.find(dir) != std::string::npos) ++ours;
    }
    return {ours, files};
}

// Bytes of heap in use by the program. Under ASan, RSS also counts shadow pages touched for
// each newly mapped copy, which are never returned: the allocator's own count is the truth.
size_t heapBytes() {
#if defined(__SANITIZE_ADDRESS__)
    return __sanitizer_get_current_allocated_bytes();
#else
    return mallinfo2().uordblks;
#endif
}

constexpr bool kSanitized =
#if defined(__SANITIZE_ADDRESS__)
    true;
#else
    false;
#endif

long rssKb() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    }
    return 0;
}

// Runs the loop until nothing is pending (finalisation is deferred to the loop).
void settle(gorgon::Host& host) {
    for (int i = 0; i < 8 && !host.plugins().empty(); ++i) {
        event_base_loop(host.loop().base(), EVLOOP_NONBLOCK);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: gorgon_soak PLUGIN.so CYCLES RUNTIME_DIR\n");
        return 2;
    }
    std::string plugin = std::filesystem::absolute(argv[1]).string();
    long cycles = std::strtol(argv[2], nullptr, 10);
    std::string runtime = std::filesystem::absolute(argv[3]).string();
    std::filesystem::create_directories(runtime);
    (void)gorgon::Logger::configure(gorgon::LogLevel::Warn, "stderr");

    auto config = gorgon::parseConfig(
        "plugins:\n  runtime_directory: " + runtime + "\n" + "  directory: " + runtime + "\n",
        "soak.yaml");
    if (!config) {
        std::fprintf(stderr, "%s\n", config.error().c_str());
        return 1;
    }
    gorgon::Host host;
    if (auto r = host.start(std::move(config.value()), false); !r) {
        std::fprintf(stderr, "%s\n", r.error().c_str());
        return 1;
    }

    using Clock = std::chrono::steady_clock;
    Clock::duration load_time{};
    auto start = Clock::now();
    size_t base_fds = 0;
    size_t base_maps = 0;
    long base_rss = 0;
    size_t base_heap = 0;
    long warmup = cycles / 10;
    for (long i = 0; i < cycles; ++i) {
        if (i == warmup) {
            base_fds = countFds();
            base_maps = countMaps(runtime).second;
            base_rss = rssKb();
            base_heap = heapBytes();
        }
        auto t0 = Clock::now();
        auto gen = host.plugins().load(plugin);
        load_time += Clock::now() - t0;
        if (!gen) {
            std::fprintf(stderr, "cycle %ld: load failed: %s\n", i, gen.error().c_str());
            return 1;
        }
        if (auto r = host.plugins().unload(gen.value()->name()); !r) {
            std::fprintf(stderr, "cycle %ld: unload failed: %s\n", i, r.error().c_str());
            return 1;
        }
        settle(host);
        if (!host.plugins().empty()) {
            std::fprintf(stderr, "cycle %ld: the generation was not finalised\n", i);
            return 1;
        }
        if (auto [ours, all] = countMaps(runtime); ours != 0) {
            std::fprintf(stderr, "cycle %ld: %zu mappings of the unloaded plugin remain\n", i,
                         ours);
            return 1;
        }
    }
    auto total = Clock::now() - start;
    size_t fds = countFds();
    size_t maps = countMaps(runtime).second;
    long rss = rssKb();
    size_t heap = heapBytes();
    auto us = [](Clock::duration d) {
        return std::chrono::duration<double, std::micro>(d).count();
    };
    std::printf("cycles: %ld\n", cycles);
    std::printf("load+init: %.1f us per plugin (copy, hash, dlopen, checks, init)\n",
                us(load_time) / static_cast<double>(cycles));
    std::printf("load/unload cycle: %.1f us\n", us(total) / static_cast<double>(cycles));
    std::printf(
        "from cycle %ld to %ld: fds %zu -> %zu, file mappings %zu -> %zu, heap %zu -> %zu "
        "bytes, RSS %ld -> %ld KiB\n",
        warmup, cycles, base_fds, fds, base_maps, maps, base_heap, heap, base_rss, rss);
    bool ok = true;
    if (fds > base_fds) {
        std::fprintf(stderr, "file descriptors grew\n");
        ok = false;
    }
    if (maps > base_maps) {
        std::fprintf(stderr, "file mappings grew\n");
        ok = false;
    }
    // A leak of even 8 bytes a cycle over the measured cycles would exceed this.
    if (heap > base_heap + 8 * static_cast<size_t>(cycles - warmup)) {
        std::fprintf(stderr, "heap grew by %zu bytes\n", heap - base_heap);
        ok = false;
    }
    if (!kSanitized && rss - base_rss > 4096) {
        std::fprintf(stderr, "resident memory grew by %ld KiB\n", rss - base_rss);
        ok = false;
    }
    host.teardown();
    std::printf("%s\n", ok ? "soak: OK" : "soak: FAILED");
    return ok ? 0 : 1;
}
