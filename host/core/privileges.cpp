#include "core/privileges.hpp"

#include "log/logger.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gorgon {

namespace {
bool g_has_service_uid = false;
uid_t g_service_uid = 0;
}  // namespace

namespace {

// The log files opened before the drop (the error log, access logs, xferlogs: regular files open
// for appending) are handed to the service user, as nginx does when it reopens its logs. Without
// this, root owns them, and the service user cannot open them again: not on SIGUSR1 after a
// rotation that kept the file, and not in the out-of-process check that precedes every reload.
void handAppendedFiles(uid_t uid) {
    DIR* dir = ::opendir("/proc/self/fd");
    if (dir == nullptr) return;
    const int own = ::dirfd(dir);
    while (const dirent* e = ::readdir(dir)) {
        char* end = nullptr;
        const long fd = std::strtol(e->d_name, &end, 10);
        if (end == e->d_name || *end != '\0' || fd == own) continue;
        const int flags = ::fcntl(static_cast<int>(fd), F_GETFL);
        if (flags < 0 || (flags & O_APPEND) == 0 || (flags & O_ACCMODE) == O_RDONLY) continue;
        struct stat st {};
        if (::fstat(static_cast<int>(fd), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != 0) {
            continue;
        }
        if (::fchown(static_cast<int>(fd), uid, static_cast<gid_t>(-1)) != 0) {
            GLOG(Warn, "cannot hand a log file (descriptor %ld) to the service user: %s", fd,
                 std::strerror(errno));
        }
    }
    ::closedir(dir);
}

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
    if (pw != nullptr && uid != 0) handAppendedFiles(uid);
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
