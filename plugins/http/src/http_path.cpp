#include "http_path.hpp"

#include "http_text.hpp"

#include <cstring>

namespace gorgon::http {

namespace {

// True when the path may need work: a '%', or a '/' followed by '/' or '.'.
bool needsWork(std::string_view raw) noexcept {
    for (std::size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '%' || c == '\0') return true;
        if (c == '/' && i + 1 < raw.size() && (raw[i + 1] == '/' || raw[i + 1] == '.')) {
            return true;
        }
    }
    return false;
}

}  // namespace

int normalizePath(std::string_view raw, std::string& scratch, std::string_view& out) {
    if (raw.empty() || raw.front() != '/') return 400;
    if (!needsWork(raw)) {
        out = raw;
        return 0;
    }

    // Decode into `scratch`, then normalise it in place: the result is never longer than the
    // decoded path, so the write position never passes the read position. No allocation once
    // the connection's scratch buffer has grown to its longest path.
    scratch.clear();
    scratch.reserve(raw.size() + 1);
    for (std::size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '%') {
            if (i + 2 >= raw.size()) return 400;
            int hi = hexValue(raw[i + 1]);
            int lo = hexValue(raw[i + 2]);
            if (hi < 0 || lo < 0) return 400;
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        }
        if (c == '\0') return 400;
        scratch.push_back(c);
    }
    // A sentinel '/', so every segment ends with one; "/a/" becomes "/a//" and its last segment
    // is the empty one that says "directory".
    scratch.push_back('/');

    // RFC 3986 5.2.4 on whole segments, except that climbing above the root is an error rather
    // than silently ignored: such a request is an attack or a bug, never a real link.
    std::size_t w = 1;  // scratch[0, w) is the result so far; it ends with '/'
    std::size_t r = 1;
    bool trailing = false;  // the last segment was empty, "." or "..": the result is a directory
    while (r < scratch.size()) {
        const std::size_t slash = scratch.find('/', r);  // always found: the sentinel
        const std::size_t len = slash - r;
        if (len == 0 || (len == 1 && scratch[r] == '.')) {
            trailing = true;
        } else if (len == 2 && scratch[r] == '.' && scratch[r + 1] == '.') {
            if (w == 1) return 400;
            w = scratch.rfind('/', w - 2) + 1;
            trailing = true;
        } else {
            if (w != r) std::memmove(scratch.data() + w, scratch.data() + r, len);
            w += len;
            scratch[w++] = '/';
            trailing = false;
        }
        r = slash + 1;
    }
    scratch.resize(w);
    if (!trailing && w > 1) scratch.pop_back();
    out = scratch;
    return 0;
}

}  // namespace gorgon::http
