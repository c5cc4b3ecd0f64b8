#include "http_tls.hpp"

#include <charconv>
#include <limits>

namespace gorgon::http {

namespace {

char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalNoCase(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

}  // namespace

std::optional<std::uint64_t> parseHstsMaxAge(std::string_view text) noexcept {
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    if (digits == 0) return std::nullopt;
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + digits, value);
    if (ec != std::errc() || end != text.data() + digits) return std::nullopt;
    std::string_view unit = text.substr(digits);
    std::uint64_t factor = 0;
    if (unit.empty() || unit == "s") {
        factor = 1;
    } else if (unit == "m") {
        factor = 60;
    } else if (unit == "h") {
        factor = 3600;
    } else if (unit == "d") {
        factor = 86'400;
    } else if (unit == "w") {
        factor = 7 * 86'400;
    } else if (unit == "y") {
        factor = 365 * 86'400;
    } else {
        return std::nullopt;
    }
    if (value > std::numeric_limits<std::uint64_t>::max() / factor) return std::nullopt;
    return value * factor;
}

std::string hstsValue(const HstsConfig& hsts) {
    std::string out = "max-age=" + std::to_string(hsts.max_age_s);
    if (hsts.include_subdomains) out += "; includeSubDomains";
    if (hsts.preload) out += "; preload";
    return out;
}

bool appendHttpsLocation(std::string& out, std::string_view location, std::string_view host) {
    constexpr std::string_view kHttp = "http://";
    if (host.empty() || location.size() < kHttp.size() + host.size() ||
        !equalNoCase(location.substr(0, kHttp.size()), kHttp)) {
        return false;
    }
    std::string_view authority = location.substr(kHttp.size(), host.size());
    std::string_view rest = location.substr(kHttp.size() + host.size());
    // The whole authority: "http://example.com.evil/" is not this server.
    if (!equalNoCase(authority, host)) return false;
    if (!rest.empty() && rest.front() != '/' && rest.front() != '?' && rest.front() != '#') {
        return false;
    }
    out.append("https://");
    out.append(authority);
    out.append(rest);
    return true;
}

}  // namespace gorgon::http
