#include "static_paths.hpp"

#include <gorgon/escape.hpp>

#include <algorithm>
#include <cstring>

namespace gorgon::httpstatic {

std::optional<std::string> normalizePrefix(std::string_view in, std::string& out) {
    if (in.empty() || in.front() != '/') return std::string("must start with '/'");
    for (char c : in) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) return std::string("must not contain control characters");
        if (c == '?' || c == '#') {
            return std::string("is a decoded path: it must not contain '?' or '#'");
        }
    }
    std::string_view p = in;
    while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
    // Request paths arrive normalised, so a prefix that is not could never match anything.
    std::size_t i = 1;
    while (i <= p.size()) {
        std::size_t next = p.find('/', i);
        if (next == std::string_view::npos) next = p.size();
        std::string_view seg = p.substr(i, next - i);
        if (p.size() > 1 && (seg.empty() || seg == "." || seg == "..")) {
            return std::string("must not contain empty, '.' or '..' segments");
        }
        i = next + 1;
    }
    out.assign(p);
    return std::nullopt;
}

std::optional<std::string_view> belowPrefix(std::string_view path,
                                            std::string_view prefix) noexcept {
    if (prefix == "/") return path;
    if (!path.starts_with(prefix)) return std::nullopt;
    std::string_view rest = path.substr(prefix.size());
    if (!rest.empty() && rest.front() != '/') return std::nullopt;
    return rest;
}

bool isSafeHost(std::string_view host) noexcept {
    if (host.empty() || host.size() > 255) return false;
    return std::ranges::all_of(host, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '.' || c == '_' || c == '~' || c == ':' || c == '[' || c == ']' ||
               c == '%';
    });
}

std::string directoryLocation(std::string_view host, std::string_view path,
                              std::string_view query) {
    std::string out;
    out.reserve(16 + host.size() + path.size() * 3 + query.size());
    if (isSafeHost(host)) {
        out += "http://";
        out += host;
    }
    escape::appendUrl(out, path, /*keep_slash=*/true);
    out += '/';
    bool clean = true;
    for (char c : query) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f) clean = false;
    }
    if (!query.empty() && clean) {
        out += '?';
        out += query;
    }
    return out;
}

bool PathBuilder::append(std::string_view s) noexcept {
    if (s.size() > kCapacity - len_) return false;
    if (!s.empty()) std::memcpy(buf_ + len_, s.data(), s.size());
    len_ += s.size();
    return true;
}

}  // namespace gorgon::httpstatic
