// Paths: from the request's path to the path in the root, and the names beside a target.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace gorgon::httpput {

// The path in the root for a request path under `prefix` (pathUnder already true): always
// starts with '/'; "/" for the prefix itself. A trailing '/' is kept (it names a directory).
[[nodiscard]] std::string pathInRoot(std::string_view path, std::string_view prefix);

// True when `p` names a directory: "/" or ending in '/'.
[[nodiscard]] bool namesDirectory(std::string_view p) noexcept;

// "/a/b" -> "/a", "/b" -> "/".
[[nodiscard]] std::string_view parentOf(std::string_view p) noexcept;
// "/a/b" -> "b".
[[nodiscard]] std::string_view baseName(std::string_view p) noexcept;

// The temporary file's path beside `target`: a hidden name that starts with the target's name
// (cut, so that it stays under NAME_MAX) and ends with `random` in hex, so nobody can guess it
// in advance and plant a link there (it is opened O_EXCL in any case).
[[nodiscard]] std::string tempPathFor(std::string_view target,
                                      std::span<const std::uint8_t> random);

// The request-target without its query, for Location.
[[nodiscard]] std::string_view withoutQuery(std::string_view target) noexcept;

}  // namespace gorgon::httpput
