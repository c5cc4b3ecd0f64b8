// How operating-system errors become the statuses fs.h promises.
#pragma once

#include <gorgon/plugin.h>

namespace gorgon::fsos {

// Maps errno values to fs.h statuses. EXDEV and ELOOP come from openat2's confinement
// (RESOLVE_BENEATH, RESOLVE_NO_MAGICLINKS) or a symlink loop: both are a path that cannot be
// resolved inside the root, reported as GORGON_E_INVAL. Anything unlisted is GORGON_E_IO with
// errno left as it was.
[[nodiscard]] gorgon_status statusFromErrno(int err) noexcept;

}  // namespace gorgon::fsos
