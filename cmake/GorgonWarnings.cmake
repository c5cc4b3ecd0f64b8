# Our warning set, applied to our own targets only (never to third-party code).
function(gorgon_warnings target)
    target_compile_options(${target} PRIVATE
        -Wall -Wextra -Wpedantic -Werror -Wshadow -Wconversion -Wsign-conversion
        -Wnull-dereference -Wformat=2 -Wimplicit-fallthrough -Wcast-qual
        $<$<COMPILE_LANGUAGE:CXX>:-Wold-style-cast -Wnon-virtual-dtor -Woverloaded-virtual>
        $<$<COMPILE_LANGUAGE:CXX>:-Wmissing-declarations>
        $<$<COMPILE_LANGUAGE:C>:-Wstrict-prototypes -Wmissing-prototypes>)
endfunction()
