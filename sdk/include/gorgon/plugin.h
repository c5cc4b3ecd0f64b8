/*
 * gorgon/plugin.h — the Gorgon plugin ABI (stable C interface).
 *
 * A plugin is a shared object that exports exactly one symbol, gorgon_plugin_entry(), which
 * returns a pointer to a static const gorgon_plugin_descriptor. The host reads and checks the
 * descriptor before any other plugin code runs, then calls init() with a table of host
 * functions (gorgon_host_api). Plugins reach the host only through that table: they never link
 * against host symbols.
 *
 * Stability rules (see sdk/ABI_CHANGES.md):
 *   - Every struct that crosses the boundary starts with uint32_t struct_size. New members are
 *     only ever appended; nothing is reordered, removed or retyped within a major version.
 *   - A plugin built for ABI MAJOR.MINOR loads on a host with the same MAJOR and a MINOR at least
 *     as high. Anything else is refused with a message naming both versions.
 *   - A plugin that wants a function added in a later minor tests for it with GORGON_HOST_HAS().
 *
 * Threading: the host runs one event loop on one thread. Every hook and callback is called on
 * it, and every host function must be called on it. Plugins must not create threads,
 * pthread keys or thread_local objects with destructors (they would pin the shared object).
 * The one exception (ABI 1.3) is a gorgon_work_fn given to work_submit: it runs on one of the
 * host's pool threads and must not call the host at all.
 *
 * Ownership words used below:
 *   BORROWED     valid only for the duration of the call that passed it.
 *   HOST-OWNED   the host frees it; the plugin must not. Lifetime is stated beside it.
 *   PLUGIN-OWNED the plugin frees it; the host never touches it beyond what is stated.
 *
 * Handles the plugin may keep across calls (connections, timers, servers) are 64-bit ids, never
 * pointers: an id that no longer names a live object makes every call return GORGON_E_STALE
 * rather than touching freed memory.
 */
#ifndef GORGON_PLUGIN_H
#define GORGON_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Versions ------------------------------------------------------------------------------ */

/** The ABI version these headers describe. A plugin records it in its descriptor. */
#define GORGON_ABI_MAJOR 1
#define GORGON_ABI_MINOR 4

/** Marks the one symbol a plugin exports. gorgon_add_plugin() hides everything else. */
#if defined(__GNUC__)
#define GORGON_EXPORT __attribute__((visibility("default")))
#else
#define GORGON_EXPORT
#endif

/* ---- Status codes -------------------------------------------------------------------------- */

/** Result of a host function or a plugin hook. 0 is success; negative values are errors. */
typedef int32_t gorgon_status;

#define GORGON_OK 0
#define GORGON_DECLINED 1         /**< Not an error: "not mine, let the next handler try". */
#define GORGON_E_INVAL (-1)       /**< An argument is invalid. */
#define GORGON_E_NOMEM (-2)       /**< Out of memory. */
#define GORGON_E_AGAIN (-3)       /**< Not ready yet; try again after the next callback. */
#define GORGON_E_STALE (-4)       /**< The id names no live object (closed, cancelled, unloaded). */
#define GORGON_E_UNSUPPORTED (-5) /**< The host or plugin does not support this. */
#define GORGON_E_IO (-6)          /**< An operating-system I/O error. */
#define GORGON_E_PERM (-7)        /**< Not allowed: the caller does not own the object. */
#define GORGON_E_NOTFOUND (-8)    /**< No such name. */
#define GORGON_E_EXISTS (-9)      /**< The name is already taken. */
#define GORGON_E_BUSY (-10)       /**< In use (for example, a plugin others depend on). */
#define GORGON_E_TOOBIG (-11)     /**< A size limit was reached. */
#define GORGON_E_INTERNAL (-12)   /**< A bug; the host logged the detail. */
#define GORGON_E_CANCELLED (-13)  /**< (ABI 1.3) Cancelled before it ran (work_cancel, unload). */
/* GORGON_E_INVAL has the value -1, which conn_find returns for "not found": conn_find reports
 * bad input with GORGON_E_UNSUPPORTED instead (see conn_find). No other status is -1. */

/* ---- Opaque and id types ------------------------------------------------------------------- */

/** One loaded generation of a plugin, as the host sees it. HOST-OWNED; valid from init() until
 *  shutdown() returns. Pass it back to every host function that asks for `self`. */
typedef struct gorgon_plugin gorgon_plugin;

/** A node of the configuration tree. HOST-OWNED; BORROWED for the hook it was passed to
 *  (init(), server_open()). Copy out what you keep. */
typedef struct gorgon_config gorgon_config;

/** A growable byte buffer the host owns, used for state hand-off. */
typedef struct gorgon_buffer gorgon_buffer;

typedef uint64_t gorgon_conn_id;     /**< A client connection. 0 is never a valid id. */
typedef uint64_t gorgon_timer_id;    /**< A timer. 0 is never a valid id. */
typedef uint64_t gorgon_server_id;   /**< A configured server (a set of listeners). */
typedef uint64_t gorgon_stat_id;     /**< A counter registered by the plugin. */
typedef uint64_t gorgon_producer_id; /**< A response body source (ABI 1.1, producer.h). */
typedef uint64_t gorgon_listener_id; /**< A plugin's own listening socket (ABI 1.2). */
typedef uint64_t gorgon_work_id;     /**< A job on the host's work pool (ABI 1.3). */

/** A BORROWED byte string: not NUL-terminated unless stated. (ABI 1.1) */
typedef struct gorgon_str {
    const char* ptr;
    size_t len;
} gorgon_str;

/** Where a producer writes; BORROWED for the duration of produce(). (ABI 1.1) */
typedef struct gorgon_sink gorgon_sink;

/** How a producer is driven: see gorgon/producer.h. (ABI 1.1) */
typedef struct gorgon_producer_ops gorgon_producer_ops;

/** Called when a conn_send body has been produced in full (status GORGON_OK: every byte is
 *  queued for the kernel, in order) or abandoned (an error status; the connection is closing). */
typedef void (*gorgon_send_done_fn)(void* user, gorgon_conn_id conn, gorgon_status status);

/** Log levels, most to least severe. */
typedef enum gorgon_log_level {
    GORGON_LOG_ERROR = 0,
    GORGON_LOG_WARN = 1,
    GORGON_LOG_INFO = 2,
    GORGON_LOG_DEBUG = 3
} gorgon_log_level;

/** Kinds of configuration node. */
typedef enum gorgon_config_type {
    GORGON_CONFIG_MISSING = 0, /**< The key or index does not exist (node is NULL). */
    GORGON_CONFIG_NULL = 1,
    GORGON_CONFIG_SCALAR = 2,
    GORGON_CONFIG_SEQUENCE = 3,
    GORGON_CONFIG_MAP = 4
} gorgon_config_type;

