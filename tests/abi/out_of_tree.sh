#!/usr/bin/env bash
# abi.out_of_tree: a third party builds sdk/examples/hello (a protocol) and
# sdk/examples/hello-http (an HTTP extension) against the INSTALLED SDK only, and the real
# gorgon loads and serves them.
#
#   1. cmake --install the build tree into a temporary staging directory (DESTDIR);
#   2. copy each example out of the repository, configure it with only
#      CMAKE_PREFIX_PATH=<prefix> (find_package(GorgonSDK 1.x REQUIRED)), and build it;
#   3. check the plugins' symbols, and that the builds never looked into the repository;
#   4. start $GORGON_BIN with a plugin directory holding the two and the installed http
#      plugin, a server {name: hello, protocol: hello} and a server {name: web, protocol:
#      http} with the route `extension: hello`: send "world\n", expect "hello, world"; GET
#      /hi?name=gorgon, expect "Hi, gorgon!"; GET it with pool=1, expect the answer built on
#      the work pool; stop it with SIGTERM and expect exit status 0.
#
# Environment: GORGON_BIN, GORGON_BUILD_DIR, GORGON_SOURCE_DIR (required); CMAKE, PYTHON,
# CMAKE_GENERATOR, GORGON_CXX_COMPILER (optional). Everything happens under one temporary
# directory, removed at exit; the server is always stopped (trap).
set -euo pipefail
umask 022 # the host refuses group- or world-writable plugin files

