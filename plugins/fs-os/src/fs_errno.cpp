#include "fs_errno.hpp"

#include <cerrno>

namespace gorgon::fsos {

gorgon_status statusFromErrno(int err) noexcept {
    switch (err) {
        case ENOENT:
        case ENOTDIR:  // a component of the path is a file: no such entry below it
            return GORGON_E_NOTFOUND;
        case EACCES:
        case EPERM:
        case EROFS:
            return GORGON_E_PERM;
        case EEXIST:
            return GORGON_E_EXISTS;
        case ENOTEMPTY:
        case EBUSY:
        case ETXTBSY:
            return GORGON_E_BUSY;
        case EXDEV:  // would leave the root
        case ELOOP:  // a magic link, or too many symbolic links
        case EINVAL:
        case ENAMETOOLONG:
        case EISDIR:
        case ENXIO:  // a socket, or a FIFO with no reader opened for writing
            return GORGON_E_INVAL;
        case ENOMEM:
            return GORGON_E_NOMEM;
        default:
            return GORGON_E_IO;
    }
}

}  // namespace gorgon::fsos
