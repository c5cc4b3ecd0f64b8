// Probe before load: a plugin's init (and its servers' server_open, and its shutdown) run first
// in a forked child. A plugin that crashes or hangs there never reaches the live process.
#pragma once

#include "plugin/plugin_object.hpp"
#include "util/result.hpp"

#include <cstdint>

namespace gorgon {

class Host;

// Runs the probe for an opened (dlopen'ed, descriptor-checked) plugin object. Returns an error
// naming the signal, the exit status or the timeout when the child did not finish cleanly.
// A failing init is not a probe failure: the real load reports it properly.
Result<void> probeInChild(Host& host, PluginObject& object, uint64_t timeout_ms);

// True inside a probe child (nested loads are not probed again, and logging is silenced).
bool inProbeChild() noexcept;

}  // namespace gorgon
