// Dropping root after the listeners are bound (config keys `user:` and `group:`).
#pragma once

#include "util/result.hpp"

#include <string>
#include <vector>

#include <sys/types.h>

namespace gorgon {

// Switches to `user` (and `group`, default: the user's primary group), giving up root for good.
// `owned_dirs` are handed to the user first, so the host can keep writing there (plugin copies).
Result<void> dropPrivileges(const std::string& user, const std::string& group,
                            const std::vector<std::string>& owned_dirs);

// Trusts the configured service user (`user:`; empty: none) as an owner of plugin files and of
// the runtime directory, as root is. Needed before the switch: at a restart the runtime
// directory is still the one handed to that user by the previous run.
void trustServiceUser(const std::string& user);

// Root, the user we run as, or the trusted service user.
bool trustedOwner(uid_t uid);

}  // namespace gorgon
