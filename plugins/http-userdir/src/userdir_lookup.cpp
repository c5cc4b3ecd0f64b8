#include "userdir_lookup.hpp"

#include <cerrno>
#include <vector>

#include <pwd.h>
#include <unistd.h>

namespace gorgon::userdir {

Account lookupAccount(const std::string& name) {
    Account out;
    long hint = ::sysconf(_SC_GETPW_R_SIZE_MAX);
    std::size_t size = hint > 0 ? static_cast<std::size_t>(hint) : 4096;
    // ERANGE: the entry does not fit; grow, up to a bound no sane entry reaches.
    for (; size <= (1u << 20); size *= 2) {
        std::vector<char> buf(size);
        struct passwd pw {};
        struct passwd* result = nullptr;
        const int rc = ::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &result);
        if (rc == ERANGE) continue;
        if (rc == 0 && result == nullptr) {
            out.outcome = Account::Outcome::unknown;
        } else if (rc == 0 && result->pw_dir != nullptr && result->pw_dir[0] == '/') {
            out.outcome = Account::Outcome::found;
            out.uid = result->pw_uid;
            out.home = result->pw_dir;
        } else if (rc == 0) {
            out.outcome = Account::Outcome::unknown;  // no absolute home: nothing to serve
        } else if (rc == ENOENT || rc == ESRCH || rc == EBADF || rc == EPERM) {
            out.outcome = Account::Outcome::unknown;  // what some NSS modules say for "no such"
        }
        return out;
    }
    return out;  // failed
}

}  // namespace gorgon::userdir
