#!/usr/bin/env bash
# HTTP benchmark: Gorgon (http + http-static + fs-os plugins) side by side with nginx, on
# loopback, same files, same core; over HTTPS too, with the same certificate and ciphers.
# See docs/BENCHMARKS.md.
#
#   bench/http.sh              full run (DURATION=10 s per case, ROUNDS=3, medians)
#   bench/http.sh --quick      smoke test (2 s per case, 1 round, 1,000 idle connections)
#   bench/http.sh --nginx-only the nginx side and the harness only
#
# Environment (all optional):
#   DURATION=10        seconds per measured wrk run
#   ROUNDS=3           rounds; each case runs on both servers per round, alternating who goes
#                      first; the table shows medians
#   WARMUP=2           seconds of unmeasured wrk before each measured run (0: none)
#   IDLE_CONNS=5000    idle keep-alive connections for the memory case
#   CASES="small-50 small-1000 large-10 small-close tls-small-50 tls-handshake idle"
#                      the cases to run (tls-*: HTTPS, a self-signed ECDSA P-256 certificate,
#                      TLS 1.2-1.3 and the same cipher lists on both servers)
#   SERVER_CPU=0 CLIENT_CPU=1   the cores (taskset -c) for the servers and for wrk
#   GORGON_BIN, GORGON_PLUGIN_DIR   default: the release build (build/release)
#   PERF_DIR=DIR       after the measured rounds, one more run of each case per server under
#                      `perf record -g` (call graph PERF_CALLGRAPH, default dwarf); writes
#                      DIR/SERVER-CASE.data and a flat DIR/SERVER-CASE.txt report
#   PERF_SCOPE=system  profile both cores (perf record -a, frame-pointer call graphs) instead
#                      of the server alone: shows which core does the TCP work (client-bound cases)
#   RESULTS=FILE       also write the raw per-run results (TSV) there
#
# Exit status: 0 when every server ran (whether or not a target was met); 1 when a server failed
# to start or the harness failed; 2 when the Gorgon plugins are missing (nginx results only).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HELPER=$ROOT/bench/http_bench.py
BENCH_NAME=http.sh
# shellcheck source=bench/lib/common.sh
source "$ROOT/bench/lib/common.sh"

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

QUICK=0
NGINX_ONLY=0
for arg in "$@"; do
    case $arg in
        --quick) QUICK=1 ;;
        --nginx-only) NGINX_ONLY=1 ;;
        -h | --help) usage; exit 0 ;;
        *) echo "http.sh: unknown argument: $arg" >&2; usage >&2; exit 1 ;;
    esac
done

if ((QUICK)); then
    DURATION=${DURATION:-2}
    ROUNDS=${ROUNDS:-1}
    WARMUP=${WARMUP:-0}
    IDLE_CONNS=${IDLE_CONNS:-1000}
fi
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-2}
IDLE_CONNS=${IDLE_CONNS:-5000}
CASES=${CASES:-small-50 small-1000 large-10 small-close tls-small-50 tls-handshake idle}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
GORGON_BIN=${GORGON_BIN:-$ROOT/build/release/bin/gorgon}
GORGON_PLUGIN_DIR=${GORGON_PLUGIN_DIR:-$ROOT/build/release/lib/gorgon/plugins}
PERF_DIR=${PERF_DIR:-}
PERF_CALLGRAPH=${PERF_CALLGRAPH:-dwarf}
PERF_SCOPE=${PERF_SCOPE:-process}
[[ $PERF_SCOPE == process || $PERF_SCOPE == system ]] || die "PERF_SCOPE must be process or system"
RESULTS=${RESULTS:-}
export IDLE_CONNS

for v in DURATION ROUNDS WARMUP IDLE_CONNS SERVER_CPU CLIENT_CPU; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, not '${!v}'"
done
((DURATION > 0 && ROUNDS > 0 && IDLE_CONNS > 0)) || die "DURATION, ROUNDS and IDLE_CONNS must be > 0"

# ---------------------------------------------------------------------------------------------
# Tools: nginx and wrk from Debian's packages when missing (apt-get update only when needed).

nginx_bin() { command -v nginx || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; }; }

