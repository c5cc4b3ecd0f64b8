#include "core/privileges.hpp"

#include <cerrno>
#include <cstring>
#include <vector>

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

namespace gorgon {

namespace {
bool g_has_service_uid = false;
uid_t g_service_uid = 0;
}  // namespace

void trustServiceUser(const std::string& user) {
    const passwd* pw = user.empty() ? nullptr : getpwnam(user.c_str());
    g_has_service_uid = pw != nullptr;
    g_service_uid = pw != nullptr ? pw->pw_uid : 0;
}

bool trustedOwner(uid_t uid) {
    return uid == 0 || uid == geteuid() || (g_has_service_uid && uid == g_service_uid);
}

Result<void> dropPrivileges(const std::string& user, const std::string& group,
                            const std::vector<std::string>& owned_dirs) {
    if (user.empty() && group.empty()) return {};
    if (geteuid() != 0) {
        return fail(
            "user/group are set but gorgon was not started as root; start it as root "
            "or remove them");
    }
    const passwd* pw = user.empty() ? nullptr : getpwnam(user.c_str());
    if (!user.empty() && pw == nullptr) return fail("user: no such user \"" + user + "\"");
    gid_t gid = pw != nullptr ? pw->pw_gid : 0;
    if (!group.empty()) {
        const struct group* gr = getgrnam(group.c_str());
        if (gr == nullptr) return fail("group: no such group \"" + group + "\"");
        gid = gr->gr_gid;
    }
    uid_t uid = pw != nullptr ? pw->pw_uid : 0;
    for (const auto& dir : owned_dirs) {
        if (::chown(dir.c_str(), uid, gid) != 0) {
            return fail("cannot hand " + dir + " to the service user: " + std::strerror(errno));
        }
    }
    // Order matters: supplementary groups and gid while still root, uid last.
    if (pw != nullptr ? initgroups(pw->pw_name, gid) != 0 : setgroups(0, nullptr) != 0) {
        return fail(std::string("cannot set supplementary groups: ") + std::strerror(errno));
    }
    if (setgid(gid) != 0) return fail(std::string("setgid: ") + std::strerror(errno));
    if (pw != nullptr && setuid(uid) != 0) {
        return fail(std::string("setuid: ") + std::strerror(errno));
    }
    if (pw != nullptr && uid != 0 && setuid(0) == 0) {
        return fail("privileges could be regained after dropping them; refusing to run");
    }
    return {};
}

}  // namespace gorgon
