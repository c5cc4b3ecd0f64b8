// gorgon/http_etag.hpp — entity tags shared by HTTP extensions (RFC 9110 §8.8.3).
//
// http-static sends the ETag of a file as formatEtag() makes it from the file's size,
// modification time and inode; an extension that changes files (http-put's If-Match) compares
// against the same tag, so a client can GET a file and then PUT over it only if it is unchanged.
#ifndef GORGON_HTTP_ETAG_HPP
#define GORGON_HTTP_ETAG_HPP

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gorgon::http {

// Room for W/"<16 hex>-<16 hex>-<16 hex>".
inline constexpr std::size_t kEtagCapacity = 64;

namespace etag_detail {

inline char* putHex(char* out, std::uint64_t v) noexcept {
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

inline bool isOws(char c) noexcept {
    return c == ' ' || c == '\t';
}

// Entity-tag characters (etagc): visible ASCII except DQUOTE, and obs-text.
inline bool isEtagc(char c) noexcept {
    auto u = static_cast<unsigned char>(c);
    return u == 0x21 || (u >= 0x23 && u != 0x7f);
}

}  // namespace etag_detail

// Writes a quoted entity tag derived from the file's modification time (ns), size and inode
// into out[0..kEtagCapacity): any change to the file changes one of them. `weak` prefixes W/
// (for a representation whose bytes are not promised to be identical from one response to the
// next, such as gzip on the fly). Returns the length.
inline std::size_t formatEtag(std::uint64_t size, std::int64_t mtime_ns, std::uint64_t inode,
                              bool weak, char* out) noexcept {
    char* p = out;
    if (weak) {
        *p++ = 'W';
        *p++ = '/';
    }
    *p++ = '"';
    p = etag_detail::putHex(p, static_cast<std::uint64_t>(mtime_ns));
    *p++ = '-';
    p = etag_detail::putHex(p, size);
    *p++ = '-';
    p = etag_detail::putHex(p, inode);
    *p++ = '"';
    return static_cast<std::size_t>(p - out);
}

// Whether the field value `list` (a comma-separated list of entity tags, or "*") holds a tag
// that matches `etag`. Strong comparison: both must be strong and identical. Weak comparison:
// the opaque tags are identical. A malformed list matches nothing after the malformation.
[[nodiscard]] inline bool etagListMatches(std::string_view list, std::string_view etag,
                                          bool strong) noexcept {
    using etag_detail::isEtagc;
    using etag_detail::isOws;
    while (!list.empty() && isOws(list.front())) list.remove_prefix(1);
    while (!list.empty() && isOws(list.back())) list.remove_suffix(1);
    if (list == "*") return true;
    bool ours_weak = false;
    if (etag.size() >= 2 && etag[0] == 'W' && etag[1] == '/') {
        ours_weak = true;
        etag.remove_prefix(2);
    }
    if (strong && ours_weak) return false;
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
        if (opaque == etag && !(strong && weak)) return true;
    }
    return false;
}

}  // namespace gorgon::http

#endif  // GORGON_HTTP_ETAG_HPP
