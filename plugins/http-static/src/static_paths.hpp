// URL paths on the way in and out: the route's prefix, the part of a request path that maps
// into the root, and the Location of a directory redirect.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gorgon::httpstatic {

// Checks and normalises a configured prefix: it must start with '/', and since request paths
// reach extensions decoded and normalised, it must hold no "." or ".." segment, no "//", no
// '?' or '#', and no control characters. A trailing '/' is dropped ("/static/" serves the same
// URLs as "/static"), except for "/" itself. Returns the reason it is bad, or nullopt.
[[nodiscard]] std::optional<std::string> normalizePrefix(std::string_view in, std::string& out);

// The part of `path` (decoded, normalised, starting with '/') below `prefix`, starting with '/'
// or empty when the path is the prefix itself; nullopt if `path` is not under `prefix`.
// "/static" holds "/static" and "/static/..." but not "/staticfoo".
[[nodiscard]] std::optional<std::string_view> belowPrefix(std::string_view path,
                                                          std::string_view prefix) noexcept;

// Whether a Host value is safe to echo in a Location: a host name, IPv4 or bracketed IPv6
// address, with an optional port. Anything else (spaces, '@', '/', controls) is refused.
[[nodiscard]] bool isSafeHost(std::string_view host) noexcept;

// The Location for a directory requested without its trailing slash: "http://HOST/path/?query"
// with the path percent-encoded again, or the same without "http://HOST" (a relative reference,
// RFC 9110 §10.2.2) when there is no usable Host. A query with control characters is dropped.
[[nodiscard]] std::string directoryLocation(std::string_view host, std::string_view path,
                                            std::string_view query);

// A path assembled on the stack (request path plus an index name or ".gz"), NUL-free by
// construction since its parts are.
class PathBuilder {
  public:
    static constexpr std::size_t kCapacity = 4096;
    // False if the result would not fit (the filesystem would refuse such a path anyway).
    bool append(std::string_view s) noexcept;
    void truncate(std::size_t len) noexcept { len_ = len < len_ ? len : len_; }
    [[nodiscard]] std::string_view view() const noexcept { return {buf_, len_}; }
    [[nodiscard]] std::size_t size() const noexcept { return len_; }

  private:
    char buf_[kCapacity];
    std::size_t len_ = 0;
};

}  // namespace gorgon::httpstatic
