// Looks up users and groups in the system's databases (getpwnam_r, getgrnam_r). Only called
// while a configuration is read, never while serving, since a name service may be slow.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gorgon::monitor {

struct UserEntry {
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;  // primary group
    std::string name;
};

struct GroupEntry {
    std::uint32_t gid = 0;
    std::string name;
    std::vector<std::string> members;  // supplementary members, by name
};

// A decimal id is taken as it is (the entry may not exist); a name must exist.
[[nodiscard]] std::optional<UserEntry> findUser(std::string_view name_or_uid);
[[nodiscard]] std::optional<GroupEntry> findGroup(std::string_view name_or_gid);

// The name of `uid`, or nullopt.
[[nodiscard]] std::optional<std::string> userName(std::uint32_t uid);

}  // namespace gorgon::monitor
