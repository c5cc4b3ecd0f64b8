// One opened plugin shared object: the file's checks, the private copy it is loaded from, the
// dlopen handle, and the checked descriptor. Closing it verifies the object really left memory.
#pragma once

#include "plugin/descriptor_check.hpp"
#include "util/result.hpp"

#include <string>

namespace gorgon {

class PluginObject {
  public:
    // Checks `path` (a regular file, owned by root or us, not group/world-writable), copies it
    // to a private, content-hash-named file in `runtime_dir` (hashing what is copied, so what
    // is checked is what is loaded), dlopens the copy and checks the descriptor.
    static Result<PluginObject> open(const std::string& path, const std::string& runtime_dir);

    PluginObject(PluginObject&& o) noexcept;
    PluginObject& operator=(PluginObject&& o) noexcept;
    PluginObject(const PluginObject&) = delete;
    PluginObject& operator=(const PluginObject&) = delete;
    ~PluginObject();

    // dlclose, then ask the loader whether the object is still mapped. Returns true when it
    // is gone; false when something pinned it (reported by the caller).
    bool close();

    [[nodiscard]] const DescriptorInfo& info() const noexcept { return info_; }
    [[nodiscard]] const std::string& file() const noexcept { return file_; }
    [[nodiscard]] const std::string& sha256() const noexcept { return sha256_; }
    [[nodiscard]] const std::string& loadedPath() const noexcept { return loaded_path_; }

  private:
    PluginObject() = default;
    void* handle_ = nullptr;
    std::string file_;         // where the operator put it
    std::string loaded_path_;  // the private copy (unlinked once mapped)
    std::string sha256_;
    DescriptorInfo info_;
};

// Whether dlclose should be skipped (GORGON_PLUGIN_NO_DLCLOSE=1), so leak checkers can still
// symbolise frames in plugin code.
bool pluginDlcloseDisabled();

}  // namespace gorgon
