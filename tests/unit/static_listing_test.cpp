// Unit tests for http-static's escaping (the SDK's gorgon/escape.hpp as the listing uses it),
// directory listings and URL paths (plugins/http-static/src/static_listing, static_paths).
#include "static_listing.hpp"

#include "static_paths.hpp"

#include <gorgon/escape.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using gorgon::httpstatic::belowPrefix;
using gorgon::httpstatic::directoryLocation;
using gorgon::httpstatic::ListingEntry;
using gorgon::httpstatic::ListingPage;
using gorgon::httpstatic::normalizePrefix;
using gorgon::httpstatic::renderListing;

namespace {

std::string html(std::string_view s) {
    std::string out;
    gorgon::escape::appendHtml(out, s, gorgon::escape::HtmlControls::references);
    return out;
}

std::string url(std::string_view s, bool keep_slash) {
    std::string out;
    gorgon::escape::appendUrl(out, s, keep_slash);
    return out;
}

}  // namespace

TEST_CASE("static escape: HTML") {
    CHECK(html("plain.txt") == "plain.txt");
    CHECK(html("<b>&\"x'.txt") == "&lt;b&gt;&amp;&quot;x&#39;.txt");
    CHECK(html("a\nb\x1b") == "a&#10;b&#27;");
    CHECK(html("caf\xc3\xa9") == "caf\xc3\xa9");  // UTF-8 passes through
}

TEST_CASE("static escape: URL encoding") {
    CHECK(url("a-b_c.d~e", false) == "a-b_c.d~e");
    CHECK(url("<b>&\"x'.txt", false) == "%3Cb%3E%26%22x%27.txt");
    CHECK(url("javascript:alert(1)", false) == "javascript%3Aalert%281%29");
    CHECK(url("a b/c?d#e%", false) == "a%20b%2Fc%3Fd%23e%25");
    CHECK(url("a b/c", true) == "a%20b/c");
    CHECK(url("\xc3\xa9", false) == "%C3%A9");
}

TEST_CASE("static listing: sorted, escaped, with or without ../") {
    std::vector<ListingEntry> entries = {
        {"zeta.txt", false, 12, 0},
        {"<b>&\"x'.txt", false, 3, 784111777},
        {"sub dir", true, 4096, 0},
        {"alpha", true, 0, 0},
    };
    ListingPage page;
    page.url_path = "/files/<x>/";
    page.parent_link = true;
    const std::string out = renderListing(page, entries);
    CHECK(out.find("<title>Index of /files/&lt;x&gt;/</title>") != std::string::npos);
    CHECK(out.find("<b>&") == std::string::npos);  // the raw name never appears
    CHECK(out.find("<a href=\"%3Cb%3E%26%22x%27.txt\">&lt;b&gt;&amp;&quot;x&#39;.txt</a>") !=
          std::string::npos);
    CHECK(out.find("<a href=\"sub%20dir/\">sub dir/</a>") != std::string::npos);
    CHECK(out.find("<a href=\"../\">../</a>") != std::string::npos);
    CHECK(out.find("1994-11-06 08:49") != std::string::npos);
    CHECK(out.find(">12<") != std::string::npos);
    // Directories first, each group by name.
    const auto alpha = out.find("alpha/");
    const auto sub = out.find("sub dir/");
    const auto special = out.find("&lt;b&gt;");
    const auto zeta = out.find("zeta.txt");
    CHECK(alpha < sub);
    CHECK(sub < special);
    CHECK(special < zeta);
    CHECK(out.find("Only the first") == std::string::npos);

    page.parent_link = false;
    page.truncated = true;
    page.limit = 4;
    const std::string root = renderListing(page, entries);
    CHECK(root.find("href=\"../\"") == std::string::npos);
    CHECK(root.find("Only the first 4 entries") != std::string::npos);
}

TEST_CASE("static paths: prefixes") {
    std::string out;
    CHECK_FALSE(normalizePrefix("/", out).has_value());
    CHECK(out == "/");
    CHECK_FALSE(normalizePrefix("/static/", out).has_value());
    CHECK(out == "/static");
    CHECK_FALSE(normalizePrefix("/a/b", out).has_value());
    CHECK(out == "/a/b");
    CHECK_FALSE(normalizePrefix("//", out).has_value());
    CHECK(out == "/");
    for (const char* bad :
         {"", "static", "/a//b", "/a/./b", "/a/../b", "/a/..", "/a?x", "/a#x", "/a\nb"}) {
        CAPTURE(bad);
        CHECK(normalizePrefix(bad, out).has_value());
    }
}

TEST_CASE("static paths: the part of a path below the prefix") {
    CHECK(belowPrefix("/a/b", "/") == "/a/b");
    CHECK(belowPrefix("/", "/") == "/");
    CHECK(belowPrefix("/static", "/static") == "");
    CHECK(belowPrefix("/static/", "/static") == "/");
    CHECK(belowPrefix("/static/a/b", "/static") == "/a/b");
    CHECK_FALSE(belowPrefix("/staticfoo", "/static").has_value());
    CHECK_FALSE(belowPrefix("/stat", "/static").has_value());
    CHECK_FALSE(belowPrefix("/other/static", "/static").has_value());
}

TEST_CASE("static paths: the Location of a directory redirect") {
    CHECK(directoryLocation("example.com", "/docs", "") == "http://example.com/docs/");
    CHECK(directoryLocation("127.0.0.1:8080", "/docs", "a=1&b=2") ==
          "http://127.0.0.1:8080/docs/?a=1&b=2");
    CHECK(directoryLocation("[::1]:80", "/a b", "") == "http://[::1]:80/a%20b/");
    // No usable Host: a relative reference.
    CHECK(directoryLocation("", "/docs", "") == "/docs/");
    CHECK(directoryLocation("evil.com/x", "/docs", "") == "/docs/");
    CHECK(directoryLocation("a@b", "/docs", "") == "/docs/");
    CHECK(directoryLocation("a b", "/docs", "q") == "/docs/?q");
    CHECK(directoryLocation("h", "/docs", "a\r\nb") == "http://h/docs/");
}

TEST_CASE("static paths: the stack path builder refuses what does not fit") {
    gorgon::httpstatic::PathBuilder p;
    CHECK(p.append("/dir/"));
    CHECK(p.append("index.html"));
    CHECK(p.view() == "/dir/index.html");
    p.truncate(5);
    CHECK(p.view() == "/dir/");
    CHECK_FALSE(p.append(std::string(gorgon::httpstatic::PathBuilder::kCapacity, 'x')));
    CHECK(p.view() == "/dir/");
}
