/*
 * gorgon/http_static.h — http-static's file serving for other HTTP extensions (ABI 1.4).
 *
 * http-static publishes, besides "http-extension:static", the service "http-static:serve": an
 * extension that chose a root for a request itself (http-userdir: the user's public_html) hands
 * the request to http-static, which answers it exactly as one of its routes would (methods,
 * validators and conditionals, ranges, gzip, index files, listings), from that root. So there is
 * one implementation of file serving, and every feature of it reaches every user of it.
 *
 *   1. options_open, once per route of the caller, with a `config:` map of http-static's route
 *      keys except root, prefix and filesystem (index, listing, gzip, cache_control, ...);
 *   2. serve, per request, with a root the caller opened through a filesystem provider;
 *   3. options_close when the caller's route closes.
 * The caller holds the service (service_acquire) while it holds options.
 */
#ifndef GORGON_HTTP_STATIC_H
#define GORGON_HTTP_STATIC_H

#include <gorgon/fs.h>
#include <gorgon/http.h>
#include <gorgon/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GORGON_HTTP_STATIC_SERVICE "http-static:serve"

/** Settings for serve(). PLUGIN-OWNED by the caller, until options_close. */
typedef struct gorgon_http_static_options gorgon_http_static_options;

/** HOST-OWNED by http-static's generation (valid while the caller holds the service). */
typedef struct gorgon_http_static {
    uint32_t struct_size;
    void* ctx; /**< passed back as the first argument of every call */
    /** Reads `config` (a map, or NULL for the defaults) for requests of the http plugin `http`.
     *  On failure writes a located, NUL-terminated reason into err[0..err_cap) and returns
     *  GORGON_E_INVAL (a bad key or value) or another status. */
    gorgon_status (*options_open)(void* ctx, const gorgon_http_api* http,
                                  const gorgon_config* config, gorgon_http_static_options** out,
                                  char* err, size_t err_cap);
    void (*options_close)(gorgon_http_static_options* options);
    /** Answers `req` (a request of the `http` given to options_open, inside the caller's
     *  handle() or deferred by it) with the file or directory `path` (len bytes, "" or starting
     *  with '/') of `root`, opened through `fs`. The request's own path only names the URL (for
     *  a directory's redirect and a listing's title). Returns GORGON_OK once it has responded,
     *  or an error status (out of memory) when nothing was sent: the caller answers 500. */
    gorgon_status (*serve)(void* ctx, gorgon_http_request* req, const gorgon_fs_provider* fs,
                           gorgon_fs* root, const char* path, size_t len,
                           const gorgon_http_static_options* options);
} gorgon_http_static;

#ifdef __cplusplus
}
#endif

#endif /* GORGON_HTTP_STATIC_H */
