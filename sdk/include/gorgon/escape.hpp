// gorgon/escape.hpp — header-only escaping of untrusted text for the two formats plugins most
// often print it into: JSON string literals and HTML (text and quoted attributes).
//
// Nothing here crosses the ABI; it is compiled into each plugin that includes it. Plugin names,
// file names, peer addresses and request paths are all untrusted: pass every one through these
// before it reaches a JSON reply or an HTML page.
#ifndef GORGON_ESCAPE_HPP
#define GORGON_ESCAPE_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gorgon::escape {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not one. Overlong forms,
// surrogates and code points above U+10FFFF are invalid (RFC 3629).
[[nodiscard]] inline std::size_t utf8Length(std::string_view s, std::size_t i) noexcept {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (b0 < 0x80) return 1;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        n = 2;
        cp = b0 & 0x1fu;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        n = 3;
        cp = b0 & 0x0fu;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        n = 4;
        cp = b0 & 0x07u;
    } else {
        return 0;
    }
    if (s.size() - i < n) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xc0u) != 0x80u) return 0;
        cp = (cp << 6) | (b & 0x3fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff))) return 0;
    if (cp >= 0xd800 && cp <= 0xdfff) return 0;
    return n;
}

// Appends the JSON string literal for `text`, quotes included. Always valid JSON: quotes,
// backslashes and control bytes are escaped, and bytes that are not valid UTF-8 become U+FFFD,
// so a hostile name cannot break a client's parser.
inline void appendJson(std::string& out, std::string_view text) {
    constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    std::size_t i = 0;
    while (i < text.size()) {
        const auto b = static_cast<unsigned char>(text[i]);
        if (b == '"' || b == '\\') {
            out += '\\';
            out += static_cast<char>(b);
            ++i;
        } else if (b == '\n') {
            out += "\\n";
            ++i;
        } else if (b == '\t') {
            out += "\\t";
            ++i;
        } else if (b == '\r') {
            out += "\\r";
            ++i;
        } else if (b < 0x20 || b == 0x7f) {
            out += "\\u00";
            out += kHex[b >> 4];
            out += kHex[b & 0x0f];
            ++i;
        } else if (b < 0x80) {
            out += static_cast<char>(b);
            ++i;
        } else if (const std::size_t n = utf8Length(text, i); n > 0) {
            out.append(text.substr(i, n));
            i += n;
        } else {
            out += "\\ufffd";
            ++i;
        }
    }
    out += '"';
}

[[nodiscard]] inline std::string json(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    appendJson(out, text);
    return out;
}

// How appendHtml writes a control byte (other than TAB and LF in `pictures`): as the visible
// control picture U+2400 + byte (a status page shows that something odd is there), or as the
// numeric reference of the byte itself (a listing keeps the name's own characters).
enum class HtmlControls { pictures, references };

// Appends `text` safe for HTML text and for double- or single-quoted attribute values:
// & < > " ' become entities, control bytes become numeric references (see HtmlControls), and
// bytes that are not valid UTF-8 become U+FFFD, so a name can neither break the markup nor the
// page's encoding.
inline void appendHtml(std::string& out, std::string_view text,
                       HtmlControls controls = HtmlControls::pictures) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                if (controls == HtmlControls::references && (c < 0x20 || c == 0x7f)) {
                    out += "&#";
                    out += std::to_string(c);
                    out += ';';
                } else if (c == '\t' || c == '\n') {
                    out += static_cast<char>(c);
                } else if (c < 0x20 || c == 0x7f) {
                    out += "&#";
                    out += std::to_string(c < 0x20 ? 0x2400u + c : 0x2421u);  // control pictures
                    out += ';';
                } else if (c < 0x80) {
                    out += static_cast<char>(c);
                } else if (const std::size_t n = utf8Length(text, i); n > 0) {
                    out.append(text.substr(i, n));
                    i += n;
                    continue;
                } else {
                    out += "&#xfffd;";
                }
        }
        ++i;
    }
}

[[nodiscard]] inline std::string html(std::string_view text,
                                      HtmlControls controls = HtmlControls::pictures) {
    std::string out;
    out.reserve(text.size());
    appendHtml(out, text, controls);
    return out;
}

// Appends `text` percent-encoded (upper-case hex): only unreserved characters
// (A-Z a-z 0-9 - . _ ~) and, if `keep_slash`, '/' stay as they are. Anything that could end a
// URL, start a scheme (':') or an attribute ('"') is encoded, so the result is safe inside a
// quoted href and a Location header.
inline void appendUrl(std::string& out, std::string_view text, bool keep_slash) {
    constexpr char kHex[] = "0123456789ABCDEF";
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~';
        if (unreserved || (keep_slash && c == '/')) {
            out += ch;
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0x0f];
        }
    }
}

}  // namespace gorgon::escape

#endif  // GORGON_ESCAPE_HPP
