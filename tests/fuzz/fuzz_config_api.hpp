// A host function table for the configuration fuzz target: the configuration entries read the
// real host ConfigNode tree (host/config/config_node.cpp), as the host's own trampolines in
// host/plugin/host_api.cpp do, and the error entries collect what a plugin reports. The
// remaining entries a parser may touch (log, service_publish) do nothing; all others are null,
// so a parser that reached for them would crash the target and be noticed. The unit tests use
// it too, to run a plugin's parser on a regression input.
#pragma once

#include <gorgon/plugin.h>

#include <string>

namespace gorgon::fuzz {

// What the plugin reported through config_error, config_check_keys and set_error.
struct Reported {
    std::string errors;
    int count = 0;
};

[[nodiscard]] const gorgon_host_api* configApi() noexcept;
// The `self` to pass with configApi(): errors land in `out`.
[[nodiscard]] gorgon_plugin* reporter(Reported& out) noexcept;

}  // namespace gorgon::fuzz
