// The "filesystem:os" provider table: static, constant, valid for as long as the plugin is
// mapped.
#pragma once

#include <gorgon/fs.h>

namespace gorgon::fsos {

[[nodiscard]] const gorgon_fs_provider& osProvider() noexcept;

}  // namespace gorgon::fsos
