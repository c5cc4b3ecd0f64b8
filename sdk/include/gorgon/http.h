/*
 * gorgon/http.h — HTTP extensions, ABI 1.1 (the http plugin's table grew in 1.4).
 *
 * The http plugin speaks HTTP/1.1 and 1.0 and routes each request through the routes of its
 * server's configuration, in order; the first whose extension matches handles it (Medusa's
 * match/handle). An extension is a plugin that publishes a gorgon_http_extension under the
 * service name "http-extension:NAME" and lists "http-extension:NAME" in its descriptor's
 * provides. A route names it:
 *
 *   servers:
 *     - name: web
 *       protocol: http
 *       listen: ["127.0.0.1:8080"]
 *       config:
 *         routes:
 *           - extension: static
 *             config: {root: /srv/www}
 *
 * The http plugin calls route_open once per route (and again on a newer generation of the
 * extension after it is reloaded), and gives the extension the gorgon_http_api below, which it
 * implements. Requests are opaque; everything about them goes through that table.
 */
#ifndef GORGON_HTTP_H
#define GORGON_HTTP_H

#include <gorgon/plugin.h>
#include <gorgon/producer.h>

#ifdef __cplusplus
extern "C" {
#endif

/** One request. Owned by the http plugin; valid from handle() until the extension responds, or
 *  until abort() is called for it, whichever comes first. */
typedef struct gorgon_http_request gorgon_http_request;

typedef struct gorgon_http_header {
    gorgon_str name;
    gorgon_str value;
} gorgon_http_header;

/** Called as request body bytes arrive, and once more when the body is complete. */
typedef void (*gorgon_http_body_fn)(void* user, gorgon_http_request* req);

/**
 * What the http plugin offers extensions. HOST-OWNED by the http plugin's generation, valid
 * between route_open and route_close. Strings returned are BORROWED, valid while the request is.
 */
typedef struct gorgon_http_api {
    uint32_t struct_size;

    /* -- The request -- */
    gorgon_str (*method)(const gorgon_http_request* req);
    /** The request-target exactly as received. */
    gorgon_str (*target)(const gorgon_http_request* req);
    /** The path: percent-decoded, dot-segments and repeated slashes removed, starting with '/'.
     *  Requests whose path decodes to a NUL byte or climbs above '/' never reach extensions. */
    gorgon_str (*path)(const gorgon_http_request* req);
    /** The query, raw, without the '?' (empty if none). */
    gorgon_str (*query)(const gorgon_http_request* req);
    /** 10 for HTTP/1.0, 11 for HTTP/1.1. */
    int (*version)(const gorgon_http_request* req);
    /** The Host header, or the authority of an absolute-form target. */
    gorgon_str (*host)(const gorgon_http_request* req);
    /** The first field `name` (case-insensitive) in *value; returns 0 if absent. */
    int (*header)(const gorgon_http_request* req, const char* name, gorgon_str* value);
    size_t (*header_count)(const gorgon_http_request* req);
    /** Field number `index` in arrival order; returns 0 past the end. */
    int (*header_at)(const gorgon_http_request* req, size_t index, gorgon_str* name,
                     gorgon_str* value);
    /** The peer's address, as in gorgon_conn_info.peer, and the server's configured name. */
    gorgon_str (*peer)(const gorgon_http_request* req);
    gorgon_str (*server_name)(const gorgon_http_request* req);

    /* -- The request body (streamed; never buffered whole by the http plugin) -- */
    /** Content-Length, or -1 for a chunked body, or 0 for none. */
    int64_t (*body_length)(const gorgon_http_request* req);
    /** Copies up to `cap` body bytes that have arrived; returns the count (0: none yet) or an
     *  error. Sets *finished when the whole body has been read. The first read answers an
     *  `Expect: 100-continue`. */
    int64_t (*body_read)(gorgon_http_request* req, void* buf, size_t cap, int* finished);
    /** Calls fn(user, req) from the loop whenever more body arrives, and when it is complete. */
    gorgon_status (*body_notify)(gorgon_http_request* req, gorgon_http_body_fn fn, void* user);

    /* -- The response -- */
    /**
     * Sends the response: status, the extension's header fields (copied), and the body, a
     * producer (taken; 0 for none). content_length is the body's length, or -1 if unknown (then
     * HTTP/1.1 uses chunked encoding and 1.0 closes the connection after it). The http plugin
     * adds Date, Server, Connection and the framing fields; for HEAD it frees the body and keeps
     * the rest. May be called inside handle() or later, from the loop. After it the request is
     * gone.
     */
    gorgon_status (*respond)(gorgon_http_request* req, int status,
                             const gorgon_http_header* headers, size_t header_count,
                             gorgon_producer_id body, int64_t content_length);
    /** A short HTML error page for `status`, with extra header fields (e.g. Allow). */
    gorgon_status (*respond_error)(gorgon_http_request* req, int status,
                                   const gorgon_http_header* headers, size_t header_count);

    /* -- ABI 1.4. An older http plugin's table ends before these: test for each with
     *    GORGON_HTTP_HAS(http, member) before calling it. -- */
    /**
     * Passes a request this route left pending (its handle() returned GORGON_E_AGAIN) on to
     * the routes after it, as if handle() had returned GORGON_DECLINED: an extension that
     * decides asynchronously (a password checked on the work pool) can still let the request
     * through. Call it from the loop, outside handle(). Routing resumes from the loop (never
     * inside this call), so the caller may go on using its own state. From then on the request
     * is no longer this route's: never touch it again; abort() is not called for it. The
     * extension must not have read the body. Returns GORGON_OK, GORGON_E_STALE if the request
     * is gone, or GORGON_E_INVAL if it is not pending on an extension (inside handle(), return
     * GORGON_DECLINED instead).
     */
    gorgon_status (*decline)(gorgon_http_request* req);
    /**
     * Replaces the request's target (copied) with `target`, in origin form: '/' then the path,
     * then optionally '?' and the query. target(), path() and query() return the new ones from
     * then on (the access log keeps the original). Routing goes on with the routes after the
     * current one once the extension declines, so a rewrite can never loop. Returns GORGON_OK,
     * GORGON_E_INVAL if the target is not origin form, holds a control character or a space, or
     * its path has a bad percent-escape, decodes to NUL or climbs above '/' (the request is left
     * as it was), GORGON_E_TOOBIG if it is longer than 8192 bytes, GORGON_E_STALE if the
     * request is gone.
     */
    gorgon_status (*rewrite)(gorgon_http_request* req, const char* target, size_t len);
    /**
     * Names the user the request is authenticated as (copied): the access log's user field,
     * and user() for the routes after this one. Returns GORGON_OK, GORGON_E_INVAL for an empty
     * name, one longer than 256 bytes or one holding a control character, GORGON_E_STALE if the
     * request is gone.
     */
    gorgon_status (*set_user)(gorgon_http_request* req, const char* name, size_t len);
    /** The name given with set_user, or an empty string if none was. */
    gorgon_str (*user)(const gorgon_http_request* req);
    /** Nonzero when the request arrived over TLS. */
    int (*secure)(const gorgon_http_request* req);
} gorgon_http_api;

/** Nonzero when the http plugin's table is long enough to hold `member` (added after 1.1). */
#ifdef __cplusplus
#define GORGON_HTTP_HAS(http, member) \
    ((http)->struct_size >= offsetof(gorgon_http_api, member) + sizeof(gorgon_http_api::member))
#else
#define GORGON_HTTP_HAS(http, member) \
    ((http)->struct_size >=           \
     offsetof(gorgon_http_api, member) + sizeof(((const gorgon_http_api*)0)->member))
#endif

/**
 * What an extension publishes as "http-extension:NAME". PLUGIN-OWNED by the extension's
 * generation; valid until its shutdown.
 */
typedef struct gorgon_http_extension {
    uint32_t struct_size;
    void* ctx; /**< passed to route_open */
    /**
     * Builds a route from its `config:` (a map; valid until route_close). `http` is valid until
     * route_close. On failure, write the reason into err[0..err_cap), located with the host's
     * config_where, and return an error.
     */
    gorgon_status (*route_open)(void* ctx, const gorgon_http_api* http, const gorgon_config* config,
                                void** route, char* err, size_t err_cap);
    void (*route_close)(void* route);
    /** Nonzero if this route takes the request. Quick, and without side effects. */
    int (*match)(void* route, const gorgon_http_request* req);
    /**
     * Handles the request. Returns GORGON_OK once respond() was called, GORGON_E_AGAIN when it
     * will respond later, GORGON_DECLINED to pass it to the next route; anything else is
     * answered with 500 and logged.
     */
    gorgon_status (*handle)(void* route, gorgon_http_request* req);
    /** Optional. A request this route left pending is gone (the client left, a timeout, a
     *  shutdown); the extension must forget it and never respond to it. */
    void (*abort)(void* route, gorgon_http_request* req);
} gorgon_http_extension;

#define GORGON_HTTP_EXTENSION_SERVICE_PREFIX "http-extension:"

#ifdef __cplusplus
}
#endif

#endif /* GORGON_HTTP_H */
