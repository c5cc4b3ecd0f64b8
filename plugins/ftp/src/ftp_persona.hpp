// Whose rights a filesystem operation uses. A session that logged in as a real Unix user (or an
// anonymous or virtual session mapped to a system account) acts on files with that user's
// fsuid, fsgid and supplementary groups, so the kernel checks permissions and new files are
// owned by the user. The identity is switched for the duration of every single operation by a
// guard and restored on every path out of it, exceptions included; the process itself stays as
// it was (Medusa switched only around some operations, and not back on every error path).
#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

namespace gorgon::ftp {

struct Persona {
    bool active = false;  // false: operations run as the process
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
    std::string name;  // for messages
};

// True when this process may switch to another persona (CAP_SETUID and CAP_SETGID: in practice,
// running as root).
[[nodiscard]] bool canSwitchPersona() noexcept;

class PersonaGuard {
  public:
    explicit PersonaGuard(const Persona& persona) noexcept;
    ~PersonaGuard();
    PersonaGuard(const PersonaGuard&) = delete;
    PersonaGuard& operator=(const PersonaGuard&) = delete;
    PersonaGuard(PersonaGuard&&) = delete;
    PersonaGuard& operator=(PersonaGuard&&) = delete;

    // False when the switch failed: the operation must not run (it would run as the process).
    [[nodiscard]] bool ok() const noexcept { return ok_; }

  private:
    void restore() noexcept;

    bool switched_ = false;
    bool ok_ = true;
};

}  // namespace gorgon::ftp
