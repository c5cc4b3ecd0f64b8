#!/usr/bin/env bash
# Hot reload under full load: wrk at full speed on http-static (keep-alive, plus a client that
# sends Connection: close) while gorgonctl reloads http-static and the http protocol plugin
# itself, beside the same load with no reloads. Then chat: clients connected while chat is
# reloaded. See docs/BENCHMARKS.md.
#
#   bench/reload_under_load.sh           full run: 30 s of load, 100 + 20 reloads, 100 chat clients
#   bench/reload_under_load.sh --quick   smoke test: 5 s, 10 + 4 reloads, 20 chat clients
#
# Required (exit status 1 otherwise): every reload succeeds, 0 socket errors and 0 non-2xx
# responses on both wrk clients, exactly one generation of each plugin mapped afterwards
# (/proc/PID/maps), and every chat client still connected and chatting after the reload.
#
# Environment (all optional):
#   DURATION=30            seconds of load per run
#   STATIC_RELOADS=100     reloads of http-static during the loaded run
#   HTTP_RELOADS=20        reloads of http during the loaded run
#   CHAT_CLIENTS=100       chat clients connected while chat is reloaded
#   CONNS=50 CLOSE_CONNS=4 wrk connections: keep-alive, and Connection: close
#   SERVER_CPU=0 CLIENT_CPU=1   the cores (taskset -c) for gorgon and for wrk
#   GORGON_BIN, GORGON_PLUGIN_DIR, GORGONCTL   default: the release build (build/release)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HTTP_HELPER=$ROOT/bench/http_bench.py
HELPER=$ROOT/bench/reload_bench.py
BENCH_NAME=reload_under_load.sh
# shellcheck source=bench/lib/common.sh
source "$ROOT/bench/lib/common.sh"

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

QUICK=0
for arg in "$@"; do
    case $arg in
        --quick) QUICK=1 ;;
        -h | --help) usage; exit 0 ;;
        *) say "reload_under_load.sh: unknown argument: $arg"; usage >&2; exit 1 ;;
    esac
done
if ((QUICK)); then
    DURATION=${DURATION:-5}
    STATIC_RELOADS=${STATIC_RELOADS:-10}
    HTTP_RELOADS=${HTTP_RELOADS:-4}
    CHAT_CLIENTS=${CHAT_CLIENTS:-20}
fi
DURATION=${DURATION:-30}
STATIC_RELOADS=${STATIC_RELOADS:-100}
HTTP_RELOADS=${HTTP_RELOADS:-20}
CHAT_CLIENTS=${CHAT_CLIENTS:-100}
CONNS=${CONNS:-50}
CLOSE_CONNS=${CLOSE_CONNS:-4}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
GORGON_BIN=${GORGON_BIN:-$ROOT/build/release/bin/gorgon}
GORGON_PLUGIN_DIR=${GORGON_PLUGIN_DIR:-$ROOT/build/release/lib/gorgon/plugins}
GORGONCTL=${GORGONCTL:-$(dirname "$GORGON_BIN")/gorgonctl}

for v in DURATION STATIC_RELOADS HTTP_RELOADS CHAT_CLIENTS CONNS CLOSE_CONNS SERVER_CPU CLIENT_CPU; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, not '${!v}'"
done
((DURATION > 0 && CONNS > 0 && CLOSE_CONNS > 0)) || die "DURATION, CONNS, CLOSE_CONNS must be > 0"

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v taskset >/dev/null || need+=(util-linux)
command -v python3 >/dev/null || need+=(python3)
install_packages "${need[@]}"

for f in "$GORGON_BIN" "$GORGONCTL"; do
    [[ -x $f ]] || die "$f is missing: cmake --workflow --preset release"
done
for p in http http-static fs-os chat monitor; do
    [[ -f $GORGON_PLUGIN_DIR/$p.so ]] || die "$GORGON_PLUGIN_DIR/$p.so is missing"
done
if (($(nproc) < 2)); then
    say "warning: one CPU: gorgon, wrk and gorgonctl share it"
    SERVER_CPU=0
    CLIENT_CPU=0
fi

bench_scratch gorgon-reload-bench
mkdir -p "$TMP/www"
head -c 1024 /dev/urandom >"$TMP/www/1k.bin"
chmod 644 "$TMP/www/1k.bin"
SOCK=$TMP/monitor.sock
PORT=$(python3 "$HTTP_HELPER" port)
CHAT_PORT=$(python3 "$HTTP_HELPER" port)

cat >"$TMP/gorgon.yaml" <<YAML
log:
  level: info
  file: $TMP/error.log