/* ---- Connections --------------------------------------------------------------------------- */

/** Events delivered to gorgon_conn_callbacks.on_event. */
typedef enum gorgon_conn_event {
    GORGON_CONN_EOF = 1,           /**< The peer closed its sending side. Output may still flow. */
    GORGON_CONN_READ_TIMEOUT = 2,  /**< Nothing arrived within the read timeout. */
    GORGON_CONN_WRITE_TIMEOUT = 3, /**< Output made no progress within the write timeout. */
    GORGON_CONN_CONNECTED = 4,     /**< (ABI 1.2) An outbound conn_connect completed. */
    GORGON_CONN_TLS_READY = 5      /**< (ABI 1.2) The handshake conn_start_tls began succeeded. */
} gorgon_conn_event;

/** Why a connection ended, passed to on_close. */
typedef enum gorgon_close_reason {
    GORGON_CLOSE_LOCAL = 0,   /**< The plugin closed it. */
    GORGON_CLOSE_PEER = 1,    /**< The peer closed it or reset it. */
    GORGON_CLOSE_ERROR = 2,   /**< A socket error. */
    GORGON_CLOSE_TIMEOUT = 3, /**< A timeout with no on_event handler to take it. */
    GORGON_CLOSE_SHUTDOWN = 4 /**< The host is stopping, or the owning generation was retired. */
} gorgon_close_reason;

/** Flags for conn_close. */
#define GORGON_CLOSE_NOW 0u         /**< Drop pending output and close. */
#define GORGON_CLOSE_AFTER_FLUSH 1u /**< Stop reading, send what is queued, then close. */

/**
 * Callbacks for one connection. The struct is BORROWED by conn_set_callbacks (the host copies
 * it). `user` is PLUGIN-OWNED and is passed back unchanged; free it in on_close.
 *
 * on_close is called exactly once per connection, always from the event loop and never from
 * inside a host function the plugin is calling, so it is safe to free `user` there.
 */
typedef struct gorgon_conn_callbacks {
    uint32_t struct_size;
    /** Bytes arrived. Read them with conn_peek/conn_consume/conn_read. Optional. */
    void (*on_data)(void* user, gorgon_conn_id conn);
    /** Queued output fell to zero bytes (everything handed to the kernel). Optional. */
    void (*on_drained)(void* user, gorgon_conn_id conn);
    /** EOF or a timeout. If NULL, the host closes the connection on any event. */
    void (*on_event)(void* user, gorgon_conn_id conn, gorgon_conn_event event);
    /** The connection is gone; its id is stale from now on. Required. */
    void (*on_close)(void* user, gorgon_conn_id conn, gorgon_close_reason reason);
} gorgon_conn_callbacks;

/** Facts about a connection. Strings are HOST-OWNED, NUL-terminated, valid while the
 *  connection lives. Filled by conn_info up to the smaller of the two struct sizes. */
typedef struct gorgon_conn_info {
    uint32_t struct_size;
    int32_t family;          /**< AF_INET, AF_INET6 or AF_UNIX. */
    const char* peer;        /**< "192.0.2.1:51000", "[2001:db8::1]:51000" or "unix:" + path. */
    const char* peer_host;   /**< The address alone, without the port. */
    uint16_t peer_port;      /**< 0 for Unix sockets. */
    const char* local;       /**< The listening address the connection arrived on. */
    const char* server_name; /**< The `name` of the server in the configuration. */
    int64_t peer_uid;        /**< Unix sockets: the peer's uid (SO_PEERCRED); otherwise -1. */
    int64_t peer_gid;        /**< Unix sockets: the peer's gid; otherwise -1. */
    int64_t peer_pid;        /**< Unix sockets: the peer's pid; otherwise -1. */
    /* ABI 1.2 (check struct_size before reading): TLS, once its handshake has completed. The
     * strings are "" when there is none (no TLS, no SNI sent, no ALPN agreed). */
    uint32_t tls;            /**< 1 when the connection is TLS (handshake done), else 0. */
    const char* tls_version; /**< "TLSv1.3", "TLSv1.2". */
    const char* tls_cipher;  /**< OpenSSL's name: "TLS_AES_128_GCM_SHA256". */
    const char* tls_sni;     /**< The server name the client asked for. */
    const char* tls_alpn;    /**< The application protocol agreed on: "http/1.1". */
} gorgon_conn_info;

/* ---- Protocols (what a server's listeners hand their connections to) ------------------------ */

/** What the host tells a protocol about one configured server. BORROWED. */
typedef struct gorgon_server_info {
    uint32_t struct_size;
    gorgon_server_id id;
    const char* name; /**< The server's `name` in the configuration. */
} gorgon_server_info;

/**
 * A protocol implementation, registered by a plugin in init() with protocol_register. For every
 * server whose `protocol:` names it, the host calls server_open once per plugin generation, then
 * accept for every connection the server's listeners take while that generation is current.
 */
typedef struct gorgon_protocol {
    uint32_t struct_size;
    /** Validate the server's `config:` subtree and build per-server state (PLUGIN-OWNED).
     *  A non-OK status refuses the configuration (use config_error to say why). Unlike other
     *  config nodes, `config` stays valid until this server's server_close. When a reload
     *  changes a server's settings, the new server is opened before the old one is closed, so
     *  two servers with one name may briefly coexist. */
    gorgon_status (*server_open)(void* user, const gorgon_server_info* server,
                                 const gorgon_config* config, void** server_state);
    /** The server is gone (removed from config, or this generation retired). Free state. */
    void (*server_close)(void* server_state);
    /** A new connection. Call conn_set_callbacks before returning, or the host closes it. */
    gorgon_status (*accept)(void* server_state, gorgon_conn_id conn);
} gorgon_protocol;

/* ---- Plugin management (for the monitor) --------------------------------------------------- */

/** One generation of one plugin, as listed by plugin_list. Strings HOST-OWNED, valid during the
 *  callback only. */
typedef struct gorgon_plugin_info {
    uint32_t struct_size;
    const char* name;
    const char* version;
    const char* description;
    const char* file;     /**< The file it was loaded from (in the plugin directory). */
    const char* sha256;   /**< Hex digest of the file's contents. */
    const char* state;    /**< "active", "draining" or "resident" (failed to unmap). */
    uint64_t generation;  /**< Increases by one on every load of this name. */
    uint64_t connections; /**< Connections this generation holds. */
    uint64_t references;  /**< Everything that pins it: connections, services, timers. */
    /* ABI 1.2 (check struct_size before reading): */
    int64_t loaded_ms;          /**< When this generation was loaded (ms since the epoch). */
    uint64_t requests_inflight; /**< Requests begun and not ended (conn_request_begin). */
    uint64_t requests_total;    /**< Requests this generation has ended. */
} gorgon_plugin_info;

