#!/usr/bin/env bash
# The container image (packaging/Containerfile), built from the Debian package and run:
#   the base image debian:bookworm-slim cannot be pulled here (no registry), so an equivalent
#   is built with `debootstrap --variant=minbase bookworm` from the machine's own apt mirror
#   and imported (cached in the build tree); the image is built from the .deb with podman;
#   the container runs with the image's default configuration (packaging/container/gorgon.yaml)
#   and must: run gorgon as uid 999 (not root), serve the demo page and /healthz on 8080
#   (published on 127.0.0.1 only), pass its HEALTHCHECK, and stop on SIGTERM with status 0
#   within 10 s.
#
# The .deb: GORGON_PACKAGE_DEB_DIR=DIR, else the one the package test built
# (BUILD/package-test/deb), else packaging/build-deb.sh builds it (several minutes).
# podman keeps its images under BUILD/container-test/storage (vfs), apart from the machine's
# own; the imported base stays there between runs, everything else this test makes (its
# container, its image) is removed by name on the way out. Exit 77: skipped.
set -euo pipefail

src=${GORGON_SOURCE_DIR:?}
build=${GORGON_BUILD_DIR:?}
work=$build/container-test
name=gorgon-container-test             # the container's name
image=localhost/gorgon-container-test:latest
base=localhost/gorgon-base:bookworm

step() { printf '\n=== container test: %s\n' "$*"; }
fail() { printf 'container test FAILED: %s\n' "$*" >&2; exit 1; }
skip() { printf 'container test skipped: %s\n' "$*"; exit 77; }
cap_limit() {  # HARD CAP: "N:N", N the smaller (hard may be "unlimited")
    local n=$2
    [ "$1" != unlimited ] && [ "$1" -lt "$n" ] && n=$1
    echo "$n:$n"
}

if [ "${CI:-}" != true ] && [ "${GORGON_PACKAGE_TEST:-}" != 1 ]; then
    skip "it runs containers as root; runs in CI, or with GORGON_PACKAGE_TEST=1"
fi
[ "$(id -u)" -eq 0 ] || skip "it must run as root (debootstrap, podman's root storage)"
command -v podman >/dev/null || skip "no podman (packaging/install-deps.sh installs it)"
[ -x /usr/sbin/debootstrap ] || skip "no debootstrap (packaging/install-deps.sh installs it)"

mkdir -p "$work"
cd "$work"
# A private store: nothing of the machine's own podman images is touched or listed. cgroupfs
# and the file events backend: CI roots and sandboxes have no systemd to ask.
# runc, not crun: Debian 12's crun refuses a hybrid cgroup hierarchy (v1 controllers with a
# v2 mount), which sandboxes have. (podman refuses a runroot path longer than 50 characters,
# and the store remembers its runroot: a short one in /tmp, named after the store.)
runroot=/tmp/gorgon-ctr-$(printf %s "$work" | md5sum | cut -c1-12)
podman_cmd=(podman --root "$work/storage" --runroot "$runroot" --storage-driver vfs
    --cgroup-manager cgroupfs --events-backend file --runtime runc)
pm() { "${podman_cmd[@]}" "$@"; }
# podman's default limits for root (1048576 open files and processes) exceed the hard limits
# of a root without CAP_SYS_RESOURCE (a container CI runs in), and the runtime then fails to
# set them: ask for no more than this process has.
limits=(--ulimit "nofile=$(cap_limit "$(ulimit -Hn)" 65536)" --ulimit "nproc=$(cap_limit "$(ulimit -Hu)" 4096)")

cleanup() {
    local rc=$?
    pm rm --force --volumes --time 0 "$name" >/dev/null 2>&1 || true
    pm rm --force --volumes --time 0 "$name-k8s" >/dev/null 2>&1 || true
    pm rmi --force "$image" >/dev/null 2>&1 || true
    rm -rf "$work/context" "$work/rootfs.tmp" "$work/k8s-config" "$runroot"
    exit $rc
}
trap cleanup EXIT
pm rm --force --volumes --time 0 "$name" >/dev/null 2>&1 || true   # left by a killed run

# Ready when /healthz answers 200 (at most 30 s); the container stopping ends the wait at once.
wait_healthz() {  # CONTAINER
    local code=
    for _ in $(seq 1 300); do
        code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz" || true)
        [ "$code" = 200 ] && return 0
        [ "$(pm inspect --format '{{.State.Running}}' "$1")" = true ] \
            || fail "container $1 stopped: $(pm logs "$1" 2>&1 | tail -20)"
        sleep 0.1
    done
    fail "/healthz of $1 never answered 200 (last: $code): $(pm logs "$1" 2>&1 | tail -20)"
}

