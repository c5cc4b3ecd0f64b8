// The open-file limit (RLIMIT_NOFILE) against what the servers may hold: every connection is a
// descriptor, and an accept past the limit fails with EMFILE for every server at once.
#pragma once

#include "config/config.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace gorgon {

// Raises the soft limit to `max_open_files`, or to the hard limit when 0 (as nginx's
// worker_rlimit_nofile, and systemd's LimitNOFILE= sets the hard limit). Above the hard limit,
// the hard limit too if the process may (root); otherwise as far as it goes, with a warning.
// Returns the soft limit in force afterwards.
uint64_t raiseOpenFileLimit(uint64_t max_open_files);

// The warning to log when the servers' max_connections (plus the host's own descriptors) do
// not fit in `limit`; nullopt when they do.
std::optional<std::string> openFileShortfall(const Config& config, uint64_t limit);

// Both, as at start and on every SIGHUP: logs what it did and what does not fit.
void checkOpenFiles(const Config& config);

}  // namespace gorgon
