// The request head: finding where it ends in the input (HeadScanner, incremental, so a head that
// arrives a byte at a time is scanned once), then parsing it in place (parseHead). Pure code with
// no host calls, unit-tested and fuzzed directly.
//
// Strict by design (RFC 9112): exactly one SP between the parts of the request line, token
// methods and field names, no whitespace before a colon, no obs-fold, no controls (NUL, bare CR)
// anywhere, one Host, one Content-Length, no Content-Length with Transfer-Encoding. The only
// leniency the RFC allows and this takes is a bare LF as a line end, and empty lines before the
// request line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace gorgon::http {

struct Limits {
    std::size_t request_line = std::size_t{8} * 1024;
    std::size_t header_size = std::size_t{16} * 1024;  // the field lines, without the request line
    std::size_t header_count = 100;
    std::uint64_t body_size = std::uint64_t{1024} * 1024;  // 0: no limit

    // The most input a head may occupy, leading empty lines included.
    [[nodiscard]] std::size_t maxHead() const noexcept {
        return 2 * request_line + header_size + 8;
    }
};

class HeadScanner {
  public:
    enum class Status { NeedMore, Complete, Error };

    void reset() noexcept { *this = HeadScanner(); }

    // `data` is the connection's input from the start of the request; `len` only ever grows
    // between calls (until reset). Examines each byte once over all calls.
    Status scan(const char* data, std::size_t len, const Limits& limits) noexcept;

    // Empty lines before the request line (skipped); valid once scanning has begun.
    [[nodiscard]] std::size_t skip() const noexcept { return skip_; }
    // The head from the request line through the empty line; valid on Complete.
    [[nodiscard]] std::size_t headLength() const noexcept { return head_len_; }
    // 400, 414 or 431; valid on Error.
    [[nodiscard]] int error() const noexcept { return error_; }
    // The request line, if it has been seen whole (else 0): for logging a refused request.
    [[nodiscard]] std::size_t requestLineEnd() const noexcept {
        return fields_start_ == kNone ? 0 : fields_start_;
    }

  private:
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    Status fail(int status) noexcept {
        error_ = status;
        return Status::Error;
    }

    std::size_t pos_ = 0;         // next byte to examine
    std::size_t line_start_ = 0;  // where the current line begins
    std::size_t skip_ = 0;
    std::size_t fields_start_ = kNone;  // just past the request line's LF
    std::size_t fields_ = 0;
    std::size_t head_len_ = 0;
    int error_ = 0;
};

struct HeaderField {
    std::string_view name;
    std::string_view value;
};

enum class TargetForm : std::uint8_t { Origin, Absolute, Asterisk };

// Everything parseHead learns. Views point into the head passed to it.
struct RequestHead {
    std::string_view request_line;
    std::string_view method;
    std::string_view target;   // as received
    std::string_view version;  // "HTTP/1.1"
    int version_num = 11;      // 10 or 11 (HTTP/1.2+ is treated as 1.1, RFC 9110 6.2)
    TargetForm form = TargetForm::Origin;
    std::string_view path;   // raw (not decoded); "/" for an absolute-form target without one
    std::string_view query;  // raw, without '?'
    std::string_view host;   // absolute-form authority, else the Host field (may be empty)
    std::vector<HeaderField> fields;
    std::int64_t content_length = -1;  // -1: no Content-Length
    bool chunked = false;
    bool keep_alive = true;  // what the client asked for (RFC 9112 9.3)
    bool expect_continue = false;
    bool is_head = false;
    std::string_view referer;
    std::string_view user_agent;

    void clear() noexcept;
};

// Parses a head as delimited by HeadScanner (request line through the empty line, without the
// skipped empty lines before it). Returns 0, or the status to refuse it with: 400, 414, 417, 431,
// 501 (CONNECT, an unknown transfer coding) or 505. `out` is reset first; its field vector keeps
// its capacity, so a connection parsing request after request allocates nothing.
[[nodiscard]] int parseHead(std::string_view head, const Limits& limits, RequestHead& r);

// Whether `s` is a valid Host field value or authority: uri-host [":" port], no userinfo.
[[nodiscard]] bool isValidHost(std::string_view s) noexcept;

}  // namespace gorgon::http
