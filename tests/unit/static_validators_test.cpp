// Unit tests for http-static's dates, ETags and conditional requests
// (plugins/http-static/src/static_date, static_conditional).
#include "static_conditional.hpp"
#include "static_date.hpp"

#include <doctest/doctest.h>

#include <string>

using gorgon::httpstatic::Conditionals;
using gorgon::httpstatic::etagListMatches;
using gorgon::httpstatic::evaluatePreconditions;
using gorgon::httpstatic::formatEtag;
using gorgon::httpstatic::ifRangeAllows;
using gorgon::httpstatic::kHttpDateLength;
using gorgon::httpstatic::parseHttpDate;
using gorgon::httpstatic::Precondition;
using gorgon::httpstatic::Validators;

namespace {

std::string date(std::int64_t t) {
    char buf[kHttpDateLength];
    gorgon::httpstatic::formatHttpDate(t, buf);
    return {buf, kHttpDateLength};
}

constexpr std::int64_t kRfcExample = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT

}  // namespace

TEST_CASE("static date: IMF-fixdate formatting") {
    CHECK(date(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
    CHECK(date(kRfcExample) == "Sun, 06 Nov 1994 08:49:37 GMT");
    CHECK(date(951782400) == "Tue, 29 Feb 2000 00:00:00 GMT");  // leap day of a 400-year
    CHECK(date(4102444799) == "Thu, 31 Dec 2099 23:59:59 GMT");
    CHECK(date(-1) == "Wed, 31 Dec 1969 23:59:59 GMT");
}

TEST_CASE("static date: the three forms a recipient must accept") {
    CHECK(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT") == kRfcExample);
    CHECK(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT") == kRfcExample);
    CHECK(parseHttpDate("Sun Nov  6 08:49:37 1994") == kRfcExample);
    CHECK(parseHttpDate("Tue, 29 Feb 2000 00:00:00 GMT") == 951782400);
    // Every formatted date parses back.
    for (std::int64_t t : {0, 1, 86399, 951782400, 1700000000}) {
        CHECK(parseHttpDate(date(t)) == t);
    }
}

TEST_CASE("static date: anything else is not a date") {
    for (const char* bad :
         {"", "yesterday", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT",
          "Sun, 06 Nov 1994 08:49:37 GMT ", "Sun, 31 Feb 1994 08:49:37 GMT",
          "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
          "Sun, 06 Nov 1994 08:49 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
          "Tue, 29 Feb 1900 00:00:00 GMT", "Sun Nov 6 08:49:37 1994"}) {
        CAPTURE(bad);
        CHECK_FALSE(parseHttpDate(bad).has_value());
    }
}

TEST_CASE("static date: the cache gives the same text as formatting") {
    gorgon::httpstatic::DateCache cache;
    char buf[kHttpDateLength];
    for (std::int64_t t :
         {kRfcExample, kRfcExample + 8, kRfcExample, std::int64_t{0}, kRfcExample + 8}) {
        cache.format(t, buf);
        CHECK(std::string(buf, kHttpDateLength) == date(t));
    }
}

TEST_CASE("static etag: strong by default, weak on request, changes with the file") {
    char a[gorgon::httpstatic::kEtagCapacity];
    char b[gorgon::httpstatic::kEtagCapacity];
    std::string strong(a, formatEtag(1024, 1'700'000'000'123'456'789, 42, false, a));
    CHECK(strong.front() == '"');
    CHECK(strong.back() == '"');
    std::string weak(b, formatEtag(1024, 1'700'000'000'123'456'789, 42, true, b));
    CHECK(weak == "W/" + strong);
    CHECK(std::string(a, formatEtag(1025, 1'700'000'000'123'456'789, 42, false, a)) != strong);
    CHECK(std::string(a, formatEtag(1024, 1'700'000'000'123'456'790, 42, false, a)) != strong);
    CHECK(std::string(a, formatEtag(1024, 1'700'000'000'123'456'789, 43, false, a)) != strong);
    CHECK(formatEtag(UINT64_MAX, INT64_MAX, UINT64_MAX, true, a) <= sizeof a);
}

TEST_CASE("static etag: list matching, strong and weak") {
    CHECK(etagListMatches("\"a\"", "\"a\"", true));
    CHECK(etagListMatches("\"x\", \"a\"", "\"a\"", true));
    CHECK(etagListMatches("\"x\",,\t\"a\"", "\"a\"", true));
    CHECK(etagListMatches("*", "\"a\"", true));
    CHECK(etagListMatches(" * ", "\"a\"", false));
    CHECK_FALSE(etagListMatches("\"b\"", "\"a\"", false));
    CHECK_FALSE(etagListMatches("\"a", "\"a\"", false));
    CHECK_FALSE(etagListMatches("a", "\"a\"", false));
    // Weak comparison ignores W/; strong comparison refuses it on either side.
    CHECK(etagListMatches("W/\"a\"", "\"a\"", false));
    CHECK(etagListMatches("\"a\"", "W/\"a\"", false));
    CHECK_FALSE(etagListMatches("W/\"a\"", "\"a\"", true));
    CHECK_FALSE(etagListMatches("\"a\"", "W/\"a\"", true));
    // A comma inside the quotes belongs to the tag.
    CHECK(etagListMatches("\"a,b\"", "\"a,b\"", true));
    CHECK_FALSE(etagListMatches("\"a,b\"", "\"a\"", true));
}

TEST_CASE("static conditionals: evaluation order of RFC 9110 13.2.2") {
    const Validators v{"\"tag\"", kRfcExample};
    const std::string same = date(kRfcExample);
    const std::string before = date(kRfcExample - 1);
    const std::string after = date(kRfcExample + 1);
    // eval(If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since); "" is absent.
    auto eval = [&](std::string_view im, std::string_view inm, std::string_view ims,
                    std::string_view ius) {
        Conditionals c;
        c.if_match = im;
        c.if_none_match = inm;
        c.if_modified_since = ims;
        c.if_unmodified_since = ius;
        return evaluatePreconditions(c, v);
    };

    CHECK(eval("", "", "", "") == Precondition::kProceed);
    CHECK(eval("", "\"tag\"", "", "") == Precondition::kNotModified);
    CHECK(eval("", "W/\"tag\"", "", "") == Precondition::kNotModified);
    CHECK(eval("", "*", "", "") == Precondition::kNotModified);
    CHECK(eval("", "\"other\"", "", "") == Precondition::kProceed);
    CHECK(eval("", "", same, "") == Precondition::kNotModified);
    CHECK(eval("", "", after, "") == Precondition::kNotModified);
    CHECK(eval("", "", before, "") == Precondition::kProceed);
    CHECK(eval("", "", "garbage", "") == Precondition::kProceed);
    // If-None-Match wins over If-Modified-Since, which is then ignored.
    CHECK(eval("", "\"other\"", same, "") == Precondition::kProceed);
    CHECK(eval("\"tag\"", "", "", "") == Precondition::kProceed);
    CHECK(eval("\"other\"", "", "", "") == Precondition::kPreconditionFailed);
    CHECK(eval("W/\"tag\"", "", "", "") == Precondition::kPreconditionFailed);
    CHECK(eval("", "", "", before) == Precondition::kPreconditionFailed);
    CHECK(eval("", "", "", same) == Precondition::kProceed);
    // If-Match is evaluated before If-None-Match.
    CHECK(eval("\"other\"", "\"tag\"", "", "") == Precondition::kPreconditionFailed);
}

TEST_CASE("static conditionals: If-Range") {
    const Validators v{"\"tag\"", kRfcExample};
    const std::int64_t later = kRfcExample + 100;
    CHECK(ifRangeAllows("\"tag\"", v, later));
    CHECK_FALSE(ifRangeAllows("\"other\"", v, later));
    CHECK_FALSE(ifRangeAllows("W/\"tag\"", v, later));  // strong comparison only
    CHECK_FALSE(ifRangeAllows("\"tag\", \"x\"", v, later));
    CHECK(ifRangeAllows(date(kRfcExample), v, later));
    CHECK_FALSE(ifRangeAllows(date(kRfcExample - 1), v, later));    // must be exactly equal
    CHECK_FALSE(ifRangeAllows(date(kRfcExample), v, kRfcExample));  // weak Last-Modified
    CHECK_FALSE(ifRangeAllows("", v, later));
    CHECK_FALSE(ifRangeAllows("garbage", v, later));
    const Validators weak{"W/\"tag\"", kRfcExample};
    CHECK_FALSE(ifRangeAllows("W/\"tag\"", weak, later));
}
