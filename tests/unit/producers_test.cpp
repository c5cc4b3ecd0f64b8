// The host's standard producers, driven directly into a memory buffer.
#include "net/producers.hpp"

#include "util/c_handle.hpp"

#include <doctest/doctest.h>
#include <zlib.h>

#include <cstdio>
#include <string>

#include <unistd.h>

namespace {

using gorgon::Producer;
using gorgon::ProducerPtr;
using gorgon::Producers;

std::string drain(evbuffer* b) {
    std::string out(evbuffer_get_length(b), '\0');
    evbuffer_remove(b, out.data(), out.size());
    return out;
}

// Pulls until done, with small `want`s so producers must work in steps. Returns the bytes.
std::string run(Producer* p, bool files = false, size_t want = 100) {
    gorgon::CHandle<evbuffer, evbuffer_free> out(evbuffer_new());
    gorgon_sink sink{out.get(), files};
    for (int i = 0; i < 100000; ++i) {
        gorgon_status s = p->produce(sink, want);
        if (s == GORGON_PRODUCER_DONE) return drain(out.get());
        REQUIRE(s == GORGON_OK);
    }
    FAIL("producer never finished");
    return {};
}

std::string gunzip(const std::string& in) {
    z_stream z{};
    REQUIRE(inflateInit2(&z, 15 + 16) == Z_OK);
    std::string out;
    char buf[4096];
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    int rc = Z_OK;
    while (rc == Z_OK) {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        out.append(buf, sizeof buf - z.avail_out);
    }
    inflateEnd(&z);
    CHECK(rc == Z_STREAM_END);
    return out;
}

// A temporary file with `content`; the descriptor is closed by the destructor.
struct TempFile {
    explicit TempFile(const std::string& content) {
        char path[] = "/tmp/gorgon-producer-XXXXXX";
        fd = mkstemp(path);
        REQUIRE(fd >= 0);
        unlink(path);
        REQUIRE(write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    }
    ~TempFile() { close(fd); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    int fd = -1;
};

std::string pattern(size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s.push_back(static_cast<char>('a' + (i * 7 + i / 13) % 26));
    return s;
}

}  // namespace
TEST_CASE("memory producer yields its bytes, in steps") {
    std::string data = pattern(10'000);
    auto p = Producers::memory(data.data(), data.size());
    CHECK(run(p.get()) == data);
    auto empty = Producers::memory(nullptr, 0);
    CHECK(run(empty.get()).empty());
}

TEST_CASE("chunked framing ends with the last chunk") {
    auto p = Producers::chunked(Producers::memory("hello world", 11));
    std::string out = run(p.get(), false, 4096);
    CHECK(out == "b\r\nhello world\r\n0\r\n\r\n");
    auto empty = Producers::chunked(Producers::memory(nullptr, 0));
    CHECK(run(empty.get()) == "0\r\n\r\n");
}

TEST_CASE("a file range read into memory, and a file range as a sendfile segment") {
    std::string data = pattern(200'000);
    TempFile f(data);
    auto mem = Producers::file(f.fd, 1000, 150'000);
    CHECK(run(mem.get(), false) == data.substr(1000, 150'000));
    // The segment form still reads back the same bytes when drained from the buffer.
    auto seg = Producers::file(f.fd, 5, 10);
    CHECK(run(seg.get(), true) == data.substr(5, 10));
}

TEST_CASE("gzip compresses so that gunzip gives the input back") {
    std::string data = pattern(300'000);
    auto p = Producers::gzip(Producers::memory(data.data(), data.size()), 6);
    std::string gz = run(p.get(), true, 1000);
    CHECK(gz.size() < data.size() / 4);
    CHECK(static_cast<unsigned char>(gz[0]) == 0x1f);  // gzip magic
    CHECK(static_cast<unsigned char>(gz[1]) == 0x8b);
    CHECK(gunzip(gz) == data);
    auto empty = Producers::gzip(Producers::memory(nullptr, 0), 0);
    CHECK(gunzip(run(empty.get())).empty());
}

TEST_CASE("gzip of a file, framed chunked: the composition the static handler uses") {
    std::string data = pattern(70'000);
    TempFile f(data);
    auto p = Producers::chunked(Producers::gzip(Producers::file(f.fd, 0, data.size()), 1));
    std::string framed = run(p.get(), true, 8192);
    // Unframe the chunks, then gunzip.
    std::string body;
    size_t pos = 0;
    for (;;) {
        size_t eol = framed.find("\r\n", pos);
        REQUIRE(eol != std::string::npos);
        size_t n = std::stoul(framed.substr(pos, eol - pos), nullptr, 16);
        pos = eol + 2;
        if (n == 0) break;
        body += framed.substr(pos, n);
        pos += n + 2;
    }
    CHECK(framed.substr(pos) == "\r\n");
    CHECK(gunzip(body) == data);
}

TEST_CASE("concat yields its parts in order") {
    std::string a = pattern(5000);
    std::vector<ProducerPtr> parts;
    parts.push_back(Producers::memory("head|", 5));
    parts.push_back(Producers::memory(a.data(), a.size()));
    parts.push_back(Producers::memory(nullptr, 0));
    parts.push_back(Producers::memory("|tail", 5));
    auto p = Producers::concat(std::move(parts));
    CHECK(run(p.get(), false, 64) == "head|" + a + "|tail");
}
