/*
 * Layout freeze of what plugin ABI 1.3 added (LP64): the work pool and configuration generations
 * in gorgon_host_api, and the watchdog and work-pool members appended to gorgon_host_status.
 * Same rules as layout_1_0.c: a failing assertion breaks the build, and this file is only ever
 * appended to.
 */
#include <gorgon/plugin.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MEMBER_SIZE(type, member) sizeof(((type*)0)->member)
#define FROZEN(type, member, offset, size)                                           \
    _Static_assert(offsetof(type, member) == (offset), #type "." #member " offset"); \
    _Static_assert(MEMBER_SIZE(type, member) == (size), #type "." #member " size")

_Static_assert(GORGON_ABI_MAJOR == 1 && GORGON_ABI_MINOR >= 3, "1.3 or later");
_Static_assert(GORGON_E_CANCELLED == -13, "GORGON_E_CANCELLED");
_Static_assert(GORGON_LAG_BUCKETS == 6, "GORGON_LAG_BUCKETS");
_Static_assert(sizeof(gorgon_work_id) == 8, "gorgon_work_id");

#if UINTPTR_MAX == 0xffffffffffffffffu
/* Appended to the host table: 1.2 ended at 624. */
FROZEN(gorgon_host_api, work_submit, 624, 8);
FROZEN(gorgon_host_api, work_cancel, 632, 8);
FROZEN(gorgon_host_api, conn_move_server, 640, 8);
FROZEN(gorgon_host_api, protocol_goodbye, 648, 8);
_Static_assert(sizeof(gorgon_host_api) >= 656, "sizeof gorgon_host_api");

/* Appended to gorgon_host_status: 1.2 ended at 88. */
FROZEN(gorgon_host_status, lag_max_us, 88, 8);
FROZEN(gorgon_host_status, lag_max_plugin, 96, 8);
FROZEN(gorgon_host_status, lag_max_hook, 104, 8);
FROZEN(gorgon_host_status, lag_buckets, 112, 48);
FROZEN(gorgon_host_status, lag_warn_ms, 160, 4);
FROZEN(gorgon_host_status, work_threads, 164, 4);
FROZEN(gorgon_host_status, work_pending, 168, 8);
FROZEN(gorgon_host_status, work_total, 176, 8);
_Static_assert(sizeof(gorgon_host_status) >= 184, "sizeof gorgon_host_status");
#define LAYOUT_CHECKED "LP64 layout of ABI 1.3 checked"
#else
#define LAYOUT_CHECKED "not LP64: only the constants of ABI 1.3 were checked"
#endif

int main(void) {
    printf("%s (headers say %d.%d)\n", LAYOUT_CHECKED, GORGON_ABI_MAJOR, GORGON_ABI_MINOR);
    return 0;
}
