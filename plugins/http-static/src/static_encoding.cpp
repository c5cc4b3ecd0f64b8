#include "static_encoding.hpp"

#include <gorgon/text.hpp>

#include <cstddef>

namespace gorgon::httpstatic {

namespace {

bool isOws(char c) noexcept {
    return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && isOws(s.front())) s.remove_prefix(1);
    while (!s.empty() && isOws(s.back())) s.remove_suffix(1);
    return s;
}

// The weight of one list member's parameters: 1 unless a "q" parameter says otherwise. Only
// whether it is zero matters here, so "q=0", "q=0.", "q=0.000" are zero and anything else with
// a non-zero digit is not. A malformed weight counts as zero (do not compress on doubt).
bool weightIsZero(std::string_view params) noexcept {
    while (!params.empty()) {
        std::size_t semi = params.find(';');
        std::string_view p = trim(params.substr(0, semi));
        params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
        std::size_t eq = p.find('=');
        if (eq == std::string_view::npos || !text::equalsIgnoreCase(trim(p.substr(0, eq)), "q")) {
            continue;
        }
        std::string_view v = trim(p.substr(eq + 1));
        if (v.empty() || (v[0] != '0' && v[0] != '1')) return true;
        for (char c : v) {
            if (c >= '1' && c <= '9') return false;
            if (c != '0' && c != '.') return true;
        }
        return true;
    }
    return false;
}

}  // namespace

bool acceptsGzip(std::string_view accept_encoding) noexcept {
    bool gzip_named = false;
    bool gzip_ok = false;
    bool star_ok = false;
    std::string_view rest = accept_encoding;
    while (!rest.empty()) {
        std::size_t comma = rest.find(',');
        std::string_view member = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        std::size_t semi = member.find(';');
        std::string_view coding = trim(member.substr(0, semi));
        std::string_view params =
            semi == std::string_view::npos ? std::string_view() : member.substr(semi + 1);
        if (text::equalsIgnoreCase(coding, "gzip") || text::equalsIgnoreCase(coding, "x-gzip")) {
            gzip_named = true;
            gzip_ok = gzip_ok || !weightIsZero(params);
        } else if (coding == "*") {
            star_ok = !weightIsZero(params);
        }
    }
    return gzip_named ? gzip_ok : star_ok;
}

}  // namespace gorgon::httpstatic
