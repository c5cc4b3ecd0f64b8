#include "static_conditional.hpp"

#include "static_date.hpp"

namespace gorgon::httpstatic {

namespace {

bool isOws(char c) noexcept {
    return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && isOws(s.front())) s.remove_prefix(1);
    while (!s.empty() && isOws(s.back())) s.remove_suffix(1);
    return s;
}

struct Tag {
    bool weak = false;
    std::string_view opaque;  // with its quotes
};

Tag split(std::string_view etag) noexcept {
    Tag t;
    if (etag.size() >= 2 && etag[0] == 'W' && etag[1] == '/') {
        t.weak = true;
        etag.remove_prefix(2);
    }
    t.opaque = etag;
    return t;
}

}  // namespace

Precondition evaluatePreconditions(const Conditionals& c, const Validators& v) noexcept {
    // Step 1-2: If-Match, else If-Unmodified-Since; failure is 412.
    if (!c.if_match.empty()) {
        if (!etagListMatches(c.if_match, v.etag, /*strong=*/true)) {
            return Precondition::kPreconditionFailed;
        }
    } else if (!c.if_unmodified_since.empty()) {
        if (auto date = parseHttpDate(trim(c.if_unmodified_since))) {
            if (v.last_modified > *date) return Precondition::kPreconditionFailed;
        }
    }
    // Step 3-4: If-None-Match, else If-Modified-Since; for GET and HEAD a match is 304.
    if (!c.if_none_match.empty()) {
        if (etagListMatches(c.if_none_match, v.etag, /*strong=*/false)) {
            return Precondition::kNotModified;
        }
    } else if (!c.if_modified_since.empty()) {
        if (auto date = parseHttpDate(trim(c.if_modified_since))) {
            if (v.last_modified <= *date) return Precondition::kNotModified;
        }
    }
    return Precondition::kProceed;
}

bool ifRangeAllows(std::string_view value, const Validators& v, std::int64_t now) noexcept {
    value = trim(value);
    if (value.empty()) return false;
    if (value.front() == '"' || value.starts_with("W/")) {
        // A list is not allowed here: exactly one entity tag, compared strongly.
        const Tag theirs = split(value);
        const Tag ours = split(v.etag);
        return !theirs.weak && !ours.weak && theirs.opaque == ours.opaque;
    }
    auto date = parseHttpDate(value);
    // A Last-Modified within the second it was sent may change again unseen: it is weak, and
    // a weak validator never satisfies If-Range.
    return date && *date == v.last_modified && v.last_modified < now;
}

}  // namespace gorgon::httpstatic