typedef void (*gorgon_plugin_list_fn)(void* user, const gorgon_plugin_info* info);

/* ---- Host status and statistics (ABI 1.2, for the monitor) --------------------------------- */

/** Buckets of gorgon_host_status.lag_buckets (ABI 1.3). */
#define GORGON_LAG_BUCKETS 6

/** The whole process. Strings HOST-OWNED, valid during the call that filled it. */
typedef struct gorgon_host_status {
    uint32_t struct_size;
    uint32_t log_level;      /**< gorgon_log_level in force. */
    const char* version;     /**< The host's version, e.g. "0.3.0". */
    const char* config_file; /**< The configuration file in force. */
    int64_t pid;
    int64_t started_ms;         /**< Process start, ms since the epoch. */
    uint64_t connections;       /**< Open now (all servers, plus plugins' own connections). */
    uint64_t connections_total; /**< Accepted or connected since start. */
    uint64_t requests_total;    /**< Ended with conn_request_end, all servers. */
    uint64_t bytes_in;          /**< Received on every connection since start. */
    uint64_t bytes_out;         /**< Sent on every connection since start. */
    uint32_t stopping;          /**< Nonzero once a shutdown has begun. */
    uint32_t generations;       /**< Plugin generations loaded (active and draining). */
    /* ABI 1.3 (check struct_size before reading): the loop-lag watchdog, which times every
     * callback the host makes into a plugin, and the work pool. */
    uint64_t lag_max_us;        /**< Longest one callback held the loop since start, in us. */
    const char* lag_max_plugin; /**< The plugin of that callback ("" before the first). */
    const char* lag_max_hook;   /**< Its hook: "on_data", "timer", "work_done", ... */
    /** Callbacks counted by duration: < 1, < 5, < 20, < 100, < 500 and >= 500 ms. */
    uint64_t lag_buckets[GORGON_LAG_BUCKETS];
    uint32_t lag_warn_ms;  /**< watchdog.warn_ms: a callback this long is logged. */
    uint32_t work_threads; /**< Threads of the work pool (work_pool.threads). */
    uint64_t work_pending; /**< Submitted and not yet completed on the loop. */
    uint64_t work_total;   /**< Completed on the loop since start. */
} gorgon_host_status;

/** One configured server. Strings HOST-OWNED, valid during the callback only. */
typedef struct gorgon_server_status {
    uint32_t struct_size;
    gorgon_server_id id;
    const char* name;
    const char* protocol;
    const char* listen;         /**< Bound addresses, separated by ", ". */
    const char* plugin;         /**< The plugin that registered the protocol, or "" if none. */
    uint64_t connections;       /**< Open now. */
    uint64_t connections_total; /**< Accepted since the server was created. */
    uint64_t requests_total;    /**< Ended with conn_request_end. */
    uint64_t requests_inflight; /**< Begun and not yet ended. */
    uint64_t bytes_in;
    uint64_t bytes_out;
} gorgon_server_status;

typedef void (*gorgon_server_list_fn)(void* user, const gorgon_server_status* server);

/** One open connection. Strings HOST-OWNED, valid during the callback only. */
typedef struct gorgon_conn_status {
    uint32_t struct_size;
    uint32_t in_request; /**< Nonzero between conn_request_begin and conn_request_end. */
    gorgon_conn_id id;
    const char* server; /**< The server it belongs to. */
    const char* peer;   /**< As in gorgon_conn_info. */
    const char* plugin; /**< The plugin whose generation serves it. */
    uint64_t generation;
    int64_t opened_ms; /**< ms since the epoch. */
    int64_t active_ms; /**< Last byte received or sent, ms since the epoch. */
    uint64_t requests; /**< Ended on this connection. */
    uint64_t bytes_in;
    uint64_t bytes_out;
    uint64_t pending; /**< conn_pending() of it. */
} gorgon_conn_status;

typedef void (*gorgon_conn_list_fn)(void* user, const gorgon_conn_status* conn);

/** One counter (stat_counter). Strings HOST-OWNED, valid during the callback only. */
typedef struct gorgon_stat_info {
    uint32_t struct_size;
    const char* plugin;
    const char* name;
    int64_t value; /**< Summed over every generation of the plugin since start. */
} gorgon_stat_info;

typedef void (*gorgon_stat_list_fn)(void* user, const gorgon_stat_info* stat);

/** Receives text (one or more lines, not NUL-terminated); BORROWED for the call. */
typedef void (*gorgon_text_fn)(void* user, const char* text, size_t len);

/** A plugin's own listener accepted `conn` (ABI 1.2). Set its callbacks before returning, or
 *  the host closes it. */
typedef void (*gorgon_accept_fn)(void* user, gorgon_listener_id listener, gorgon_conn_id conn);

/** A removed server is about to close its connections (ABI 1.3, protocol_goodbye). */
typedef void (*gorgon_server_goodbye_fn)(void* server_state);

/** Flags for conn_start_tls (ABI 1.2). */
#define GORGON_TLS_REQUIRE_REUSE 1u /**< The handshake must resume `resume_from`'s session. */

/** Runs on a work-pool thread (ABI 1.3), never on the loop. It may compute and make blocking
 *  system calls; it must not call any host function, nor touch what the loop may touch at the
 *  same time. `arg` is what was given to work_submit. */
typedef void (*gorgon_work_fn)(void* arg);
/** Runs on the loop once the work is over (ABI 1.3): status GORGON_OK when work_fn ran,
 *  GORGON_E_CANCELLED when it never ran (work_cancel, or the generation was finalised first).
 *  Called exactly once per accepted work_submit; free `arg` here. */
typedef void (*gorgon_work_done_fn)(void* arg, gorgon_work_id work, gorgon_status status);

/** Flags for shutdown_request. */
#define GORGON_SHUTDOWN_NOW 0u      /**< Close every connection and stop. */
#define GORGON_SHUTDOWN_GRACEFUL 1u /**< As SIGTERM: stop accepting, drain, then stop. */

/* ---- The host function table --------------------------------------------------------------- */

typedef void (*gorgon_timer_fn)(void* user, gorgon_timer_id timer);

/** Flags for timer_start. */
#define GORGON_TIMER_ONCE 0u
#define GORGON_TIMER_REPEAT 1u

