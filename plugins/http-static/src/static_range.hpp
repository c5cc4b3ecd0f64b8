// Range requests (RFC 9110 §14): parsing "bytes=" range sets and resolving them against a
// representation's length.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gorgon::httpstatic {

// More range-specs than this in one request are not worth a multipart body (and are a classic
// amplification trick): the whole representation is sent instead.
inline constexpr std::size_t kMaxRanges = 16;

// One range-spec as written: first-last, first- (last unset) or -suffix.
struct RangeSpec {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    bool has_first = false;  // false: a suffix range of `last` bytes
    bool has_last = false;
};

struct RangeSpecs {
    std::array<RangeSpec, kMaxRanges> specs{};
    std::size_t count = 0;
};

// Parses a Range field value. False when it is not a valid bytes range set (another unit, a
// syntax error, first > last, no range at all) or holds more than kMaxRanges ranges: in every
// such case the field is ignored and the whole representation sent.
[[nodiscard]] bool parseRangeHeader(std::string_view value, RangeSpecs& out) noexcept;

// A satisfiable range, inclusive at both ends.
struct ByteRange {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    [[nodiscard]] std::uint64_t length() const noexcept { return last - first + 1; }
};

struct ByteRanges {
    std::array<ByteRange, kMaxRanges> ranges{};
    std::size_t count = 0;
};

// Resolves `specs` against a representation of `size` bytes: unsatisfiable specs are dropped
// and, if any two of the rest overlap or touch, all are sorted and merged (so a response never
// carries a byte twice). An empty result means 416. Otherwise ranges stay in request order.
void resolveRanges(const RangeSpecs& specs, std::uint64_t size, ByteRanges& out) noexcept;

}  // namespace gorgon::httpstatic
