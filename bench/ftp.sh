#!/usr/bin/env bash
# FTP benchmark: Gorgon (ftp + fs-os plugins) side by side with vsftpd, on loopback, same files,
# same core. See docs/BENCHMARKS.md.
#
#   bench/ftp.sh               full run (5 downloads and listings, 200 sessions, 3 passes)
#   bench/ftp.sh --quick       smoke test (a 20 MiB file, 2 rounds, 50 sessions, 1 pass)
#   bench/ftp.sh --vsftpd-only the vsftpd side and the harness only
#
# Both serve one anonymous, read-only root: a 200 MiB file of random bytes (big.bin) and a
# directory of 10,000 empty files (many/). Measured by bench/ftp_bench.py, on its own core:
#   RETR      MiB/s of one download of big.bin (TYPE I, passive), median of ROUNDS
#   LIST      ms for a LIST of many/ on a logged-in session, median of ROUNDS
#   sessions  per second, SESSIONS in a row: connect, anonymous login, PASV + LIST /, QUIT
# Each pass measures both servers, alternating who goes first; the table shows medians of passes.
#
# Environment (all optional):
#   ROUNDS=5 SESSIONS=200 PASSES=3 FILE_MIB=200 ENTRIES=10000
#   SERVER_CPU=0 CLIENT_CPU=1      the cores (taskset -c) for the servers and for the client
#   GORGON_BIN, GORGON_PLUGIN_DIR  default: the release build (build/release)
#   RESULTS=FILE                   also write the raw JSON lines there
#
# Exit status: 0 when both servers ran (whether or not a target was met); 1 when a server failed
# to start or the harness failed; 2 when Gorgon's plugins are missing (vsftpd results only).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HELPER=$ROOT/bench/ftp_bench.py
BENCH_NAME=ftp.sh
# shellcheck source=bench/lib/common.sh
source "$ROOT/bench/lib/common.sh"

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

QUICK=0
VSFTPD_ONLY=0
for arg in "$@"; do
    case $arg in
        --quick) QUICK=1 ;;
        --vsftpd-only) VSFTPD_ONLY=1 ;;
        -h | --help) usage; exit 0 ;;
        *) say "ftp.sh: unknown argument: $arg"; usage >&2; exit 1 ;;
    esac
done

if ((QUICK)); then
    ROUNDS=${ROUNDS:-2}
    SESSIONS=${SESSIONS:-50}
    PASSES=${PASSES:-1}
    FILE_MIB=${FILE_MIB:-20}
fi
ROUNDS=${ROUNDS:-5}
SESSIONS=${SESSIONS:-200}
PASSES=${PASSES:-3}
FILE_MIB=${FILE_MIB:-200}
ENTRIES=${ENTRIES:-10000}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
GORGON_BIN=${GORGON_BIN:-$ROOT/build/release/bin/gorgon}
GORGON_PLUGIN_DIR=${GORGON_PLUGIN_DIR:-$ROOT/build/release/lib/gorgon/plugins}
RESULTS=${RESULTS:-}

for v in ROUNDS SESSIONS PASSES FILE_MIB ENTRIES SERVER_CPU CLIENT_CPU; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, not '${!v}'"
done
((ROUNDS > 0 && SESSIONS > 0 && PASSES > 0 && FILE_MIB > 0)) || die "counts must be > 0"

# ---------------------------------------------------------------------------------------------
# Tools: vsftpd from Debian's packages when missing.

vsftpd_bin() { command -v vsftpd || { [[ -x /usr/sbin/vsftpd ]] && echo /usr/sbin/vsftpd; }; }
need=()
vsftpd_bin >/dev/null || need+=(vsftpd)
command -v taskset >/dev/null || need+=(util-linux)
command -v python3 >/dev/null || need+=(python3)
install_packages "${need[@]}"
VSFTPD=$(vsftpd_bin) || die "vsftpd not found after installing it"
# The package may start its own daemon on port 21: it is left alone; we use free ports.

