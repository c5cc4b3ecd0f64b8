// Parsing of the human units used in configuration: durations and byte sizes.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace gorgon {

// "250ms", "10s", "5m", "1h", "2d", or a bare number of seconds. nullopt if malformed.
std::optional<uint64_t> parseDurationMs(std::string_view text);

// "512", "64k", "16M", "1G" (powers of 1024, case-insensitive, optional trailing "B").
std::optional<uint64_t> parseSizeBytes(std::string_view text);

// A decimal integer with optional sign, no trailing garbage.
std::optional<int64_t> parseInt(std::string_view text);

}  // namespace gorgon
