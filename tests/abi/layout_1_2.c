/*
 * Layout freeze of what plugin ABI 1.2 added (LP64): the appended members of gorgon_host_api,
 * gorgon_plugin_info and gorgon_conn_info (TLS), and the status structs for the monitor. Same rules
 * as layout_1_0.c: a failing assertion breaks the build, and this file is only ever appended to.
 */
#include <gorgon/plugin.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MEMBER_SIZE(type, member) sizeof(((type*)0)->member)
#define FROZEN(type, member, offset, size)                                           \
    _Static_assert(offsetof(type, member) == (offset), #type "." #member " offset"); \
    _Static_assert(MEMBER_SIZE(type, member) == (size), #type "." #member " size")

_Static_assert(GORGON_ABI_MAJOR == 1 && GORGON_ABI_MINOR >= 2, "1.2 or later");
_Static_assert(GORGON_CONN_CONNECTED == 4, "GORGON_CONN_CONNECTED");
_Static_assert(GORGON_CONN_TLS_READY == 5, "GORGON_CONN_TLS_READY");
_Static_assert(GORGON_TLS_REQUIRE_REUSE == 1u, "conn_start_tls flags");
_Static_assert(GORGON_SHUTDOWN_NOW == 0 && GORGON_SHUTDOWN_GRACEFUL == 1, "shutdown flags");
_Static_assert(sizeof(gorgon_listener_id) == 8, "gorgon_listener_id");

#if UINTPTR_MAX == 0xffffffffffffffffu
/* Appended to the host table: 1.1 ended at 464. */
FROZEN(gorgon_host_api, random_bytes, 464, 8);
FROZEN(gorgon_host_api, sha256, 472, 8);
FROZEN(gorgon_host_api, hmac_sha256, 480, 8);
FROZEN(gorgon_host_api, mem_equal, 488, 8);
FROZEN(gorgon_host_api, conn_request_begin, 496, 8);
FROZEN(gorgon_host_api, conn_request_end, 504, 8);
FROZEN(gorgon_host_api, host_status, 512, 8);
FROZEN(gorgon_host_api, server_list, 520, 8);
FROZEN(gorgon_host_api, conn_list, 528, 8);
FROZEN(gorgon_host_api, stat_list, 536, 8);
FROZEN(gorgon_host_api, config_text, 544, 8);
FROZEN(gorgon_host_api, config_check, 552, 8);
FROZEN(gorgon_host_api, config_reload, 560, 8);
FROZEN(gorgon_host_api, log_set_level, 568, 8);
FROZEN(gorgon_host_api, shutdown_request, 576, 8);
FROZEN(gorgon_host_api, listen_open, 584, 8);
FROZEN(gorgon_host_api, listen_close, 592, 8);
FROZEN(gorgon_host_api, conn_connect, 600, 8);
FROZEN(gorgon_host_api, conn_shutdown_write, 608, 8);
FROZEN(gorgon_host_api, conn_start_tls, 616, 8);
_Static_assert(sizeof(gorgon_host_api) >= 624, "sizeof gorgon_host_api");
#if GORGON_ABI_MINOR == 2
_Static_assert(sizeof(gorgon_host_api) == 624, "sizeof gorgon_host_api in 1.2");
#endif

/* Appended to gorgon_conn_info: 1.0 ended at 72. */
FROZEN(gorgon_conn_info, tls, 72, 4);
FROZEN(gorgon_conn_info, tls_version, 80, 8);
FROZEN(gorgon_conn_info, tls_cipher, 88, 8);
FROZEN(gorgon_conn_info, tls_sni, 96, 8);
FROZEN(gorgon_conn_info, tls_alpn, 104, 8);
_Static_assert(sizeof(gorgon_conn_info) >= 112, "sizeof gorgon_conn_info");

/* Appended to gorgon_plugin_info: 1.0 ended at 80. */
FROZEN(gorgon_plugin_info, loaded_ms, 80, 8);
FROZEN(gorgon_plugin_info, requests_inflight, 88, 8);
FROZEN(gorgon_plugin_info, requests_total, 96, 8);
_Static_assert(sizeof(gorgon_plugin_info) >= 104, "sizeof gorgon_plugin_info");

FROZEN(gorgon_host_status, struct_size, 0, 4);
FROZEN(gorgon_host_status, log_level, 4, 4);
FROZEN(gorgon_host_status, version, 8, 8);
FROZEN(gorgon_host_status, config_file, 16, 8);
FROZEN(gorgon_host_status, pid, 24, 8);
FROZEN(gorgon_host_status, started_ms, 32, 8);
FROZEN(gorgon_host_status, connections, 40, 8);
FROZEN(gorgon_host_status, connections_total, 48, 8);
FROZEN(gorgon_host_status, requests_total, 56, 8);
FROZEN(gorgon_host_status, bytes_in, 64, 8);
FROZEN(gorgon_host_status, bytes_out, 72, 8);
FROZEN(gorgon_host_status, stopping, 80, 4);
FROZEN(gorgon_host_status, generations, 84, 4);
_Static_assert(sizeof(gorgon_host_status) >= 88, "sizeof gorgon_host_status");

FROZEN(gorgon_server_status, struct_size, 0, 4);
FROZEN(gorgon_server_status, id, 8, 8);
FROZEN(gorgon_server_status, name, 16, 8);
FROZEN(gorgon_server_status, protocol, 24, 8);
FROZEN(gorgon_server_status, listen, 32, 8);
FROZEN(gorgon_server_status, plugin, 40, 8);
FROZEN(gorgon_server_status, connections, 48, 8);
FROZEN(gorgon_server_status, connections_total, 56, 8);
FROZEN(gorgon_server_status, requests_total, 64, 8);
FROZEN(gorgon_server_status, requests_inflight, 72, 8);
FROZEN(gorgon_server_status, bytes_in, 80, 8);
FROZEN(gorgon_server_status, bytes_out, 88, 8);
_Static_assert(sizeof(gorgon_server_status) >= 96, "sizeof gorgon_server_status");

FROZEN(gorgon_conn_status, struct_size, 0, 4);
FROZEN(gorgon_conn_status, in_request, 4, 4);
FROZEN(gorgon_conn_status, id, 8, 8);
FROZEN(gorgon_conn_status, server, 16, 8);
FROZEN(gorgon_conn_status, peer, 24, 8);
FROZEN(gorgon_conn_status, plugin, 32, 8);
FROZEN(gorgon_conn_status, generation, 40, 8);
FROZEN(gorgon_conn_status, opened_ms, 48, 8);
FROZEN(gorgon_conn_status, active_ms, 56, 8);
FROZEN(gorgon_conn_status, requests, 64, 8);
FROZEN(gorgon_conn_status, bytes_in, 72, 8);
FROZEN(gorgon_conn_status, bytes_out, 80, 8);
FROZEN(gorgon_conn_status, pending, 88, 8);
_Static_assert(sizeof(gorgon_conn_status) >= 96, "sizeof gorgon_conn_status");

FROZEN(gorgon_stat_info, struct_size, 0, 4);
FROZEN(gorgon_stat_info, plugin, 8, 8);
FROZEN(gorgon_stat_info, name, 16, 8);
FROZEN(gorgon_stat_info, value, 24, 8);
_Static_assert(sizeof(gorgon_stat_info) >= 32, "sizeof gorgon_stat_info");
#define LAYOUT_CHECKED "LP64 layout of ABI 1.2 checked"
#else
#define LAYOUT_CHECKED "not LP64: only the constants of ABI 1.2 were checked"
#endif

int main(void) {
    printf("%s (headers say %d.%d)\n", LAYOUT_CHECKED, GORGON_ABI_MAJOR, GORGON_ABI_MINOR);
    return 0;
}
