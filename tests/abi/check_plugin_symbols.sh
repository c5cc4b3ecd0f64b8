#!/bin/sh
# Symbol hygiene of Gorgon plugins: what makes a plugin unloadable and keeps plugins apart.
#
#   check_plugin_symbols.sh [--no-entry] FILE.so...
#   check_plugin_symbols.sh --dir DIR          every DIR/*.so; fails if there is none
#
# For each file, from `readelf --dyn-syms -W` and `readelf -d -W`:
#   - exactly one defined GLOBAL or WEAK symbol, and it is the function gorgon_plugin_entry
#     (with --no-entry: none at all);
#   - no symbol with UNIQUE binding (STB_GNU_UNIQUE pins the object in memory);
#   - no NODELETE in FLAGS_1 (the object could never be unmapped).
# Prints one "ok FILE" or "FAIL FILE: reason" line per problem; exits 1 if any check failed,
# 2 on a usage error.
set -eu

READELF=${READELF:-readelf}
expect_entry=1
status=0

fail() {
    echo "FAIL $1: $2"
    status=1
}

check() {
    file=$1
    if [ ! -f "$file" ]; then
        fail "$file" "no such file"
        return
    fi
    if ! header=$("$READELF" -h -W "$file" 2>&1); then
        fail "$file" "readelf -h failed: $header"
        return
    fi
    case $header in
    *"DYN (Shared object file)"* | *"DYN (Position-Independent"*) ;;
    *)
        fail "$file" "not an ELF shared object"
        return
        ;;
    esac
    syms=$("$READELF" --dyn-syms -W "$file")
    dynamic=$("$READELF" -d -W "$file")
    problems_before=$status

    # Columns: Num: Value Size Type Bind Vis Ndx Name[@version]
    defined=$(printf '%s\n' "$syms" | awk '
        $1 ~ /^[0-9]+:$/ && $7 != "UND" && ($5 == "GLOBAL" || $5 == "WEAK" || $5 == "UNIQUE") {
            name = $8; sub(/@.*/, "", name); print $4 " " $5 " " name
        }')
    unique=$(printf '%s\n' "$syms" | awk '$1 ~ /^[0-9]+:$/ && $5 == "UNIQUE" { print $8 }')

    for sym in $unique; do
        fail "$file" "UNIQUE binding (STB_GNU_UNIQUE) on $sym pins the plugin in memory"
    done

    entries=0
    if [ -n "$defined" ]; then
        while read -r type bind name; do
            if [ "$name" = gorgon_plugin_entry ] && [ "$expect_entry" = 1 ]; then
                entries=$((entries + 1))
                if [ "$type" != FUNC ] || [ "$bind" != GLOBAL ]; then
                    fail "$file" "gorgon_plugin_entry is $type $bind, expected FUNC GLOBAL"
                fi
            else
                fail "$file" "unexpected exported symbol: $name ($type $bind)"
            fi
        done <<EOS
$defined
EOS
    fi
    if [ "$expect_entry" = 1 ] && [ "$entries" != 1 ]; then
        fail "$file" "gorgon_plugin_entry is not exported"
    fi

    if printf '%s\n' "$dynamic" | grep -E '\(FLAGS_1\).*NODELETE' >/dev/null; then
        fail "$file" "NODELETE is set in FLAGS_1: the plugin could never be unloaded"
    fi

    if [ "$status" = "$problems_before" ]; then
        if [ "$expect_entry" = 1 ]; then
            echo "ok $file: exports gorgon_plugin_entry only; no UNIQUE; no NODELETE"
        else
            echo "ok $file: exports nothing; no UNIQUE; no NODELETE"
        fi
    fi
}

usage() {
    echo "usage: $0 [--no-entry] FILE.so... | $0 --dir DIR" >&2
    exit 2
}

[ $# -gt 0 ] || usage
case $1 in
--dir)
    [ $# -eq 2 ] || usage
    found=0
    for so in "$2"/*.so; do
        [ -e "$so" ] || continue
        found=1
        check "$so"
    done
    if [ "$found" = 0 ]; then
        fail "$2" "no *.so files to check"
    fi
    ;;
*)
    if [ "$1" = --no-entry ]; then
        expect_entry=0
        shift
    fi
    [ $# -gt 0 ] || usage
    for so in "$@"; do
        check "$so"
    done
    ;;
esac
exit "$status"
