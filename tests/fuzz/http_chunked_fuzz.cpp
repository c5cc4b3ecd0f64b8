// libFuzzer target for the http plugin's chunked body decoder (RFC 9112 §7.1), two ways:
//
//   1. Hostile bytes: decoded at once, in pieces into a small buffer, and discarded (out null),
//      the verdict, the bytes and what was consumed agree; a body limit turns exactly the
//      bodies that pass it into TooLarge.
//   2. Well-formed: the input is a payload, encoded here with chunk sizes, hex case, leading
//      zeros, extensions, bare LFs and trailer fields all chosen by the input; the decoder
//      must give the payload back and stop right after the last line, leaving the next
//      pipelined request untouched.
//
// First byte: bit 0 picks the mode; the rest seeds the choices.
#include "fuzz_check.hpp"
#include "http_chunked.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using gorgon::http::ChunkedDecoder;

namespace {

struct Decoded {
    ChunkedDecoder::Status status = ChunkedDecoder::Status::Ok;
    std::string data;
    std::size_t consumed = 0;
    std::uint64_t total = 0;
};

// Feeds `in` `step` bytes more at a time into an output buffer of `cap` bytes (null: discard).
Decoded decode(std::string_view in, std::size_t step, std::size_t cap, bool discard,
               std::uint64_t limit) {
    ChunkedDecoder d;
    d.reset(limit, 256);
    Decoded out;
    std::string buf(cap, '\0');
    std::size_t pos = 0;
    std::size_t avail = 0;
    for (;;) {
        avail = std::min(in.size(), std::max(avail, pos) + step);
        std::size_t consumed = 0;
        std::size_t produced = 0;
        out.status = d.feed(in.data() + pos, avail - pos, discard ? nullptr : buf.data(), cap,
                            consumed, produced);
        GORGON_FUZZ_CHECK(consumed <= avail - pos && produced <= cap);
        if (!discard) out.data.append(buf.data(), produced);
        out.total += produced;
        pos += consumed;
        if (out.status != ChunkedDecoder::Status::Ok) break;
        if (consumed == 0 && produced == 0 && avail == in.size()) break;  // needs more input
    }
    out.consumed = pos;
    GORGON_FUZZ_CHECK(d.total() == out.total);
    GORGON_FUZZ_CHECK(d.done() == (out.status == ChunkedDecoder::Status::Done));
    return out;
}

void hostile(std::uint8_t mode, std::string_view in) {
    const std::size_t step = (mode >> 1 & 7) + 1;
    const std::size_t cap = (mode >> 4) + 1;
    const Decoded all = decode(in, in.size() + 1, in.size() + 1, false, 0);
    const Decoded bits = decode(in, step, cap, false, 0);
    const Decoded dropped = decode(in, step, cap, true, 0);
    GORGON_FUZZ_CHECK(all.status == bits.status && all.status == dropped.status);
    GORGON_FUZZ_CHECK(all.total == dropped.total && all.data == bits.data);
    if (all.status == ChunkedDecoder::Status::Done) {
        GORGON_FUZZ_CHECK(all.consumed == bits.consumed && all.consumed == dropped.consumed);
        // With a limit below the body, the body is refused; at its size, it passes.
        if (all.total > 0) {
            const Decoded small = decode(in, step, cap, false, all.total - (all.total > 1));
            if (all.total > 1) GORGON_FUZZ_CHECK(small.status == ChunkedDecoder::Status::TooLarge);
            const Decoded exact = decode(in, step, cap, false, all.total);
            GORGON_FUZZ_CHECK(exact.status == ChunkedDecoder::Status::Done);
            GORGON_FUZZ_CHECK(exact.data == all.data);
        }
    }
}

// A small deterministic generator, so that the encoding is a function of the input.
struct Rng {
    std::uint32_t s;
    std::uint32_t next() {
        s = s * 1'103'515'245u + 12'345u;
        return s >> 16;
    }
};

void wellFormed(std::uint8_t mode, std::string_view payload) {
    Rng rng{mode};
    std::string wire;
    auto eol = [&] { wire += (rng.next() % 4 == 0) ? "\n" : "\r\n"; };
    auto hex = [&](std::size_t n) {
        static constexpr char kLower[] = "0123456789abcdef";
        static constexpr char kUpper[] = "0123456789ABCDEF";
        const char* digits = rng.next() % 2 == 0 ? kLower : kUpper;
        std::string h;
        do {
            h.insert(h.begin(), digits[n % 16]);
            n /= 16;
        } while (n != 0);
        wire += std::string(rng.next() % 3, '0') + h;
        if (rng.next() % 4 == 0) wire += " ;name=\"quoted value\"";
        if (rng.next() % 4 == 0) wire += ";flag";
        eol();
    };
    std::size_t at = 0;
    while (at < payload.size()) {
        const std::size_t n = std::min<std::size_t>(payload.size() - at, rng.next() % 300 + 1);
        hex(n);
        wire += payload.substr(at, n);
        eol();
        at += n;
    }
    hex(0);
    for (std::uint32_t t = rng.next() % 3; t > 0; --t) {
        wire += "X-Trailer-" + std::to_string(t) + ": value";
        eol();
    }
    eol();
    const std::size_t body_end = wire.size();
    wire += "GET /next HTTP/1.1\r\n";  // a pipelined request, never consumed

    const std::size_t step = rng.next() % 64 + 1;
    const Decoded d = decode(wire, step, rng.next() % 512 + 1, false, 0);
    GORGON_FUZZ_CHECK(d.status == ChunkedDecoder::Status::Done);
    GORGON_FUZZ_CHECK(d.data == payload && d.consumed == body_end);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
    if ((data[0] & 1) == 0) {
        hostile(data[0], input);
    } else {
        wellFormed(data[0], input);
    }
    return 0;
}
