// Unit tests for the http plugin's chunked body decoder (plugins/http/src/http_chunked.cpp).
#include "http_chunked.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using gorgon::http::ChunkedDecoder;

namespace {

struct Decoded {
    ChunkedDecoder::Status status = ChunkedDecoder::Status::Ok;
    std::string data;
    std::size_t consumed = 0;  // input bytes used in total
};

// Feeds `in` in pieces of `step` bytes (and an output buffer of `cap` bytes per call), as the
// connection would, until the decoder is done or fails or the input runs out.
Decoded decode(std::string_view in, std::size_t step = 1 << 20, std::size_t cap = 1 << 20,
               std::uint64_t limit = 0) {
    ChunkedDecoder d;
    d.reset(limit, 1024);
    Decoded out;
    std::size_t pos = 0;
    std::string buf(cap, '\0');
    for (int guard = 0; guard < 1'000'000; ++guard) {
        std::size_t avail = std::min(in.size(), pos + step) - pos;
        std::size_t consumed = 0;
        std::size_t produced = 0;
        out.status = d.feed(in.data() + pos, avail, buf.data(), cap, consumed, produced);
        out.data.append(buf.data(), produced);
        pos += consumed;
        out.consumed = pos;
        if (out.status != ChunkedDecoder::Status::Ok) break;
        if (pos == in.size()) break;
        if (consumed == 0 && produced == 0 && avail == in.size() - pos) break;
    }
    return out;
}

}  // namespace

TEST_CASE("http chunked: decodes, in any pieces") {
    const std::string body = "5\r\nhello\r\n1;ext=1;b\r\n,\r\nA\r\n world 123\r\n0\r\n\r\n";
    for (std::size_t step : {1U, 2U, 5U, 1000U}) {
        for (std::size_t cap : {1U, 3U, 1000U}) {
            CAPTURE(step);
            CAPTURE(cap);
            Decoded d = decode(body + "NEXT", step, cap);
            CHECK(d.status == ChunkedDecoder::Status::Done);
            CHECK(d.data == "hello, world 123");
            CHECK(d.consumed == body.size());  // stops before the next request
        }
    }
}

TEST_CASE("http chunked: bare LF, trailers, uppercase hex, leading zeros") {
    Decoded d = decode("00a\nabcdefghij\n0\nX-T: 1\r\nY: 2\n\n");
    CHECK(d.status == ChunkedDecoder::Status::Done);
    CHECK(d.data == "abcdefghij");
    d = decode("A \t;x\r\n0123456789\r\n0\r\n\r\n");
    CHECK(d.status == ChunkedDecoder::Status::Done);
    CHECK(d.data == "0123456789");
}

TEST_CASE("http chunked: malformed") {
    using namespace std::string_view_literals;
    for (std::string_view bad :
         {""sv, "\r\n"sv, "x\r\n"sv, "-1\r\n"sv, "3 x\r\nabc\r\n"sv, "3\rabc"sv, "3\r\nabcX"sv,
          "3\r\nabc\rX"sv, "11111111111111111\r\n"sv, "3;\x01\r\n"sv, "3;\0\r\n"sv,
          "0\r\nbad trailer\x01\r\n\r\n"sv, "0\r\n\rX"sv,
          // Past 60 bits, including sizes that would wrap to 0 (the last chunk) in 64 bits.
          "1000000000000001\r\n"sv, "10000000000000000\r\n"sv, "0010000000000000000\r\n"sv,
          "FFFFFFFFFFFFFFFF0\r\n"sv}) {
        CAPTURE(bad);
        Decoded d = decode(std::string(bad) + "\r\n0\r\n\r\n");
        CHECK(d.status == ChunkedDecoder::Status::Error);
    }
}

TEST_CASE("http chunked: limits") {
    CHECK(decode("5\r\nhello\r\n0\r\n\r\n", 100, 100, 5).status == ChunkedDecoder::Status::Done);
    CHECK(decode("5\r\nhello\r\n1\r\nx\r\n0\r\n\r\n", 100, 100, 5).status ==
          ChunkedDecoder::Status::TooLarge);
    CHECK(decode("6\r\nhello!\r\n0\r\n\r\n", 100, 100, 5).status ==
          ChunkedDecoder::Status::TooLarge);
    // 2^60, the largest size read, is taken (and waited for).
    CHECK(decode("1000000000000000\r\nabc").status == ChunkedDecoder::Status::Ok);
    // A size line that never ends, or a huge trailer, is refused rather than waited for.
    CHECK(decode("1;" + std::string(5000, 'e')).status == ChunkedDecoder::Status::Error);
    CHECK(decode("0\r\nX: " + std::string(2000, 't')).status == ChunkedDecoder::Status::Error);
}

TEST_CASE("http chunked: discarding counts without copying") {
    ChunkedDecoder d;
    d.reset(0, 1024);
    const std::string body = "4\r\nabcd\r\n0\r\n\r\n";
    std::size_t consumed = 0;
    std::size_t produced = 0;
    CHECK(d.feed(body.data(), body.size(), nullptr, 2, consumed, produced) ==
          ChunkedDecoder::Status::Ok);
    CHECK(produced == 2);
    CHECK(d.total() == 2);
    std::size_t c2 = 0;
    CHECK(d.feed(body.data() + consumed, body.size() - consumed, nullptr, 100, c2, produced) ==
          ChunkedDecoder::Status::Done);
    CHECK(consumed + c2 == body.size());
    CHECK(d.total() == 4);
}
