#!/usr/bin/env bash
# Installs, with apt-get, only the Debian 12 packages Gorgon needs that are missing:
# the toolchain, the libraries it links, and the real clients its tests drive.
# Safe to run again: it does nothing when everything is present.
set -euo pipefail

packages=(
    # build (clang and its runtime only for the libFuzzer targets)
    build-essential cmake ninja-build pkg-config git clang libclang-rt-14-dev
    # libraries
    libevent-dev libyaml-cpp-dev libssl-dev doctest-dev zlib1g-dev libcrypt-dev libpcre2-dev
    # test clients and tools (openssl: the TLS tests make their certificates with it; wrk:
    # load across a configuration reload; iproute2: test_limits reads backlogs, buffers and
    # keep-alive timers with ss)
    curl python3 lftp netcat-openbsd binutils procps openssl wrk iproute2
    # promtool (test_http_status checks /metrics with `promtool check metrics`)
    prometheus
    # mkpasswd (yescrypt hashes for the FTP login tests)
    whois
    # the Debian packages and their test (tests/package): debhelper builds them, scdoc the
    # man pages; lintian, man-db, systemd (systemd-analyze) and logrotate check them
    debhelper dpkg-dev scdoc lintian man-db systemd logrotate adduser
    # the container test (tests/package/test_container.sh): podman builds and runs the image
    # (with runc, and slirp4netns for its network) on a base made with debootstrap; bc times
    # it; python3-yaml reads packaging/kubernetes
    podman runc slirp4netns debootstrap bc python3-yaml
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
