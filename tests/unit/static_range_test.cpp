// Unit tests for http-static's Range parsing and resolution (plugins/http-static/src/static_range).
#include "static_range.hpp"

#include "static_multipart.hpp"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

using gorgon::httpstatic::ByteRanges;
using gorgon::httpstatic::kMaxRanges;
using gorgon::httpstatic::parseRangeHeader;
using gorgon::httpstatic::RangeSpecs;
using gorgon::httpstatic::resolveRanges;

namespace {

// The ranges `header` selects in a representation of `size` bytes, as (first, last) pairs;
// {{-1, -1}} when the header is ignored (sent whole), {} when unsatisfiable (416).
std::vector<std::pair<long long, long long>> ranges(const std::string& header, unsigned long size) {
    RangeSpecs specs;
    if (!parseRangeHeader(header, specs)) return {{-1, -1}};
    ByteRanges out;
    resolveRanges(specs, size, out);
    std::vector<std::pair<long long, long long>> v;
    for (std::size_t i = 0; i < out.count; ++i) {
        v.emplace_back(static_cast<long long>(out.ranges[i].first),
                       static_cast<long long>(out.ranges[i].last));
    }
    return v;
}

using Pairs = std::vector<std::pair<long long, long long>>;
const Pairs kIgnored = {{-1, -1}};

}  // namespace

TEST_CASE("static range: single ranges of the three forms") {
    CHECK(ranges("bytes=0-99", 1000) == Pairs{{0, 99}});
    CHECK(ranges("bytes=100-", 1000) == Pairs{{100, 999}});
    CHECK(ranges("bytes=-100", 1000) == Pairs{{900, 999}});
    CHECK(ranges("bytes=-5000", 1000) == Pairs{{0, 999}});       // suffix longer than the file
    CHECK(ranges("bytes=990-5000", 1000) == Pairs{{990, 999}});  // last clamped
    CHECK(ranges("bytes=999-999", 1000) == Pairs{{999, 999}});
    CHECK(ranges("BYTES=0-0", 1000) == Pairs{{0, 0}});  // the unit is case-insensitive
    CHECK(ranges("bytes=0-99999999999999999999999", 10) == Pairs{{0, 9}});  // saturates
}

TEST_CASE("static range: unsatisfiable ranges mean 416") {
    CHECK(ranges("bytes=1000-", 1000).empty());
    CHECK(ranges("bytes=1000-2000", 1000).empty());
    CHECK(ranges("bytes=-0", 1000).empty());
    CHECK(ranges("bytes=0-0", 0).empty());  // nothing in an empty file can be selected
    CHECK(ranges("bytes=-1", 0).empty());
    CHECK(ranges("bytes=99999999999999999999999-", 10).empty());
    // One satisfiable range among unsatisfiable ones is enough.
    CHECK(ranges("bytes=5000-6000, 0-1", 1000) == Pairs{{0, 1}});
}

TEST_CASE("static range: invalid syntax is ignored (the whole file is sent)") {
    for (const char* bad : {"", "bytes", "bytes=", "bytes=,", "items=0-1", "bytes 0-1", "bytes=a-b",
                            "bytes=1-0", "bytes=0-1;x", "bytes=--1", "bytes=0-1-2", "bytes=-",
                            "bytes=1 2-3", "bytes=0x10-20", "bytes=5-1, 0-1"}) {
        CAPTURE(bad);
        CHECK(ranges(bad, 1000) == kIgnored);
    }
}

TEST_CASE("static range: lists, whitespace and empty elements") {
    CHECK(ranges("bytes=0-1,4-5", 10) == Pairs{{0, 1}, {4, 5}});
    CHECK(ranges("bytes= 0-1 , 4-5 ", 10) == Pairs{{0, 1}, {4, 5}});
    CHECK(ranges("bytes=,0-1,,4-5,", 10) == Pairs{{0, 1}, {4, 5}});
    // Request order is kept when nothing overlaps.
    CHECK(ranges("bytes=6-7,0-1", 10) == Pairs{{6, 7}, {0, 1}});
}

TEST_CASE("static range: overlapping or touching ranges are merged") {
    CHECK(ranges("bytes=0-5,3-8", 10) == Pairs{{0, 8}});
    CHECK(ranges("bytes=0-4,5-9", 10) == Pairs{{0, 9}});              // touching
    CHECK(ranges("bytes=6-9,0-1,1-3", 10) == Pairs{{0, 3}, {6, 9}});  // sorted once merged
    CHECK(ranges("bytes=0-,0-,0-,-10", 10) == Pairs{{0, 9}});
    CHECK(ranges("bytes=2-3,2-3", 10) == Pairs{{2, 3}});
}

TEST_CASE("static range: more than 16 ranges are ignored") {
    std::string h = "bytes=";
    for (std::size_t i = 0; i < kMaxRanges; ++i)
        h += std::to_string(i * 10) + "-" + std::to_string(i * 10 + 1) + ",";
    CHECK(ranges(h, 1000).size() == kMaxRanges);
    h += "500-501";
    CHECK(ranges(h, 1000) == kIgnored);
}

TEST_CASE("static multipart: part headers, tail and the exact total length") {
    ByteRanges r;
    r.count = 2;
    r.ranges[0] = {0, 1};
    r.ranges[1] = {5, 9};
    const auto plan = gorgon::httpstatic::planMultipart(r, 10, "text/plain", "B");
    REQUIRE(plan.heads.size() == 2);
    CHECK(plan.heads[0] ==
          "\r\n--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\n");
    CHECK(plan.heads[1] ==
          "\r\n--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 5-9/10\r\n\r\n");
    CHECK(plan.tail == "\r\n--B--\r\n");
    CHECK(plan.total == plan.heads[0].size() + 2 + plan.heads[1].size() + 5 + plan.tail.size());

    const std::string b1 = gorgon::httpstatic::makeBoundary(1);
    const std::string b2 = gorgon::httpstatic::makeBoundary(2);
    CHECK(b1.size() == 23);
    CHECK(b1.starts_with("gorgon-"));
    CHECK(b1 != b2);
}
