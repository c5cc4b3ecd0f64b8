# Our warning set, applied to our own targets only (never to third-party code).
# Warnings are errors only where we choose the compiler and flags: the dev and CI presets set
# GORGON_WERROR=ON. A packager's plain build (another compiler version, -O3, distribution flags)
# must not fail on a warning that compiler version raises falsely.
option(GORGON_WERROR "Treat warnings in Gorgon's own code as errors (the dev and CI presets)" OFF)

function(gorgon_warnings target)
    target_compile_options(${target} PRIVATE
        -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
        -Wnull-dereference -Wformat=2 -Wimplicit-fallthrough -Wcast-qual
        $<$<BOOL:${GORGON_WERROR}>:-Werror>
        $<$<COMPILE_LANGUAGE:CXX>:-Wold-style-cast -Wnon-virtual-dtor -Woverloaded-virtual>
        $<$<COMPILE_LANGUAGE:CXX>:-Wmissing-declarations>
        $<$<COMPILE_LANGUAGE:C>:-Wstrict-prototypes -Wmissing-prototypes>)
endfunction()
