// The monitor protocol's framing (docs/monitor-protocol.md), shared by the monitor and
// gorgonctl. Pure code: unit-tested directly.
//
// Every message from the server is a status line, then a body of exactly the announced length:
//
//   CODE SP LENGTH [SP TEXT] LF
//   BODY (LENGTH bytes)
//
// CODE is three digits (100-599), LENGTH the body's size in decimal, TEXT a one-line summary
// (printable, at most kMaxStatusText bytes). The body is opaque: it may hold any byte, newlines
// included, and no terminator has to be searched for or escaped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gorgon::monitor {

inline constexpr std::string_view kProtocolName = "gorgon-monitor";
inline constexpr int kProtocolVersion = 1;

// A status line is at most this long (LF excluded): code, length, a space each, the text.
inline constexpr std::size_t kMaxStatusText = 240;
inline constexpr std::size_t kMaxStatusLine = kMaxStatusText + 3 + 1 + 20 + 1;

// Reply codes. 2xx: done. 3xx: go on (log in). 4xx: refused; nothing was changed. 5xx: tried,
// and it failed (or the login did).
enum ReplyCode : int {
    kOk = 200,
    kReady = 220,    // greeting: commands may follow
    kClosing = 221,  // the server closes the connection after this reply
    kLoggedIn = 230,
    kLoginFirst = 330,   // greeting over TCP: answer the challenge with `login HMAC`
    kBadRequest = 400,   // unknown command, wrong arguments, bad quoting
    kForbidden = 403,    // the access list does not allow it
    kNotFound = 404,     // no such plugin or server
    kConflict = 409,     // already loaded, needed by another plugin, in use
    kTooLarge = 413,     // line, argument list or reply over a limit
    kUnavailable = 421,  // refused or closing: too many clients, locked out, idle, restarting
    kInvalid = 422,      // a configuration that does not validate
    kFailed = 500,       // the host tried and failed (load, reload, ...)
    kAuthFailed = 530,
    kTlsRequired = 534,  // require_tls: a plaintext TCP connection is refused
};

// A status line's TEXT made safe: control bytes become '?', and it is cut to kMaxStatusText
// bytes (with "..." at the end when cut). Never contains LF.
[[nodiscard]] std::string statusText(std::string_view text);

// The whole message: status line and body.
[[nodiscard]] std::string formatMessage(int code, std::string_view text, std::string_view body);

struct StatusLine {
    int code = 0;
    std::uint64_t length = 0;
    std::string text;
};

// Parses a status line (without its LF; a trailing CR is tolerated). Refuses anything that does
// not match the grammar exactly, and a length above `max_length`. On failure `error` says why.
[[nodiscard]] bool parseStatusLine(std::string_view line, std::uint64_t max_length, StatusLine& out,
                                   std::string& error);

}  // namespace gorgon::monitor
