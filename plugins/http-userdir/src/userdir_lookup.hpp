// The user database, asked on a work-pool thread: getpwnam_r may go to LDAP or NIS and take
// seconds, which the event loop must never wait for.
#pragma once

#include <cstdint>
#include <string>

namespace gorgon::userdir {

struct Account {
    enum class Outcome { found, unknown, failed } outcome = Outcome::failed;
    std::uint64_t uid = 0;
    std::string home;
};

// Thread-safe (getpwnam_r); touches nothing but its arguments.
[[nodiscard]] Account lookupAccount(const std::string& name);

}  // namespace gorgon::userdir
