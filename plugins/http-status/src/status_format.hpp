// Figures as people read them on the HTML page: sizes, durations, dates and counts.
#pragma once

#include <cstdint>
#include <string>

namespace gorgon::status {

// 999 B, 1.5 KiB, 12.0 MiB, ... (binary units, one decimal).
[[nodiscard]] std::string humanBytes(std::uint64_t n);
// 42s, 5m 02s, 3h 04m, 2d 03h.
[[nodiscard]] std::string humanSeconds(std::int64_t s);
// A lag in microseconds: 850 us, 12.3 ms, 1.20 s.
[[nodiscard]] std::string humanMicros(std::uint64_t us);
// "2026-12-07 23:12:52 UTC" from ms since the epoch; "-" for 0.
[[nodiscard]] std::string utcTime(std::int64_t ms);
// 1234567 as "1,234,567".
[[nodiscard]] std::string grouped(std::uint64_t n);

}  // namespace gorgon::status