if (($(nproc) < 2)); then
    say "warning: only one CPU: servers and client share it, numbers mean little"
    SERVER_CPU=0
    CLIENT_CPU=0
fi

HAVE_GORGON=1
if ((VSFTPD_ONLY)); then
    HAVE_GORGON=0
else
    missing=()
    [[ -x $GORGON_BIN ]] || missing+=("$GORGON_BIN")
    for p in ftp fs-os; do
        [[ -f $GORGON_PLUGIN_DIR/$p.so ]] || missing+=("$GORGON_PLUGIN_DIR/$p.so")
    done
    if ((${#missing[@]})); then
        HAVE_GORGON=0
        say "Gorgon's FTP server is not built, so only vsftpd is measured. Missing:"
        for m in "${missing[@]}"; do say "  $m"; done
        say "Build it:  cmake --preset release && cmake --build --preset release"
    fi
fi

# ---------------------------------------------------------------------------------------------
# The tree, the configs, the servers.

bench_scratch gorgon-ftp-bench
DOCS=$TMP/root
mkdir -p "$DOCS/many" "$TMP/empty" "$TMP/plugins"
say "making the tree: big.bin ($FILE_MIB MiB) and many/ ($ENTRIES files)"
head -c "$((FILE_MIB * 1024 * 1024))" /dev/urandom >"$DOCS/big.bin"
python3 -c '
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    os.close(os.open(os.path.join(d, f"file{i:05d}.txt"), os.O_CREAT | os.O_WRONLY, 0o644))
' "$DOCS/many" "$ENTRIES"
chmod -R a+rX "$DOCS"
cat "$DOCS/big.bin" >/dev/null  # both servers read it from the page cache

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_ready() {  # PORT PID: until the server answers 220, or it died
    local port=$1 pid=$2 i
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || return 1
        if python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)
sys.exit(0 if s.recv(3) == b"220" else 1)' "$port" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

start_vsftpd() {
    VS_PORT=$(free_port)
    # On equal footing with Gorgon: one anonymous read-only root, sendfile, no transfer log.
    printf '%s\n' listen=YES listen_ipv6=NO listen_address=127.0.0.1 "listen_port=$VS_PORT" \
        background=NO anonymous_enable=YES "anon_root=$DOCS" no_anon_password=YES \
        local_enable=NO write_enable=NO pasv_enable=YES use_sendfile=YES xferlog_enable=NO \
        syslog_enable=NO "vsftpd_log_file=$TMP/vsftpd.log" "secure_chroot_dir=$TMP/empty" \
        max_clients=0 max_per_ip=0 seccomp_sandbox=NO >"$TMP/vsftpd.conf"
    taskset -c "$SERVER_CPU" "$VSFTPD" "$TMP/vsftpd.conf" >"$TMP/vsftpd.out" 2>&1 &
    VS_PID=$!
    PIDS[$VS_PID]=1
    wait_ready "$VS_PORT" "$VS_PID" || { cat "$TMP/vsftpd.out" >&2; die "vsftpd did not start"; }
}

start_gorgon() {
    GO_PORT=$(free_port)
    cp "$GORGON_PLUGIN_DIR/ftp.so" "$GORGON_PLUGIN_DIR/fs-os.so" "$TMP/plugins/"
    chmod 644 "$TMP/plugins/"*.so
    printf '%s\n' "log:" "  level: warn" "  file: $TMP/gorgon.log" "plugins:" \
        "  directory: $TMP/plugins" "  runtime_directory: $TMP/run" "  load:" "    fs-os: {}" \
        "    ftp: {}" "servers:" "  - name: ftp" "    protocol: ftp" \
        "    listen: [\"127.0.0.1:$GO_PORT\"]" "    config:" "      anonymous:" \
        "        root: $DOCS" >"$TMP/gorgon.yaml"
    taskset -c "$SERVER_CPU" "$GORGON_BIN" -c "$TMP/gorgon.yaml" >"$TMP/gorgon.out" 2>&1 &
    GO_PID=$!
    PIDS[$GO_PID]=1
    wait_ready "$GO_PORT" "$GO_PID" ||
        { cat "$TMP/gorgon.out" "$TMP/gorgon.log" >&2; die "gorgon did not start"; }
}

measure() {  # NAME PORT: one pass on one server; its JSON line goes to $TMP/NAME.jsonl
    local name=$1 port=$2 out
    out=$(taskset -c "$CLIENT_CPU" python3 "$HELPER" 127.0.0.1 "$port" --file big.bin \
        --dir many --rounds "$ROUNDS" --sessions "$SESSIONS") || die "$name: the client failed"
    printf '%s\n' "$out" >>"$TMP/$name.jsonl"
    [[ -z $RESULTS ]] || printf '{"server": "%s", %s\n' "$name" "${out#\{}" >>"$RESULTS"
    python3 -c '
import json, sys
r = json.loads(sys.argv[2])
print("  %-7s RETR %8.1f MiB/s   LIST %7.2f ms   sessions %7.1f/s"
      % (sys.argv[1], r["retr_mib_s"], r["list_ms"], r["sessions_per_s"]))' "$name" "$out" >&2
}

start_vsftpd
GORGON_NOTE=""
if ((HAVE_GORGON)); then
    start_gorgon
    GORGON_NOTE=", gorgon on port $GO_PORT"
fi
say "vsftpd on port $VS_PORT$GORGON_NOTE; servers on CPU $SERVER_CPU, client on CPU $CLIENT_CPU"

for ((pass = 1; pass <= PASSES; pass++)); do
    say "pass $pass of $PASSES"
    if ((HAVE_GORGON == 0)); then
        measure vsftpd "$VS_PORT"
    elif ((pass % 2)); then
        measure gorgon "$GO_PORT"
        measure vsftpd "$VS_PORT"
    else
        measure vsftpd "$VS_PORT"
        measure gorgon "$GO_PORT"
    fi
done

# ---------------------------------------------------------------------------------------------
# The table: medians over the passes, and the ratios against the targets (all >= 1.0).

python3 -c '
import json, os, statistics, sys
tmp, have_gorgon, mib, entries = sys.argv[1], sys.argv[2] == "1", sys.argv[3], int(sys.argv[4])
def load(name):
    with open(os.path.join(tmp, name + ".jsonl")) as f:
        runs = [json.loads(line) for line in f if line.strip()]
    return {k: statistics.median(r[k] for r in runs)
            for k in ("retr_mib_s", "list_ms", "sessions_per_s")}
v = load("vsftpd")
if not have_gorgon:
    print("vsftpd: RETR %.1f MiB/s, LIST %.2f ms, %.1f sessions/s"
          % (v["retr_mib_s"], v["list_ms"], v["sessions_per_s"]))
    sys.exit(0)
g = load("gorgon")
rows = [
    (f"RETR {mib} MiB (MiB/s)", g["retr_mib_s"], v["retr_mib_s"], g["retr_mib_s"] / v["retr_mib_s"]),
    (f"LIST {entries:,} entries (ms)", g["list_ms"], v["list_ms"], v["list_ms"] / g["list_ms"]),
    ("login-LIST-quit sessions (per s)", g["sessions_per_s"], v["sessions_per_s"],
     g["sessions_per_s"] / v["sessions_per_s"]),
]
print()
print("| case | gorgon | vsftpd | gorgon vs vsftpd | target | |")
print("| --- | ---: | ---: | ---: | ---: | --- |")
for name, gv, vv, ratio in rows:
    verdict = "met" if ratio >= 1.0 else "**missed**"
    print("| %s | %s | %s | %.2f | >= 1.00 | %s |"
          % (name, format(gv, ",.2f"), format(vv, ",.2f"), ratio, verdict))
print()
print("(LIST: vsftpd time / gorgon time, so above 1 means gorgon is faster everywhere.)")
' "$TMP" "$HAVE_GORGON" "$FILE_MIB" "$ENTRIES"
if ((HAVE_GORGON == 0 && VSFTPD_ONLY == 0)); then exit 2; fi
exit 0
