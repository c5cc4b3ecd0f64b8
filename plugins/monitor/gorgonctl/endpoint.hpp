// Where the monitor is: --host/--port, else --socket, else $GORGON_MONITOR, else the first of
// the default socket paths that exists.
#pragma once

#include "client.hpp"
#include "options.hpp"

#include <string>
#include <vector>

namespace gorgonctl {

// The default config's socket (relative to the working directory), then the packaged one.
[[nodiscard]] const std::vector<std::string>& defaultSockets();

// Throws ClientError(kExitConnect) when no socket is given and none of the defaults exists.
[[nodiscard]] Endpoint resolveEndpoint(const Options& options, const char* env_monitor);

}  // namespace gorgonctl
