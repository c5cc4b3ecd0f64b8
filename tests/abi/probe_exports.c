/*
 * Checker self-test: a shared object built WITHOUT gorgon_add_plugin (default visibility, no
 * version script) that exports a second symbol beside gorgon_plugin_entry.
 * check_plugin_symbols.sh must reject it ("unexpected exported symbol: gorgon_probe_extra").
 */
#include <gorgon/plugin.h>

#include <stddef.h>

int gorgon_probe_extra(void);
int gorgon_probe_extra(void) {
    return 42;
}

const gorgon_plugin_descriptor* gorgon_plugin_entry(void) {
    return NULL;
}
