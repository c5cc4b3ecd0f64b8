// The URL side: "/~ann/rest" split into the user and the path inside the user's directory.
#pragma once

#include <optional>
#include <string_view>

namespace gorgon::userdir {

struct UserPath {
    std::string_view user;  // "ann"
    std::string_view rest;  // "/rest", "/" or "" (no slash after the name: a redirect)
};

// nullopt unless `path` (decoded, normalised) starts with "/~".
[[nodiscard]] std::optional<UserPath> splitUserPath(std::string_view path) noexcept;

// A portable user name (POSIX's portable filename characters, not starting with '-', at most
// 32 bytes, as useradd accepts), so a name never needs escaping in a Location or a log.
[[nodiscard]] bool validUserName(std::string_view name) noexcept;

}  // namespace gorgon::userdir
