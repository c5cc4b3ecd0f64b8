// Which certificate answers a server name: exact names first, then wildcards, else the first.
#include "tls/tls_sni.hpp"

#include <doctest/doctest.h>

using gorgon::tlsNameMatches;
using gorgon::tlsPickCertificate;

TEST_CASE("SNI exact names match in any case, with or without a trailing dot") {
    CHECK(tlsNameMatches("a.test", "a.test"));
    CHECK(tlsNameMatches("a.test", "A.Test"));
    CHECK(tlsNameMatches("a.test", "a.test."));
    CHECK_FALSE(tlsNameMatches("a.test", "b.test"));
    CHECK_FALSE(tlsNameMatches("a.test", "x.a.test"));
    CHECK_FALSE(tlsNameMatches("a.test", ""));
}

TEST_CASE("SNI wildcards stand for exactly one leftmost label") {
    CHECK(tlsNameMatches("*.b.test", "www.b.test"));
    CHECK(tlsNameMatches("*.b.test", "WWW.B.TEST"));
    CHECK_FALSE(tlsNameMatches("*.b.test", "b.test"));
    CHECK_FALSE(tlsNameMatches("*.b.test", "x.y.b.test"));
    CHECK_FALSE(tlsNameMatches("*.b.test", ".b.test"));
    CHECK_FALSE(tlsNameMatches("*.", "a."));
}

TEST_CASE("SNI prefers exact names to wildcards, and falls back to the first certificate") {
    std::vector<std::vector<std::string>> names{
        {"a.test"}, {"*.b.test", "b.test"}, {"www.b.test"}, {}};
    CHECK(tlsPickCertificate(names, "a.test") == 0);
    CHECK(tlsPickCertificate(names, "b.test") == 1);
    CHECK(tlsPickCertificate(names, "x.b.test") == 1);
    CHECK(tlsPickCertificate(names, "www.b.test") == 2);  // exact, though a wildcard came first
    CHECK(tlsPickCertificate(names, "unknown.test") == 0);
    CHECK(tlsPickCertificate(names, "") == 0);
    CHECK(tlsPickCertificate({}, "a.test") == 0);
}
