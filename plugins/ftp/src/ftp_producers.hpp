// Bodies for the data connection that the host's own producers cannot make: a directory
// listing formatted as the socket takes it (so 100,000 entries never sit in memory as one
// string), and a file converted to NVT-ASCII for TYPE A. Both are producer_custom producers.
#pragma once

#include "ftp_listing.hpp"

#include <gorgon/plugin.hpp>
#include <gorgon/producer.h>

#include <cstdint>
#include <vector>

namespace gorgon::ftp {

struct ListingBody {
    std::vector<ListEntry> entries;  // sorted
    ListFormat format = ListFormat::Long;
    std::int64_t now = 0;  // seconds, for the "recent" date form
    std::uint32_t facts = kDefaultFacts;
    bool writable = false;  // the perm fact of every entry
};

// A producer of the listing's lines; 0 on failure.
[[nodiscard]] gorgon_producer_id makeListingProducer(Host host, ListingBody body);

// A producer of `fd` (duplicated; the caller keeps its own) from `offset` to its end, with
// every LF sent as CRLF; 0 on failure.
[[nodiscard]] gorgon_producer_id makeAsciiFileProducer(Host host, int fd, std::uint64_t offset);

}  // namespace gorgon::ftp
