// Which certificate answers a client's server name (SNI). Pure functions, so they are unit-tested
// without OpenSSL.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gorgon {

// Whether certificate name `pattern` (lower case; "*.example.com" for a wildcard) covers host
// `name` (any case, an optional trailing dot). A wildcard stands for exactly one leftmost label,
// never for a bare suffix (RFC 6125 6.4.3).
bool tlsNameMatches(std::string_view pattern, std::string_view name) noexcept;

// The index of the certificate that answers `sni`: the first whose names match it exactly, else
// the first whose wildcard matches it, else 0 (the default: no SNI, or an unknown name).
size_t tlsPickCertificate(const std::vector<std::vector<std::string>>& names,
                          std::string_view sni) noexcept;

}  // namespace gorgon
