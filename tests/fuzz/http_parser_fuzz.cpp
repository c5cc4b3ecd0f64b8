// libFuzzer target for the http plugin's request parsing: the head scanner (fed in pieces), the
// head parser, path normalisation and the chunked body decoder, all on hostile bytes. It checks
// the invariants the connection code relies on, not only the absence of crashes:
//
//   - scanning in pieces finds the same head as scanning all at once;
//   - a parsed head's views lie inside the input;
//   - a normalised path starts with '/', holds no NUL, no empty, "." or ".." segment, and
//     normalising it again changes nothing;
//   - the chunked decoder never reads or writes out of bounds, and decoding in pieces gives the
//     same bytes and the same verdict as decoding at once.
//
// The first input byte chooses the piece size and the limits, so the fuzzer explores both.
#include "fuzz_check.hpp"
#include "http_chunked.hpp"
#include "http_parser.hpp"
#include "http_path.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace gorgon::http;

namespace {

bool inside(std::string_view part, std::string_view whole) {
    return part.empty() || (part.data() >= whole.data() &&
                            part.data() + part.size() <= whole.data() + whole.size());
}

void checkPath(std::string_view raw) {
    std::string scratch;
    std::string_view out;
    if (normalizePath(raw, scratch, out) != 0) return;
    GORGON_FUZZ_CHECK(!out.empty() && out.front() == '/');
    GORGON_FUZZ_CHECK(out.find('\0') == std::string_view::npos);
    GORGON_FUZZ_CHECK(out.find("//") == std::string_view::npos);
    GORGON_FUZZ_CHECK(out.find("/./") == std::string_view::npos &&
                      out.find("/../") == std::string_view::npos);
    GORGON_FUZZ_CHECK(!out.ends_with("/.") && !out.ends_with("/.."));
    // Once more: a normalised path without '%' is a fixed point.
    if (out.find('%') == std::string_view::npos) {
        std::string again_scratch;
        std::string_view again;
        const std::string copy(out);
        GORGON_FUZZ_CHECK(normalizePath(copy, again_scratch, again) == 0);
        GORGON_FUZZ_CHECK(again == copy);
    }
}

struct Chunked {
    ChunkedDecoder::Status status = ChunkedDecoder::Status::Ok;
    std::string data;
    std::size_t consumed = 0;
};

Chunked decodeChunked(std::string_view in, std::size_t step, std::size_t cap) {
    ChunkedDecoder d;
    d.reset(1 << 20, 4096);
    Chunked out;
    std::string buf(cap, '\0');
    std::size_t pos = 0;
    std::size_t limit = 0;
    for (int guard = 0; guard < 1'000'000; ++guard) {
        limit = std::min(in.size(), std::max(limit, pos) + step);
        std::size_t consumed = 0;
        std::size_t produced = 0;
        out.status = d.feed(in.data() + pos, limit - pos, buf.data(), cap, consumed, produced);
        GORGON_FUZZ_CHECK(consumed <= limit - pos);
        GORGON_FUZZ_CHECK(produced <= cap);
        out.data.append(buf.data(), produced);
        pos += consumed;
        if (out.status != ChunkedDecoder::Status::Ok) break;
        if (consumed == 0 && produced == 0) {
            if (limit == in.size()) break;  // needs more than there is
        }
    }
    out.consumed = pos;
    GORGON_FUZZ_CHECK(d.total() == out.data.size());
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const auto mode = data[0];
    const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
    const std::size_t step = static_cast<std::size_t>(mode & 15) + 1;

    Limits limits;
    if ((mode & 16) != 0) {
        limits.request_line = 64;
        limits.header_size = 256;
        limits.header_count = 4;
    }

    // Scan all at once, and in pieces: the same verdict and the same head.
    HeadScanner whole;
    const HeadScanner::Status ws = whole.scan(input.data(), input.size(), limits);
    HeadScanner pieces;
    HeadScanner::Status ps = HeadScanner::Status::NeedMore;
    for (std::size_t n = std::min(step, input.size());; n = std::min(n + step, input.size())) {
        ps = pieces.scan(input.data(), n, limits);
        if (ps != HeadScanner::Status::NeedMore || n == input.size()) break;
    }
    // A piecewise scan may refuse earlier (a line already over its limit); otherwise the same.
    if (ps != HeadScanner::Status::Error) GORGON_FUZZ_CHECK(ps == ws);
    if (ws == HeadScanner::Status::Complete && ps == HeadScanner::Status::Complete) {
        GORGON_FUZZ_CHECK(pieces.skip() == whole.skip() &&
                          pieces.headLength() == whole.headLength());
    }

    std::string_view rest = input;
    if (ws == HeadScanner::Status::Complete) {
        GORGON_FUZZ_CHECK(whole.skip() + whole.headLength() <= input.size());
        const std::string_view head = input.substr(whole.skip(), whole.headLength());
        RequestHead r;
        const int status = parseHead(head, limits, r);
        GORGON_FUZZ_CHECK(status == 0 || (status >= 400 && status <= 505));
        if (status == 0) {
            GORGON_FUZZ_CHECK(inside(r.method, head) && inside(r.target, head) &&
                              inside(r.version, head));
            GORGON_FUZZ_CHECK(r.path == "/" || inside(r.path, head));
            GORGON_FUZZ_CHECK(inside(r.query, head) && inside(r.host, head));
            GORGON_FUZZ_CHECK(r.fields.size() <= limits.header_count);
            for (const HeaderField& f : r.fields)
                GORGON_FUZZ_CHECK(inside(f.name, head) && inside(f.value, head));
            GORGON_FUZZ_CHECK(!(r.chunked && r.content_length >= 0));
            if (r.form != TargetForm::Asterisk) checkPath(r.path);
        }
        rest = input.substr(whole.skip() + whole.headLength());
    } else {
        // Paths and bodies get the raw input too, so they are fuzzed on their own.
        if (!input.empty() && input.front() == '/') checkPath(input.substr(0, input.find(' ')));
    }

    // The body decoder, at once and in pieces with a small output buffer.
    const Chunked a = decodeChunked(rest, rest.size() + 1, 1 << 16);
    const Chunked b = decodeChunked(rest, step, static_cast<std::size_t>(mode >> 5) + 1);
    GORGON_FUZZ_CHECK(a.status == b.status);
    if (a.status == ChunkedDecoder::Status::Done) {
        GORGON_FUZZ_CHECK(a.data == b.data && a.consumed == b.consumed);
    }
    return 0;
}
