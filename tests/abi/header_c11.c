/*
 * Every public C header, compiled on its own as strict C11 (-std=c11, no extensions) with the
 * project's warnings (-Wstrict-prototypes -Wmissing-prototypes for C). Including the header
 * first proves it includes what it uses.
 */
#include <gorgon/plugin.h>
/* The other C headers, each parsed as strict C11 too (http_static.h pulls fs.h and http.h). */
#include <gorgon/http_static.h>
#include <gorgon/producer.h>

/* Use a little of everything so the compiler sees the declarations in use, not just parsed. */
static const char* const provides[] = {"protocol:header-check", NULL};

static gorgon_status init(const gorgon_host_api* host, gorgon_plugin* self,
                          const gorgon_config* config, void** state) {
    (void)config;
    *state = NULL;
    if (!GORGON_HOST_HAS(host, plugin_reload)) return GORGON_E_UNSUPPORTED;
    host->log(self, GORGON_LOG_INFO, "ok", 2);
    return GORGON_OK;
}

static void shutdown_plugin(void* state) {
    (void)state;
}

static const gorgon_plugin_descriptor descriptor = {
    .struct_size = sizeof(gorgon_plugin_descriptor),
    .abi_major = GORGON_ABI_MAJOR,
    .abi_minor = GORGON_ABI_MINOR,
    .name = "header-check",
    .version = "0",
    .description = "compiled, never loaded",
    .provides = provides,
    .depends = NULL,
    .init = init,
    .shutdown = shutdown_plugin,
};

_Static_assert(sizeof(gorgon_plugin_descriptor) >= GORGON_DESCRIPTOR_MIN_SIZE, "descriptor");

/* Declared in plugin.h with GORGON_EXPORT; defining it checks the declaration matches. */
const gorgon_plugin_descriptor* gorgon_plugin_entry(void) {
    return &descriptor;
}