/**
 * Functions the host offers. HOST-OWNED, valid from init() until shutdown() returns. Members are
 * only ever appended; test for a newer one with GORGON_HOST_HAS(host, member).
 * Unless stated otherwise, a `const char*` with a `size_t` length is BORROWED and need not be
 * NUL-terminated.
 *
 * Statuses. Each function below says what it returns besides GORGON_OK, and nothing else is
 * returned. Two groups recur and are written in short:
 *   [conn]  for a connection id the caller must own: GORGON_E_STALE when no open connection has
 *           that id (closed, never existed, or 0), GORGON_E_PERM when another generation (or
 *           another plugin) owns it.
 *   [open]  as [conn], and GORGON_E_STALE also once the connection is closing (conn_close with
 *           GORGON_CLOSE_AFTER_FLUSH was called, or it is flushing its last output).
 * GORGON_E_NOMEM means an allocation failed and nothing was done. Functions that return an id,
 * a size or a pointer say what they return on failure instead.
 *
 * Conventions for error text (how the host words a failure's reason, for host functions added
 * from ABI 1.3 on; sdk/ABI_CHANGES.md has the rule in full): the status is the contract, and a
 * plugin branches on statuses only. Text is for people: where the plugin passes `err` and
 * `err_cap` (plugin management), the host writes the reason there, NUL-terminated, truncated to
 * err_cap, "" on success. Reasons begin in lower case (unless with a name or path), have no
 * trailing period, fit on one line, and name the offending value: `plugin chat is not loaded`.
 * Where one status has several causes and there is no `err`, the host logs the cause at debug
 * level as `plugin NAME: FUNCTION: reason`; GORGON_E_INTERNAL is always logged, at error level.
 */
