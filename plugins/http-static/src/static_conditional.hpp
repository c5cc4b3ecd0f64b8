// Validators and conditional requests (RFC 9110 §8.8 and §13): the ETag of a file, entity-tag
// list matching, and the order in which If-Match, If-Unmodified-Since, If-None-Match,
// If-Modified-Since and If-Range are evaluated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gorgon::httpstatic {

// Room for W/"<16 hex>-<16 hex>-<16 hex>".
inline constexpr std::size_t kEtagCapacity = 64;

// Writes a quoted entity tag derived from the file's modification time (ns), size and inode:
// any change to the file changes one of them. `weak` prefixes W/ (for on-the-fly gzip, whose
// bytes are not promised to be identical from one response to the next). Returns the length.
std::size_t formatEtag(std::uint64_t size, std::int64_t mtime_ns, std::uint64_t inode, bool weak,
                       char* out) noexcept;

// Whether the field value `list` (a comma-separated list of entity tags, or "*") holds a tag
// that matches `etag`. Strong comparison: both must be strong and identical. Weak comparison:
// the opaque tags are identical. A malformed list matches nothing after the malformation.
[[nodiscard]] bool etagListMatches(std::string_view list, std::string_view etag,
                                   bool strong) noexcept;

// The request's conditional fields; an empty view means the field is absent.
struct Conditionals {
    std::string_view if_match;
    std::string_view if_none_match;
    std::string_view if_modified_since;
    std::string_view if_unmodified_since;
};

// The selected representation's validators.
struct Validators {
    std::string_view etag;       // quoted, with W/ if weak
    std::int64_t last_modified;  // seconds since the epoch, as sent in Last-Modified
};

enum class Precondition {
    kProceed,             // send the representation (or the ranges)
    kNotModified,         // 304
    kPreconditionFailed,  // 412
};

// RFC 9110 §13.2.2 steps 1 to 4, for GET and HEAD.
[[nodiscard]] Precondition evaluatePreconditions(const Conditionals& c,
                                                 const Validators& v) noexcept;

// RFC 9110 §13.1.5: whether a Range may be honoured given If-Range `value`. An entity tag must
// match strongly; a date must equal Last-Modified exactly (and Last-Modified must be strong: at
// least a second older than `now`). Anything else, including garbage, means: send it all.
[[nodiscard]] bool ifRangeAllows(std::string_view value, const Validators& v,
                                 std::int64_t now) noexcept;

}  // namespace gorgon::httpstatic
