// What HTTPS changes in the http plugin's own output (the host does TLS itself): the
// Strict-Transport-Security field (RFC 6797), sent only over TLS, and the scheme of absolute
// URLs an extension writes for this very server. Pure code, unit-tested directly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gorgon::http {

struct HstsConfig {
    bool enabled = false;
    std::uint64_t max_age_s = 0;
    bool include_subdomains = false;
    bool preload = false;
};

// `max_age`: whole seconds ("31536000"), or a number with a unit: s, m (minutes), h, d, w, y
// (365 days), as "1y" or "180d". Nothing else.
[[nodiscard]] std::optional<std::uint64_t> parseHstsMaxAge(std::string_view text) noexcept;

// The field value: "max-age=31536000; includeSubDomains; preload".
[[nodiscard]] std::string hstsValue(const HstsConfig& hsts);

// A Location that names this server over plain HTTP ("http://" + `host`, then "/", "?", "#" or
// nothing), written with "https://" instead into `out`; false (and `out` untouched) for any
// other value. Extensions build redirects from the Host field and know no scheme; over TLS the
// scheme they mean is https.
bool appendHttpsLocation(std::string& out, std::string_view location, std::string_view host);

}  // namespace gorgon::http
