// The gorgon_http_api functions: C entry points for extensions, so every one is noexcept and
// turns a failure into a status; none lets an exception reach extension code.
#include "http_request.hpp"

#include "http_connection.hpp"
#include "http_path.hpp"
#include "http_text.hpp"

namespace gorgon::http {

namespace {

const Request& req(const gorgon_http_request* r) noexcept {
    return *static_cast<const Request*>(r);
}
Request& req(gorgon_http_request* r) noexcept {
    return *static_cast<Request*>(r);
}
gorgon_str str(std::string_view s) noexcept {
    return {s.data(), s.size()};
}

gorgon_str apiMethod(const gorgon_http_request* r) noexcept {
    return str(req(r).head.method);
}
gorgon_str apiTarget(const gorgon_http_request* r) noexcept {
    return str(req(r).head.target);
}
gorgon_str apiPath(const gorgon_http_request* r) noexcept {
    return str(req(r).path);
}
gorgon_str apiQuery(const gorgon_http_request* r) noexcept {
    return str(req(r).head.query);
}
int apiVersion(const gorgon_http_request* r) noexcept {
    return req(r).head.version_num;
}
gorgon_str apiHost(const gorgon_http_request* r) noexcept {
    return str(req(r).head.host);
}

int apiHeader(const gorgon_http_request* r, const char* name, gorgon_str* value) noexcept {
    if (name == nullptr) return 0;
    const std::string_view want(name);
    for (const HeaderField& f : req(r).head.fields) {
        if (equalsIgnoreCase(f.name, want)) {
            if (value != nullptr) *value = str(f.value);
            return 1;
        }
    }
    return 0;
}

size_t apiHeaderCount(const gorgon_http_request* r) noexcept {
    return req(r).head.fields.size();
}

int apiHeaderAt(const gorgon_http_request* r, size_t index, gorgon_str* name,
                gorgon_str* value) noexcept {
    const auto& fields = req(r).head.fields;
    if (index >= fields.size()) return 0;
    if (name != nullptr) *name = str(fields[index].name);
    if (value != nullptr) *value = str(fields[index].value);
    return 1;
}

gorgon_str apiPeer(const gorgon_http_request* r) noexcept {
    Connection* c = req(r).conn;
    return c != nullptr ? str(c->peer()) : gorgon_str{"", 0};
}
gorgon_str apiServerName(const gorgon_http_request* r) noexcept {
    Connection* c = req(r).conn;
    return c != nullptr ? str(c->serverName()) : gorgon_str{"", 0};
}

int64_t apiBodyLength(const gorgon_http_request* r) noexcept {
    const Request& q = req(r);
    switch (q.body) {
        case Request::Body::Length:
            return q.head.content_length;
        case Request::Body::Chunked:
            return -1;
        case Request::Body::None:
            break;
    }
    return 0;
}

int64_t apiBodyRead(gorgon_http_request* r, void* buf, size_t cap, int* finished) noexcept {
    if (req(r).conn == nullptr) return GORGON_E_STALE;  // a request already finished
    try {
        return req(r).conn->bodyRead(req(r), buf, cap, finished);
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

gorgon_status apiBodyNotify(gorgon_http_request* r, gorgon_http_body_fn fn, void* user) noexcept {
    if (req(r).conn == nullptr) return GORGON_E_STALE;
    try {
        return req(r).conn->bodyNotify(req(r), fn, user);
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

gorgon_status apiRespond(gorgon_http_request* r, int status, const gorgon_http_header* headers,
                         size_t header_count, gorgon_producer_id body,
                         int64_t content_length) noexcept {
    if (req(r).conn == nullptr)
        return GORGON_E_STALE;  // the body, if any, is leaked to the
                                // generation's sweep: we cannot free it
    return req(r).conn->respond(req(r), status, headers, header_count, body, content_length);
}

gorgon_status apiRespondError(gorgon_http_request* r, int status, const gorgon_http_header* headers,
                              size_t header_count) noexcept {
    if (req(r).conn == nullptr) return GORGON_E_STALE;
    return req(r).conn->respondError(req(r), status, headers, header_count);
}

gorgon_status apiDecline(gorgon_http_request* r) noexcept {
    if (req(r).conn == nullptr) return GORGON_E_STALE;
    return req(r).conn->decline(req(r));
}

gorgon_status apiRewrite(gorgon_http_request* r, const char* target, size_t len) noexcept {
    if (req(r).conn == nullptr) return GORGON_E_STALE;
    if (target == nullptr) return GORGON_E_INVAL;
    try {
        return rewriteTarget(req(r), std::string_view(target, len));
    } catch (...) {
        return GORGON_E_NOMEM;
    }
}

gorgon_status apiSetUser(gorgon_http_request* r, const char* name, size_t len) noexcept {
    if (req(r).conn == nullptr) return GORGON_E_STALE;
    if (name == nullptr || len == 0 || len > kMaxUserName) return GORGON_E_INVAL;
    const std::string_view v(name, len);
    for (const char c : v) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) return GORGON_E_INVAL;
    }
    try {
        req(r).user.assign(v);
    } catch (...) {
        return GORGON_E_NOMEM;
    }
    return GORGON_OK;
}

gorgon_str apiUser(const gorgon_http_request* r) noexcept {
    return str(req(r).user);
}

int apiSecure(const gorgon_http_request* r) noexcept {
    Connection* c = req(r).conn;
    return c != nullptr && c->isSecure() ? 1 : 0;
}

// Designated initialisers: an entry in the wrong place does not compile.
constexpr gorgon_http_api kApi = {
    .struct_size = sizeof(gorgon_http_api),
    .method = &apiMethod,
    .target = &apiTarget,
    .path = &apiPath,
    .query = &apiQuery,
    .version = &apiVersion,
    .host = &apiHost,
    .header = &apiHeader,
    .header_count = &apiHeaderCount,
    .header_at = &apiHeaderAt,
    .peer = &apiPeer,
    .server_name = &apiServerName,
    .body_length = &apiBodyLength,
    .body_read = &apiBodyRead,
    .body_notify = &apiBodyNotify,
    .respond = &apiRespond,
    .respond_error = &apiRespondError,
    .decline = &apiDecline,
    .rewrite = &apiRewrite,
    .set_user = &apiSetUser,
    .user = &apiUser,
    .secure = &apiSecure,
};

}  // namespace

gorgon_status rewriteTarget(Request& r, std::string_view target) {
    if (target.empty() || target.front() != '/') return GORGON_E_INVAL;
    if (target.size() > kMaxRewrittenTarget) return GORGON_E_TOOBIG;
    // The bytes a request line may carry in its target, no more: a '#' (a fragment is never
    // sent) would otherwise become part of the path the next routes see.
    for (const char c : target) {
        if (!isTargetByte(c)) return GORGON_E_INVAL;
    }
    const std::size_t q = target.find('?');
    const std::string_view raw_path = target.substr(0, q);
    std::string scratch;
    std::string_view normalised;
    if (normalizePath(raw_path, scratch, normalised) != 0) return GORGON_E_INVAL;
    // Build everything first, then swap it in: the old target, path and query stay valid (the
    // caller may be reading them) until the request has its new ones.
    std::string copy(target);
    std::string path_copy = normalised.data() == raw_path.data() ? std::string(raw_path) : scratch;
    if (r.original_target.empty()) r.original_target = r.head.target;
    r.rewritten.swap(copy);
    r.path_scratch.swap(path_copy);
    const std::string_view t(r.rewritten);
    r.head.target = t;
    r.head.path = t.substr(0, q);
    r.head.query = q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
    r.path = r.path_scratch;
    return GORGON_OK;
}

const gorgon_http_api* httpApi() noexcept {
    return &kApi;
}

}  // namespace gorgon::http
