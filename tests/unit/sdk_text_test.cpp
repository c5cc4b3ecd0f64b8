// Unit tests for the SDK's ASCII text helpers (sdk/include/gorgon/text.hpp).
#include <gorgon/text.hpp>

#include <doctest/doctest.h>

#include <string>

TEST_CASE("sdk text: ASCII case-insensitive compare") {
    using gorgon::text::equalsIgnoreCase;
    CHECK(equalsIgnoreCase("", ""));
    CHECK(equalsIgnoreCase("Basic", "bASIC"));
    CHECK(equalsIgnoreCase("gzip", "GZIP"));
    CHECK_FALSE(equalsIgnoreCase("gzip", "gzi"));
    CHECK_FALSE(equalsIgnoreCase("gzip", "gzipx"));
    CHECK_FALSE(equalsIgnoreCase("a-b", "a_b"));
    CHECK_FALSE(equalsIgnoreCase("[", "{"));                // not folded: only A-Z
    CHECK_FALSE(equalsIgnoreCase("\xc3\x89", "\xc3\xa9"));  // no locale, no UTF-8 folding
    CHECK(equalsIgnoreCase(std::string("a\0B", 3), std::string("A\0b", 3)));
    static_assert(gorgon::text::equalsIgnoreCase("Range", "range"));
    static_assert(gorgon::text::lowerAscii('Z') == 'z' && gorgon::text::lowerAscii('@') == '@');
}