install_tools() {
    local -a need=()
    nginx_bin >/dev/null || need+=(nginx)
    command -v wrk >/dev/null || need+=(wrk)
    command -v taskset >/dev/null || need+=(util-linux)
    command -v python3 >/dev/null || need+=(python3)
    command -v openssl >/dev/null || need+=(openssl)
    install_packages "${need[@]}"
}

install_tools
NGINX=$(nginx_bin) || die "nginx not found after installing it"

NCPU=$(nproc)
if ((NCPU < 2)); then
    say "warning: only $NCPU CPU: servers and wrk share it, numbers mean little"
    SERVER_CPU=0
    CLIENT_CPU=0
fi

# Gorgon: the binary and the three plugins.
HAVE_GORGON=1
if ((NGINX_ONLY)); then
    HAVE_GORGON=0
else
    missing=()
    [[ -x $GORGON_BIN ]] || missing+=("$GORGON_BIN")
    for p in http http-static fs-os; do
        [[ -f $GORGON_PLUGIN_DIR/$p.so ]] || missing+=("$GORGON_PLUGIN_DIR/$p.so")
    done
    if ((${#missing[@]})); then
        HAVE_GORGON=0
        say "============================================================================"
        say "Gorgon's HTTP server is not built, so only nginx is measured. Missing:"
        for m in "${missing[@]}"; do say "  $m"; done
        say "Build it:  cmake --preset release && cmake --build --preset release"
        say "(or set GORGON_BIN / GORGON_PLUGIN_DIR; --nginx-only to skip Gorgon quietly)"
        say "============================================================================"
    fi
fi

# ---------------------------------------------------------------------------------------------
# Scratch space, and cleanup of everything started.

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE=$(ulimit -n)
[[ $NOFILE == unlimited ]] && NOFILE=1048576
((NOFILE >= IDLE_CONNS + 1000)) ||
    die "open-file limit $NOFILE is too low for $IDLE_CONNS idle connections (raise the hard limit)"

bench_scratch gorgon-http-bench

# ---------------------------------------------------------------------------------------------
# The files: random bytes, so nothing compresses and both serve the same content.

DOCROOT=$TMP/www
mkdir -p "$DOCROOT"
head -c 1024 /dev/urandom >"$DOCROOT/1k.bin"
head -c $((1024 * 1024)) /dev/urandom >"$DOCROOT/1m.bin"
chmod 755 "$DOCROOT"
chmod 644 "$DOCROOT"/*.bin

# HTTPS: one certificate and key for both servers, and the same protocols and cipher lists
# (Gorgon's defaults, written out for nginx). ECDSA P-256, as most sites serve today.
TLS_DIR=$TMP/tls
mkdir -p "$TLS_DIR"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -keyout "$TLS_DIR/key.pem" -out "$TLS_DIR/cert.pem" -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 >/dev/null 2>&1 ||
    die "openssl could not make the benchmark certificate"
chmod 644 "$TLS_DIR"/*.pem
TLS_CIPHERS=ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305
TLS_SUITES=TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256

case_setup() {  # CASE -> CASE_PATH CASE_CONNS CASE_CLOSE CASE_TLS
    CASE_CLOSE=0
    CASE_TLS=0
    case $1 in
        small-50) CASE_PATH=/1k.bin CASE_CONNS=50 ;;
        small-1000) CASE_PATH=/1k.bin CASE_CONNS=1000 ;;
        large-10) CASE_PATH=/1m.bin CASE_CONNS=10 ;;
        small-close) CASE_PATH=/1k.bin CASE_CONNS=50 CASE_CLOSE=1 ;;
        # Requests over kept-alive TLS connections: the record layer's cost.
        tls-small-50) CASE_PATH=/1k.bin CASE_CONNS=50 CASE_TLS=1 ;;
        # A full handshake per request (wrk never resumes a session): the handshake's cost.
        tls-handshake) CASE_PATH=/1k.bin CASE_CONNS=50 CASE_CLOSE=1 CASE_TLS=1 ;;
        *) die "unknown case '$1' (small-50 small-1000 large-10 small-close tls-small-50 tls-handshake idle)" ;;
    esac
}

case_url() {  # SERVER (after case_setup) -> the URL wrk is pointed at
    if ((CASE_TLS)); then
        echo "https://127.0.0.1:${TLS_PORT[$1]}$CASE_PATH"
    else
        echo "http://127.0.0.1:${PORT[$1]}$CASE_PATH"
    fi
}

# ---------------------------------------------------------------------------------------------
# Servers.

SERVERS=()
((HAVE_GORGON)) && SERVERS+=(gorgon)
SERVERS+=(nginx)

declare -A PORT=() TLS_PORT=() PID=() MEMPID=()
# With PERF_DIR, the plugins' private copies go there so that profiles can be read later.
GORGON_RUNTIME_DIR=$TMP/gorgon/run/plugins
if [[ -n $PERF_DIR ]]; then
    command -v perf >/dev/null || die "PERF_DIR is set but perf is missing (apt-get install linux-perf)"
    mkdir -p "$PERF_DIR"
    PERF_DIR=$(cd "$PERF_DIR" && pwd)
    GORGON_RUNTIME_DIR=$PERF_DIR/gorgon-runtime
fi
GORGON_CHECKED=0

write_nginx_conf() {
    local dir=$TMP/nginx
    mkdir -p "$dir/logs" "$dir/tmp"
    cat >"$dir/nginx.conf" <<EOF
# Generated by bench/http.sh
worker_processes 1;
worker_rlimit_nofile $NOFILE;
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events {
    worker_connections $((IDLE_CONNS + 1000));
}
http {
    types { application/octet-stream bin; }
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    keepalive_timeout 75s;
    open_file_cache off;
    gzip off;
    client_body_temp_path $dir/tmp/client_body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    server {
        listen 127.0.0.1:${PORT[nginx]};
        root $DOCROOT;
    }
    server {
        listen 127.0.0.1:${TLS_PORT[nginx]} ssl;
        ssl_certificate $TLS_DIR/cert.pem;
        ssl_certificate_key $TLS_DIR/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers $TLS_CIPHERS;
        ssl_conf_command Ciphersuites $TLS_SUITES;
        ssl_session_cache shared:SSL:10m;
        ssl_session_timeout 5m;
        root $DOCROOT;
    }
}
EOF
}

write_gorgon_conf() {
    local dir=$TMP/gorgon
    mkdir -p "$dir"
    cat >"$dir/gorgon.yaml" <<EOF
# Generated by bench/http.sh
log:
  level: warn
  file: $dir/error.log
shutdown_timeout: 1s
# Every client of a benchmark is 127.0.0.1: no per-address limit.
limits:
  max_connections: $((IDLE_CONNS + 1000))
  per_address: 0
plugins:
  directory: $GORGON_PLUGIN_DIR
  runtime_directory: $GORGON_RUNTIME_DIR
servers:
  - name: web
    protocol: http
    listen: 127.0.0.1:${PORT[gorgon]}
    config:
      max_connections: $((IDLE_CONNS + 1000))
      max_keepalive_requests: 100000
      timeouts:
        keepalive: 75s
      routes:
        - extension: static
          config:
            root: $DOCROOT
            gzip: false
            precompressed: false
  - name: webtls
    protocol: http
    listen: 127.0.0.1:${TLS_PORT[gorgon]}
    tls:
      cert: $TLS_DIR/cert.pem
      key: $TLS_DIR/key.pem
      protocols: [TLSv1.2, TLSv1.3]
      ciphers: $TLS_CIPHERS
      ciphersuites: $TLS_SUITES
    config:
      max_connections: $((IDLE_CONNS + 1000))
      max_keepalive_requests: 100000
      timeouts:
        keepalive: 75s
      routes:
        - extension: static
          config:
            root: $DOCROOT
            gzip: false
            precompressed: false
EOF
}

server_log() {
    case $1 in
        nginx) echo "$TMP/nginx/logs/error.log" ;;
        gorgon) echo "$TMP/gorgon/error.log" ;;
    esac
}

start_server() {  # SERVER
    local s=$1 pid
    PORT[$s]=$(python3 "$HELPER" port)
    TLS_PORT[$s]=$(python3 "$HELPER" port)
    case $s in
        nginx)
            write_nginx_conf
            "$NGINX" -t -q -p "$TMP/nginx/" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/logs/error.log" ||
                die "nginx rejects its configuration ($TMP/nginx/nginx.conf)"
            taskset -c "$SERVER_CPU" "$NGINX" -p "$TMP/nginx/" -c "$TMP/nginx/nginx.conf" \
                -e "$TMP/nginx/logs/error.log" </dev/null >>"$TMP/nginx/logs/stdout.log" 2>&1 &
            ;;
        gorgon)
            write_gorgon_conf
            local rc=0
            if ((!GORGON_CHECKED)); then
                (cd "$TMP/gorgon" && "$GORGON_BIN" --check-config "$TMP/gorgon/gorgon.yaml") \
                    >"$TMP/gorgon/check.log" 2>&1 || rc=$?
                GORGON_CHECKED=1
            fi
            if ((rc == 1)); then
                say "gorgon rejects its configuration ($TMP/gorgon/gorgon.yaml):"
                sed 's/^/  /' "$TMP/gorgon/check.log" >&2
                say "(see plugins/http/README.md and plugins/http-static/README.md)"
                exit 1
            elif ((rc != 0)); then
                say "warning: gorgon --check-config failed with status $rc (a gorgon bug); starting anyway:"
                sed 's/^/  /' "$TMP/gorgon/check.log" >&2
            fi
            (cd "$TMP/gorgon" && exec taskset -c "$SERVER_CPU" "$GORGON_BIN" -c "$TMP/gorgon/gorgon.yaml") \
                </dev/null >>"$TMP/gorgon/stdout.log" 2>&1 &
            ;;
    esac
    pid=$!
    PIDS[$pid]=1
    PID[$s]=$pid
    if ! python3 "$HELPER" get "${PORT[$s]}" /1k.bin 1024 10 ||
        ! python3 "$HELPER" get "${PORT[$s]}" /1m.bin $((1024 * 1024)) 10 ||
        ! python3 "$HELPER" gets "${TLS_PORT[$s]}" /1k.bin 1024 10 ||
        ! kill -0 "$pid" 2>/dev/null; then
        say "$s failed to start or to serve the files; its log:"
        tail -n 30 "$(server_log "$s")" >&2 2>/dev/null || true
        exit 1
    fi
    # The process holding the connections: nginx's (single) worker, gorgon itself.
    MEMPID[$s]=$pid
    if [[ $s == nginx ]]; then
        local kids
        kids=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null || true)
        read -r -a kids_a <<<"$kids"
        ((${#kids_a[@]} == 1)) || die "expected one nginx worker, found: '$kids'"
        MEMPID[$s]=${kids_a[0]}
    fi
    say "$s listening on 127.0.0.1:${PORT[$s]} and (TLS) ${TLS_PORT[$s]} (pid $pid, cpu $SERVER_CPU)"
}

stop_server() {
    local s=$1
    [[ -n ${PID[$s]:-} ]] && stop_pid "${PID[$s]}"
    PID[$s]=""
}

server_alive() {
    kill -0 "${PID[$1]}" 2>/dev/null || die "$1 (pid ${PID[$1]}) died; its log: $(server_log "$1")"
}

# ---------------------------------------------------------------------------------------------
# Runs.

RAW=$TMP/results.tsv
: >"$RAW"

wrk_args() {  # CASE SECONDS -> WRK_ARGS
    case_setup "$1"
    WRK_ARGS=(-t1 "-c$CASE_CONNS" "-d${2}s" --latency)
    ((CASE_CLOSE)) && WRK_ARGS+=(-H "Connection: close")
    return 0
}

run_case() {  # SERVER CASE ROUND
    local s=$1 c=$2 r=$3 out line url
    server_alive "$s"
    case_setup "$c"
    url=$(case_url "$s")
    if ((WARMUP > 0)); then
        wrk_args "$c" "$WARMUP"
        run_wait taskset -c "$CLIENT_CPU" wrk "${WRK_ARGS[@]}" "$url" >/dev/null 2>&1 || true
    fi
    wrk_args "$c" "$DURATION"
    out=$TMP/wrk-$s-$c-$r.txt
    local cpu_before cpu_after
    cpu_before=$(python3 "$HELPER" cpustat "${MEMPID[$s]}" "$SERVER_CPU" "$CLIENT_CPU")
    run_wait taskset -c "$CLIENT_CPU" wrk "${WRK_ARGS[@]}" "$url" >"$out" 2>&1 ||
        die "wrk failed against $s: $(cat "$out")"
    cpu_after=$(python3 "$HELPER" cpustat "${MEMPID[$s]}" "$SERVER_CPU" "$CLIENT_CPU")
    line=$(python3 "$HELPER" wrk "$out") || die "no result from wrk against $s: $(cat "$out")"
    printf 'run\t%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$c" "$r" "$line" "$cpu_before" "$cpu_after" >>"$RAW"
    local rps err non2xx note=""
    IFS=$'\t' read -r rps _ _ err non2xx _ <<<"$line"
    ((err == 0)) || note+=", $err socket errors"
    ((non2xx == 0)) || note+=", $non2xx non-2xx"
    say "  round $r  $c  $s: $rps req/s$note"
    server_alive "$s"
}

run_idle() {  # SERVER ROUND: on a freshly started server
    local s=$1 r=$2 line
    stop_server "$s"
    start_server "$s"
    line=$(run_wait taskset -c "$CLIENT_CPU" python3 "$HELPER" idle "${PORT[$s]}" /1k.bin \
        "$IDLE_CONNS" "${MEMPID[$s]}") || die "idle connections against $s failed"
    printf '%s\n' "$line" | awk -v s="$s" -v r="$r" 'BEGIN { OFS = "\t" } { $2 = s "\t" r; print }' >>"$RAW"
    local n before after per
    IFS=$'\t' read -r _ _ n before after per _ <<<"$line"
    say "  round $r  idle  $s: $n open, RSS $before -> $after KiB, $per KiB/conn"
    server_alive "$s"
}

order_for_round() {  # ROUND -> ORDER (alternating who goes first)
    ORDER=("${SERVERS[@]}")
    if ((${#SERVERS[@]} == 2 && $1 % 2 == 0)); then ORDER=("${SERVERS[1]}" "${SERVERS[0]}"); fi
    return 0
}

say "benchmark: ${DURATION}s per run, ${ROUNDS} round(s), warm-up ${WARMUP}s, servers on cpu $SERVER_CPU, wrk on cpu $CLIENT_CPU"
say "scratch: $TMP"
for s in "${SERVERS[@]}"; do start_server "$s"; done

read -r -a CASE_LIST <<<"$CASES"
for c in "${CASE_LIST[@]}"; do [[ $c == idle ]] || case_setup "$c"; done

for ((r = 1; r <= ROUNDS; r++)); do
    order_for_round "$r"
    for c in "${CASE_LIST[@]}"; do
        [[ $c == idle ]] && continue
        for s in "${ORDER[@]}"; do run_case "$s" "$c" "$r"; done
    done
done
for c in "${CASE_LIST[@]}"; do
    [[ $c == idle ]] || continue
    for ((r = 1; r <= ROUNDS; r++)); do
        order_for_round "$r"
        for s in "${ORDER[@]}"; do run_idle "$s" "$r"; done
    done
done

# ---------------------------------------------------------------------------------------------
# The table.

MACHINE=$TMP/machine.txt
{
    cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
    os=$(sed -n 's/^PRETTY_NAME="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' /etc/os-release 2>/dev/null || true)
    nginx_v=$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')
    wrk_v=$(wrk -v 2>&1 | head -n1 | awk '{print $2}' || true)
    rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
    git -C "$ROOT" diff --quiet HEAD 2>/dev/null || rev="$rev+changes"
    echo "Machine: $NCPU CPUs ($cpu), Linux $(uname -r)${os:+, $os}, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "Software: $nginx_v, wrk $wrk_v, gorgon $rev ($(basename "$(dirname "$(dirname "$GORGON_BIN")")") build), $(openssl version | cut -d' ' -f1-2)"
    for s in "${SERVERS[@]}"; do
        if [[ " ${CASE_LIST[*]} " == *" tls-"* ]]; then
            echo "TLS ($s): $(python3 "$HELPER" tlsinfo "${TLS_PORT[$s]}"), ECDSA P-256 certificate"
        fi
    done
    echo "Method: ${DURATION}s per run after ${WARMUP}s warm-up, median of $ROUNDS round(s) (servers alternating), servers on CPU $SERVER_CPU, wrk -t1 on CPU $CLIENT_CPU, loopback"
} >"$MACHINE"

echo
python3 "$HELPER" report "$RAW" "$MACHINE"
if [[ -n $RESULTS ]]; then cp "$RAW" "$RESULTS"; fi

# ---------------------------------------------------------------------------------------------
# Optional profiles: one extra, unmeasured run per case and server under perf, after the table.

if [[ -n $PERF_DIR ]]; then
    # Gorgon maps private copies of its plugins, named after their SHA-256, and unlinks them,
    # so perf sees "DIR/HASH-PID-N.so (deleted)". perf reads symbols from a file of exactly that
    # name, so put a copy of the original there (in the runtime directory, kept in PERF_DIR).
    declare -A PLUGIN_BY_HASH=()
    for so in "$GORGON_PLUGIN_DIR"/*.so; do
        if [[ -f $so ]]; then PLUGIN_BY_HASH[$(sha256sum "$so" | cut -c1-16)]=$so; fi
    done
    perf_restore_plugins() {  # PERF_DATA
        local path base orig
        while IFS= read -r path; do
            base=$(basename "$path")
            orig=${PLUGIN_BY_HASH[${base%%-*}]:-}
            if [[ -n $orig && ! -e $path ]]; then cp "$orig" "$path"; fi
        done < <(perf buildid-list --with-hits -i "$1" 2>/dev/null | grep -o '/.*\.so (deleted)$' || true)
        return 0
    }
    for c in "${CASE_LIST[@]}"; do
        [[ $c == idle ]] && continue
        for s in "${SERVERS[@]}"; do
            server_alive "$s"
            wrk_args "$c" "$DURATION"
            data=$PERF_DIR/$s-$c.data
            if [[ $PERF_SCOPE == system ]]; then
                target=(-a --call-graph fp)
            else
                target=(-p "${MEMPID[$s]}" --call-graph "$PERF_CALLGRAPH")
            fi
            # perf shares the client's core, so the server's core runs only the server.
            taskset -c "$CLIENT_CPU" perf record -q -g "${target[@]}" -F 999 \
                -o "$data" -- sleep "$((DURATION + 1))" >"$TMP/perf-$s-$c.log" 2>&1 &
            perf_pid=$!
            PIDS[$perf_pid]=1
            sleep 0.5
            run_wait taskset -c "$CLIENT_CPU" wrk "${WRK_ARGS[@]}" \
                "$(case_url "$s")" >"$PERF_DIR/$s-$c.wrk.txt" 2>&1 || true
            wait "$perf_pid" || say "perf record for $s $c: $(cat "$TMP/perf-$s-$c.log")"
            unset "PIDS[$perf_pid]"
            if [[ $s == gorgon ]]; then perf_restore_plugins "$data"; fi
            {
                if [[ $PERF_SCOPE == system ]]; then
                    perf report -i "$data" --no-children --stdio -g none --sort cpu,comm
                fi
                perf report -i "$data" --no-children --stdio -g none --sort comm,dso
                perf report -i "$data" --no-children --stdio -g none --percent-limit 0.3 \
                    --sort comm,dso,symbol
            } >"$PERF_DIR/$s-$c.txt" 2>/dev/null || true
            perf report -i "$data" --children --stdio -g caller,0.5,callee --percent-limit 2 \
                --sort symbol >"$PERF_DIR/$s-$c.callgraph.txt" 2>/dev/null || true
            say "  profile $s $c -> $data ($(grep -m1 -o 'Requests/sec: *[0-9.]*' "$PERF_DIR/$s-$c.wrk.txt" || echo 'no wrk result'))"
        done
    done
fi


if ((!HAVE_GORGON && !NGINX_ONLY)); then
    say "Gorgon was not measured (plugins missing); see above."
    exit 2
fi
exit 0
