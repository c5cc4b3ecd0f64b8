// Checker self-test: a shared object built WITHOUT gorgon_add_plugin with g++'s defaults, where
// a function-local static in an inline function becomes an STB_GNU_UNIQUE symbol, which would
// keep the object mapped after dlclose. check_plugin_symbols.sh must reject it ("UNIQUE").
#include <gorgon/plugin.h>

inline int& probeCounter() {
    static int counter = 0;
    return counter;
}

extern "C" const gorgon_plugin_descriptor* gorgon_plugin_entry(void) {
    ++probeCounter();
    return nullptr;
}
