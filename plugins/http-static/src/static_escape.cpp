#include "static_escape.hpp"

namespace gorgon::httpstatic {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool isUnreserved(unsigned char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

}  // namespace

void appendHtmlEscaped(std::string& out, std::string_view s) {
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
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
                if (c < 0x20 || c == 0x7f) {
                    out += "&#";
                    out += std::to_string(c);
                    out += ';';
                } else {
                    out += ch;
                }
        }
    }
}

void appendUrlEncoded(std::string& out, std::string_view s, bool keep_slash) {
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (isUnreserved(c) || (keep_slash && c == '/')) {
            out += ch;
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        }
    }
}

}  // namespace gorgon::httpstatic
