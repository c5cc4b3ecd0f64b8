#include "static_multipart.hpp"

namespace gorgon::httpstatic {

std::string makeBoundary(std::uint64_t seed) {
    // splitmix64: every bit of the seed affects every digit.
    std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    constexpr char kHex[] = "0123456789abcdef";
    std::string out = "gorgon-";
    for (int shift = 60; shift >= 0; shift -= 4) out += kHex[(z >> shift) & 0xf];
    return out;
}

MultipartPlan planMultipart(const ByteRanges& ranges, std::uint64_t size,
                            std::string_view content_type, std::string_view boundary) {
    MultipartPlan plan;
    plan.heads.reserve(ranges.count);
    for (std::size_t i = 0; i < ranges.count; ++i) {
        const ByteRange& r = ranges.ranges[i];
        std::string head;
        // Each delimiter starts with CRLF; before the first part it is a harmless preamble.
        head += "\r\n--";
        head += boundary;
        head += "\r\nContent-Type: ";
        head += content_type;
        head += "\r\nContent-Range: bytes ";
        head += std::to_string(r.first);
        head += '-';
        head += std::to_string(r.last);
        head += '/';
        head += std::to_string(size);
        head += "\r\n\r\n";
        plan.total += head.size() + r.length();
        plan.heads.push_back(std::move(head));
    }
    plan.tail = "\r\n--";
    plan.tail += boundary;
    plan.tail += "--\r\n";
    plan.total += plan.tail.size();
    return plan;
}

}  // namespace gorgon::httpstatic
