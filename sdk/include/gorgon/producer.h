/*
 * gorgon/producer.h — pull-based bodies (Medusa's producers), ABI 1.1.
 *
 * A producer is a source of bytes the host pulls from only when the connection's socket can take
 * more, so a 4 GiB file or an endless stream never sits in memory. The host ships the common
 * ones behind host functions (plugin.h, "Producers"): memory, file (sendfile), chunked framing,
 * gzip and concatenation. They compose: producer_chunked(producer_gzip(producer_file(...))).
 * A plugin can add its own with producer_custom and the ops below.
 *
 * Producers are named by gorgon_producer_id. Ownership moves with the id: a producer passed to
 * another constructor or to conn_send belongs to the host from then on; one that never is must be
 * released with producer_free.
 */
#ifndef GORGON_PRODUCER_H
#define GORGON_PRODUCER_H

#include <gorgon/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

/** produce() finished: everything is in the sink; it will not be called again. */
#define GORGON_PRODUCER_DONE 2

/**
 * A producer the plugin implements. BORROWED by producer_custom (copied).
 */
struct gorgon_producer_ops {
    uint32_t struct_size;
    /**
     * Writes about `want` bytes into `sink` with sink_write / sink_write_file (fewer or more is
     * fine). Returns:
     *   GORGON_OK            wrote something; call again when the socket has room,
     *   GORGON_PRODUCER_DONE finished (possibly after writing in this call),
     *   GORGON_E_AGAIN       nothing now; the plugin calls producer_wake when there is,
     *   a negative status    failure: the connection is closed.
     * Called from the loop only.
     */
    gorgon_status (*produce)(void* user, gorgon_sink* sink, size_t want);
    /** The producer is finished or abandoned; free `user`. Called exactly once. Required. */
    void (*release)(void* user);
};

#ifdef __cplusplus
}
#endif

#endif /* GORGON_PRODUCER_H */
