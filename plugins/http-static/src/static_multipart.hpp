// The framing of a multipart/byteranges body (RFC 9110 §14.6): a header block before each part
// and a closing delimiter, with the exact total length so the response keeps Content-Length.
#pragma once

#include "static_range.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gorgon::httpstatic {

struct MultipartPlan {
    std::vector<std::string> heads;  // heads[i] goes before the bytes of range i
    std::string tail;                // after the last part
    std::uint64_t total = 0;         // every head, every range and the tail
};

// A boundary that cannot occur by chance in the parts' headers and is unlikely in their data:
// "gorgon-" and 16 hex digits mixed from `seed`.
[[nodiscard]] std::string makeBoundary(std::uint64_t seed);

[[nodiscard]] MultipartPlan planMultipart(const ByteRanges& ranges, std::uint64_t size,
                                          std::string_view content_type, std::string_view boundary);

}  // namespace gorgon::httpstatic
