// Validators and conditional requests (RFC 9110 §8.8 and §13): the ETag of a file, entity-tag
// list matching, and the order in which If-Match, If-Unmodified-Since, If-None-Match,
// If-Modified-Since and If-Range are evaluated.
#pragma once

#include <gorgon/http_etag.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gorgon::httpstatic {

// The ETag format and entity-tag matching live in the SDK (gorgon/http_etag.hpp): http-put
// compares If-Match against the same tags.
using gorgon::http::etagListMatches;
using gorgon::http::formatEtag;
using gorgon::http::kEtagCapacity;

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
