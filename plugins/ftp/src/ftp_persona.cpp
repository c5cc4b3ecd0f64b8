#include "ftp_persona.hpp"

#include <cstdlib>

#include <grp.h>
#include <sys/fsuid.h>
#include <unistd.h>

namespace gorgon::ftp {

namespace {

// The identity to come back to, read the first time a guard switches: the process's own fsuid
// and fsgid (its euid and egid) and supplementary groups. A plain static: plugins may not use
// thread_local, and the host runs one thread.
struct Saved {
    bool known = false;
    uid_t fsuid = 0;
    gid_t fsgid = 0;
    std::vector<gid_t> groups;
};

Saved& saved() noexcept {
    static Saved s;
    return s;
}

// Nonzero while a guard is switched: nested guards (one operation calling another) change
// nothing.
int g_depth = 0;

bool loadSaved() noexcept {
    Saved& s = saved();
    if (s.known) return true;
    s.fsuid = geteuid();
    s.fsgid = getegid();
    int n = getgroups(0, nullptr);
    if (n < 0) return false;
    try {
        s.groups.resize(static_cast<std::size_t>(n));
    } catch (...) {
        return false;
    }
    if (n > 0 && getgroups(n, s.groups.data()) != n) return false;
    s.known = true;
    return true;
}

// setfsuid and setfsgid report no error: the way to know is to ask for the current value, which
// an invalid id (-1) does without changing it.
bool setFsUid(uid_t uid) noexcept {
    setfsuid(uid);
    return static_cast<uid_t>(setfsuid(static_cast<uid_t>(-1))) == uid;
}
bool setFsGid(gid_t gid) noexcept {
    setfsgid(gid);
    return static_cast<gid_t>(setfsgid(static_cast<gid_t>(-1))) == gid;
}

}  // namespace

bool canSwitchPersona() noexcept {
    return geteuid() == 0;
}

PersonaGuard::PersonaGuard(const Persona& persona) noexcept {
    // After the switch to `user:` the process cannot change identities: it acts with its own
    // rights, as it does when it never was root (a persona is decided when the server opens,
    // which is before the switch).
    if (!persona.active || g_depth > 0 || !canSwitchPersona()) return;
    if (!loadSaved()) {
        ok_ = false;
        return;
    }
    ++g_depth;
    switched_ = true;
    // Groups and gid first: once fsuid is not root, the process may no longer change them.
    ok_ = setgroups(persona.groups.size(), persona.groups.data()) == 0 && setFsGid(persona.gid) &&
          setFsUid(persona.uid);
    if (!ok_) restore();
}

PersonaGuard::~PersonaGuard() {
    if (switched_) restore();
}

void PersonaGuard::restore() noexcept {
    const Saved& s = saved();
    // In reverse: fsuid back to root first, which gives back the right to change the rest.
    const bool back =
        setFsUid(s.fsuid) && setFsGid(s.fsgid) && setgroups(s.groups.size(), s.groups.data()) == 0;
    if (!back) {
        // Carrying on with another user's rights, or with root's where a user's were meant,
        // would make every later permission check wrong: there is no safe way forward.
        std::abort();
    }
    switched_ = false;
    --g_depth;
}

}  // namespace gorgon::ftp
