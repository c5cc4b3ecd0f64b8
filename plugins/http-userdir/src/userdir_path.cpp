#include "userdir_path.hpp"

#include <algorithm>

namespace gorgon::userdir {

std::optional<UserPath> splitUserPath(std::string_view path) noexcept {
    if (!path.starts_with("/~")) return std::nullopt;
    path.remove_prefix(2);
    const std::size_t slash = path.find('/');
    if (slash == std::string_view::npos) return UserPath{path, {}};
    return UserPath{path.substr(0, slash), path.substr(slash)};
}

bool validUserName(std::string_view name) noexcept {
    if (name.empty() || name.size() > 32 || name.front() == '-') return false;
    return std::ranges::all_of(name, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
    });
}

}  // namespace gorgon::userdir
