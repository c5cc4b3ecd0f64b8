#include "tls/tls_sni.hpp"

namespace gorgon {

namespace {

char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalNoCase(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

std::string_view trimDot(std::string_view name) noexcept {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    return name;
}

bool exact(std::string_view pattern, std::string_view name) noexcept {
    return !pattern.starts_with("*.") && equalNoCase(pattern, name);
}

bool wildcard(std::string_view pattern, std::string_view name) noexcept {
    if (!pattern.starts_with("*.") || pattern.size() < 3) return false;
    size_t dot = name.find('.');
    if (dot == 0 || dot == std::string_view::npos) return false;  // one non-empty label first
    return equalNoCase(pattern.substr(1), name.substr(dot));
}

}  // namespace

bool tlsNameMatches(std::string_view pattern, std::string_view name) noexcept {
    name = trimDot(name);
    if (name.empty()) return false;
    return exact(pattern, name) || wildcard(pattern, name);
}

size_t tlsPickCertificate(const std::vector<std::vector<std::string>>& names,
                          std::string_view sni) noexcept {
    sni = trimDot(sni);
    if (sni.empty()) return 0;
    for (size_t i = 0; i < names.size(); ++i) {
        for (const auto& n : names[i]) {
            if (exact(n, sni)) return i;
        }
    }
    for (size_t i = 0; i < names.size(); ++i) {
        for (const auto& n : names[i]) {
            if (wildcard(n, sni)) return i;
        }
    }
    return 0;
}

}  // namespace gorgon
