// The pure string work of fs-union: reading the layers out of open_root's `root` string, and
// normalising a caller's path once so that every layer is asked about the same name. No system
// calls; unit-tested in tests/unit/fs_union_test.cpp.
#pragma once

#include <gorgon/plugin.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gorgon::fsunion {

// More layers than this is a configuration mistake, and every lookup miss costs one stat per
// layer.
inline constexpr std::size_t kMaxLayers = 16;

// Splits "top:middle:bottom" (top first, like PATH) into layer directories. A '\' escapes the
// next character, so "\:" is a ':' inside a layer path and "\\" a '\'. Returns false with a
// reason in `error` for an empty string, an empty layer ("a::b", a leading or trailing ':'),
// a trailing lone '\', a NUL byte, or more than kMaxLayers layers.
[[nodiscard]] bool parseLayers(std::string_view root, std::vector<std::string>& layers,
                               std::string& error);

// The caller's path as "a/b/c": '/'-separated components with "", "." and repeated '/' dropped
// and ".." taken lexically (every layer then sees the same name, whatever links it holds).
// The root is "". GORGON_E_INVAL for a NUL byte, a ".." above the root, or more than 4095 bytes.
[[nodiscard]] gorgon_status normalizePath(const char* path, std::size_t len, std::string& out);

// The directory holding a normalised path's last component ("" for a name in the root), and
// the last component.
[[nodiscard]] std::string_view parentOf(std::string_view normal) noexcept;
[[nodiscard]] std::string_view lastOf(std::string_view normal) noexcept;

}  // namespace gorgon::fsunion
