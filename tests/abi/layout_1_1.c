/*
 * Layout freeze of what plugin ABI 1.1 added (LP64): the appended members of gorgon_host_api,
 * and every struct of producer.h, fs.h and http.h. Same rules as layout_1_0.c: a failing
 * assertion breaks the build, and this file is only ever appended to.
 */
#include <gorgon/fs.h>
#include <gorgon/http.h>
#include <gorgon/plugin.h>
#include <gorgon/producer.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MEMBER_SIZE(type, member) sizeof(((type*)0)->member)
#define FROZEN(type, member, offset, size)                                           \
    _Static_assert(offsetof(type, member) == (offset), #type "." #member " offset"); \
    _Static_assert(MEMBER_SIZE(type, member) == (size), #type "." #member " size")

_Static_assert(GORGON_ABI_MAJOR == 1 && GORGON_ABI_MINOR >= 1, "1.1 or later");
_Static_assert(GORGON_PRODUCER_DONE == 2, "GORGON_PRODUCER_DONE");
_Static_assert(sizeof(gorgon_producer_id) == 8, "gorgon_producer_id");
_Static_assert(GORGON_FS_READ_ONLY == 1 && GORGON_FS_WRITE == 1 && GORGON_FS_CREATE == 2 &&
                   GORGON_FS_EXCLUSIVE == 4 && GORGON_FS_TRUNCATE == 8 && GORGON_FS_APPEND == 16 &&
                   GORGON_FS_NOFOLLOW == 32,
               "fs flags");
_Static_assert(GORGON_FS_OTHER == 0 && GORGON_FS_FILE == 1 && GORGON_FS_DIRECTORY == 2 &&
                   GORGON_FS_SYMLINK == 3,
               "fs types");

#if UINTPTR_MAX == 0xffffffffffffffffu
/* Appended to the host table: 1.0 ended at 344. */
FROZEN(gorgon_host_api, producer_memory, 344, 8);
FROZEN(gorgon_host_api, producer_file, 352, 8);
FROZEN(gorgon_host_api, producer_chunked, 360, 8);
FROZEN(gorgon_host_api, producer_gzip, 368, 8);
FROZEN(gorgon_host_api, producer_concat, 376, 8);
FROZEN(gorgon_host_api, producer_custom, 384, 8);
FROZEN(gorgon_host_api, producer_free, 392, 8);
FROZEN(gorgon_host_api, producer_wake, 400, 8);
FROZEN(gorgon_host_api, sink_write, 408, 8);
FROZEN(gorgon_host_api, sink_write_file, 416, 8);
FROZEN(gorgon_host_api, conn_send, 424, 8);
FROZEN(gorgon_host_api, conn_pending, 432, 8);
FROZEN(gorgon_host_api, now_ms, 440, 8);
FROZEN(gorgon_host_api, config_where, 448, 8);
FROZEN(gorgon_host_api, service_current, 456, 8);
_Static_assert(sizeof(gorgon_host_api) >= 464, "sizeof gorgon_host_api");
#if GORGON_ABI_MINOR == 1
_Static_assert(sizeof(gorgon_host_api) == 464, "sizeof gorgon_host_api in 1.1");
#endif

FROZEN(gorgon_str, ptr, 0, 8);
FROZEN(gorgon_str, len, 8, 8);
_Static_assert(sizeof(gorgon_str) == 16, "sizeof gorgon_str");

FROZEN(gorgon_producer_ops, struct_size, 0, 4);
FROZEN(gorgon_producer_ops, produce, 8, 8);
FROZEN(gorgon_producer_ops, release, 16, 8);
_Static_assert(sizeof(gorgon_producer_ops) == 24, "sizeof gorgon_producer_ops");

FROZEN(gorgon_fs_stat, struct_size, 0, 4);
FROZEN(gorgon_fs_stat, type, 4, 4);
FROZEN(gorgon_fs_stat, size, 8, 8);
FROZEN(gorgon_fs_stat, mtime_sec, 16, 8);
FROZEN(gorgon_fs_stat, mtime_nsec, 24, 8);
FROZEN(gorgon_fs_stat, mode, 32, 4);
FROZEN(gorgon_fs_stat, nlink, 36, 4);
FROZEN(gorgon_fs_stat, uid, 40, 8);
FROZEN(gorgon_fs_stat, gid, 48, 8);
FROZEN(gorgon_fs_stat, inode, 56, 8);
FROZEN(gorgon_fs_stat, device, 64, 8);
_Static_assert(sizeof(gorgon_fs_stat) == 72, "sizeof gorgon_fs_stat");

FROZEN(gorgon_fs_provider, struct_size, 0, 4);
FROZEN(gorgon_fs_provider, ctx, 8, 8);
FROZEN(gorgon_fs_provider, open_root, 16, 8);
FROZEN(gorgon_fs_provider, close_root, 24, 8);
FROZEN(gorgon_fs_provider, stat, 32, 8);
FROZEN(gorgon_fs_provider, open, 40, 8);
FROZEN(gorgon_fs_provider, list, 48, 8);
FROZEN(gorgon_fs_provider, mkdir, 56, 8);
FROZEN(gorgon_fs_provider, rename, 64, 8);
FROZEN(gorgon_fs_provider, remove, 72, 8);
FROZEN(gorgon_fs_provider, rmdir, 80, 8);
_Static_assert(sizeof(gorgon_fs_provider) >= 88, "sizeof gorgon_fs_provider");

FROZEN(gorgon_http_header, name, 0, 16);
FROZEN(gorgon_http_header, value, 16, 16);
_Static_assert(sizeof(gorgon_http_header) == 32, "sizeof gorgon_http_header");

FROZEN(gorgon_http_api, struct_size, 0, 4);
FROZEN(gorgon_http_api, method, 8, 8);
FROZEN(gorgon_http_api, target, 16, 8);
FROZEN(gorgon_http_api, path, 24, 8);
FROZEN(gorgon_http_api, query, 32, 8);
FROZEN(gorgon_http_api, version, 40, 8);
FROZEN(gorgon_http_api, host, 48, 8);
FROZEN(gorgon_http_api, header, 56, 8);
FROZEN(gorgon_http_api, header_count, 64, 8);
FROZEN(gorgon_http_api, header_at, 72, 8);
FROZEN(gorgon_http_api, peer, 80, 8);
FROZEN(gorgon_http_api, server_name, 88, 8);
FROZEN(gorgon_http_api, body_length, 96, 8);
FROZEN(gorgon_http_api, body_read, 104, 8);
FROZEN(gorgon_http_api, body_notify, 112, 8);
FROZEN(gorgon_http_api, respond, 120, 8);
FROZEN(gorgon_http_api, respond_error, 128, 8);
_Static_assert(sizeof(gorgon_http_api) >= 136, "sizeof gorgon_http_api");

FROZEN(gorgon_http_extension, struct_size, 0, 4);
FROZEN(gorgon_http_extension, ctx, 8, 8);
FROZEN(gorgon_http_extension, route_open, 16, 8);
FROZEN(gorgon_http_extension, route_close, 24, 8);
FROZEN(gorgon_http_extension, match, 32, 8);
FROZEN(gorgon_http_extension, handle, 40, 8);
FROZEN(gorgon_http_extension, abort, 48, 8);
_Static_assert(sizeof(gorgon_http_extension) >= 56, "sizeof gorgon_http_extension");
#define LAYOUT_CHECKED "LP64 layout of ABI 1.1 checked"
#else
#define LAYOUT_CHECKED "not LP64: only the constants of ABI 1.1 were checked"
#endif

int main(void) {
    printf("%s (headers say %d.%d)\n", LAYOUT_CHECKED, GORGON_ABI_MAJOR, GORGON_ABI_MINOR);
    return 0;
}
