// One request, as extensions see it through the gorgon_http_api table (http.h), and the
// Exchange that holds it with the copy of its head. A connection holds an Exchange only while
// a request is being read or answered; the plugin keeps the idle ones in a pool, so their
// buffers are allocated once and reused, and an idle keep-alive connection costs no buffer.
#pragma once

#include "http_chunked.hpp"
#include "http_parser.hpp"

#include <gorgon/http.h>

#include <cstdint>
#include <string>
#include <string_view>

// The opaque type of http.h. Only this plugin defines it; extensions only hold pointers.
struct gorgon_http_request {};

namespace gorgon::http {

class Connection;
struct Binding;

class Request final : public gorgon_http_request {
  public:
    enum class Body : std::uint8_t { None, Length, Chunked };

    // Back to "no request"; keeps the buffers' capacity. The head is left to parseHead (which
    // clears it first) or to the caller.
    void resetState() noexcept {
        path = {};
        binding = nullptr;
        active = false;
        started_ms = 0;
        body = Body::None;
        body_left = 0;
        body_done = true;
        body_error = 0;
        body_started = false;
        expect_pending = false;
        notify_fn = nullptr;
        notify_user = nullptr;
        route_index = 0;
        resume = false;
        in_handle = false;
        user.clear();
        original_target = {};
    }
    void reset() noexcept {
        head.clear();
        resetState();
    }

    Connection* conn = nullptr;  // set while a connection holds the Exchange
    RequestHead head;            // views into the connection's copy of the head
    std::string_view path;
    std::string path_scratch;    // the normalised path, when it differs from the raw one
    Binding* binding = nullptr;  // the route that has it, while it does
    bool active = false;         // from dispatch until the response (or abort)
    std::int64_t started_ms = 0;

    Body body = Body::None;
    std::uint64_t body_left = 0;  // Length: bytes not yet taken from the input
    bool body_done = true;
    int body_error = 0;           // 400 or 413 once the body turned out bad
    bool body_started = false;    // the extension asked for the body (read or notify)
    bool expect_pending = false;  // "Expect: 100-continue" not answered yet
    ChunkedDecoder chunked;
    gorgon_http_body_fn notify_fn = nullptr;
    void* notify_user = nullptr;

    // Routing (ABI 1.4): the route that has the request, a decline() waiting for the loop to
    // resume routing after it, and what rewrite() and set_user() changed.
    std::size_t route_index = 0;
    bool resume = false;               // decline() was called: route on from route_index + 1
    bool in_handle = false;            // inside an extension's handle(): decline() is refused
    std::string user;                  // set_user(); capacity kept across requests
    std::string rewritten;             // the target given to rewrite(); head.target points into it
    std::string_view original_target;  // the target as received, once rewrite() replaced it
};

// Everything one request needs while it is read and answered.
struct Exchange {
    std::string head;  // the head, copied out of the connection's input
    Request req;
};

// The longest name set_user() accepts, and the longest target rewrite() accepts.
inline constexpr std::size_t kMaxUserName = 256;
inline constexpr std::size_t kMaxRewrittenTarget = 8192;

// rewrite(): replaces the target, path and query of `r` with `target` (origin form), or returns
// GORGON_E_INVAL / GORGON_E_TOOBIG leaving `r` as it was.
[[nodiscard]] gorgon_status rewriteTarget(Request& r, std::string_view target);

// The table handed to every extension's route_open. Static, valid while the plugin is loaded.
[[nodiscard]] const gorgon_http_api* httpApi() noexcept;

}  // namespace gorgon::http
