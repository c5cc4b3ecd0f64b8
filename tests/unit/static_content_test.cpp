// Unit tests for http-static's MIME table, type patterns and Accept-Encoding negotiation
// (plugins/http-static/src/static_mime, static_encoding).
#include "static_encoding.hpp"
#include "static_mime.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

using gorgon::httpstatic::acceptsGzip;
using gorgon::httpstatic::isValidMediaType;
using gorgon::httpstatic::MimeTable;
using gorgon::httpstatic::TypePatterns;

namespace {

TypePatterns defaultPatterns() {
    return TypePatterns({"text/*", "application/javascript", "application/json", "application/xml",
                         "image/svg+xml"});
}

}  // namespace

TEST_CASE("static mime: built-in table, case-insensitive, by the last extension") {
    MimeTable t("application/octet-stream", defaultPatterns());
    CHECK(t.lookup("index.html").type == "text/html");
    CHECK(t.lookup("/a/b/INDEX.HTML").type == "text/html");
    CHECK(t.lookup("style.css").type == "text/css");
    CHECK(t.lookup("app.js").type == "text/javascript");
    CHECK(t.lookup("photo.JPG").type == "image/jpeg");
    CHECK(t.lookup("archive.tar.gz").type == "application/gzip");
    CHECK(t.lookup("README").type == "application/octet-stream");
    CHECK(t.lookup("trailing.").type == "application/octet-stream");
    CHECK(t.lookup("dir.d/file").type == "application/octet-stream");  // the dot is in a directory
    CHECK(t.lookup(std::string(100, 'x') + ".html").type == "text/html");
    CHECK(t.lookup("x." + std::string(40, 'h')).type == "application/octet-stream");
}

TEST_CASE("static mime: compressibility is decided once, from gzip_types") {
    MimeTable t("application/octet-stream", defaultPatterns());
    CHECK(t.lookup("a.html").compressible);
    CHECK(t.lookup("a.css").compressible);
    CHECK(t.lookup("a.json").compressible);
    CHECK(t.lookup("a.svg").compressible);
    CHECK_FALSE(t.lookup("a.png").compressible);
    CHECK_FALSE(t.lookup("a.gz").compressible);
    CHECK_FALSE(t.lookup("a.bin").compressible);
    MimeTable text_default("text/plain", defaultPatterns());
    CHECK(text_default.lookup("README").compressible);
}

TEST_CASE("static mime: a mime.types file extends and overrides the built-in table") {
    char path[] = "/tmp/gorgon-mime-XXXXXX";
    int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    ::close(fd);
    {
        std::ofstream f(path);
        f << "# comment\n"
             "text/x-gorgon\tgor  GOR2 # trailing comment\n"
             "application/javascript js\n"
             "\n"
             "not a type line\n"
             "image/only-type\n";
    }
    MimeTable t("application/octet-stream", defaultPatterns());
    std::string error;
    CHECK(t.loadFile(path, error));
    CHECK(t.lookup("x.gor").type == "text/x-gorgon");
    CHECK(t.lookup("x.gor2").type == "text/x-gorgon");
    CHECK(t.lookup("x.gor").compressible);
    CHECK(t.lookup("x.js").type == "application/javascript");
    CHECK(t.lookup("x.html").type == "text/html");  // built-in entries stay
    ::unlink(path);
    CHECK_FALSE(t.loadFile(path, error));
    CHECK(error.find(path) != std::string::npos);
}

TEST_CASE("static mime: type patterns") {
    TypePatterns p({"text/*", "Image/SVG+XML"});
    CHECK(p.matches("text/html"));
    CHECK(p.matches("TEXT/plain; charset=utf-8"));
    CHECK(p.matches("image/svg+xml"));
    CHECK_FALSE(p.matches("image/png"));
    CHECK_FALSE(p.matches("textual/html"));
    CHECK_FALSE(p.matches("text"));
    CHECK(TypePatterns({"*/*"}).matches("anything/else"));
    CHECK_FALSE(TypePatterns(std::vector<std::string>{}).matches("text/html"));
}

TEST_CASE("static mime: media type validation") {
    CHECK(isValidMediaType("application/octet-stream"));
    CHECK(isValidMediaType("text/html; charset=utf-8"));
    CHECK_FALSE(isValidMediaType("text"));
    CHECK_FALSE(isValidMediaType("text/"));
    CHECK_FALSE(isValidMediaType("/html"));
    CHECK_FALSE(isValidMediaType("text/html\r\nX-Evil: 1"));
    CHECK_FALSE(isValidMediaType("te xt/html"));
}

TEST_CASE("static encoding: Accept-Encoding and gzip") {
    CHECK(acceptsGzip("gzip"));
    CHECK(acceptsGzip("GZIP"));
    CHECK(acceptsGzip("deflate, gzip, br"));
    CHECK(acceptsGzip("gzip;q=0.5"));
    CHECK(acceptsGzip("gzip; q=1.0"));
    CHECK(acceptsGzip("x-gzip"));
    CHECK(acceptsGzip("*"));
    CHECK(acceptsGzip("br, *;q=0.1"));
    CHECK(acceptsGzip("gzip;q=0.001"));
    CHECK_FALSE(acceptsGzip(""));
    CHECK_FALSE(acceptsGzip("identity"));
    CHECK_FALSE(acceptsGzip("br, deflate"));
    CHECK_FALSE(acceptsGzip("gzip;q=0"));
    CHECK_FALSE(acceptsGzip("gzip;q=0.000"));
    CHECK_FALSE(acceptsGzip("gzip;Q=0"));
    CHECK_FALSE(acceptsGzip("*;q=0"));
    CHECK_FALSE(acceptsGzip("gzip;q=0, *"));  // named with q=0: the wildcard does not bring it back
    CHECK_FALSE(acceptsGzip("gzip;q=bogus"));
    CHECK_FALSE(acceptsGzip("gzipx"));
}
