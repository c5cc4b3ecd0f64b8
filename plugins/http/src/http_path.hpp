// The path extensions see: percent-decoded, dot-segments and repeated slashes removed. Pure code,
// unit-tested and fuzzed directly.
#pragma once

#include <string>
#include <string_view>

namespace gorgon::http {

// Normalises the raw path of a request-target (which starts with '/'). On success returns 0 and
// points `out` either at `raw` itself (nothing to change: the common case, no copy) or at
// `scratch`. Returns 400 for an invalid percent-escape, a NUL byte (raw or %00), or a path that
// climbs above "/" ("/../x", "/a/%2e%2e/%2e%2e/x").
//
// Decoding comes first, so "%2e%2e" is "..", and "%2F" is a separator like "/": what the
// extension sees is exactly what a file system would be asked for. A trailing slash is kept
// ("/a/" stays a directory); "/a/." and "/a/b/.." become "/a/".
[[nodiscard]] int normalizePath(std::string_view raw, std::string& scratch, std::string_view& out);

}  // namespace gorgon::http
