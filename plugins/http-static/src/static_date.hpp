// HTTP dates (RFC 9110 §5.6.7): formatting IMF-fixdate, parsing the three forms a recipient
// must accept, and a tiny cache so that a file served again and again is formatted once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace gorgon::httpstatic {

// "Sun, 06 Nov 1994 08:49:37 GMT": always exactly this many characters.
inline constexpr std::size_t kHttpDateLength = 29;

// Writes the IMF-fixdate for `seconds` since the epoch into out[0..29). No allocation, no locale,
// no time zone: the calendar arithmetic is done here.
void formatHttpDate(std::int64_t seconds, char* out) noexcept;

// Parses an IMF-fixdate, an obsolete RFC 850 date ("Sunday, 06-Nov-94 08:49:37 GMT") or an
// asctime date ("Sun Nov  6 08:49:37 1994"). nullopt for anything else, including trailing
// garbage and impossible dates.
[[nodiscard]] std::optional<std::int64_t> parseHttpDate(std::string_view text) noexcept;

// Remembers the last few formatted dates, keyed by the second. Files that are requested often
// share a handful of modification times, so most requests copy 29 bytes instead of formatting.
class DateCache {
  public:
    // Writes the IMF-fixdate for `seconds` into out[0..29).
    void format(std::int64_t seconds, char* out) noexcept;

  private:
    struct Slot {
        std::int64_t seconds = INT64_MIN;
        std::array<char, kHttpDateLength> text{};
    };
    std::array<Slot, 8> slots_{};
};

}  // namespace gorgon::httpstatic
