#include "static_listing.hpp"

#include <gorgon/escape.hpp>
#include <gorgon/http_date.hpp>

#include <algorithm>

namespace gorgon::httpstatic {

namespace {

// A listing shows each name's own characters: control bytes become their numeric references.
void appendHtml(std::string& out, std::string_view s) {
    escape::appendHtml(out, s, escape::HtmlControls::references);
}

// "2024-05-01 12:34" (UTC) from the IMF-fixdate, so the calendar code lives in one place.
void appendDate(std::string& out, std::int64_t seconds) {
    char imf[kHttpDateLength];
    formatHttpDate(seconds, imf);
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    //  0123456789012345678901234567
    static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const std::size_t month = kMonths.find(std::string_view(imf + 8, 3)) / 3 + 1;
    out.append(imf + 12, 4);
    out += '-';
    out += static_cast<char>('0' + month / 10);
    out += static_cast<char>('0' + month % 10);
    out += '-';
    out.append(imf + 5, 2);
    out += ' ';
    out.append(imf + 17, 5);
}

void appendRow(std::string& out, const ListingEntry& e) {
    // The href is relative to the listing's own URL, which always ends in '/'. Encoding
    // everything but unreserved characters also encodes ':', so no name can pose as a scheme.
    out += "<tr><td><a href=\"";
    escape::appendUrl(out, e.name, /*keep_slash=*/false);
    if (e.directory) out += '/';
    out += "\">";
    appendHtml(out, e.name);
    if (e.directory) out += '/';
    out += "</a></td><td class=\"size\">";
    out += e.directory ? std::string("-") : std::to_string(e.size);
    out += "</td><td>";
    appendDate(out, e.mtime);
    out += "</td></tr>\n";
}

}  // namespace

std::string renderListing(const ListingPage& page, std::vector<ListingEntry>& entries) {
    std::sort(entries.begin(), entries.end(), [](const ListingEntry& a, const ListingEntry& b) {
        if (a.directory != b.directory) return a.directory;
        return a.name < b.name;
    });
    std::string out;
    out.reserve(512 + entries.size() * 160);
    out +=
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Index "
        "of ";
    appendHtml(out, page.url_path);
    out +=
        "</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "th,td{padding:.2em 1.2em .2em 0;text-align:left}td.size{text-align:right}</style>\n"
        "</head>\n<body>\n<h1>Index of ";
    appendHtml(out, page.url_path);
    out +=
        "</h1>\n<table>\n<thead><tr><th>Name</th><th>Size</th><th>Last modified "
        "(UTC)</th></tr></thead>\n<tbody>\n";
    if (page.parent_link) {
        out += "<tr><td><a href=\"../\">../</a></td><td class=\"size\">-</td><td></td></tr>\n";
    }
    for (const ListingEntry& e : entries) appendRow(out, e);
    out += "</tbody>\n</table>\n";
    if (page.truncated) {
        out += "<p>Only the first " + std::to_string(page.limit) +
               " entries are listed (in no particular order).</p>\n";
    }
    out += "</body>\n</html>\n";
    return out;
}

}  // namespace gorgon::httpstatic
