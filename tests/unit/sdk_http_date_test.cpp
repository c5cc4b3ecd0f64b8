// Unit tests for the SDK's HTTP dates (sdk/include/gorgon/http_date.hpp), which the http and
// http-static plugins compile in.
#include <gorgon/http_date.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

using gorgon::kHttpDateLength;
using gorgon::parseHttpDate;

namespace {

std::string date(std::int64_t t) {
    char buf[kHttpDateLength];
    gorgon::formatHttpDate(t, buf);
    return {buf, kHttpDateLength};
}

constexpr std::int64_t kRfcExample = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
constexpr std::int64_t kNow2026 = 1796083200;    // 2026-12-01, for the RFC 850 century

}  // namespace

TEST_CASE("sdk http date: IMF-fixdate formatting") {
    CHECK(date(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
    CHECK(date(kRfcExample) == "Sun, 06 Nov 1994 08:49:37 GMT");
    CHECK(date(4102444799) == "Thu, 31 Dec 2099 23:59:59 GMT");
    CHECK(date(-1) == "Wed, 31 Dec 1969 23:59:59 GMT");
    CHECK(date(2147483648) == "Tue, 19 Jan 2038 03:14:08 GMT");  // past a 32-bit time_t
}

TEST_CASE("sdk http date: leap years follow the Gregorian rule") {
    CHECK(date(951782400) == "Tue, 29 Feb 2000 00:00:00 GMT");   // divisible by 400
    CHECK(date(1709208000) == "Thu, 29 Feb 2024 12:00:00 GMT");  // divisible by 4
    CHECK(date(4107542399) == "Sun, 28 Feb 2100 23:59:59 GMT");  // divisible by 100: no 29th
    CHECK(date(4107542400) == "Mon, 01 Mar 2100 00:00:00 GMT");
    CHECK(date(-11670998400) == "Tue, 29 Feb 1600 00:00:00 GMT");  // before 1970 too
    CHECK(parseHttpDate("Thu, 29 Feb 2024 12:00:00 GMT") == 1709208000);
    CHECK_FALSE(parseHttpDate("Mon, 29 Feb 2100 00:00:00 GMT").has_value());
    CHECK_FALSE(parseHttpDate("Thu, 29 Feb 1900 00:00:00 GMT").has_value());
    CHECK_FALSE(parseHttpDate("Sat, 29 Feb 2023 00:00:00 GMT").has_value());
}

TEST_CASE("sdk http date: the ends of the four-digit years") {
    CHECK(date(gorgon::kHttpDateMax) == "Fri, 31 Dec 9999 23:59:59 GMT");
    CHECK(date(gorgon::kHttpDateMin) == "Sat, 01 Jan 0000 00:00:00 GMT");
    // Beyond them the text is the nearest end: still 29 bytes, still a date that parses.
    CHECK(date(gorgon::kHttpDateMax + 1) == date(gorgon::kHttpDateMax));
    CHECK(date(INT64_MAX) == date(gorgon::kHttpDateMax));
    CHECK(date(gorgon::kHttpDateMin - 1) == date(gorgon::kHttpDateMin));
    CHECK(date(INT64_MIN) == date(gorgon::kHttpDateMin));
    CHECK(parseHttpDate("Fri, 31 Dec 9999 23:59:59 GMT") == gorgon::kHttpDateMax);
    CHECK(parseHttpDate("Sat, 01 Jan 0000 00:00:00 GMT") == gorgon::kHttpDateMin);
    CHECK(parseHttpDate("Thu, 01 Jan 1970 00:00:00 GMT") == 0);
    CHECK(parseHttpDate("Wed, 31 Dec 1969 23:59:59 GMT") == -1);
}

TEST_CASE("sdk http date: the three forms a recipient must accept") {
    CHECK(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT") == kRfcExample);
    CHECK(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT") == kRfcExample);
    CHECK(parseHttpDate("Sun Nov  6 08:49:37 1994") == kRfcExample);
    CHECK(parseHttpDate("Sun Nov 16 08:49:37 1994") == kRfcExample + 10 * 86400);
    CHECK(parseHttpDate("Tue, 29 Feb 2000 00:00:00 GMT") == 951782400);
    // A leap second counts as the next second.
    CHECK(parseHttpDate("Sat, 31 Dec 2016 23:59:60 GMT") == 1483228800);
    // Every formatted date parses back.
    for (std::int64_t t : {std::int64_t{0}, std::int64_t{1}, std::int64_t{86399},
                           std::int64_t{951782400}, std::int64_t{1700000000}, std::int64_t{-86401},
                           gorgon::kHttpDateMax, gorgon::kHttpDateMin}) {
        CAPTURE(t);
        CHECK(parseHttpDate(date(t)) == t);
    }
}

TEST_CASE("sdk http date: an RFC 850 year is at most 50 years ahead") {
    // In 2026, "76" is 2076 (50 years ahead) and "77" is 1977 (51 would be too far).
    CHECK(parseHttpDate("Wednesday, 01-Jan-76 00:00:00 GMT", kNow2026) ==
          parseHttpDate("Wed, 01 Jan 2076 00:00:00 GMT"));
    CHECK(parseHttpDate("Saturday, 01-Jan-77 00:00:00 GMT", kNow2026) ==
          parseHttpDate("Sat, 01 Jan 1977 00:00:00 GMT"));
    CHECK(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT", kNow2026) == kRfcExample);
    CHECK(parseHttpDate("Saturday, 01-Jan-00 00:00:00 GMT", kNow2026) == 946684800);
    // The weekday is read for its form only (RFC 9110 lets a recipient ignore it).
    CHECK(parseHttpDate("Monday, 06-Nov-94 08:49:37 GMT", kNow2026) == kRfcExample);
    CHECK_FALSE(parseHttpDate("Sunday, 29-Feb-23 00:00:00 GMT", kNow2026).has_value());
    CHECK_FALSE(parseHttpDate("Sun, 06-Nov-94 08:49:37 GMT", kNow2026).has_value());
}

TEST_CASE("sdk http date: anything else is not a date") {
    for (const char* bad : {"",
                            "yesterday",
                            "Sun, 06 Nov 1994 08:49:37 UTC",
                            "Sun, 6 Nov 1994 08:49:37 GMT",
                            "Sun, 06 Nov 1994 08:49:37 GMT ",
                            " Sun, 06 Nov 1994 08:49:37 GMT",
                            "Sun, 31 Feb 1994 08:49:37 GMT",
                            "Sun, 31 Apr 1994 08:49:37 GMT",
                            "Sun, 00 Nov 1994 08:49:37 GMT",
                            "Sun, 06 Foo 1994 08:49:37 GMT",
                            "Sun, 06 nov 1994 08:49:37 GMT",
                            "Sun, 06 Nov 1994 24:00:00 GMT",
                            "Sun, 06 Nov 1994 23:60:00 GMT",
                            "Sun, 06 Nov 1994 23:59:61 GMT",
                            "Sun, 06 Nov 1994 08:49 GMT",
                            "Xyz, 06 Nov 1994 08:49:37 GMT",
                            "Sun, 06 Nov -994 08:49:37 GMT",
                            "Sun, 06 Nov 19941 08:49:37 GM",
                            "Tue, 29 Feb 1900 00:00:00 GMT",
                            "Sun Nov 6 08:49:37 1994",
                            "Sun Nov  6 08:49:37 94",
                            "Sun Nov 0x 08:49:37 1994",
                            "Sunday, 06-Nov-1994 08:49:37 GMT",
                            "Sunday, 06-Nov-94 08:49:37 GMT+0",
                            "Sunday 06-Nov-94 08:49:37 GMT-------"}) {
        CAPTURE(bad);
        CHECK_FALSE(parseHttpDate(bad).has_value());
    }
    // Text that stops part-way through never reads past its end.
    const std::string whole = "Sunday, 06-Nov-94 08:49:37 GMT";
    for (std::size_t n = 0; n < whole.size(); ++n) {
        CAPTURE(n);
        CHECK_FALSE(parseHttpDate(std::string_view(whole.data(), n), kNow2026).has_value());
    }
}

TEST_CASE("sdk http date: the cache gives the same text as formatting") {
    gorgon::HttpDateCache cache;
    char buf[kHttpDateLength];
    // Seconds 0 and 8 share a slot; a never-used slot is not mistaken for second 0.
    for (std::int64_t t : {kRfcExample, kRfcExample + 8, kRfcExample, std::int64_t{0},
                           kRfcExample + 8, std::int64_t{8}, std::int64_t{0}, std::int64_t{-1}}) {
        CAPTURE(t);
        cache.format(t, buf);
        CHECK(std::string(buf, kHttpDateLength) == date(t));
        CHECK(cache.text(t) == date(t));
    }
    gorgon::HttpDateCache fresh;
    CHECK(fresh.text(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
}
