// libFuzzer target for the host's gzip producer, composed as plugins compose it: the input is
// cut into pieces, each a memory producer, joined by a concat producer, compressed by the gzip
// producer and, when the first byte says so, framed by the chunked producer. The result is
// drained as the host drains it (`want` bytes at a time, chosen by the input), de-chunked with
// the http plugin's decoder, inflated with zlib, and must equal the input exactly: one gzip
// member, nothing after it.
//
// First byte: bits 0-3 the level (0 and 10-15 are out of range: the producer uses 6), bit 4
// chunked framing, bits 5-7 the drain size. Second byte: how many pieces.
#include "fuzz_check.hpp"
#include "http_chunked.hpp"
#include "net/producers.hpp"
#include "plugin/plugin_manager.hpp"

#include <event2/buffer.h>
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// producers.cpp tells the plugin manager when a plugin's custom producer is freed. This target
// makes no custom producer, so that call never happens.
void gorgon::PluginManager::referenceDropped(Generation&) {
    std::abort();
}

namespace {

std::string drain(gorgon::Producer& p, std::size_t want) {
    std::string out;
    evbuffer* buf = evbuffer_new();
    GORGON_FUZZ_CHECK(buf != nullptr);
    gorgon_sink sink{buf, false};
    gorgon_status s = GORGON_OK;
    for (int rounds = 0; rounds < 1'000'000 && s == GORGON_OK; ++rounds) {
        s = p.produce(sink, want);
        const std::size_t n = evbuffer_get_length(buf);
        const std::size_t at = out.size();
        out.resize(at + n);
        evbuffer_remove(buf, out.data() + at, n);
    }
    evbuffer_free(buf);
    GORGON_FUZZ_CHECK(s == GORGON_PRODUCER_DONE);
    return out;
}

std::string dechunk(std::string_view in) {
    gorgon::http::ChunkedDecoder d;
    d.reset(0, 0);
    std::string out(in.size(), '\0');
    std::size_t consumed = 0;
    std::size_t produced = 0;
    const auto s = d.feed(in.data(), in.size(), out.data(), out.size(), consumed, produced);
    GORGON_FUZZ_CHECK(s == gorgon::http::ChunkedDecoder::Status::Done && consumed == in.size());
    out.resize(produced);
    return out;
}

std::string inflateAll(std::string_view in) {
    z_stream z{};
    GORGON_FUZZ_CHECK(inflateInit2(&z, 15 + 16) == Z_OK);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    std::string out;
    int rc = Z_OK;
    while (rc == Z_OK) {
        char buf[16384];
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        out.append(buf, sizeof buf - z.avail_out);
    }
    GORGON_FUZZ_CHECK(rc == Z_STREAM_END && z.avail_in == 0);
    inflateEnd(&z);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const int level = data[0] & 15;
    const bool chunked = (data[0] & 16) != 0;
    const std::size_t want = std::size_t{1} << (2 * (data[0] >> 5));  // 1 to 16384
    const std::size_t pieces = data[1] % 8 + 1;
    const std::string_view input(reinterpret_cast<const char*>(data + 2), size - 2);

    std::vector<gorgon::ProducerPtr> parts;
    const std::size_t step = input.size() / pieces + 1;
    for (std::size_t at = 0; at <= input.size(); at += step) {
        const std::string_view piece = input.substr(at, step);
        parts.push_back(gorgon::Producers::memory(piece.data(), piece.size()));
    }
    gorgon::ProducerPtr body =
        gorgon::Producers::gzip(gorgon::Producers::concat(std::move(parts)), level);
    if (chunked) body = gorgon::Producers::chunked(std::move(body));

    const std::string wire = drain(*body, want);
    const std::string gz = chunked ? dechunk(wire) : wire;
    GORGON_FUZZ_CHECK(gz.size() >= 18);  // the gzip header and trailer at least
    GORGON_FUZZ_CHECK(inflateAll(gz) == input);
    return 0;
}
