// Dropping root after the listeners are bound (config keys `user:` and `group:`).
#pragma once

#include "util/result.hpp"

#include <string>
#include <vector>

namespace gorgon {

// Switches to `user` (and `group`, default: the user's primary group), giving up root for good.
// `owned_dirs` are handed to the user first, so the host can keep writing there (plugin copies).
Result<void> dropPrivileges(const std::string& user, const std::string& group,
                            const std::vector<std::string>& owned_dirs);

}  // namespace gorgon
