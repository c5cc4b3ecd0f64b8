#include "static_date.hpp"

#include <cstring>
#include <ctime>

namespace gorgon::httpstatic {

namespace {

constexpr const char kDays[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char kMonths[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* kLongDays[7] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                      "Thursday", "Friday", "Saturday"};

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) noexcept {
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

Civil civilFromDays(std::int64_t z) noexcept {
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

unsigned daysInMonth(std::int64_t y, unsigned m) noexcept {
    constexpr unsigned kDaysIn[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m != 2) return kDaysIn[m - 1];
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return leap ? 29 : 28;
}

void put2(char* out, unsigned v) noexcept {
    out[0] = static_cast<char>('0' + v / 10 % 10);
    out[1] = static_cast<char>('0' + v % 10);
}

// A cursor over the text with exact-match helpers: any mismatch makes the whole date invalid.
class Reader {
  public:
    explicit Reader(std::string_view s) noexcept : s_(s) {}
    bool literal(std::string_view lit) noexcept {
        if (s_.substr(pos_, lit.size()) != lit) return false;
        pos_ += lit.size();
        return true;
    }
    // Exactly `n` digits (or, with a leading space allowed, " d" for asctime's day).
    bool digits(std::size_t n, unsigned& out, bool space_pad = false) noexcept {
        if (pos_ + n > s_.size()) return false;
        unsigned v = 0;
        for (std::size_t i = 0; i < n; ++i) {
            char c = s_[pos_ + i];
            if (space_pad && i == 0 && c == ' ') continue;
            if (c < '0' || c > '9') return false;
            v = v * 10 + static_cast<unsigned>(c - '0');
        }
        pos_ += n;
        out = v;
        return true;
    }
    // One of `names` (matched case-sensitively, as the grammar says); its index in `index`.
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

std::optional<std::int64_t> assemble(std::int64_t year, unsigned month, unsigned day, unsigned hh,
                                     unsigned mm, unsigned ss) noexcept {
    // 60 is a leap second; HTTP dates carry it as :60 and it is counted as the next second.
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hh > 23 ||
        mm > 59 || ss > 60) {
        return std::nullopt;
    }
    return daysFromCivil(year, month, day) * 86400 + std::int64_t{hh} * 3600 +
           std::int64_t{mm} * 60 + std::int64_t{ss};
}

// What a date is made of, as read (the weekday is checked for form only, as RFC 9110 allows).
struct Fields {
    unsigned wd = 0;
    unsigned day = 0;
    unsigned mon = 0;
    unsigned year = 0;
    unsigned hh = 0;
    unsigned mm = 0;
    unsigned ss = 0;
};

bool clock(Reader& r, unsigned& hh, unsigned& mm, unsigned& ss) noexcept {
    return r.digits(2, hh) && r.literal(":") && r.digits(2, mm) && r.literal(":") &&
           r.digits(2, ss);
}

std::optional<std::int64_t> parseImfFixdate(std::string_view s) noexcept {
    Reader r(s);
    Fields f;
    if (!(r.oneOf(kDays, f.wd) && r.literal(", ") && r.digits(2, f.day) && r.literal(" ") &&
          r.oneOf(kMonths, f.mon) && r.literal(" ") && r.digits(4, f.year) && r.literal(" ") &&
          clock(r, f.hh, f.mm, f.ss) && r.literal(" GMT") && r.done())) {
        return std::nullopt;
    }
    return assemble(f.year, f.mon + 1, f.day, f.hh, f.mm, f.ss);
}

std::optional<std::int64_t> parseRfc850(std::string_view s, std::int64_t now_year) noexcept {
    Reader r(s);
    Fields f;
    if (!(r.oneOf(kLongDays, f.wd) && r.literal(", ") && r.digits(2, f.day) && r.literal("-") &&
          r.oneOf(kMonths, f.mon) && r.literal("-") && r.digits(2, f.year) && r.literal(" ") &&
          clock(r, f.hh, f.mm, f.ss) && r.literal(" GMT") && r.done())) {
        return std::nullopt;
    }
    // RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is in the past century.
    std::int64_t year = now_year / 100 * 100 + f.year;
    if (year > now_year + 50) year -= 100;
    return assemble(year, f.mon + 1, f.day, f.hh, f.mm, f.ss);
}

std::optional<std::int64_t> parseAsctime(std::string_view s) noexcept {
    Reader r(s);
    Fields f;
    if (!(r.oneOf(kDays, f.wd) && r.literal(" ") && r.oneOf(kMonths, f.mon) && r.literal(" ") &&
          r.digits(2, f.day, /*space_pad=*/true) && r.literal(" ") && clock(r, f.hh, f.mm, f.ss) &&
          r.literal(" ") && r.digits(4, f.year) && r.done())) {
        return std::nullopt;
    }
    return assemble(f.year, f.mon + 1, f.day, f.hh, f.mm, f.ss);
}

}  // namespace

void formatHttpDate(std::int64_t seconds, char* out) noexcept {
    std::int64_t days = seconds / 86400;
    std::int64_t rem = seconds % 86400;
    if (rem < 0) {
        rem += 86400;
        days -= 1;
    }
    const Civil c = civilFromDays(days);
    // 1970-01-01 was a Thursday.
    const std::int64_t wd = ((days % 7) + 11) % 7;
    std::memcpy(out, kDays[wd], 3);
    out[3] = ',';
    out[4] = ' ';
    put2(out + 5, c.day);
    out[7] = ' ';
    std::memcpy(out + 8, kMonths[c.month - 1], 3);
    out[11] = ' ';
    const auto y = static_cast<unsigned>(c.year < 0 ? 0 : (c.year > 9999 ? 9999 : c.year));
    put2(out + 12, y / 100);
    put2(out + 14, y % 100);
    out[16] = ' ';
    const auto r = static_cast<unsigned>(rem);
    put2(out + 17, r / 3600);
    out[19] = ':';
    put2(out + 20, r / 60 % 60);
    out[22] = ':';
    put2(out + 23, r % 60);
    constexpr std::string_view kGmt = " GMT";
    kGmt.copy(out + 25, kGmt.size());
}

std::optional<std::int64_t> parseHttpDate(std::string_view text) noexcept {
    if (text.size() == kHttpDateLength && text[3] == ',') return parseImfFixdate(text);
    if (text.size() == 24) return parseAsctime(text);
    // Only RFC 850's two-digit year needs the clock, to pick its century.
    if (text.size() < 30 || text.find('-') == std::string_view::npos) return std::nullopt;
    std::int64_t now_year = 2000;
    if (std::time_t now = std::time(nullptr); now > 0) now_year = civilFromDays(now / 86400).year;
    return parseRfc850(text, now_year);
}

void DateCache::format(std::int64_t seconds, char* out) noexcept {
    Slot& slot = slots_[static_cast<std::uint64_t>(seconds) % slots_.size()];
    if (slot.seconds != seconds) {
        formatHttpDate(seconds, slot.text.data());
        slot.seconds = seconds;
    }
    std::memcpy(out, slot.text.data(), kHttpDateLength);
}

}  // namespace gorgon::httpstatic
