// Writing a response head: the status line, Date, Server, the extension's fields, framing and
// Connection, into a reused buffer. Pure code (no host calls), unit-tested directly.
#pragma once

#include <gorgon/http.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gorgon::http {

// The standard reason phrase (RFC 9110 15), or "" for a code it does not name.
[[nodiscard]] std::string_view reasonPhrase(int status) noexcept;

// 1xx, 204 and 304 never carry content (RFC 9110 6.4.1).
[[nodiscard]] constexpr bool statusForbidsBody(int status) noexcept {
    return status < 200 || status == 204 || status == 304;
}

// A field name an extension may send: a token, and not one of the fields the http plugin writes
// itself (framing, Connection, Date, Server), which are dropped instead.
enum class FieldCheck { Ok, Reserved, Invalid };
[[nodiscard]] FieldCheck checkResponseField(std::string_view name, std::string_view value) noexcept;

enum class Framing : std::uint8_t {
    None,     // no content at all (1xx, 204, 304)
    Length,   // Content-Length
    Chunked,  // Transfer-Encoding: chunked (HTTP/1.1, length unknown)
    Close,    // delimited by closing the connection (HTTP/1.0, length unknown)
};

struct ResponseSpec {
    int status = 200;
    const gorgon_http_header* fields = nullptr;  // checked as they are written
    std::size_t field_count = 0;
    std::string_view extra;   // preformatted "Name: value\r\n" lines (the error page's own)
    std::string_view date;    // IMF-fixdate
    std::string_view server;  // empty: no Server field
    std::int64_t content_length = -1;  // -1: unknown
    bool has_body = false;             // a body producer was given
    int version = 11;                  // the request's: 10 or 11
    bool close = false;                // the connection closes after this response
    // Over TLS only. `hsts`: the Strict-Transport-Security value (the field is then ours, an
    // extension's own is dropped). `https_host`: the request's host, for which a Location
    // "http://HOST..." is written "https://HOST..." (see appendHttpsLocation).
    std::string_view hsts;
    std::string_view https_host;
};

// How the body is delimited; Close forces `close`.
[[nodiscard]] Framing chooseFraming(const ResponseSpec& spec) noexcept;

// Appends the response head, through the empty line, to `out`. Checks each field as it goes
// (one pass: this is on every response): returns false, with `out` unusable, if one is invalid.
[[nodiscard]] bool appendResponseHead(std::string& out, const ResponseSpec& spec, Framing framing);

// The small HTML page sent for an error status: its length is known before it is written.
[[nodiscard]] std::size_t errorPageLength(int status) noexcept;
void appendErrorPage(std::string& out, int status);

}  // namespace gorgon::http
