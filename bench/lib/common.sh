# Shared by the bench/ scripts (sourced, not run): messages, installing the peers and tools from
# Debian's packages, and stopping every process a benchmark starts.
#
# The sourcing script sets BENCH_NAME (for messages) before sourcing, and calls
# bench_scratch PREFIX once to get $TMP and the EXIT trap.

say() { printf '%s\n' "$*" >&2; }
die() { say "${BENCH_NAME:-bench}: $*"; exit 1; }

# install_packages PKG...: apt-get install what is given (the caller lists what is missing);
# apt-get update only when a package has no candidate or the first install fails.
install_packages() {
    (($#)) || return 0
    say "installing $* (apt-get)"
    local -a sudo=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null || die "need root or sudo to install: $*"
        sudo=(sudo)
    fi
    command -v apt-get >/dev/null || die "no apt-get: install $* by hand"
    local pkg updated=0
    for pkg in "$@"; do
        if ! apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [^(]'; then
            "${sudo[@]}" apt-get update -qq || die "apt-get update failed"
            updated=1
            break
        fi
    done
    export DEBIAN_FRONTEND=noninteractive
    if ! "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >&2; then
        ((updated)) && die "apt-get install $* failed"
        # Stale package lists (a superseded version) are the usual reason: refresh once.
        "${sudo[@]}" apt-get update -qq || die "apt-get update failed"
        "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >&2 ||
            die "apt-get install $* failed"
    fi
}

declare -A PIDS=()

stop_pid() {  # PID: TERM, a few seconds' grace, then KILL
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || { unset "PIDS[$pid]"; return 0; }
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    unset "PIDS[$pid]"
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
bench_cleanup() {
    local pid
    for pid in "${!PIDS[@]}"; do stop_pid "$pid"; done
    [[ -n ${TMP:-} ]] && rm -rf "$TMP"
}

# bench_scratch PREFIX: a scratch directory in $TMP, removed (with every process in PIDS
# stopped) when the script exits or is interrupted.
bench_scratch() {
    TMP=$(mktemp -d -t "$1.XXXXXX")
    chmod 755 "$TMP"  # servers' workers may run as nobody when started as root
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# Runs a command in the background and waits for it, so that a signal reaches our trap at once
# and the trap can stop it.
run_wait() {
    "$@" &
    local pid=$!
    PIDS[$pid]=1
    local rc=0
    wait "$pid" || rc=$?
    unset "PIDS[$pid]"
    return "$rc"
}