typedef struct gorgon_host_api {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;
    const char* host_version; /**< e.g. "0.1.0". HOST-OWNED, static. */

    /* -- Logging and errors -- */
    /** Writes a line to the error log, tagged with the plugin's name (`len` is capped at
     *  3072 bytes). */
    void (*log)(gorgon_plugin* self, gorgon_log_level level, const char* msg, size_t len);
    /** Nonzero when `level` would be written, so callers can skip formatting. */
    int (*log_enabled)(gorgon_plugin* self, gorgon_log_level level);
    /** Sets the detail for a failing hook's status (init, server_open, hand-off), at most
     *  3072 bytes; the host shows it where the failure is reported. */
    void (*set_error)(gorgon_plugin* self, const char* msg, size_t len);

    /* -- Configuration (nodes are BORROWED; see gorgon_config) -- */
    /** GORGON_CONFIG_MISSING for a NULL node. */
    gorgon_config_type (*config_type)(const gorgon_config* node);
    /** The child of a map by key, or NULL (no such key, not a map, or node or key NULL). */
    const gorgon_config* (*config_get)(const gorgon_config* node, const char* key);
    /** Number of children of a map or sequence; 0 otherwise. */
    size_t (*config_size)(const gorgon_config* node);
    /** The i-th child of a sequence or map (maps keep file order), or NULL. */
    const gorgon_config* (*config_at)(const gorgon_config* node, size_t index);
    /** The key of the i-th entry of a map, or NULL. HOST-OWNED, NUL-terminated. */
    const char* (*config_key_at)(const gorgon_config* node, size_t index);
    /** The text of a scalar. *out is HOST-OWNED. GORGON_E_INVAL if `node` is not a scalar
     *  (or is NULL), or `out` or `len` is NULL. */
    gorgon_status (*config_string)(const gorgon_config* node, const char** out, size_t* len);
    /** The typed readers below: GORGON_E_INVAL if `node` or `out` is NULL, or the node is not a
     *  scalar of that type (*out is then unchanged); GORGON_E_NOMEM. config_int: an integer. */
    gorgon_status (*config_int)(const gorgon_config* node, int64_t* out);
    /** true/yes/on (1) or false/no/off (0). */
    gorgon_status (*config_bool)(const gorgon_config* node, int* out);
    /** "250ms", "10s", "5m", "1h", or a bare number of seconds. */
    gorgon_status (*config_duration_ms)(const gorgon_config* node, uint64_t* out);
    /** "512", "64k", "16M", "1G" (powers of 1024). */
    gorgon_status (*config_size_bytes)(const gorgon_config* node, uint64_t* out);
    /** Reports an error about `node` as "FILE:LINE:COL: KEY: msg" and fails the hook. */
    void (*config_error)(gorgon_plugin* self, const gorgon_config* node, const char* msg,
                         size_t len);
    /** Reports every key of map `node` that is not in the NULL-terminated `allowed` list (as
     *  config_error does). GORGON_E_INVAL if there is one, or `node` is NULL or not a map;
     *  GORGON_E_NOMEM. */
    gorgon_status (*config_check_keys)(gorgon_plugin* self, const gorgon_config* node,
                                       const char* const* allowed);

    /* -- Protocols -- */
    /** `proto` is BORROWED (copied); `user` is PLUGIN-OWNED, passed to server_open. Only from
     *  init(). GORGON_E_INVAL if `name` or `proto` is NULL, proto->struct_size is too small,
     *  server_open or accept is NULL, or it is called after init(); GORGON_E_EXISTS if another
     *  plugin (or this generation) has registered `name`; GORGON_E_NOMEM. */
    gorgon_status (*protocol_register)(gorgon_plugin* self, const char* name,
                                       const gorgon_protocol* proto, void* user);

    /* -- Connections (conn must be owned by `self`'s generation, else GORGON_E_PERM) -- */
    /** [conn]; GORGON_E_INVAL if `callbacks` is NULL or its struct_size too small, or on_close
     *  is NULL (the other callbacks are stored even then). */
    gorgon_status (*conn_set_callbacks)(gorgon_plugin* self, gorgon_conn_id conn,
                                        const gorgon_conn_callbacks* callbacks, void* user);
    /** Bytes waiting to be read; 0 also for a connection that is not the caller's. */
    size_t (*conn_input_length)(gorgon_plugin* self, gorgon_conn_id conn);
    /** Makes the first `want` input bytes (or all, if fewer) contiguous and points *data at
     *  them. *data is HOST-OWNED, valid until the next host call on this connection.
     *  [conn]; GORGON_E_INVAL if `data` or `len` is NULL; GORGON_E_NOMEM. */
    gorgon_status (*conn_peek)(gorgon_plugin* self, gorgon_conn_id conn, size_t want,
                               const char** data, size_t* len);
    /** Offset of the first `needle` within the first `limit` input bytes, or -1 when it is
     *  not there (yet). -1 is also GORGON_E_INVAL's value, so a mistake is reported with other
     *  statuses, none of them -1: [conn] (GORGON_E_STALE, GORGON_E_PERM), and
     *  GORGON_E_UNSUPPORTED when `needle` is NULL or `needle_len` is 0 (hosts before the "1.3
     *  (tidy)" of sdk/ABI_CHANGES.md returned -1 for that too). So `< 0` means "no offset",
     *  `== -1` "not found". */
    int64_t (*conn_find)(gorgon_plugin* self, gorgon_conn_id conn, const char* needle,
                         size_t needle_len, size_t limit);
    /** Discards `len` bytes of input (all of it when fewer have arrived). [conn];
     *  GORGON_E_INVAL if libevent refuses (not seen in practice). */
    gorgon_status (*conn_consume)(gorgon_plugin* self, gorgon_conn_id conn, size_t len);
    /** Copies up to `cap` input bytes into `buf` and consumes them; returns the count (0 when
     *  nothing is waiting) or a negative status: [conn], GORGON_E_INVAL if `buf` is NULL and
     *  `cap` is not 0, GORGON_E_IO if libevent fails. At most INT32_MAX bytes per call. */
    int64_t (*conn_read)(gorgon_plugin* self, gorgon_conn_id conn, void* buf, size_t cap);
    /** Queues bytes for sending (copied; behind any queued body). [open]; GORGON_E_INVAL after
     *  conn_shutdown_write, or if `data` is NULL and `len` is not 0; GORGON_E_NOMEM. */
    gorgon_status (*conn_write)(gorgon_plugin* self, gorgon_conn_id conn, const void* data,
                                size_t len);
    /** Bytes queued but not yet handed to the kernel; 0 also for a connection that is not
     *  the caller's. */
    size_t (*conn_output_length)(gorgon_plugin* self, gorgon_conn_id conn);
    /** Stops (paused = 1) or resumes (0) reading from the socket. [open]. */
    gorgon_status (*conn_pause_reading)(gorgon_plugin* self, gorgon_conn_id conn, int paused);
    /** Read and write timeouts in milliseconds; 0 disables one. [conn]. */
    gorgon_status (*conn_set_timeouts)(gorgon_plugin* self, gorgon_conn_id conn, uint64_t read_ms,
                                       uint64_t write_ms);
    /** GORGON_CLOSE_NOW or GORGON_CLOSE_AFTER_FLUSH. on_close follows from the loop. [conn]
     *  (closing a connection that is already closing is GORGON_OK). */
    gorgon_status (*conn_close)(gorgon_plugin* self, gorgon_conn_id conn, uint32_t flags);
    /** Fills `out` up to the smaller of its struct_size and the host's. [conn]; GORGON_E_INVAL
     *  if `out` is NULL or out->struct_size is too small. */
    gorgon_status (*conn_info)(gorgon_plugin* self, gorgon_conn_id conn, gorgon_conn_info* out);
    /** Takes over a connection handed off by the previous generation (see handoff_import).
     *  GORGON_E_STALE if no open connection has that id; GORGON_E_INVAL if `self` owns it
     *  already, or `callbacks` is NULL, too small or without on_close; GORGON_E_PERM if its
     *  owner is not an older generation of the same plugin. */
    gorgon_status (*conn_adopt)(gorgon_plugin* self, gorgon_conn_id conn,
                                const gorgon_conn_callbacks* callbacks, void* user);

    /* -- Timers (swept when the generation is retired) -- */
    /** Calls fn(user, id) after `ms` milliseconds, once or every `ms` (GORGON_TIMER_REPEAT).
     *  Returns 0 on failure: `fn` NULL, the generation is being finalised, or libevent or memory
     *  failed. A
     *  one-shot timer's id is stale once its callback starts. */
    gorgon_timer_id (*timer_start)(gorgon_plugin* self, uint64_t ms, uint32_t flags,
                                   gorgon_timer_fn fn, void* user);
    /** GORGON_E_STALE if no timer has that id (a one-shot that fired, or cancelled already);
     *  GORGON_E_PERM if it is another generation's. */
    gorgon_status (*timer_cancel)(gorgon_plugin* self, gorgon_timer_id timer);

    /* -- Statistics -- */
    /** Registers (or finds) a counter named `name` (its first 128 bytes) for this plugin.
     *  Returns 0 on failure: `name` NULL, more than 1024 counters, or no memory. */
    gorgon_stat_id (*stat_counter)(gorgon_plugin* self, const char* name);
    /** Adds `delta`; a counter id this generation did not register is ignored. */
    void (*stat_add)(gorgon_plugin* self, gorgon_stat_id counter, int64_t delta);

    /* -- Service registry: how plugins find each other without linking -- */
    /** Publishes `iface` (PLUGIN-OWNED, must stay valid until shutdown) under `name`.
     *  GORGON_E_INVAL if `name` is NULL or empty or `iface` NULL; GORGON_E_EXISTS if another
     *  plugin publishes `name`, or this generation already does; GORGON_E_NOMEM. */
    gorgon_status (*service_publish)(gorgon_plugin* self, const char* name, const void* iface);
    /** Finds the newest generation's `name` and pins that generation until service_release
     *  (or until `self` is retired). *iface is valid while pinned. If nothing publishes
     *  `name`, a plugin in the plugin directory that provides it is loaded first.
     *  GORGON_E_INVAL if `name` or `iface` is NULL; GORGON_E_NOTFOUND if nothing publishes it
     *  and no plugin that provides it could be loaded (the reason is logged); GORGON_E_NOMEM. */
    gorgon_status (*service_acquire)(gorgon_plugin* self, const char* name, const void** iface);
    /** Unpins what service_acquire returned. GORGON_E_STALE if `self` holds no such `iface`
     *  (never acquired, or released already). */
    gorgon_status (*service_release)(gorgon_plugin* self, const void* iface);

    /* -- State hand-off -- */
    /** GORGON_E_INVAL if `buffer` is NULL, or `data` is NULL and `len` is not 0;
     *  GORGON_E_TOOBIG past 64 MiB in all; GORGON_E_NOMEM. */
    gorgon_status (*buffer_append)(gorgon_buffer* buffer, const void* data, size_t len);

    /* -- Plugin management (errors written NUL-terminated into err[0..err_cap), "" on success).
     *    load, unload and reload: GORGON_E_INVAL if the name is NULL (err untouched) or the
     *    host refuses (err says why); GORGON_E_INTERNAL if the host failed (err says how). -- */
    /** Every generation of every plugin. GORGON_E_INVAL if `fn` is NULL; GORGON_E_NOMEM. */
    gorgon_status (*plugin_list)(gorgon_plugin* self, gorgon_plugin_list_fn fn, void* user);
    /** Loads a plugin by name (found in the plugin directory) or by path. */
    gorgon_status (*plugin_load)(gorgon_plugin* self, const char* name_or_path, char* err,
                                 size_t err_cap);
    gorgon_status (*plugin_unload)(gorgon_plugin* self, const char* name, char* err,
                                   size_t err_cap);
    /** Loads a new generation from `path` (NULL: the same file name, re-read) beside the
     *  current one; the old one drains. All-or-nothing. */
    gorgon_status (*plugin_reload)(gorgon_plugin* self, const char* name, const char* path,
                                   char* err, size_t err_cap);

    /* ---- ABI 1.1 ---- */

    /* -- Producers: pull-based bodies, drained as the socket takes them (gorgon/producer.h).
     *    Every producer_* constructor returns 0 on failure. A producer passed to another
     *    constructor or to conn_send is taken (HOST-OWNED from then on); one never passed on
     *    must be freed with producer_free. -- */
    /** A body of `len` bytes copied from `data` (0 if `data` is NULL and `len` is not 0). */
    gorgon_producer_id (*producer_memory)(gorgon_plugin* self, const void* data, size_t len);
    /** `length` bytes of file `fd` from `offset`, sent with sendfile where the socket allows.
     *  The host duplicates `fd`; the caller keeps (and closes) its own. 0 if `fd` < 0, or it
     *  cannot be duplicated (a small file, read at once: cannot be read). */
    gorgon_producer_id (*producer_file)(gorgon_plugin* self, int fd, uint64_t offset,
                                        uint64_t length);
    /** HTTP/1.1 chunked framing of `inner`, ending with the last chunk and an empty trailer.
     *  0 if `inner` is stale or taken (then, as for gzip, nothing is taken). */
    gorgon_producer_id (*producer_chunked)(gorgon_plugin* self, gorgon_producer_id inner);
    /** gzip (RFC 1952) of `inner` at zlib `level` (1-9; 0 or out of range: the default, 6). */
    gorgon_producer_id (*producer_gzip)(gorgon_plugin* self, gorgon_producer_id inner, int level);
    /** `parts[0]`, then `parts[1]`, ... : all taken. 0 if `parts` is NULL and `count` is not
     *  0, or any part is stale or taken (then none is taken). */
    gorgon_producer_id (*producer_concat)(gorgon_plugin* self, const gorgon_producer_id* parts,
                                          size_t count);
    /** A producer the plugin implements: `ops` BORROWED (copied), `user` PLUGIN-OWNED until
     *  ops->release. 0 if `ops` is NULL, too small, or lacks produce or release. */
    gorgon_producer_id (*producer_custom)(gorgon_plugin* self, const gorgon_producer_ops* ops,
                                          void* user);
    /** Frees a producer that was never passed on. GORGON_E_STALE if no producer has that id,
     *  or it was taken. */
    gorgon_status (*producer_free)(gorgon_plugin* self, gorgon_producer_id producer);
    /** A custom producer that returned GORGON_E_AGAIN has data again. GORGON_E_STALE if no
     *  producer has that id (finished, freed, or its connection closed). */
    gorgon_status (*producer_wake)(gorgon_plugin* self, gorgon_producer_id producer);
    /** Appends bytes to a sink (copied). GORGON_E_INVAL if `sink` is NULL, or `data` is NULL
     *  and `len` is not 0; GORGON_E_NOMEM. */
    gorgon_status (*sink_write)(gorgon_sink* sink, const void* data, size_t len);
    /** Appends `length` bytes of `fd` from `offset` (sendfile where possible; the host
     *  duplicates `fd`). GORGON_E_INVAL if `sink` is NULL or `fd` < 0; GORGON_E_IO if the file
     *  cannot be read, or ends before offset + length; GORGON_E_NOMEM. Length 0: GORGON_OK. */
    gorgon_status (*sink_write_file)(gorgon_sink* sink, int fd, uint64_t offset, uint64_t length);
    /** Queues `producer` (taken) on `conn` after everything queued before it; the host drains
     *  it as the socket takes data. `done` (optional) reports the outcome, from the loop.
     *  [open]; GORGON_E_STALE also if `producer` is stale or taken; GORGON_E_INVAL after
     *  conn_shutdown_write; GORGON_E_NOMEM. On an error status `producer` stays the caller's. */
    gorgon_status (*conn_send)(gorgon_plugin* self, gorgon_conn_id conn,
                               gorgon_producer_id producer, gorgon_send_done_fn done, void* user);
    /** 0 when everything queued on `conn` has been handed to the kernel; otherwise the bytes
     *  of queued output, plus 1 while producers are still queued. Cheap. 0 also for a
     *  connection that is not the caller's. */
    uint64_t (*conn_pending)(gorgon_plugin* self, gorgon_conn_id conn);
    /** Wall-clock time in milliseconds since the epoch, cached once per loop iteration. */
    int64_t (*now_ms)(gorgon_plugin* self);
    /** Writes "FILE:LINE:COL: key.path" for `node` into buf (NUL-terminated, truncated to
     *  cap), for located errors reported through another plugin. Returns the full length
     *  (which may exceed cap); "<config>" for a NULL node; 0 if out of memory. */
    size_t (*config_where)(const gorgon_config* node, char* buf, size_t cap);
    /** The interface the newest generation publishes under `name`, without pinning it, or
     *  NULL (also for a NULL name). Compare with what you acquired to notice that a provider
     *  was reloaded. */
    const void* (*service_current)(gorgon_plugin* self, const char* name);

    /* ---- ABI 1.2 ---- */

    /* -- Cryptography and randomness (the host owns OpenSSL; plugins link none of it) -- */
    /** Fills `buf` with `len` bytes from the kernel's CSPRNG. GORGON_E_INVAL if `buf` is NULL
     *  or `len` is over 65536; GORGON_E_IO if the kernel fails. */
    gorgon_status (*random_bytes)(gorgon_plugin* self, void* buf, size_t len);
    /** out[0..32) = SHA-256(data). GORGON_E_INVAL if `out` is NULL, or `data` is NULL and
     *  `len` is not 0. */
    gorgon_status (*sha256)(gorgon_plugin* self, const void* data, size_t len, uint8_t* out);
    /** out[0..32) = HMAC-SHA256(key, data) (RFC 2104). GORGON_E_INVAL if `out` is NULL, a
     *  pointer is NULL with its length not 0, or `key_len` is over 65536. */
    gorgon_status (*hmac_sha256)(gorgon_plugin* self, const void* key, size_t key_len,
                                 const void* data, size_t len, uint8_t* out);
    /** 1 when the `len` bytes at a and b are equal, else 0, in time that depends on `len` only.
     *  1 when `len` is 0; 0 when `a` or `b` is NULL. */
    int (*mem_equal)(const void* a, const void* b, size_t len);

    /* -- Requests: what a connection is doing, for status, drain and the monitor -- */
    /** A request (or command) began on `conn`: counted in flight on the generation and server.
     *  [conn]; GORGON_E_INVAL if one has begun and not ended. */
    gorgon_status (*conn_request_begin)(gorgon_plugin* self, gorgon_conn_id conn);
    /** It ended: counted once per connection, server and generation. Ending one that never
     *  began is GORGON_E_INVAL. Closing a connection ends its request. [conn]. */
    gorgon_status (*conn_request_end)(gorgon_plugin* self, gorgon_conn_id conn);

    /* -- Host status and control (for the monitor; any plugin may read, few should act).
     *    The listing functions return GORGON_E_INVAL if `fn` is NULL, else GORGON_E_NOMEM at
     *    worst. -- */
    /** Fills `out` up to its struct_size. GORGON_E_INVAL if `out` is NULL or its struct_size
     *  too small. */
    gorgon_status (*host_status)(gorgon_plugin* self, gorgon_host_status* out);
    gorgon_status (*server_list)(gorgon_plugin* self, gorgon_server_list_fn fn, void* user);
    /** Every open connection, or only those of the server named `server` (NULL: all). */
    gorgon_status (*conn_list)(gorgon_plugin* self, const char* server, gorgon_conn_list_fn fn,
                               void* user);
    gorgon_status (*stat_list)(gorgon_plugin* self, gorgon_stat_list_fn fn, void* user);
    /** The configuration file in force, as read (the text it was parsed from). GORGON_E_INVAL
     *  if `fn` is NULL. */
    gorgon_status (*config_text)(gorgon_plugin* self, gorgon_text_fn fn, void* user);
    /** Validates the file `path` (NULL: the file in force, re-read) as --check-config does,
     *  without applying it; each problem is reported to fn (optional) as a line.
     *  GORGON_E_INVAL if it has problems or cannot be checked (fn is told why), or `path` is
     *  ""; GORGON_E_NOMEM. */
    gorgon_status (*config_check)(gorgon_plugin* self, const char* path, gorgon_text_fn fn,
                                  void* user);
    /** As SIGHUP: re-read the file in force and apply it, or refuse it whole (problems reported
     *  to fn, optional). The caller's own generation may be retired by it; it finishes the call
     *  first. GORGON_E_INVAL if refused; GORGON_E_INTERNAL if the host failed (fn told how). */
    gorgon_status (*config_reload)(gorgon_plugin* self, gorgon_text_fn fn, void* user);
    /** Sets the error log's level until the next configuration reload. GORGON_E_INVAL for a
     *  level that is not a gorgon_log_level. */
    gorgon_status (*log_set_level)(gorgon_plugin* self, gorgon_log_level level);
    /** Begins stopping the process after the current callback returns (GORGON_SHUTDOWN_*).
     *  GORGON_E_INVAL for an unknown flag; GORGON_E_NOMEM. */
    gorgon_status (*shutdown_request)(gorgon_plugin* self, uint32_t flags);

    /* -- Plugins' own sockets (FTP data channels). Both the listener and the connections it
     *    makes belong to `self`'s generation and to the server of `related`, and are closed
     *    when that generation is retired. They carry bulk data, so Nagle's algorithm stays on
     *    for them (no TCP_NODELAY): a body leaves in full segments. -- */
    /** Listens on the local address of connection `related` (its interface and family), on a
     *  free port in [port_min, port_max] tried from a random start (0, 0: any port). Each
     *  accepted connection goes to fn. *port (optional) receives the bound port. [conn] for
     *  `related`; GORGON_E_INVAL if `fn` or `out` is NULL, port_min > port_max, or `related`
     *  belongs to no server; GORGON_E_UNSUPPORTED if `related` is not IPv4 or IPv6;
     *  GORGON_E_IO if its address cannot be read; GORGON_E_BUSY if no port in the range is
     *  free (logged); GORGON_E_NOMEM. */
    gorgon_status (*listen_open)(gorgon_plugin* self, gorgon_conn_id related, uint16_t port_min,
                                 uint16_t port_max, gorgon_accept_fn fn, void* user,
                                 gorgon_listener_id* out, uint16_t* port);
    /** GORGON_E_STALE if no listener has that id; GORGON_E_PERM if another generation's. */
    gorgon_status (*listen_close)(gorgon_plugin* self, gorgon_listener_id listener);
    /** Connects to the numeric address `address` ("192.0.2.1", "2001:db8::1") and `port`,
     *  from the local address of `related` (port chosen by the kernel). The connection exists
     *  at once with `callbacks` (BORROWED, copied) and `user`; on_event(GORGON_CONN_CONNECTED)
     *  follows when it is established, or on_close(GORGON_CLOSE_ERROR or _TIMEOUT) when it is
     *  not within `timeout_ms` (0: 30 s). Writes made before it connects are sent after.
     *  [conn] for `related`; GORGON_E_INVAL if `address` is not a numeric IPv4 or IPv6 address
     *  of `related`'s family, `port` is 0, `out` or `callbacks` is NULL, callbacks are too small
     *  or lack on_close, or `related` belongs to no server; GORGON_E_IO if the socket cannot be
     *  made, bound or connected at once (logged at debug); GORGON_E_NOMEM. */
    gorgon_status (*conn_connect)(gorgon_plugin* self, gorgon_conn_id related, const char* address,
                                  uint16_t port, uint64_t timeout_ms,
                                  const gorgon_conn_callbacks* callbacks, void* user,
                                  gorgon_conn_id* out);
    /** Stops sending on `conn` once queued output is flushed (shutdown(SHUT_WR)); reading goes
     *  on, so a client sees EOF while its last bytes are still read (lingering close). [open]. */
    gorgon_status (*conn_shutdown_write)(gorgon_plugin* self, gorgon_conn_id conn);

    /* -- TLS: in-band upgrades (STARTTLS, FTP's AUTH TLS) and data channels -- */
    /** Upgrades `conn` to TLS as the server, with the certificates and settings of its server's
     *  `tls:` block (GORGON_E_UNSUPPORTED without one). Output queued before the call (the
     *  reply that announces the upgrade) is sent in plaintext first; input received but not yet
     *  consumed is dropped, and nothing more is read until the handshake. Then on_event
     *  receives GORGON_CONN_TLS_READY (conn_info tells what was negotiated), or the connection
     *  closes with GORGON_CLOSE_ERROR if the handshake fails or times out. Bytes written after
     *  the call are sent encrypted. No body may be queued (conn_send): GORGON_E_BUSY.
     *  Works on accepted connections, on listen_open's and on conn_connect's (before or after
     *  GORGON_CONN_CONNECTED); GORGON_E_INVAL on a connection that is TLS already.
     *  `resume_from`: 0, or a TLS connection of the same plugin whose session cache and keys
     *  are used; with GORGON_TLS_REQUIRE_REUSE the handshake must resume that connection's
     *  session (as FTPS data channels must, vsftpd's require_ssl_reuse), else the connection
     *  closes with GORGON_CLOSE_ERROR after it.
     *  All statuses: [open]; GORGON_E_INVAL for an unknown flag, a connection that is TLS
     *  already or after conn_shutdown_write, GORGON_TLS_REQUIRE_REUSE without `resume_from`, or
     *  a `resume_from` whose handshake is not done; GORGON_E_UNSUPPORTED on a Unix socket or
     *  without a `tls:` block; GORGON_E_BUSY with a body queued; GORGON_E_STALE if
     *  `resume_from` is not open; GORGON_E_PERM if it is another plugin's; GORGON_E_NOMEM. */
    gorgon_status (*conn_start_tls)(gorgon_plugin* self, gorgon_conn_id conn,
                                    gorgon_conn_id resume_from, uint32_t flags);

    /* ---- ABI 1.3 ---- */

    /* -- Work pool: blocking or long work (password hashing) off the loop. Pending work pins
     *    `self`'s generation: an unload or a reload waits for its completions. -- */
    /** Runs work(arg) on a pool thread, then done(arg, id, status) on the loop (never inside
     *  this call). `work` must not call the host (see gorgon_work_fn). *out (optional)
     *  receives the id. On an error status nothing runs and `arg` stays the caller's:
     *  GORGON_E_INVAL if `work` or `done` is NULL; GORGON_E_STALE if `self` is being finalised;
     *  GORGON_E_UNSUPPORTED in the probe (a forked child has no pool); GORGON_E_INTERNAL if no
     *  pool thread could start (logged); GORGON_E_NOMEM. */
    gorgon_status (*work_submit)(gorgon_plugin* self, gorgon_work_fn work, gorgon_work_done_fn done,
                                 void* arg, gorgon_work_id* out);
    /** Cancels work that has not started: its done follows from the loop with
     *  GORGON_E_CANCELLED. GORGON_E_BUSY when it is running or finished (done follows with
     *  GORGON_OK); GORGON_E_STALE once done has been called (or for an id never given);
     *  GORGON_E_PERM if it is another generation's work. */
    gorgon_status (*work_cancel)(gorgon_plugin* self, gorgon_work_id work);
    /* -- Configuration generations. A reload that changes a server's settings opens a new
     *    server (a new id, server_open with the new settings) beside the old one, which keeps
     *    its connections on the settings they started with and is closed (server_close) once
     *    its last connection has closed or moved. -- */
    /** Moves `conn` (owned by `self`) to server `to`: a newer configuration of the server it
     *  belongs to (same name and protocol) that `self`'s generation has opened. Call it at a
     *  boundary where nothing of the old settings is in use (between two HTTP requests).
     *  GORGON_OK if it is there already. [conn]; GORGON_E_STALE if `to` is not a live server
     *  (or one being retired); GORGON_E_INVAL if it is another server: another name or
     *  protocol, or one `self`'s generation has not opened (the cause is logged at debug). */
    gorgon_status (*conn_move_server)(gorgon_plugin* self, gorgon_conn_id conn,
                                      gorgon_server_id to);
    /** Sets the goodbye hook of protocol `name`, which `self` registered (call it in init(),
     *  after protocol_register). When a reload removes a server of that protocol, the host
     *  calls `goodbye` with the server's state before it closes the server's connections, so
     *  the protocol can tell its clients (FTP's "421 Service closing"). Whatever the hook writes
     *  is flushed before the connections close. Without a hook they close as they did in 1.2.
     *  `goodbye` NULL removes the hook. GORGON_E_INVAL if `name` is NULL; GORGON_E_NOTFOUND if
     *  `self` has not registered protocol `name`; GORGON_E_NOMEM. */
    gorgon_status (*protocol_goodbye)(gorgon_plugin* self, const char* name,
                                      gorgon_server_goodbye_fn goodbye);
} gorgon_host_api;

