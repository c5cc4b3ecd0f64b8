#include "util/units.hpp"

#include <charconv>
#include <limits>

namespace gorgon {

namespace {

std::optional<uint64_t> parseUnsigned(std::string_view digits) {
    if (digits.empty()) return std::nullopt;
    uint64_t value = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
    return value;
}

std::optional<uint64_t> scaled(uint64_t value, uint64_t factor) {
    if (factor != 0 && value > std::numeric_limits<uint64_t>::max() / factor) return std::nullopt;
    return value * factor;
}

// Splits "123abc" into the digits and the unit suffix.
std::pair<std::string_view, std::string_view> splitNumber(std::string_view text) {
    size_t i = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return {text.substr(0, i), text.substr(i)};
}

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

}  // namespace

std::optional<uint64_t> parseDurationMs(std::string_view text) {
    auto [digits, unit] = splitNumber(text);
    auto value = parseUnsigned(digits);
    if (!value) return std::nullopt;
    if (unit.empty() || unit == "s") return scaled(*value, 1000);
    if (unit == "ms") return value;
    if (unit == "m") return scaled(*value, 60'000);
    if (unit == "h") return scaled(*value, 3'600'000);
    if (unit == "d") return scaled(*value, 86'400'000);
    return std::nullopt;
}

std::optional<uint64_t> parseSizeBytes(std::string_view text) {
    auto [digits, unit] = splitNumber(text);
    auto value = parseUnsigned(digits);
    if (!value) return std::nullopt;
    // "64kB" is "64k"; "5bb" is nothing.
    if (unit.size() == 2 && lower(unit[1]) == 'b' && lower(unit[0]) != 'b') {
        unit = unit.substr(0, 1);
    }
    if (unit.empty() || equalsIgnoreCase(unit, "b")) return value;
    if (equalsIgnoreCase(unit, "k")) return scaled(*value, uint64_t{1} << 10);
    if (equalsIgnoreCase(unit, "m")) return scaled(*value, uint64_t{1} << 20);
    if (equalsIgnoreCase(unit, "g")) return scaled(*value, uint64_t{1} << 30);
    return std::nullopt;
}

std::optional<int64_t> parseInt(std::string_view text) {
    if (text.empty()) return std::nullopt;
    // One sign at most: from_chars would read "+-5" as -5 once the '+' is gone.
    if (text.front() == '+') {
        text.remove_prefix(1);
        if (!text.empty() && text.front() == '-') return std::nullopt;
    }
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace gorgon
