// The `work_pool:` and `watchdog:` sections of the configuration.
#pragma once

#include "config/config_node.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace gorgon {

struct WorkSettings {
    unsigned threads = 0;   // work_pool.threads; 0: the cores, at least 2
    uint64_t warn_ms = 50;  // watchdog.warn_ms; 0: never warn
};

// Reads both sections from the configuration's root map; returns one line per problem.
std::vector<std::string> readWorkSettings(const ConfigNode& root, WorkSettings& out);

}  // namespace gorgon
