// Escaping untrusted names (file names, request paths) for the two places they are echoed:
// HTML text and attributes, and URLs (hrefs, Location).
#pragma once

#include <string>
#include <string_view>

namespace gorgon::httpstatic {

// Appends `s` safe for HTML text and double- or single-quoted attributes: & < > " ' become
// entities, and control characters become numeric references so a name cannot break the page.
void appendHtmlEscaped(std::string& out, std::string_view s);

// Appends `s` percent-encoded: only unreserved characters (A-Z a-z 0-9 - . _ ~) and, if
// `keep_slash`, '/' stay as they are. Anything that could end a URL, start a scheme (':') or an
// attribute ('"') is encoded, so the result is safe inside a quoted href and a Location.
void appendUrlEncoded(std::string& out, std::string_view s, bool keep_slash);

}  // namespace gorgon::httpstatic
