// Unit tests for http-static's ETags and conditional requests (static_conditional). The dates
// themselves are the SDK's <gorgon/http_date.hpp> (sdk_http_date_test.cpp).
#include "static_conditional.hpp"

#include <gorgon/http_date.hpp>

#include <doctest/doctest.h>

#include <string>

using gorgon::kHttpDateLength;
using gorgon::httpstatic::Conditionals;
using gorgon::httpstatic::etagListMatches;
using gorgon::httpstatic::evaluatePreconditions;
using gorgon::httpstatic::formatEtag;
using gorgon::httpstatic::ifRangeAllows;
using gorgon::httpstatic::Precondition;
using gorgon::httpstatic::Validators;

namespace {

std::string date(std::int64_t t) {
    char buf[kHttpDateLength];
    gorgon::formatHttpDate(t, buf);
    return {buf, kHttpDateLength};
}

constexpr std::int64_t kRfcExample = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT

}  // namespace

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
