/*
 * Layout freeze of plugin ABI 1.0 (LP64): the offset and size of every member of every struct
 * that crosses the plugin boundary, the size of every struct, and the value of every constant.
 * A failing assertion breaks the build. This file is only ever appended to: when 1.1 adds
 * members, add their lines (and layout_1_1 checks if useful); never change a line below.
 *
 * It is compiled twice: against the live sdk/include (abi_layout_1_0) and against the frozen
 * copy in tests/fixtures/abi-1.0 (abi_layout_1_0_frozen), so the numbers are known to describe
 * the released 1.0 and the live header is known to still match them.
 */
#include <gorgon/plugin.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MEMBER_SIZE(type, member) sizeof(((type*)0)->member)
#define FROZEN(type, member, offset, size)                                           \
    _Static_assert(offsetof(type, member) == (offset), #type "." #member " offset"); \
    _Static_assert(MEMBER_SIZE(type, member) == (size), #type "." #member " size")

/* Versions and constants (values, not layout, but just as frozen). */
_Static_assert(GORGON_ABI_MAJOR == 1, "major");
_Static_assert(GORGON_ABI_MINOR >= 0, "minor");
_Static_assert(sizeof(gorgon_status) == 4, "gorgon_status");
_Static_assert(GORGON_OK == 0 && GORGON_DECLINED == 1, "status codes");
_Static_assert(GORGON_E_INVAL == -1 && GORGON_E_NOMEM == -2 && GORGON_E_AGAIN == -3 &&
                   GORGON_E_STALE == -4 && GORGON_E_UNSUPPORTED == -5 && GORGON_E_IO == -6 &&
                   GORGON_E_PERM == -7 && GORGON_E_NOTFOUND == -8 && GORGON_E_EXISTS == -9 &&
                   GORGON_E_BUSY == -10 && GORGON_E_TOOBIG == -11 && GORGON_E_INTERNAL == -12,
               "error codes");
_Static_assert(sizeof(gorgon_conn_id) == 8 && sizeof(gorgon_timer_id) == 8 &&
                   sizeof(gorgon_server_id) == 8 && sizeof(gorgon_stat_id) == 8,
               "id types");
_Static_assert(sizeof(gorgon_log_level) == 4 && GORGON_LOG_ERROR == 0 && GORGON_LOG_WARN == 1 &&
                   GORGON_LOG_INFO == 2 && GORGON_LOG_DEBUG == 3,
               "gorgon_log_level");
_Static_assert(sizeof(gorgon_config_type) == 4 && GORGON_CONFIG_MISSING == 0 &&
                   GORGON_CONFIG_NULL == 1 && GORGON_CONFIG_SCALAR == 2 &&
                   GORGON_CONFIG_SEQUENCE == 3 && GORGON_CONFIG_MAP == 4,
               "gorgon_config_type");
_Static_assert(sizeof(gorgon_conn_event) == 4 && GORGON_CONN_EOF == 1 &&
                   GORGON_CONN_READ_TIMEOUT == 2 && GORGON_CONN_WRITE_TIMEOUT == 3,
               "gorgon_conn_event");
_Static_assert(sizeof(gorgon_close_reason) == 4 && GORGON_CLOSE_LOCAL == 0 &&
                   GORGON_CLOSE_PEER == 1 && GORGON_CLOSE_ERROR == 2 && GORGON_CLOSE_TIMEOUT == 3 &&
                   GORGON_CLOSE_SHUTDOWN == 4,
               "gorgon_close_reason");
_Static_assert(GORGON_CLOSE_NOW == 0u && GORGON_CLOSE_AFTER_FLUSH == 1u, "close flags");
_Static_assert(GORGON_TIMER_ONCE == 0u && GORGON_TIMER_REPEAT == 1u, "timer flags");

#if UINTPTR_MAX == 0xffffffffffffffffu

FROZEN(gorgon_conn_callbacks, struct_size, 0, 4);
FROZEN(gorgon_conn_callbacks, on_data, 8, 8);
FROZEN(gorgon_conn_callbacks, on_drained, 16, 8);
FROZEN(gorgon_conn_callbacks, on_event, 24, 8);
FROZEN(gorgon_conn_callbacks, on_close, 32, 8);
_Static_assert(sizeof(gorgon_conn_callbacks) == 40, "sizeof gorgon_conn_callbacks");

FROZEN(gorgon_conn_info, struct_size, 0, 4);
FROZEN(gorgon_conn_info, family, 4, 4);
FROZEN(gorgon_conn_info, peer, 8, 8);
FROZEN(gorgon_conn_info, peer_host, 16, 8);
FROZEN(gorgon_conn_info, peer_port, 24, 2);
FROZEN(gorgon_conn_info, local, 32, 8);
FROZEN(gorgon_conn_info, server_name, 40, 8);
FROZEN(gorgon_conn_info, peer_uid, 48, 8);
FROZEN(gorgon_conn_info, peer_gid, 56, 8);
FROZEN(gorgon_conn_info, peer_pid, 64, 8);
/* It starts with struct_size, so a later minor may append (1.2 did: TLS). */
_Static_assert(sizeof(gorgon_conn_info) >= 72, "sizeof gorgon_conn_info");
#if GORGON_ABI_MINOR < 2
_Static_assert(sizeof(gorgon_conn_info) == 72, "sizeof gorgon_conn_info in 1.0 and 1.1");
#endif

FROZEN(gorgon_server_info, struct_size, 0, 4);
FROZEN(gorgon_server_info, id, 8, 8);
FROZEN(gorgon_server_info, name, 16, 8);
_Static_assert(sizeof(gorgon_server_info) == 24, "sizeof gorgon_server_info");

FROZEN(gorgon_protocol, struct_size, 0, 4);
FROZEN(gorgon_protocol, server_open, 8, 8);
FROZEN(gorgon_protocol, server_close, 16, 8);
FROZEN(gorgon_protocol, accept, 24, 8);
_Static_assert(sizeof(gorgon_protocol) == 32, "sizeof gorgon_protocol");

FROZEN(gorgon_plugin_info, struct_size, 0, 4);
FROZEN(gorgon_plugin_info, name, 8, 8);
FROZEN(gorgon_plugin_info, version, 16, 8);
FROZEN(gorgon_plugin_info, description, 24, 8);
FROZEN(gorgon_plugin_info, file, 32, 8);
FROZEN(gorgon_plugin_info, sha256, 40, 8);
FROZEN(gorgon_plugin_info, state, 48, 8);
FROZEN(gorgon_plugin_info, generation, 56, 8);
FROZEN(gorgon_plugin_info, connections, 64, 8);
FROZEN(gorgon_plugin_info, references, 72, 8);
/* It starts with struct_size, so a later minor may append (1.2 did). */
_Static_assert(sizeof(gorgon_plugin_info) >= 80, "sizeof gorgon_plugin_info");
#if GORGON_ABI_MINOR < 2
_Static_assert(sizeof(gorgon_plugin_info) == 80, "sizeof gorgon_plugin_info in 1.0 and 1.1");
#endif

FROZEN(gorgon_host_api, struct_size, 0, 4);
FROZEN(gorgon_host_api, abi_major, 4, 2);
FROZEN(gorgon_host_api, abi_minor, 6, 2);
FROZEN(gorgon_host_api, host_version, 8, 8);
FROZEN(gorgon_host_api, log, 16, 8);
FROZEN(gorgon_host_api, log_enabled, 24, 8);
FROZEN(gorgon_host_api, set_error, 32, 8);
FROZEN(gorgon_host_api, config_type, 40, 8);
FROZEN(gorgon_host_api, config_get, 48, 8);
FROZEN(gorgon_host_api, config_size, 56, 8);
FROZEN(gorgon_host_api, config_at, 64, 8);
FROZEN(gorgon_host_api, config_key_at, 72, 8);
FROZEN(gorgon_host_api, config_string, 80, 8);
FROZEN(gorgon_host_api, config_int, 88, 8);
FROZEN(gorgon_host_api, config_bool, 96, 8);
FROZEN(gorgon_host_api, config_duration_ms, 104, 8);
FROZEN(gorgon_host_api, config_size_bytes, 112, 8);
FROZEN(gorgon_host_api, config_error, 120, 8);
FROZEN(gorgon_host_api, config_check_keys, 128, 8);
FROZEN(gorgon_host_api, protocol_register, 136, 8);
FROZEN(gorgon_host_api, conn_set_callbacks, 144, 8);
FROZEN(gorgon_host_api, conn_input_length, 152, 8);
FROZEN(gorgon_host_api, conn_peek, 160, 8);
FROZEN(gorgon_host_api, conn_find, 168, 8);
FROZEN(gorgon_host_api, conn_consume, 176, 8);
FROZEN(gorgon_host_api, conn_read, 184, 8);
FROZEN(gorgon_host_api, conn_write, 192, 8);
FROZEN(gorgon_host_api, conn_output_length, 200, 8);
FROZEN(gorgon_host_api, conn_pause_reading, 208, 8);
FROZEN(gorgon_host_api, conn_set_timeouts, 216, 8);
FROZEN(gorgon_host_api, conn_close, 224, 8);
FROZEN(gorgon_host_api, conn_info, 232, 8);
FROZEN(gorgon_host_api, conn_adopt, 240, 8);
FROZEN(gorgon_host_api, timer_start, 248, 8);
FROZEN(gorgon_host_api, timer_cancel, 256, 8);
FROZEN(gorgon_host_api, stat_counter, 264, 8);
FROZEN(gorgon_host_api, stat_add, 272, 8);
FROZEN(gorgon_host_api, service_publish, 280, 8);
FROZEN(gorgon_host_api, service_acquire, 288, 8);
FROZEN(gorgon_host_api, service_release, 296, 8);
FROZEN(gorgon_host_api, buffer_append, 304, 8);
FROZEN(gorgon_host_api, plugin_list, 312, 8);
FROZEN(gorgon_host_api, plugin_load, 320, 8);
FROZEN(gorgon_host_api, plugin_unload, 328, 8);
FROZEN(gorgon_host_api, plugin_reload, 336, 8);
/* 1.0's table ends at 344; a later minor's may only be longer. */
_Static_assert(sizeof(gorgon_host_api) >= 344, "sizeof gorgon_host_api");
#if GORGON_ABI_MINOR == 0
_Static_assert(sizeof(gorgon_host_api) == 344, "sizeof gorgon_host_api in 1.0");
#endif

FROZEN(gorgon_plugin_descriptor, struct_size, 0, 4);
FROZEN(gorgon_plugin_descriptor, abi_major, 4, 2);
FROZEN(gorgon_plugin_descriptor, abi_minor, 6, 2);
FROZEN(gorgon_plugin_descriptor, name, 8, 8);
FROZEN(gorgon_plugin_descriptor, version, 16, 8);
FROZEN(gorgon_plugin_descriptor, description, 24, 8);
FROZEN(gorgon_plugin_descriptor, provides, 32, 8);
FROZEN(gorgon_plugin_descriptor, depends, 40, 8);
FROZEN(gorgon_plugin_descriptor, init, 48, 8);
FROZEN(gorgon_plugin_descriptor, shutdown, 56, 8);
FROZEN(gorgon_plugin_descriptor, drain, 64, 8);
FROZEN(gorgon_plugin_descriptor, handoff_export, 72, 8);
FROZEN(gorgon_plugin_descriptor, handoff_import, 80, 8);
_Static_assert(sizeof(gorgon_plugin_descriptor) >= 88, "sizeof gorgon_plugin_descriptor");
#if GORGON_ABI_MINOR == 0
_Static_assert(sizeof(gorgon_plugin_descriptor) == 88, "sizeof gorgon_plugin_descriptor in 1.0");
#endif
_Static_assert(GORGON_DESCRIPTOR_MIN_SIZE == 64, "GORGON_DESCRIPTOR_MIN_SIZE");

/* GORGON_HOST_HAS must agree: a 1.0 table has plugin_reload, a table one pointer short not. */
static const gorgon_host_api table_1_0 = {.struct_size = 344};
static const gorgon_host_api table_short = {.struct_size = 336};

static int check_host_has(void) {
    return GORGON_HOST_HAS(&table_1_0, plugin_reload) &&
           !GORGON_HOST_HAS(&table_short, plugin_reload);
}
#define LAYOUT_CHECKED "LP64 layout of ABI 1.0 checked"
#else
static int check_host_has(void) {
    return 1;
}
#define LAYOUT_CHECKED "not LP64: only the constants of ABI 1.0 were checked"
#endif

int main(void) {
    if (!check_host_has()) {
        puts("GORGON_HOST_HAS disagrees with the 1.0 layout");
        return 1;
    }
    printf("%s (headers say %d.%d)\n", LAYOUT_CHECKED, GORGON_ABI_MAJOR, GORGON_ABI_MINOR);
    return 0;
}
