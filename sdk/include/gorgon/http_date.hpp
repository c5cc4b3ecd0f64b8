// gorgon/http_date.hpp — HTTP dates (RFC 9110 5.6.7), header-only, part of the C++ layer.
//
// Formats IMF-fixdate, parses the three forms a recipient must accept, and caches formatted
// dates by the second. Calendar arithmetic is done here: no locale, no time zone, no
// allocation, no gmtime(). Compiled into each plugin; nothing here crosses the ABI.
//
//   char buf[gorgon::kHttpDateLength];
//   gorgon::formatHttpDate(st.st_mtime, buf);             // "Sun, 06 Nov 1994 08:49:37 GMT"
//   if (auto t = gorgon::parseHttpDate(if_modified_since)) { /* seconds since the epoch */ }
#ifndef GORGON_HTTP_DATE_HPP
#define GORGON_HTTP_DATE_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <optional>
#include <string_view>

namespace gorgon {

// "Sun, 06 Nov 1994 08:49:37 GMT": always exactly this many characters.
inline constexpr std::size_t kHttpDateLength = 29;

// The range formatHttpDate writes faithfully: 0000-01-01T00:00:00 to 9999-12-31T23:59:59 (UTC).
// Times outside are written as the nearest end, so the text always has a four-digit year.
inline constexpr std::int64_t kHttpDateMin = -62167219200;
inline constexpr std::int64_t kHttpDateMax = 253402300799;

namespace http_date_detail {

inline constexpr char kDays[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
inline constexpr char kMonths[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
inline constexpr const char* kLongDays[7] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                             "Thursday", "Friday", "Saturday"};

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's days_from_civil).
constexpr std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
    std::int64_t year;
    unsigned month;  // 1-12
    unsigned day;    // 1-31
};

// The inverse of daysFromCivil (Howard Hinnant's civil_from_days).
constexpr Civil civilFromDays(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {m <= 2 ? y + 1 : y, m, d};
}

constexpr bool isLeapYear(std::int64_t y) noexcept {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

constexpr unsigned daysInMonth(std::int64_t y, unsigned m) noexcept {
    constexpr unsigned kDaysIn[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m != 2) return kDaysIn[m - 1];
    return isLeapYear(y) ? 29 : 28;
}

inline void put2(char* out, unsigned v) noexcept {
    out[0] = static_cast<char>('0' + v / 10 % 10);
    out[1] = static_cast<char>('0' + v % 10);
}

// A cursor over the text with exact-match helpers: any mismatch makes the whole date invalid.
class Scanner {
  public:
    explicit Scanner(std::string_view s) noexcept : s_(s) {}
    bool literal(std::string_view lit) noexcept {
        if (s_.substr(pos_, lit.size()) != lit) return false;
        pos_ += lit.size();
        return true;
    }
    // Exactly `n` digits (or, with a leading space allowed, " d" for asctime's day).
    bool digits(std::size_t n, unsigned& out, bool space_pad = false) noexcept {
        if (n > s_.size() - pos_) return false;
        unsigned v = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const char c = s_[pos_ + i];
            if (space_pad && i == 0 && c == ' ') continue;
            if (c < '0' || c > '9') return false;
            v = v * 10 + static_cast<unsigned>(c - '0');
        }
        pos_ += n;
        out = v;
        return true;
    }
    // One of `names` (case-sensitive, as the grammar says); its index in `index`.
    template <std::size_t N>
    bool oneOf(const char* const (&names)[N], unsigned& index) noexcept {
        for (std::size_t i = 0; i < N; ++i) {
            if (literal(names[i])) {
                index = static_cast<unsigned>(i);
                return true;
            }
        }
        return false;
    }
    template <std::size_t N, std::size_t L>
    bool oneOf(const char (&names)[N][L], unsigned& index) noexcept {
        for (std::size_t i = 0; i < N; ++i) {
            if (literal(std::string_view(names[i], L - 1))) {
                index = static_cast<unsigned>(i);
                return true;
            }
        }
        return false;
    }
    [[nodiscard]] bool done() const noexcept { return pos_ == s_.size(); }

  private:
    std::string_view s_;
    std::size_t pos_ = 0;
};

// What a date is made of, as read. The weekday is checked for form only (RFC 9110 lets a
// recipient ignore it), so it is not compared with the date.
struct Fields {
    unsigned wd = 0;
    unsigned day = 0;
    unsigned mon = 0;  // 0-11
    unsigned year = 0;
    unsigned hh = 0;
    unsigned mm = 0;
    unsigned ss = 0;
};

inline std::optional<std::int64_t> assemble(std::int64_t year, const Fields& f) noexcept {
    const unsigned month = f.mon + 1;
    // 60 is a leap second; HTTP dates may carry it as :60 and it counts as the next second.
    if (month < 1 || month > 12 || f.day < 1 || f.day > daysInMonth(year, month) || f.hh > 23 ||
        f.mm > 59 || f.ss > 60) {
        return std::nullopt;
    }
    return daysFromCivil(year, month, f.day) * 86400 + std::int64_t{f.hh} * 3600 +
           std::int64_t{f.mm} * 60 + std::int64_t{f.ss};
}

inline bool clock(Scanner& r, Fields& f) noexcept {
    return r.digits(2, f.hh) && r.literal(":") && r.digits(2, f.mm) && r.literal(":") &&
           r.digits(2, f.ss);
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
inline std::optional<std::int64_t> parseImfFixdate(std::string_view s) noexcept {
    Scanner r(s);
    Fields f;
    if (!(r.oneOf(kDays, f.wd) && r.literal(", ") && r.digits(2, f.day) && r.literal(" ") &&
          r.oneOf(kMonths, f.mon) && r.literal(" ") && r.digits(4, f.year) && r.literal(" ") &&
          clock(r, f) && r.literal(" GMT") && r.done())) {
        return std::nullopt;
    }
    return assemble(f.year, f);
}

// "Sunday, 06-Nov-94 08:49:37 GMT" (obsolete RFC 850 form).
inline std::optional<std::int64_t> parseRfc850(std::string_view s, std::int64_t now_year) noexcept {
    Scanner r(s);
    Fields f;
    if (!(r.oneOf(kLongDays, f.wd) && r.literal(", ") && r.digits(2, f.day) && r.literal("-") &&
          r.oneOf(kMonths, f.mon) && r.literal("-") && r.digits(2, f.year) && r.literal(" ") &&
          clock(r, f) && r.literal(" GMT") && r.done())) {
        return std::nullopt;
    }
    // RFC 9110 5.6.7: a two-digit year more than 50 years in the future is in the past century.
    std::int64_t year = now_year / 100 * 100 + f.year;
    if (year > now_year + 50) year -= 100;
    return assemble(year, f);
}

// "Sun Nov  6 08:49:37 1994" (ANSI C asctime() form).
inline std::optional<std::int64_t> parseAsctime(std::string_view s) noexcept {
    Scanner r(s);
    Fields f;
    if (!(r.oneOf(kDays, f.wd) && r.literal(" ") && r.oneOf(kMonths, f.mon) && r.literal(" ") &&
          r.digits(2, f.day, /*space_pad=*/true) && r.literal(" ") && clock(r, f) &&
          r.literal(" ") && r.digits(4, f.year) && r.done())) {
        return std::nullopt;
    }
    return assemble(f.year, f);
}

}  // namespace http_date_detail

// Writes the IMF-fixdate of `seconds` since the epoch into out[0..29), no NUL. Seconds outside
// [kHttpDateMin, kHttpDateMax] are written as the nearest end of that range.
inline void formatHttpDate(std::int64_t seconds, char* out) noexcept {
    namespace d = http_date_detail;
    if (seconds < kHttpDateMin) seconds = kHttpDateMin;
    if (seconds > kHttpDateMax) seconds = kHttpDateMax;
    std::int64_t days = seconds / 86400;
    std::int64_t rem = seconds % 86400;
    if (rem < 0) {
        rem += 86400;
        days -= 1;
    }
    const d::Civil c = d::civilFromDays(days);
    // 1970-01-01 was a Thursday (index 4).
    const auto wd = static_cast<std::size_t>(((days % 7) + 11) % 7);
    std::memcpy(out, d::kDays[wd], 3);
    out[3] = ',';
    out[4] = ' ';
    d::put2(out + 5, c.day);
    out[7] = ' ';
    std::memcpy(out + 8, d::kMonths[c.month - 1], 3);
    out[11] = ' ';
    const auto y = static_cast<unsigned>(c.year);
    d::put2(out + 12, y / 100);
    d::put2(out + 14, y % 100);
    out[16] = ' ';
    const auto r = static_cast<unsigned>(rem);
    d::put2(out + 17, r / 3600);
    out[19] = ':';
    d::put2(out + 20, r / 60 % 60);
    out[22] = ':';
    d::put2(out + 23, r % 60);
    std::memcpy(out + 25, " GMT", 4);
}

// Parses an IMF-fixdate, an obsolete RFC 850 date ("Sunday, 06-Nov-94 08:49:37 GMT") or an
// asctime date ("Sun Nov  6 08:49:37 1994") into seconds since the epoch. nullopt for anything
// else, including surrounding whitespace, trailing garbage and impossible dates (31 Feb, 24:00,
// 29 Feb of a non-leap year). `now` (seconds) only picks the century of an RFC 850 date.
[[nodiscard]] inline std::optional<std::int64_t> parseHttpDate(std::string_view text,
                                                               std::int64_t now) noexcept {
    namespace d = http_date_detail;
    if (text.size() == kHttpDateLength && text[3] == ',') return d::parseImfFixdate(text);
    if (text.size() == 24) return d::parseAsctime(text);
    if (text.size() < 30 || text.find('-') == std::string_view::npos) return std::nullopt;
    if (now < kHttpDateMin || now > kHttpDateMax) now = 0;
    const std::int64_t now_days = now >= 0 ? now / 86400 : (now - 86399) / 86400;
    return d::parseRfc850(text, d::civilFromDays(now_days).year);
}

// As above, with the wall clock for the century of an RFC 850 date.
[[nodiscard]] inline std::optional<std::int64_t> parseHttpDate(std::string_view text) noexcept {
    return parseHttpDate(text, static_cast<std::int64_t>(std::time(nullptr)));
}

// Remembers the last few formatted dates, keyed by the second: the current time for a Date
// field, or the modification times of files served again and again, are formatted once and
// then copied. Not thread-safe: one per thread (plugins run on the one loop thread).
class HttpDateCache {
  public:
    // The IMF-fixdate of `seconds`. The view stays valid until this cache is asked for another
    // second (that may reuse its slot) or destroyed.
    [[nodiscard]] std::string_view text(std::int64_t seconds) noexcept {
        Slot& slot = slots_[static_cast<std::uint64_t>(seconds) % slots_.size()];
        if (!slot.filled || slot.seconds != seconds) {
            formatHttpDate(seconds, slot.text.data());
            slot.seconds = seconds;
            slot.filled = true;
        }
        return {slot.text.data(), slot.text.size()};
    }
    // Writes the IMF-fixdate of `seconds` into out[0..29).
    void format(std::int64_t seconds, char* out) noexcept {
        const std::string_view t = text(seconds);
        std::memcpy(out, t.data(), t.size());
    }

  private:
    struct Slot {
        std::int64_t seconds = 0;
        bool filled = false;
        std::array<char, kHttpDateLength> text{};
    };
    std::array<Slot, 8> slots_{};
};

}  // namespace gorgon

#endif  // GORGON_HTTP_DATE_HPP
