#include "static_conditional.hpp"

#include <gorgon/http_date.hpp>

namespace gorgon::httpstatic {

namespace {

char* putHex(char* out, std::uint64_t v) noexcept {
    constexpr char kHex[] = "0123456789abcdef";
    char tmp[16];
    std::size_t n = 0;
    do {
        tmp[n++] = kHex[v & 0xf];
        v >>= 4;
    } while (v != 0);
    while (n != 0) *out++ = tmp[--n];
    return out;
}

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

// Entity-tag characters (etagc): visible ASCII except DQUOTE, and obs-text.
bool isEtagc(char c) noexcept {
    auto u = static_cast<unsigned char>(c);
    return u == 0x21 || (u >= 0x23 && u != 0x7f);
}

}  // namespace

std::size_t formatEtag(std::uint64_t size, std::int64_t mtime_ns, std::uint64_t inode, bool weak,
                       char* out) noexcept {
    char* p = out;
    if (weak) {
        *p++ = 'W';
        *p++ = '/';
    }
    *p++ = '"';
    p = putHex(p, static_cast<std::uint64_t>(mtime_ns));
    *p++ = '-';
    p = putHex(p, size);
    *p++ = '-';
    p = putHex(p, inode);
    *p++ = '"';
    return static_cast<std::size_t>(p - out);
}

bool etagListMatches(std::string_view list, std::string_view etag, bool strong) noexcept {
    list = trim(list);
    if (list == "*") return true;
    const Tag ours = split(etag);
    if (strong && ours.weak) return false;
    std::size_t i = 0;
    while (i < list.size()) {
        // Empty list elements and the whitespace around commas are allowed (RFC 9110 §5.6.1).
        if (list[i] == ',' || isOws(list[i])) {
            ++i;
            continue;
        }
        bool weak = false;
        if (list.compare(i, 2, "W/") == 0) {
            weak = true;
            i += 2;
        }
        if (i >= list.size() || list[i] != '"') return false;
        std::size_t close = i + 1;
        while (close < list.size() && isEtagc(list[close])) ++close;
        if (close >= list.size() || list[close] != '"') return false;
        const std::string_view opaque = list.substr(i, close + 1 - i);
        i = close + 1;
        if (i < list.size() && list[i] != ',' && !isOws(list[i])) return false;
        if (opaque == ours.opaque && !(strong && weak)) return true;
    }
    return false;
}

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
