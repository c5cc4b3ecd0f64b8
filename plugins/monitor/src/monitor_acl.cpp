#include "monitor_acl.hpp"

#include <algorithm>
#include <array>

namespace gorgon::monitor {

namespace {

constexpr std::array<PermissionName, 15> kNames = {{
    {"status", kPermStatus},
    {"plugins", kPermPlugins},
    {"connections", kPermConnections},
    {"stats", kPermStats},
    {"config.show", kPermConfigShow},
    {"config.check", kPermConfigCheck},
    {"config.reload", kPermConfigReload},
    {"load", kPermLoad},
    {"unload", kPermUnload},
    {"reload", kPermReload},
    {"log", kPermLog},
    {"shutdown", kPermShutdown},
    {"read", kPermRead},
    {"config", kPermConfigShow | kPermConfigCheck | kPermConfigReload},
    {"all", kPermAll},
}};

bool contains(const std::vector<std::uint32_t>& ids, std::uint32_t id) noexcept {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

std::span<const PermissionName> permissionNames() noexcept {
    return kNames;
}

std::optional<PermissionSet> permissionByName(std::string_view name) noexcept {
    for (const PermissionName& p : kNames) {
        if (p.name == name) return p.bits;
    }
    return std::nullopt;
}

std::string_view permissionName(PermissionSet bit) noexcept {
    for (const PermissionName& p : kNames) {
        if (p.bits == bit) return p.name;
    }
    return "?";
}

Acl Acl::defaults(std::uint32_t service_uid) {
    AclRule rule;
    rule.uids.push_back(0);
    if (service_uid != 0) rule.uids.push_back(service_uid);
    rule.granted = kPermAll;
    return Acl({rule});
}

PermissionSet Acl::granted(std::uint32_t uid, std::uint32_t gid) const noexcept {
    PermissionSet out = kPermNone;
    for (const AclRule& r : rules_) {
        if (contains(r.uids, uid) || contains(r.gids, gid) || contains(r.member_uids, uid)) {
            out |= r.granted;
        }
    }
    return out;
}

}  // namespace gorgon::monitor
