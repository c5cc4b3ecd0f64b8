// Unit tests for the SDK's hand-off blob writer and reader (sdk/include/gorgon/handoff.hpp).
// The chat and http plugins' codecs on top of it have their own tests.
#include <gorgon/handoff.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

using gorgon::handoff::Reader;
using gorgon::handoff::Writer;

namespace {

constexpr std::string_view kMagic = "test-handoff";

struct Item {
    std::uint64_t id = 0;
    char state = 'A';
    bool on = false;
    std::string name;
    friend bool operator==(const Item&, const Item&) = default;
};

std::string encode(const std::vector<Item>& items, std::uint64_t version = 3) {
    Writer w(kMagic, version, items.size());
    for (const Item& i : items) w.number(i.id).symbol(i.state).flag(i.on).field(i.name).endRecord();
    return std::move(w).finish();
}

// Decodes with the checks a plugin would make; the error (empty on success) in `why`.
bool decode(std::string_view blob, std::vector<Item>& out, std::string& why) {
    out.clear();
    Reader r(blob);
    std::uint64_t n = 0;
    // The shortest record, "0 A 0 0:\n", is 9 bytes.
    if (r.header(kMagic, 3, n, 9, 1000)) {
        for (std::uint64_t k = 0; k < n; ++k) {
            Item i;
            if (!r.number(i.id) || !r.symbol("ABC", i.state) || !r.flag(i.on) ||
                !r.field(i.name, 64) || !r.endRecord()) {
                break;
            }
            out.push_back(i);
        }
        (void)r.finish();
    }
    why = r.error();
    return r.ok();
}

bool decodes(std::string_view blob, std::string* why = nullptr) {
    std::vector<Item> out;
    std::string error;
    const bool ok = decode(blob, out, error);
    if (why != nullptr) *why = error;
    CHECK(ok == error.empty());
    return ok;
}

const std::vector<Item> kSample = {
    {1, 'A', false, "plain"},
    {18446744073709551615ULL, 'C', true, std::string("sp ace\nnew:line\0nul", 19)},
    {0, 'B', false, ""},
};

}  // namespace

TEST_CASE("sdk handoff: the format is the documented text") {
    CHECK(encode({}) == "test-handoff 3 0\nend 17\n");
    CHECK(encode({{42, 'B', true, "a b"}}) == "test-handoff 3 1\n42 B 1 3:a b\nend 30\n");
}

TEST_CASE("sdk handoff: round trip, any bytes in a string") {
    const std::string blob = encode(kSample);
    std::vector<Item> out;
    std::string why;
    REQUIRE(decode(blob, out, why));
    CHECK(why.empty());
    CHECK(out == kSample);
    REQUIRE(decode(encode({}), out, why));
    CHECK(out.empty());
}

TEST_CASE("sdk handoff: every truncation is an error, never a read past the end") {
    const std::string blob = encode(kSample);
    for (std::size_t n = 0; n < blob.size(); ++n) {
        CAPTURE(n);
        // A copy of exactly n bytes, so that ASan sees any read beyond them.
        const std::vector<char> cut(blob.begin(), blob.begin() + static_cast<std::ptrdiff_t>(n));
        CHECK_FALSE(decodes(std::string_view(cut.data(), cut.size())));
    }
    CHECK_FALSE(decodes(blob + "x"));
    CHECK_FALSE(decodes(blob + "\n"));
}

TEST_CASE("sdk handoff: garbled bytes are refused or decode consistently") {
    const std::string blob = encode(kSample);
    for (std::size_t i = 0; i < blob.size(); ++i) {
        for (int delta : {1, -1, 0x40, 0x80}) {
            std::string bad = blob;
            bad[i] = static_cast<char>(bad[i] + delta);
            std::vector<Item> out;
            std::string why;
            // What decodes must be what encodes to those same bytes: nothing slips through.
            if (decode(bad, out, why)) CHECK(encode(out) == bad);
        }
    }
}

TEST_CASE("sdk handoff: lengths and counts are checked, not trusted") {
    std::string why;
    // A string length far beyond the blob, beyond the limit, beyond 64 bits.
    CHECK_FALSE(decodes("test-handoff 3 1\n1 A 0 500:x\nend 29\n", &why));
    CHECK(why.find("out of range") != std::string::npos);
    CHECK_FALSE(decodes("test-handoff 3 1\n1 A 0 60:x\nend 28\n", &why));
    CHECK(why.find("runs past the end") != std::string::npos);
    CHECK_FALSE(decodes("test-handoff 3 1\n1 A 0 18446744073709551616:x\nend 40\n", &why));
    CHECK_FALSE(decodes("test-handoff 3 1\n1 A 0 99999999999999999999999999:x\nend 40\n"));
    // A count the blob cannot hold, or above the caller's maximum, before anything is reserved.
    CHECK_FALSE(decodes("test-handoff 3 5\n1 A 0 1:x\nend 28\n", &why));
    CHECK(why.find("does not fit") != std::string::npos);
    CHECK_FALSE(decodes("test-handoff 3 18446744073709551615\nend 37\n", &why));
    CHECK_FALSE(decodes("test-handoff 3 1001\n" + std::string(20000, 'x'), &why));
    CHECK(why.find("out of range") != std::string::npos);
    // Fewer records than the count says.
    CHECK_FALSE(decodes("test-handoff 3 2\n1 A 0 1:x\nend 28\n"));
}

TEST_CASE("sdk handoff: the header and the trailer are exact") {
    std::string why;
    CHECK_FALSE(decodes("", &why));
    CHECK(why.find("at byte 0") != std::string::npos);
    CHECK_FALSE(decodes(encode({}, 4), &why));
    CHECK(why.find("version 4, expected 3") != std::string::npos);
    CHECK_FALSE(decodes("other-handoff 3 0\nend 18\n"));
    CHECK_FALSE(decodes("test-handoff 03 0\nend 18\n"));   // leading zero
    CHECK_FALSE(decodes("test-handoff  3 0\nend 18\n"));   // two spaces
    CHECK_FALSE(decodes("test-handoff 3 0\r\nend 18\n"));  // not a bare LF
    CHECK_FALSE(decodes("test-handoff 3 -0\nend 18\n"));   // no sign
    CHECK_FALSE(decodes("test-handoff 3 0\nend 18\n", &why));
    CHECK(why.find("length mismatch") != std::string::npos);
    CHECK_FALSE(decodes("test-handoff 3 0\nend 17\nend 17\n", &why));
    CHECK(why.find("trailing bytes") != std::string::npos);
    CHECK_FALSE(decodes("test-handoff 3 1\n1 D 0 1:x\nend 28\n", &why));  // not a symbol
    CHECK(why.find("expected one of") != std::string::npos);
    CHECK_FALSE(decodes("test-handoff 3 1\n1 A 2 1:x\nend 28\n"));  // not a flag
}

TEST_CASE("sdk handoff: the first failure sticks, with its offset") {
    Reader r("test-handoff 3 0\nend 17\n");
    std::uint64_t n = 0;
    CHECK_FALSE(r.header("test-handoff", 9, n, 1));
    const std::string first = r.error();
    CHECK(first.find("at byte 14") != std::string::npos);
    CHECK_FALSE(r.fail("later"));
    CHECK_FALSE(r.endRecord());
    CHECK_FALSE(r.finish());
    CHECK(r.error() == first);  // later reads fail too and do not overwrite it
    CHECK_FALSE(r.ok());
}
