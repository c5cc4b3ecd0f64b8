#include "put_paths.hpp"

#include <algorithm>

namespace gorgon::httpput {

namespace {

constexpr std::size_t kMaxNameInTemp = 100;  // of the target's name: NAME_MAX is 255

}  // namespace

std::string pathInRoot(std::string_view path, std::string_view prefix) {
    if (prefix.empty() || prefix == "/") return std::string(path.empty() ? "/" : path);
    std::string_view rest = path.substr(std::min(prefix.size(), path.size()));
    if (prefix.back() == '/') return "/" + std::string(rest);
    return rest.empty() ? std::string("/") : std::string(rest);
}

bool namesDirectory(std::string_view p) noexcept {
    return p.empty() || p.back() == '/';
}

std::string_view parentOf(std::string_view p) noexcept {
    const std::size_t slash = p.rfind('/');
    if (slash == std::string_view::npos || slash == 0) return "/";
    return p.substr(0, slash);
}

std::string_view baseName(std::string_view p) noexcept {
    const std::size_t slash = p.rfind('/');
    return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

std::string tempPathFor(std::string_view target, std::span<const std::uint8_t> random) {
    constexpr char kHex[] = "0123456789abcdef";
    const std::string_view parent = parentOf(target);
    std::string out(parent);
    if (out.back() != '/') out += '/';
    out += '.';
    out += baseName(target).substr(0, kMaxNameInTemp);
    out += ".put-";
    for (const std::uint8_t b : random) {
        out += kHex[b >> 4];
        out += kHex[b & 0xf];
    }
    return out;
}

std::string_view withoutQuery(std::string_view target) noexcept {
    return target.substr(0, target.find('?'));
}

}  // namespace gorgon::httpput
