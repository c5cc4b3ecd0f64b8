// Who may run which command: the monitor's access list. Pure code: unit-tested directly.
//
// A permission is a bit; each command needs exactly one. An access list is a list of rules,
// each naming users (uids), groups (gids) and the permissions they grant. A caller is allowed
// a permission when some rule that matches the caller grants it; nothing else is allowed
// (deny by default). A rule matches a Unix-socket caller whose uid is listed, whose gid (the
// one the kernel reports for the connecting process) is listed, or who is a member of a listed
// group (resolved from the group database when the configuration is read). TCP callers who
// logged in with the secret get the permissions of `secret_commands` instead.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gorgon::monitor {

using PermissionSet = std::uint32_t;

// One bit per permission. `help` and `quit` need none: they reveal and change nothing.
enum Permission : PermissionSet {
    kPermStatus = 1u << 0,
    kPermPlugins = 1u << 1,
    kPermConnections = 1u << 2,
    kPermStats = 1u << 3,
    kPermConfigShow = 1u << 4,
    kPermConfigCheck = 1u << 5,
    kPermConfigReload = 1u << 6,
    kPermLoad = 1u << 7,
    kPermUnload = 1u << 8,
    kPermReload = 1u << 9,
    kPermLog = 1u << 10,
    kPermShutdown = 1u << 11,
};

inline constexpr PermissionSet kPermNone = 0;
inline constexpr PermissionSet kPermRead =
    kPermStatus | kPermPlugins | kPermConnections | kPermStats | kPermConfigShow;
inline constexpr PermissionSet kPermAll = (1u << 12) - 1;

struct PermissionName {
    std::string_view name;
    PermissionSet bits;
};

// Every name the `commands:` lists accept: each permission, and the groups `read`, `config`
// and `all`.
[[nodiscard]] std::span<const PermissionName> permissionNames() noexcept;

// The bits for a name from permissionNames(), or nullopt.
[[nodiscard]] std::optional<PermissionSet> permissionByName(std::string_view name) noexcept;

// The name of a single permission bit ("config.reload"), for messages.
[[nodiscard]] std::string_view permissionName(PermissionSet bit) noexcept;

struct AclRule {
    std::vector<std::uint32_t> uids;
    std::vector<std::uint32_t> gids;
    std::vector<std::uint32_t> member_uids;  // members of the groups in `gids`, by uid
    PermissionSet granted = kPermNone;
};

class Acl {
  public:
    Acl() = default;
    explicit Acl(std::vector<AclRule> rules) : rules_(std::move(rules)) {}

    // The default when the configuration has no `access` list: root and the user gorgon runs
    // as (its effective uid) may do everything; nobody else anything.
    [[nodiscard]] static Acl defaults(std::uint32_t service_uid);

    // Everything the caller may do. uid and gid are what SO_PEERCRED reported.
    [[nodiscard]] PermissionSet granted(std::uint32_t uid, std::uint32_t gid) const noexcept;

    [[nodiscard]] bool allows(std::uint32_t uid, std::uint32_t gid,
                              PermissionSet permission) const noexcept {
        return permission == kPermNone || (granted(uid, gid) & permission) == permission;
    }

    [[nodiscard]] const std::vector<AclRule>& rules() const noexcept { return rules_; }

  private:
    std::vector<AclRule> rules_;
};

}  // namespace gorgon::monitor
