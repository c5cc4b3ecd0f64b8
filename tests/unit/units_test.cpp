#include "util/units.hpp"

#include <doctest/doctest.h>

using gorgon::parseDurationMs;
using gorgon::parseInt;
using gorgon::parseSizeBytes;

TEST_CASE("durations") {
    CHECK(parseDurationMs("250ms") == 250u);
    CHECK(parseDurationMs("10s") == 10'000u);
    CHECK(parseDurationMs("10") == 10'000u);
    CHECK(parseDurationMs("5m") == 300'000u);
    CHECK(parseDurationMs("1h") == 3'600'000u);
    CHECK(parseDurationMs("2d") == 172'800'000u);
    CHECK_FALSE(parseDurationMs(""));
    CHECK_FALSE(parseDurationMs("s"));
    CHECK_FALSE(parseDurationMs("-1s"));
    CHECK_FALSE(parseDurationMs("1.5s"));
    CHECK_FALSE(parseDurationMs("10 s"));
    CHECK_FALSE(parseDurationMs("99999999999999999999d"));
    CHECK_FALSE(parseDurationMs("999999999999999999d"));  // overflows when scaled
}

TEST_CASE("sizes") {
    CHECK(parseSizeBytes("512") == 512u);
    CHECK(parseSizeBytes("64k") == 65'536u);
    CHECK(parseSizeBytes("64KB") == 65'536u);
    CHECK(parseSizeBytes("16M") == 16u << 20);
    CHECK(parseSizeBytes("1g") == 1u << 30);
    CHECK_FALSE(parseSizeBytes("1T"));
    CHECK_FALSE(parseSizeBytes("k"));
    CHECK_FALSE(parseSizeBytes("12 k"));
}

TEST_CASE("integers") {
    CHECK(parseInt("42") == 42);
    CHECK(parseInt("-7") == -7);
    CHECK(parseInt("+7") == 7);
    CHECK_FALSE(parseInt("7x"));
    CHECK_FALSE(parseInt(""));
    CHECK_FALSE(parseInt("99999999999999999999"));
}
