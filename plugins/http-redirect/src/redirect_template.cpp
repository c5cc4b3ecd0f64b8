#include "redirect_template.hpp"

#include <charconv>

namespace gorgon::redirect {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

void appendEscaped(std::string& out, unsigned char c) {
    out.push_back('%');
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
}

bool unreserved(unsigned char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

// RFC 3986 sub-delims.
bool subDelim(unsigned char c) noexcept {
    switch (c) {
        case '!':
        case '$':
        case '&':
        case '\'':
        case '(':
        case ')':
        case '*':
        case '+':
        case ',':
        case ';':
        case '=':
            return true;
        default:
            return false;
    }
}

bool keptInCapture(unsigned char c, bool in_query) noexcept {
    if (unreserved(c) || c == '/' || c == ':' || c == '@') return true;
    if (!subDelim(c)) return false;
    return !in_query || (c != '&' && c != '=' && c != '+' && c != ';');
}

std::string offsetError(std::size_t at, const std::string& what) {
    return what + " (at offset " + std::to_string(at) + " of the template)";
}

}  // namespace

void appendCapture(std::string& out, std::string_view s, bool in_query) {
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (keptInCapture(c, in_query)) {
            out.push_back(ch);
        } else {
            appendEscaped(out, c);
        }
    }
}

void appendHeaderSafe(std::string& out, std::string_view s) {
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c >= 0x7f) {
            appendEscaped(out, c);
        } else {
            out.push_back(ch);
        }
    }
}

std::variant<Template, std::string> Template::parse(std::string_view text,
                                                    const GroupInfo& groups) {
    Template t;
    // nginx: a final '?' says "do not append the original query" and is not part of the result.
    if (!text.empty() && text.back() == '?') {
        t.drop_query_ = true;
        text.remove_suffix(1);
    }
    bool in_query = false;
    std::string literal;
    auto flushLiteral = [&] {
        if (!literal.empty()) t.parts_.push_back({std::move(literal), -1, in_query});
        literal.clear();
    };
    auto addGroup = [&](int n) {
        flushLiteral();
        t.parts_.push_back({{}, n, in_query});
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '?' && !in_query) {
            flushLiteral();
            in_query = true;
            t.has_query_ = true;
            literal.push_back(c);
            continue;
        }
        if (c != '$') {
            literal.push_back(c);
            continue;
        }
        if (i + 1 >= text.size())
            return offsetError(i, "a '$' ends the template (write $$ for a '$')");
        const char next = text[i + 1];
        if (next == '$') {
            literal.push_back('$');
            ++i;
        } else if (next >= '0' && next <= '9') {
            const int n = next - '0';
            if (n > groups.count) {
                return offsetError(i, "$" + std::to_string(n) + " refers to group " +
                                          std::to_string(n) + ", but the regex has " +
                                          std::to_string(groups.count) + " capturing group" +
                                          (groups.count == 1 ? "" : "s"));
            }
            addGroup(n);
            ++i;
        } else if (next == '{') {
            const std::size_t close = text.find('}', i + 2);
            if (close == std::string_view::npos) return offsetError(i, "'${' without its '}'");
            const std::string_view name = text.substr(i + 2, close - i - 2);
            if (name.empty()) return offsetError(i, "an empty ${}");
            int n = -1;
            if (name.front() >= '0' && name.front() <= '9') {
                const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), n);
                if (ec != std::errc() || end != name.data() + name.size()) {
                    return offsetError(i, "${" + std::string(name) + "} is not a group number");
                }
                if (n > groups.count) {
                    return offsetError(i, "${" + std::string(name) + "} refers to group " +
                                              std::to_string(n) + ", but the regex has " +
                                              std::to_string(groups.count) + " capturing group" +
                                              (groups.count == 1 ? "" : "s"));
                }
            } else {
                n = groups.number_of ? groups.number_of(name) : -1;
                if (n == -2) {
                    return offsetError(
                        i, "${" + std::string(name) + "} names several groups of the regex");
                }
                if (n < 0) {
                    return offsetError(
                        i, "${" + std::string(name) + "}: the regex has no group of that name");
                }
            }
            addGroup(n);
            i = close;
        } else {
            return offsetError(i, std::string("'$") + next +
                                      "' is not $0-$9, ${N}, ${name} or $$ (write $$ for a '$')");
        }
    }
    flushLiteral();
    return t;
}

std::string Template::expand(std::span<const Capture> captures,
                             std::string_view original_query) const {
    std::string out;
    out.reserve(64 + original_query.size());
    for (const Part& p : parts_) {
        if (p.group < 0) {
            appendHeaderSafe(out, p.literal);
        } else if (static_cast<std::size_t>(p.group) < captures.size() &&
                   captures[static_cast<std::size_t>(p.group)]) {
            appendCapture(out, *captures[static_cast<std::size_t>(p.group)], p.in_query);
        }
        // A group that took no part in the match expands to nothing, as in nginx.
    }
    if (!drop_query_ && !original_query.empty()) {
        out.push_back(has_query_ ? '&' : '?');
        appendHeaderSafe(out, original_query);
    }
    return out;
}

bool Template::startsWithSlash() const noexcept {
    return !parts_.empty() && parts_.front().group < 0 && parts_.front().literal.starts_with('/');
}

}  // namespace gorgon::redirect
