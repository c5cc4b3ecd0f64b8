#include "fs_provider.hpp"

#include "fs_ops.hpp"

namespace gorgon::fsos {

namespace {

// Constant-initialised: no constructor runs at load time, nothing runs at unload.
constexpr gorgon_fs_provider kProvider = {
    sizeof(gorgon_fs_provider),
    nullptr,  // ctx: the provider keeps no state of its own; each root carries its own
    &openRoot,
    &closeRoot,
    &statPath,
    &openFile,
    &listDir,
    &makeDir,
    &renamePath,
    &removeFile,
    &removeDir,
};

}  // namespace

const gorgon_fs_provider& osProvider() noexcept {
    return kProvider;
}

}  // namespace gorgon::fsos
