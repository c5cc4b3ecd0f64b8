// The table of host functions handed to every plugin (gorgon_host_api).
#pragma once

#include "config/config_node.hpp"

#include <gorgon/plugin.h>

#include <string>

// The hand-off buffer the ABI names opaquely.
struct gorgon_buffer {
    std::string data;
};

namespace gorgon {

const gorgon_host_api& hostApi() noexcept;

inline const gorgon_config* asConfig(const ConfigNode* node) noexcept {
    return node;
}

}  // namespace gorgon
