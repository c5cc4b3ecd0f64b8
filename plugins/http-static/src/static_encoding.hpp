// Content negotiation for gzip (RFC 9110 §12.5.3): whether an Accept-Encoding field value lets
// the response be gzip-coded.
#pragma once

#include <string_view>

namespace gorgon::httpstatic {

// True if `accept_encoding` names gzip (or x-gzip) with a non-zero weight, or "*" with a
// non-zero weight while gzip is not named with q=0. An absent or empty field means identity only.
[[nodiscard]] bool acceptsGzip(std::string_view accept_encoding) noexcept;

}  // namespace gorgon::httpstatic