: "${GORGON_BIN:?GORGON_BIN must name the gorgon binary}"
: "${GORGON_BUILD_DIR:?GORGON_BUILD_DIR must name the build tree to install}"
: "${GORGON_SOURCE_DIR:?GORGON_SOURCE_DIR must name the source tree}"
CMAKE=${CMAKE:-cmake}
PYTHON=${PYTHON:-python3}
here=$(cd "$(dirname "$0")" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/gorgon-out-of-tree.XXXXXX")
pid=""

stop_server() {
    # SIGTERM, up to 10 s for a clean exit, then SIGKILL. Sets `rc` to the exit status.
    rc=0
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "gorgon did not stop within 10 s of SIGTERM; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || rc=$?
    pid=""
}

cleanup() {
    stop_server || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
    echo "FAIL: $*" >&2
    for f in "$work"/*.log; do
        [ -f "$f" ] || continue
        echo "---- $f" >&2
        tail -n 60 "$f" >&2
    done
    exit 1
}

step() { echo "== $*"; }

# DESTDIR stages everything, even a rule with an absolute destination, under $work; the SDK
# package is relocatable, so the staged copy is used from where it lands.
prefix="$work/stage/opt/gorgon"
step "install $GORGON_BUILD_DIR into $prefix"
DESTDIR="$work/stage" "$CMAKE" --install "$GORGON_BUILD_DIR" --prefix /opt/gorgon \
    >"$work/install.log" 2>&1 || die "cmake --install failed"
[ -f "$prefix/include/gorgon/plugin.h" ] || die "the SDK headers were not installed"
[ -f "$prefix/include/gorgon/plugin.hpp" ] || die "plugin.hpp was not installed"
config=$(find "$prefix" -name GorgonSDKConfig.cmake -print -quit)
[ -n "$config" ] || die "GorgonSDKConfig.cmake was not installed"
echo "package: $config"

mkdir -p "$work/plugins"
for example in hello hello-http; do
    step "configure sdk/examples/$example against the installed SDK only"
    cp -R "$GORGON_SOURCE_DIR/sdk/examples/$example" "$work/src-$example"
    configure=("$CMAKE" -S "$work/src-$example" -B "$work/build-$example"
        "-DCMAKE_PREFIX_PATH=$prefix"
        -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON
        -DCMAKE_FIND_PACKAGE_NO_SYSTEM_PACKAGE_REGISTRY=ON
        -DCMAKE_BUILD_TYPE=RelWithDebInfo)
    if [ -n "${CMAKE_GENERATOR:-}" ]; then configure+=(-G "$CMAKE_GENERATOR"); fi
    if [ -n "${GORGON_CXX_COMPILER:-}" ]; then configure+=("-DCMAKE_CXX_COMPILER=$GORGON_CXX_COMPILER"); fi
    "${configure[@]}" >"$work/configure-$example.log" 2>&1 || die "configuring $example failed"
    sdk_dir=$(sed -n 's/^GorgonSDK_DIR:[A-Z]*=//p' "$work/build-$example/CMakeCache.txt")
    case $sdk_dir in
    "$prefix"/*) echo "GorgonSDK_DIR=$sdk_dir" ;;
    *) die "find_package(GorgonSDK) found '$sdk_dir', not the staged install in $prefix" ;;
    esac

    step "build $example"
    "$CMAKE" --build "$work/build-$example" >"$work/build-$example.log" 2>&1 ||
        die "building $example failed"
    plugin="$work/build-$example/$example.so"
    [ -f "$plugin" ] || die "the build did not produce $plugin"
    if grep -rqsF -- "$GORGON_SOURCE_DIR" "$work/build-$example"; then
        die "the out-of-tree build refers to the source tree: $(grep -rlsF -- "$GORGON_SOURCE_DIR" "$work/build-$example" | head -3)"
    fi
    sh "$here/check_plugin_symbols.sh" "$plugin" || die "symbol hygiene of $plugin"
    cp "$plugin" "$work/plugins/"
done
http_plugin=$(find "$prefix" -name http.so -print -quit)
[ -n "$http_plugin" ] || die "the http plugin was not installed"
cp "$http_plugin" "$work/plugins/"

step "serve it with $GORGON_BIN"
cat >"$work/gorgon.yaml" <<EOF
log:
  level: debug
  file: $work/error.log
plugins:
  directory: $work/plugins
  runtime_directory: $work/run
servers:
  - name: hello
    protocol: hello
    listen: ["127.0.0.1:0"]
  - name: web
    protocol: http
    listen: ["127.0.0.1:0"]
    config:
      routes:
        - extension: hello
          config: {prefix: /hi, greeting: Hi}
EOF
(cd "$work" && exec "$GORGON_BIN" -c "$work/gorgon.yaml" </dev/null >"$work/stdout.log" 2>&1) &
pid=$!

# Sets `address` to where server $1 listens, waiting up to 10 s for its log line.
wait_listening() {
    address=""
    for _ in $(seq 200); do
        address=$(sed -n "s/.*server $1 listening on \\(127\\.0\\.0\\.1:[0-9][0-9]*\\).*/\\1/p" \
            "$work/error.log" 2>/dev/null | head -n 1 || true)
        [ -z "$address" ] || break
        kill -0 "$pid" 2>/dev/null || die "gorgon exited before listening"
        sleep 0.05
    done
    [ -n "$address" ] || die "no 'server $1 listening on 127.0.0.1:PORT' within 10 s"
    echo "$1 listening on $address"
}
wait_listening web
web=$address
wait_listening hello

reply=$("$PYTHON" - "$address" <<'EOF'
import socket
import sys

host, _, port = sys.argv[1].rpartition(":")
with socket.create_connection((host, int(port)), timeout=5) as s:
    s.sendall(b"world\n")
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
print(data.decode(errors="replace").rstrip("\r\n"))
EOF
) || die "talking to $address failed"
[ "$reply" = "hello, world" ] || die "expected 'hello, world', got '$reply'"
echo "reply: $reply"

step "ask hello-http"
reply=$(curl -sS --max-time 10 "http://$web/hi?name=gorgon") || die "GET /hi failed"
[ "$reply" = "Hi, gorgon!" ] || die "expected 'Hi, gorgon!', got '$reply'"
echo "reply: $reply"
reply=$(curl -sS --max-time 10 "http://$web/hi?name=gorgon&pool=1") || die "GET /hi?pool=1 failed"
[ "$reply" = "Hi from the pool, gorgon!" ] || die "expected 'Hi from the pool, gorgon!', got '$reply'"
echo "reply: $reply"
status=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -X POST "http://$web/hi") ||
    die "POST /hi failed"
[ "$status" = 405 ] || die "expected 405 for POST, got $status"
status=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "http://$web/hiya") ||
    die "GET /hiya failed"
[ "$status" = 404 ] || die "expected 404 outside the prefix, got $status"

step "stop it"
stop_server
[ "$rc" = 0 ] || die "gorgon exited with status $rc after SIGTERM"
echo "ok: the out-of-tree hello and hello-http plugins built against the installed SDK and served"
