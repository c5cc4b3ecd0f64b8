# cmake -DFILE=<path> -DEXPECTED=<sha256> -P check_frozen.cmake
# Fails if a frozen file (a copy of released ABI headers) no longer has the recorded digest.
file(SHA256 "${FILE}" actual)
if(NOT actual STREQUAL EXPECTED)
    message(FATAL_ERROR "${FILE} was modified (sha256 ${actual}, frozen as ${EXPECTED}). "
        "Frozen ABI headers are never edited: restore the file from version control.")
endif()
message(STATUS "${FILE}: unchanged (sha256 ${actual})")
