// What every fuzz target uses to state an invariant: a broken one aborts, and libFuzzer keeps
// the input that broke it (as it does for a sanitizer report).
#pragma once

#include <cstdio>
#include <cstdlib>

namespace gorgon::fuzz {

#define GORGON_FUZZ_CHECK(cond)                                                               \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                                     \
        }                                                                                     \
    } while (false)

}  // namespace gorgon::fuzz
