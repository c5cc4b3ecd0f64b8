// `config check` for the monitor, and the first step of every reload: the same validation as
// `gorgon --check-config FILE` (which also loads the plugins and checks their settings), run in a
// fresh process so that nothing the check loads or initialises touches the live one.
#pragma once

#include <cstdint>
#include <string>

namespace gorgon {

// How long a check may take before it is killed and counts as failed.
inline constexpr uint64_t kConfigCheckTimeoutMs = 30'000;

struct ConfigCheckResult {
    bool ok = false;
    std::string output;  // what the check printed: the errors, one per line
};

// Runs this executable with --check-config `path` and waits up to `timeout_ms` (the loop waits
// too, as it does for a plugin probe; a check takes milliseconds).
ConfigCheckResult checkConfigInChild(const std::string& path, uint64_t timeout_ms);

}  // namespace gorgon