# --- 1. The .deb ---------------------------------------------------------------------------
deb_version=$(dpkg-parsechangelog -l "$src/packaging/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
deb_name=gorgon_${deb_version}_$arch.deb
deb=
for dir in "${GORGON_PACKAGE_DEB_DIR:-}" "$build/package-test/deb" "$work/deb"; do
    [ -n "$dir" ] && [ -f "$dir/$deb_name" ] && { deb=$dir/$deb_name; break; }
done
if [ -z "$deb" ]; then
    step "build the package (none built yet)"
    command -v dpkg-buildpackage >/dev/null || fail "dpkg-buildpackage is missing: run packaging/install-deps.sh"
    bash "$src/packaging/build-deb.sh" "$work/deb" >build-deb.log 2>&1 \
        || { tail -60 build-deb.log; fail "packaging/build-deb.sh"; }
    deb=$work/deb/$deb_name
fi
[ -f "$deb" ] || fail "no $deb_name"
# A newer source tree than the package: its files would not be what the image holds.
echo "package: $deb"

# --- 2. The base: debian:bookworm-slim's equivalent, from the machine's apt mirror ---------
# Cached as a tarball in the build tree; rebuilt only when removed.
rootfs_tar=$build/container-base/bookworm-minbase.tar
if [ ! -f "$rootfs_tar" ]; then
    step "debootstrap --variant=minbase bookworm (once; cached in $rootfs_tar)"
    mirror=${GORGON_DEBIAN_MIRROR:-$(apt-get indextargets --format '$(SITE) $(RELEASE)' \
        'Created-By: Packages' 2>/dev/null | awk '$2 == "bookworm" {print $1; exit}')}
    [ -n "$mirror" ] || fail "no bookworm source in the machine's apt configuration (set GORGON_DEBIAN_MIRROR)"
    rm -rf rootfs.tmp
    /usr/sbin/debootstrap --variant=minbase bookworm rootfs.tmp "$mirror" >debootstrap.log 2>&1 \
        || { tail -30 debootstrap.log; fail "debootstrap from $mirror"; }
    # What the slim image has on top of minbase: no documentation (now or from later
    # installs) but the copyright files, and no apt caches.
    cat >rootfs.tmp/etc/dpkg/dpkg.cfg.d/slim <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOF
    find rootfs.tmp/usr/share/doc -mindepth 1 -not -type d -not -name copyright -delete
    find rootfs.tmp/usr/share/doc -mindepth 1 -type d -empty -delete
    rm -rf rootfs.tmp/usr/share/{man,groff,info,lintian,linda,locale}/* \
        rootfs.tmp/var/lib/apt/lists/* rootfs.tmp/var/cache/apt/*.bin \
        rootfs.tmp/var/cache/apt/archives/*.deb rootfs.tmp/var/log/*.log
    mkdir -p "$(dirname "$rootfs_tar")"
    tar --numeric-owner -C rootfs.tmp -cf "$rootfs_tar.new" .
    mv "$rootfs_tar.new" "$rootfs_tar"
    rm -rf rootfs.tmp
fi
if ! pm image exists "$base"; then
    step "import the base as $base"
    pm import --change 'CMD ["/bin/bash"]' "$rootfs_tar" "$base" >/dev/null
fi
# Can this machine run a container at all? If not, say what stops it.
if ! out=$(pm run --rm --network none "${limits[@]}" "$base" true 2>&1); then
    skip "podman cannot run a container here: $out"
fi

# --- 3. The image, from the .deb ---------------------------------------------------------
step "podman build"
# A small context (what the Containerfile copies), not the source tree with its build trees.
rm -rf context
mkdir -p context/build/deb context/packaging/container
cp "$deb" context/build/deb/
cp "$src/packaging/container/gorgon.yaml" context/packaging/container/
pm rmi --force "$image" >/dev/null 2>&1 || true
t0=$(date +%s.%N)
# --format docker: the OCI image format has no HEALTHCHECK. The host's network, for apt.
pm build --format docker --network host "${limits[@]}" --build-arg "BASE=$base" \
    -f "$src/packaging/Containerfile" -t "$image" context >podman-build.log 2>&1 \
    || { tail -40 podman-build.log; fail "podman build"; }
t1=$(date +%s.%N)
size=$(pm image inspect --format '{{.Size}}' "$image")
printf 'image built in %.1f s, %s MB\n' "$(echo "$t1 - $t0" | bc)" "$((size / 1000000))"

step "gorgon --check-config of the image's own configuration"
pm run --rm --network none --no-healthcheck "${limits[@]}" "$image" --check-config /etc/gorgon/gorgon.yaml \
    || fail "the image's /etc/gorgon/gorgon.yaml fails --check-config"

# --- 4. Run it -----------------------------------------------------------------------------
step "podman run"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
t0=$(date +%s.%N)
pm run -d --name "$name" --network slirp4netns "${limits[@]}" -p "127.0.0.1:$port:8080" "$image" >/dev/null \
    || fail "podman run"
wait_healthz "$name"
t1=$(date +%s.%N)
printf 'podman run to the first 200 on /healthz: %.2f s\n' "$(echo "$t1 - $t0" | bc)"

step "gorgon runs as uid 999"
uids=$(pm exec "$name" awk '/^Uid:/ {print $2, $3, $4, $5}' /proc/1/status)
[ "$uids" = "999 999 999 999" ] || fail "PID 1's uids are '$uids', not 999"
[ "$(pm exec "$name" readlink /proc/1/exe)" = /usr/sbin/gorgon ] || fail "PID 1 is not gorgon"

step "the demo page and /healthz on 127.0.0.1:$port"
listeners=$(ss -Hltn "sport = :$port" | awk '{print $4}' | sort -u)
[ "$listeners" = "127.0.0.1:$port" ] || fail "port $port is published on: $listeners"
curl -fsS "http://127.0.0.1:$port/" | grep -q '<h1>Gorgon</h1>' || fail "demo page"
[ "$(curl -fsS "http://127.0.0.1:$port/healthz")" = ok ] || fail "/healthz body"
# The status page shows peer addresses: not on this listener (packaging/container/gorgon.yaml).
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/status")" = 404 ] \
    || fail "/status is served on the container's public listener"

step "HEALTHCHECK"
# (Without systemd podman cannot schedule the periodic checks and logs so; run one by hand.)
[ -n "$(pm image inspect --format '{{.HealthCheck}}' "$image" | grep gorgonctl)" ] \
    || fail "the image has no HEALTHCHECK"
pm healthcheck run "$name" || fail "the HEALTHCHECK command failed"

step "SIGTERM"
t0=$(date +%s.%N)
pm kill --signal TERM "$name" >/dev/null
status=$(timeout 20 "${podman_cmd[@]}" wait "$name") || fail "still running 20 s after SIGTERM"
t1=$(date +%s.%N)
elapsed=$(echo "$t1 - $t0" | bc)
printf 'stopped with status %s in %.2f s\n' "$status" "$elapsed"
[ "$status" = 0 ] || fail "exit status $status on SIGTERM: $(pm logs "$name" 2>&1 | tail -20)"
[ "$(echo "$elapsed < 10" | bc)" = 1 ] || fail "SIGTERM took $elapsed s (more than 10)"

# --- 5. packaging/kubernetes, offline: there is no cluster here --------------------------
step "packaging/kubernetes: the manifests, and the ConfigMap's gorgon.yaml in the image"
rm -rf k8s-config && mkdir k8s-config
python3 "$src/tests/package/check_kubernetes.py" "$src/packaging/kubernetes" k8s-config/gorgon.yaml \
    || fail "packaging/kubernetes is inconsistent (above)"
chmod -R a+rX k8s-config
pm run --rm --network none --no-healthcheck "${limits[@]}" -v "$work/k8s-config:/etc/gorgon:ro" "$image" \
    --check-config /etc/gorgon/gorgon.yaml || fail "the ConfigMap's gorgon.yaml fails --check-config"
# The pod as deployment.yaml runs it: read-only root, no capability, its volumes (emptyDir there,
# anonymous volumes here: they start as the image has them, owned by gorgon), the probe.
pm run -d --name "$name-k8s" --network slirp4netns "${limits[@]}" -p "127.0.0.1:$port:8080" --read-only --cap-drop all \
    --security-opt no-new-privileges --user 999:999 -v "$work/k8s-config:/etc/gorgon:ro" \
    --no-healthcheck -v /var/lib/gorgon -v /run/gorgon -v /var/log/gorgon "$image" -c /etc/gorgon/gorgon.yaml >/dev/null \
    || fail "podman run with the ConfigMap's configuration"
wait_healthz "$name-k8s"
curl -fsS "http://127.0.0.1:$port/" | grep -q '<h1>Gorgon</h1>' || fail "demo page (ConfigMap)"
pm kill --signal TERM "$name-k8s" >/dev/null
status=$(timeout 20 "${podman_cmd[@]}" wait "$name-k8s") || fail "the pod-like container ignores SIGTERM"
[ "$status" = 0 ] || fail "the pod-like container exited with $status"
echo "container test: 1 passed, 0 failed"
