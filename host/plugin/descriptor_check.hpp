// Checks a plugin's descriptor before any hook of the plugin runs, and copies what the host
// keeps. Pure function of the descriptor, so it is unit-tested with hand-made descriptors.
#pragma once

#include "util/result.hpp"

#include <gorgon/plugin.h>

#include <string>
#include <vector>

namespace gorgon {

struct DescriptorInfo {
    gorgon_plugin_descriptor hooks{};  // zero-filled past what the plugin's version knows
    std::string name;
    std::string version;
    std::string description;
    std::vector<std::string> provides;
    std::vector<std::string> depends;
    uint16_t abi_major = 0;
    uint16_t abi_minor = 0;
};

// Returns the checked copy, or why the descriptor is refused (without the file name).
Result<DescriptorInfo> checkDescriptor(const gorgon_plugin_descriptor* d);

bool validPluginName(std::string_view name);

}  // namespace gorgon