plugins:
  directory: $GORGON_PLUGIN_DIR
  runtime_directory: $TMP/run/plugins
  drain_timeout: 10s
servers:
  - name: web
    protocol: http
    listen: 127.0.0.1:$PORT
    config:
      routes:
        - extension: static
          config:
            root: $TMP/www
  - name: chat
    protocol: chat
    listen: 127.0.0.1:$CHAT_PORT
    config:
      max_users: $((CHAT_CLIENTS + 10))
  - name: monitor
    protocol: monitor
    listen: unix:$SOCK
YAML

taskset -c "$SERVER_CPU" "$GORGON_BIN" -c "$TMP/gorgon.yaml" </dev/null >"$TMP/stdout.log" 2>&1 &
GORGON_PID=$!
PIDS[$GORGON_PID]=1
python3 "$HTTP_HELPER" get "$PORT" /1k.bin 1024 10 ||
    die "gorgon did not start: $(cat "$TMP/error.log" "$TMP/stdout.log" 2>/dev/null)"
for ((i = 0; i < 100; i++)); do
    [[ -S $SOCK ]] && break
    sleep 0.05
done
[[ -S $SOCK ]] || die "no monitor socket at $SOCK: $(cat "$TMP/error.log")"

ctl() { "$GORGONCTL" --socket "$SOCK" "$@"; }

# load LABEL: both wrk clients for DURATION seconds, on the client core.
load() {
    local label=$1
    taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency \
        "http://127.0.0.1:$PORT/1k.bin" >"$TMP/$label-keepalive.txt" 2>&1 &
    local ka=$!
    PIDS[$ka]=1
    taskset -c "$CLIENT_CPU" wrk -t1 -c"$CLOSE_CONNS" -d"${DURATION}s" --latency \
        -H "Connection: close" "http://127.0.0.1:$PORT/1k.bin" >"$TMP/$label-close.txt" 2>&1 &
    local cl=$!
    PIDS[$cl]=1
    LOAD_PIDS=("$ka" "$cl")
}

finish_load() {  # PIDS...
    local pid rc=0
    for pid in "$@"; do
        wait "$pid" || rc=1
        unset "PIDS[$pid]"
    done
    return "$rc"
}

say "baseline: ${DURATION}s of load, no reloads"
load baseline
finish_load "${LOAD_PIDS[@]}" || die "wrk failed: $(cat "$TMP"/baseline-*.txt)"

total=$((STATIC_RELOADS + HTTP_RELOADS))
say "reloads: ${DURATION}s of load, $STATIC_RELOADS reloads of http-static and $HTTP_RELOADS of http"
load reloads
sleep 0.5  # let the clients connect before the first reload
failed=0
done_static=0
done_http=0
# Spread over 80% of the run, so every reload happens under load.
interval=$(python3 -c "print(max(0.0, $DURATION * 0.8 / max(1, $total)))")
start_ns=$(date +%s%N)
for ((i = 0; i < total; i++)); do
    # Interleave: the http reloads are spread evenly among the http-static ones.
    if ((HTTP_RELOADS > 0 && (i * HTTP_RELOADS) / total != ((i + 1) * HTTP_RELOADS) / total)); then
        name=http
        done_http=$((done_http + 1))
    else
        name=http-static
        done_static=$((done_static + 1))
    fi
    if ! out=$(ctl reload "$name" 2>&1); then
        failed=$((failed + 1))
        say "reload $name failed: $out"
    fi
    sleep "$interval"
done
reload_secs=$(python3 -c "print(f'{($(date +%s%N) - $start_ns) / 1e9:.1f}')")
finish_load "${LOAD_PIDS[@]}" || die "wrk failed: $(cat "$TMP"/reloads-*.txt)"
kill -0 "$GORGON_PID" 2>/dev/null || die "gorgon died: $(tail -20 "$TMP/error.log")"

say "chat: $CHAT_CLIENTS clients connected while chat is reloaded"
chat_rc=0
python3 "$HELPER" chat "$CHAT_PORT" "$CHAT_CLIENTS" "$GORGONCTL" "$SOCK" >"$TMP/chat.txt" || chat_rc=1

say "waiting for old generations to drain"
python3 "$HELPER" maps "$GORGON_PID" "$TMP/run/plugins" 20 >"$TMP/maps.txt" || true

python3 "$HELPER" report "$TMP" "$done_static" "$done_http" "$failed" "$reload_secs" "$chat_rc" \
    "$(ctl plugins 2>&1 || true)"
