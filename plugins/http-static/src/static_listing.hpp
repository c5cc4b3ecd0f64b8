// The HTML page for a directory without an index file: names escaped for HTML and encoded in
// hrefs, directories first, each group sorted by name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gorgon::httpstatic {

struct ListingEntry {
    std::string name;
    bool directory = false;
    std::uint64_t size = 0;
    std::int64_t mtime = 0;  // seconds since the epoch
};

struct ListingPage {
    std::string_view url_path;  // the decoded request path, ending in '/'
    bool parent_link = true;    // "../", except at the route's root
    bool truncated = false;     // more entries than max_listing_entries
    std::size_t limit = 0;      // max_listing_entries, for the truncation note
};

// Sorts `entries` (directories first, then by name, bytewise) and renders the page.
[[nodiscard]] std::string renderListing(const ListingPage& page,
                                        std::vector<ListingEntry>& entries);

}  // namespace gorgon::httpstatic
