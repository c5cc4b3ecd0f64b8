# gorgon_add_plugin(<target> [NAME <file-name>] SOURCES <src>... [LINK_LIBRARIES <lib>...]
#                   [OUTPUT_DIRECTORY <dir>] [NO_INSTALL])
#
# Builds a Gorgon plugin: a MODULE library named <file-name>.so (default: <target>) that exports
# only gorgon_plugin_entry. Hidden visibility, -fno-gnu-unique and the version script are what let
# the host really unmap the plugin on unload (no STB_GNU_UNIQUE symbols, nothing for another
# object to bind to). The same function builds the in-tree plugins and third-party ones.
include_guard(GLOBAL)

function(gorgon_add_plugin target)
    cmake_parse_arguments(GP "NO_INSTALL" "NAME;OUTPUT_DIRECTORY" "SOURCES;LINK_LIBRARIES" ${ARGN})
    if(NOT GP_SOURCES)
        message(FATAL_ERROR "gorgon_add_plugin(${target}): SOURCES is required")
    endif()
    if(NOT GP_NAME)
        set(GP_NAME ${target})
    endif()
    if(NOT GORGON_PLUGIN_MAP)
        message(FATAL_ERROR "gorgon_add_plugin: GORGON_PLUGIN_MAP is not set; use find_package(GorgonSDK)")
    endif()

    add_library(${target} MODULE ${GP_SOURCES})
    target_link_libraries(${target} PRIVATE Gorgon::sdk ${GP_LINK_LIBRARIES})
    set_target_properties(${target} PROPERTIES
        PREFIX ""
        OUTPUT_NAME ${GP_NAME}
        C_VISIBILITY_PRESET hidden
        CXX_VISIBILITY_PRESET hidden
        VISIBILITY_INLINES_HIDDEN ON
        POSITION_INDEPENDENT_CODE ON
        LINK_DEPENDS ${GORGON_PLUGIN_MAP})
    if(GP_OUTPUT_DIRECTORY)
        set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${GP_OUTPUT_DIRECTORY})
    endif()
    target_compile_definitions(${target} PRIVATE GORGON_PLUGIN_NAME="${GP_NAME}")
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-fno-gnu-unique>)
    endif()
    target_link_options(${target} PRIVATE
        "LINKER:--version-script=${GORGON_PLUGIN_MAP}"
        "LINKER:--exclude-libs,ALL"
        "LINKER:--as-needed")
    # -z defs turns a missing symbol into a link error; clang's static ASan runtime leaves
    # __asan_* undefined in shared objects, so skip it there.
    if(NOT (CMAKE_CXX_COMPILER_ID MATCHES "Clang" AND CMAKE_CXX_FLAGS MATCHES "sanitize=address"))
        target_link_options(${target} PRIVATE "LINKER:-z,defs")
    endif()
    if(NOT GP_NO_INSTALL AND DEFINED GORGON_PLUGIN_INSTALL_DIR)
        install(TARGETS ${target} LIBRARY DESTINATION ${GORGON_PLUGIN_INSTALL_DIR})
    endif()
endfunction()
