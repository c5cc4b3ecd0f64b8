#include "static_range.hpp"

#include <gorgon/text.hpp>

#include <algorithm>

namespace gorgon::httpstatic {

namespace {

bool isOws(char c) noexcept {
    return c == ' ' || c == '\t';
}

// Reads 1 or more digits at s[i...], saturating at UINT64_MAX: a position past any real file is
// simply unsatisfiable (or clamped), not a syntax error.
bool readNumber(std::string_view s, std::size_t& i, std::uint64_t& out) noexcept {
    const std::size_t start = i;
    std::uint64_t v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        const auto d = static_cast<std::uint64_t>(s[i] - '0');
        v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
        ++i;
    }
    out = v;
    return i != start;
}

}  // namespace

bool parseRangeHeader(std::string_view value, RangeSpecs& out) noexcept {
    out.count = 0;
    while (!value.empty() && isOws(value.front())) value.remove_prefix(1);
    while (!value.empty() && isOws(value.back())) value.remove_suffix(1);
    const std::size_t eq = value.find('=');
    // The range unit is case-insensitive (RFC 9110 §14.1).
    if (eq == std::string_view::npos || !text::equalsIgnoreCase(value.substr(0, eq), "bytes")) {
        return false;
    }
    const std::string_view set = value.substr(eq + 1);
    std::size_t i = 0;
    while (i < set.size()) {
        if (set[i] == ',' || isOws(set[i])) {  // empty elements and OWS are allowed
            ++i;
            continue;
        }
        RangeSpec spec;
        if (set[i] == '-') {
            ++i;
            if (!readNumber(set, i, spec.last)) return false;
            spec.has_last = true;
        } else {
            if (!readNumber(set, i, spec.first)) return false;
            spec.has_first = true;
            if (i >= set.size() || set[i] != '-') return false;
            ++i;
            if (i < set.size() && set[i] >= '0' && set[i] <= '9') {
                readNumber(set, i, spec.last);
                spec.has_last = true;
                if (spec.last < spec.first) return false;
            }
        }
        // Only OWS may follow before the next comma.
        while (i < set.size() && isOws(set[i])) ++i;
        if (i < set.size() && set[i] != ',') return false;
        if (out.count == kMaxRanges) return false;
        out.specs[out.count++] = spec;
    }
    return out.count != 0;
}

void resolveRanges(const RangeSpecs& specs, std::uint64_t size, ByteRanges& out) noexcept {
    out.count = 0;
    if (size == 0) return;  // nothing in an empty representation can be satisfied
    for (std::size_t i = 0; i < specs.count; ++i) {
        const RangeSpec& s = specs.specs[i];
        ByteRange r;
        if (!s.has_first) {
            if (s.last == 0) continue;  // "-0": zero bytes, unsatisfiable
            r.first = s.last >= size ? 0 : size - s.last;
            r.last = size - 1;
        } else {
            if (s.first >= size) continue;
            r.first = s.first;
            r.last = s.has_last && s.last < size ? s.last : size - 1;
        }
        out.ranges[out.count++] = r;
    }
    if (out.count < 2) return;

    bool overlap = false;
    for (std::size_t i = 0; i < out.count && !overlap; ++i) {
        for (std::size_t j = i + 1; j < out.count && !overlap; ++j) {
            const ByteRange& a = out.ranges[i];
            const ByteRange& b = out.ranges[j];
            // Touching (a.last + 1 == b.first) counts: one part is cheaper than two.
            overlap = a.first <= b.last + 1 && b.first <= a.last + 1;
        }
    }
    if (!overlap) return;
    ByteRange* begin = out.ranges.data();
    ByteRange* end = begin + out.count;
    std::sort(begin, end, [](const ByteRange& a, const ByteRange& b) { return a.first < b.first; });
    std::size_t n = 0;
    for (const ByteRange* it = begin; it != end; ++it) {
        if (n != 0 && it->first <= out.ranges[n - 1].last + 1) {
            out.ranges[n - 1].last = std::max(out.ranges[n - 1].last, it->last);
        } else {
            out.ranges[n++] = *it;
        }
    }
    out.count = n;
}

}  // namespace gorgon::httpstatic
