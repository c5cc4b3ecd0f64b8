/*
 * Layout freeze of what plugin ABI 1.4 added (LP64): the calls appended to the http plugin's
 * gorgon_http_api (http.h). Same rules as layout_1_0.c: a failing assertion breaks the build,
 * and this file is only ever appended to.
 */
#include <gorgon/http.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MEMBER_SIZE(type, member) sizeof(((type*)0)->member)
#define FROZEN(type, member, offset, size)                                           \
    _Static_assert(offsetof(type, member) == (offset), #type "." #member " offset"); \
    _Static_assert(MEMBER_SIZE(type, member) == (size), #type "." #member " size")

_Static_assert(GORGON_ABI_MAJOR == 1 && GORGON_ABI_MINOR >= 4, "1.4 or later");

#if UINTPTR_MAX == 0xffffffffffffffffu
/* Appended to the http plugin's table: 1.1 ended at 136. */
FROZEN(gorgon_http_api, decline, 136, 8);
FROZEN(gorgon_http_api, rewrite, 144, 8);
FROZEN(gorgon_http_api, set_user, 152, 8);
FROZEN(gorgon_http_api, user, 160, 8);
FROZEN(gorgon_http_api, secure, 168, 8);
_Static_assert(sizeof(gorgon_http_api) >= 176, "sizeof gorgon_http_api");
#define LAYOUT_CHECKED "LP64 layout of ABI 1.4 checked"
#else
#define LAYOUT_CHECKED "not LP64: only the constants of ABI 1.4 were checked"
#endif

int main(void) {
    printf("%s (headers say %d.%d)\n", LAYOUT_CHECKED, GORGON_ABI_MAJOR, GORGON_ABI_MINOR);
    return 0;
}