/** Nonzero when the host's table is long enough to hold `member`. */
#ifdef __cplusplus
#define GORGON_HOST_HAS(host, member) \
    ((host)->struct_size >= offsetof(gorgon_host_api, member) + sizeof(gorgon_host_api::member))
#else
#define GORGON_HOST_HAS(host, member) \
    ((host)->struct_size >=           \
     offsetof(gorgon_host_api, member) + sizeof(((const gorgon_host_api*)0)->member))
#endif

/* ---- The descriptor ------------------------------------------------------------------------ */

/**
 * What a plugin is and how to drive it. Returned by gorgon_plugin_entry(); must point at static
 * const data (the host may read it before, and after, calling any hook).
 */
typedef struct gorgon_plugin_descriptor {
    uint32_t struct_size; /**< sizeof(gorgon_plugin_descriptor) as the plugin compiled it. */
    uint16_t abi_major;   /**< GORGON_ABI_MAJOR the plugin was built against. */
    uint16_t abi_minor;   /**< GORGON_ABI_MINOR the plugin was built against. */
    /** 1-63 characters of a-z, 0-9, `-` and `_`, the first a letter or digit
     *  ([a-z0-9][a-z0-9_-]{0,62}); unique. Anything else is refused at load. */
    const char* name;
    const char* version; /**< The plugin's own version, free text, e.g. "1.2.0". */
    const char* description;
    /** NULL-terminated list of what it offers: "protocol:chat", "http-extension:static". */
    const char* const* provides;
    /** NULL-terminated list of what it needs from other plugins ("filesystem:os"). */
    const char* const* depends;

    /** Builds the plugin's state (PLUGIN-OWNED). `config` is the plugin's subtree under
     *  `plugins.load.<name>` (may be an empty map). Required. */
    gorgon_status (*init)(const gorgon_host_api* host, gorgon_plugin* self,
                          const gorgon_config* config, void** state);
    /** Frees everything. The host has already closed the generation's connections and
     *  cancelled its timers. Required. */
    void (*shutdown)(void* state);
    /** Optional. This generation is being retired: finish in-flight work, accept none, and
     *  close connections at their next clean boundary. */
    void (*drain)(void* state);
    /** Optional. Called on the old generation during a reload, before the new generation takes
     *  over: write whatever the new one needs (for example connection ids) into `out`. */
    gorgon_status (*handoff_export)(void* state, gorgon_buffer* out);
    /** Optional. Called on the new generation with what the old one exported; adopt its
     *  connections with conn_adopt. Connections not adopted stay with the old generation and
     *  are drained. */
    gorgon_status (*handoff_import)(void* state, const void* data, size_t len);
} gorgon_plugin_descriptor;

/** The one symbol every plugin exports. Must have no side effects. */
typedef const gorgon_plugin_descriptor* (*gorgon_plugin_entry_fn)(void);
#define GORGON_PLUGIN_ENTRY_SYMBOL "gorgon_plugin_entry"

GORGON_EXPORT const gorgon_plugin_descriptor* gorgon_plugin_entry(void);

/** The smallest descriptor the host accepts: everything up to and including shutdown. */
#define GORGON_DESCRIPTOR_MIN_SIZE \
    (offsetof(gorgon_plugin_descriptor, shutdown) + sizeof(void (*)(void*)))

#ifdef __cplusplus
}
#endif

#endif /* GORGON_PLUGIN_H */
