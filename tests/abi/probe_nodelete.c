/*
 * Checker self-test: a plugin built with gorgon_add_plugin but linked with -z nodelete, so the
 * dynamic loader would never unmap it. check_plugin_symbols.sh must reject it ("NODELETE").
 */
#include <gorgon/plugin.h>

#include <stddef.h>

GORGON_EXPORT const gorgon_plugin_descriptor* gorgon_plugin_entry(void) {
    return NULL;
}
