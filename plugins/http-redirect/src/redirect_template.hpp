// Replacement templates of http-redirect ("/new/$1", "/u/${user}?page=$2"): parsed and checked
// once when the route opens, expanded for every matching request. Pure code (no PCRE2, no
// host), unit-tested directly.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gorgon::redirect {

// A capture as the regex left it: nullopt for a group that did not take part in the match.
using Capture = std::optional<std::string_view>;

// How a regex names its groups: the number of capturing groups, and the number of a named one
// (-1: no such name; -2: the name is used by several groups).
struct GroupInfo {
    int count = 0;
    std::function<int(std::string_view)> number_of;
};

class Template {
  public:
    // Parses `text`: `$0`..`$9` and `${N}` (group N, 0 the whole match), `${name}` (a named
    // group), `$$` (a '$'); everything else is literal. A reference to a group the regex does not
    // have, a lone '$' or an unterminated "${" is an error naming its offset in `text`.
    static std::variant<Template, std::string> parse(std::string_view text,
                                                     const GroupInfo& groups);

    // The target for one match, as nginx's rewrite builds it: the captures percent-encoded for
    // where they land (path or query), the original query appended ("?q", or "&q" when the
    // template has a query of its own) unless the template ends in '?', which is dropped. Every
    // byte that may not appear in a Location or a request-target (controls, space, DEL, non-ASCII)
    // is percent-encoded, wherever it came from.
    [[nodiscard]] std::string expand(std::span<const Capture> captures,
                                     std::string_view original_query) const;

    // The template starts with a literal '/' (what a rewrite must produce).
    [[nodiscard]] bool startsWithSlash() const noexcept;

  private:
    struct Part {
        std::string literal;  // when group < 0
        int group = -1;
        bool in_query = false;  // after the template's first literal '?'
    };
    std::vector<Part> parts_;
    bool has_query_ = false;   // a literal '?' (other than a final one)
    bool drop_query_ = false;  // the template ends in '?': the original query is not appended
};

// Appends `s` (a capture: decoded text) percent-encoded so that it stays one piece of data: in a
// path only pchar characters (RFC 3986: unreserved, sub-delims, ':', '@') and '/' stay; in a
// query '&', '=', '+', ';' and '#' are encoded too, so a capture cannot add a parameter.
void appendCapture(std::string& out, std::string_view s, bool in_query);

// Appends `s` with every byte not allowed in a Location or request-target (CR, LF, other
// controls, space, DEL, bytes >= 0x80) percent-encoded; the rest, '%' included, as it is.
void appendHeaderSafe(std::string& out, std::string_view s);

}  // namespace gorgon::redirect
