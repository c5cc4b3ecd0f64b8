#!/usr/bin/env bash
# The Debian packages, end to end, as a packager and an operator meet them:
#   plain `cmake -B x -DCMAKE_BUILD_TYPE=Release` builds with GCC and clang (no preset);
#   packaging/build-deb.sh; lintian with no error and no warning; dpkg -i of both packages;
#   gorgon --check-config /etc/gorgon/gorgon.yaml; the installed gorgon started as its unit
#   starts it (root, then the switch to `user: gorgon`); the demo page over HTTP and FTP;
#   gorgonctl status over /run/gorgon/monitor.sock; SIGHUP and SIGUSR1; the SDK example built
#   against the installed gorgon-dev and loaded into the installed server; the man pages;
#   systemd-analyze verify; logrotate's syntax; dpkg --purge leaving nothing but the logs.
#
# GORGON_PACKAGE_DEB_DIR=DIR tests the packages already built in DIR and skips the three
# builds (plain GCC, plain clang, the packages): for rerunning the rest quickly.
#
# It installs packages and so changes the machine: it runs only as root (CI's throwaway
# Debian 12 root), refuses to run where a gorgon package is already installed, and undoes
# everything it did on the way out (purge, the logs, the user it made). Exit 77: skipped.
set -euo pipefail

src=${GORGON_SOURCE_DIR:?}
work=${GORGON_PACKAGE_WORKDIR:-${GORGON_BUILD_DIR:?}/package-test}
jobs=$(nproc)

step() { printf '\n=== package test: %s\n' "$*"; }
fail() { printf 'package test FAILED: %s\n' "$*" >&2; exit 1; }

if [ "${CI:-}" != true ] && [ "${GORGON_PACKAGE_TEST:-}" != 1 ]; then
    echo "package test skipped: it installs packages; runs in CI, or with GORGON_PACKAGE_TEST=1"
    exit 77
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "package test skipped: it installs packages and must run as root (CI does)"
    exit 77
fi
for tool in dpkg-buildpackage dh lintian scdoc systemd-analyze man clang++; do
    command -v "$tool" >/dev/null || fail "$tool is missing: run packaging/install-deps.sh"
done
for p in gorgon gorgon-dev; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
        echo "package test skipped: package $p is installed on this machine; not touching it"
        exit 77
    fi
done
for port in 8080 2121 8518; do
    if ss -Hltn "sport = :$port" | grep -q .; then
        fail "port $port is in use: the installed default configuration listens there"
    fi
done

rm -rf "$work"
mkdir -p "$work"
cd "$work"

user_existed=no
getent passwd gorgon >/dev/null && user_existed=yes
server_pid=
installed=no
cleanup() {
    local rc=$?
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true
    fi
    if [ "$installed" = yes ]; then
        rm -f /usr/lib/*/gorgon/plugins/hello.so
        dpkg --purge gorgon-dev gorgon >/dev/null 2>&1 || true
    fi
    rm -rf /var/log/gorgon /var/lib/gorgon /run/gorgon
    if [ "$user_existed" = no ] && getent passwd gorgon >/dev/null; then
        userdel gorgon 2>/dev/null || true
        getent group gorgon >/dev/null && groupdel gorgon 2>/dev/null || true
    fi
    exit $rc
}
trap cleanup EXIT

# --- 1. A build packagers can run: plain CMake, any build type, either compiler ----------
prebuilt=${GORGON_PACKAGE_DEB_DIR:-}
for cc in gcc clang; do
    [ -n "$prebuilt" ] && break
    step "plain Release build with $cc"
    cxx=g++; [ "$cc" = clang ] && cxx=clang++
    # As a packager types it: no preset, no generator, no cache; nothing from the caller's
    # compiler launcher either, so the build is really compiled.
    env -u CMAKE_CXX_COMPILER_LAUNCHER -u CMAKE_C_COMPILER_LAUNCHER CC=$cc CXX=$cxx \
        cmake -S "$src" -B "plain-$cc" -DCMAKE_BUILD_TYPE=Release >"plain-$cc.log"
    env -u CMAKE_CXX_COMPILER_LAUNCHER -u CMAKE_C_COMPILER_LAUNCHER \
        cmake --build "plain-$cc" --parallel "$jobs" >>"plain-$cc.log" 2>&1 \
        || { tail -50 "plain-$cc.log"; fail "plain Release build with $cc"; }
    "plain-$cc/bin/gorgon" --version
    rm -rf "plain-$cc"
done

# --- 2. The packages ----------------------------------------------------------------------
step "build the packages"
if [ -n "$prebuilt" ]; then
    mkdir deb && cp "$prebuilt"/*.deb deb/
else
    bash "$src/packaging/build-deb.sh" "$work/deb" >build-deb.log 2>&1 \
        || { tail -60 build-deb.log; fail "packaging/build-deb.sh"; }
fi
version=$(sed -n 's/^project(gorgon VERSION \([0-9.]*\) .*/\1/p' "$src/CMakeLists.txt")
deb_version=$(dpkg-parsechangelog -l "$src/packaging/debian/changelog" -S Version)
gorgon_deb=$(echo deb/gorgon_"$deb_version"_*.deb)
dev_deb=$(echo deb/gorgon-dev_"$deb_version"_*.deb)
[ -f "$gorgon_deb" ] && [ -f "$dev_deb" ] || fail "no gorgon and gorgon-dev .deb in $work/deb"

step "lintian"
# No error and no warning; every override is in packaging/debian with its reason.
lintian --fail-on error,warning --display-info --tag-display-limit 0 deb/*.deb \
    | tee lintian.log || fail "lintian reports errors or warnings (above)"

step "dpkg -i"
installed=yes
dpkg -i "$gorgon_deb" "$dev_deb"
dpkg -L gorgon gorgon-dev | sort >installed-files.txt
getent passwd gorgon >/dev/null || fail "postinst made no gorgon user"
dpkg-query -W -f='${Depends}\n' gorgon | grep -q 'libevent' \
    || fail "Depends was not computed from the shared libraries"
grep -qx /etc/gorgon/gorgon.yaml /var/lib/dpkg/info/gorgon.conffiles \
    || fail "/etc/gorgon/gorgon.yaml is not a conffile"
ls /usr/lib/*/gorgon/plugins/http.so >/dev/null || fail "no plugins under /usr/lib/<multiarch>/gorgon"

step "one version everywhere"
gorgon --version | grep -q "^gorgon $version " || fail "gorgon --version: $(gorgon --version)"
gorgonctl --version | grep -q "^gorgonctl $version " \
    || fail "gorgonctl --version: $(gorgonctl --version)"
[ "${deb_version%-*}" = "$version" ] || fail "package $deb_version, project $version"

step "gorgon --check-config /etc/gorgon/gorgon.yaml"
gorgon --check-config /etc/gorgon/gorgon.yaml

# --- 3. Run it as the unit does: as root, RuntimeDirectory made, the switch to gorgon -----
step "start the installed gorgon as the unit would"
install -d -m 0750 /run/gorgon   # RuntimeDirectory=gorgon, RuntimeDirectoryMode=0750
(cd / && exec /usr/sbin/gorgon -c /etc/gorgon/gorgon.yaml) &
server_pid=$!
# Ready when the monitor answers (servers open in configuration order; the monitor is last).
for _ in $(seq 1 300); do
    gorgonctl --connect-timeout 1 status >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || fail "gorgon exited: $(tail -20 /var/log/gorgon/error.log)"
    sleep 0.1
done
gorgonctl status
[ "$(ps -o user= -p "$server_pid")" = gorgon ] || fail "gorgon did not switch to the user gorgon"
[ -S /run/gorgon/monitor.sock ] || fail "no monitor socket at /run/gorgon/monitor.sock"
gorgonctl status | grep -q "^gorgon $version " || fail "status does not show version $version"

step "the demo page over HTTP and FTP"
curl -fsS http://127.0.0.1:8080/ | grep -q '<h1>Gorgon</h1>' || fail "demo page over HTTP"
curl -fsS ftp://127.0.0.1:2121/ | grep -q 'index.html' || fail "demo root over FTP"
curl -fsS ftp://127.0.0.1:2121/hello.txt | cmp - /usr/share/gorgon/www/hello.txt \
    || fail "a file over FTP"
# The access log is written out at most a second later (its flush timer): wait for it.
wait_for_line() {  # FILE PATTERN: up to 10 s
    for _ in $(seq 1 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
    return 1
}
wait_for_line /var/log/gorgon/access.log '"GET / HTTP/1.1" 200' || fail "no access log line"

step "SIGHUP (ExecReload), and logrotate with its SIGUSR1"
kill -HUP "$server_pid"
wait_for_line /var/log/gorgon/error.log 'configuration reloaded from' \
    || fail "SIGHUP: no reload in the log: $(tail -5 /var/log/gorgon/error.log)"
# What logrotate does (its postrotate signals through systemd, absent here: send it by hand).
logrotate --force --state "$work/logrotate.state" /etc/logrotate.d/gorgon
[ -f /var/log/gorgon/error.log.1 ] && [ -f /var/log/gorgon/access.log.1 ] \
    || fail "logrotate did not rotate the logs"
[ "$(stat -c %U /var/log/gorgon/error.log)" = gorgon ] || fail "logrotate did not create the new log for gorgon"
kill -USR1 "$server_pid"
wait_for_line /var/log/gorgon/error.log 'log file reopened' || fail "SIGUSR1 did not reopen the log"
curl -fsS http://127.0.0.1:8080/hello.txt >/dev/null || fail "serving after SIGHUP"
wait_for_line /var/log/gorgon/access.log 'GET /hello.txt' || fail "the access log did not follow the rotation"

# --- 4. A third-party plugin against the installed SDK, loaded into the installed server --
step "build sdk/examples/hello against the installed gorgon-dev"
cp -r /usr/share/doc/gorgon-dev/examples/hello hello-src
find hello-src -name '*.gz' -exec gunzip {} +
env -u CMAKE_CXX_COMPILER_LAUNCHER cmake -S hello-src -B hello-build >hello.log
cmake --build hello-build >>hello.log
plugin_dir=$(dirname /usr/lib/*/gorgon/plugins/http.so)
install -m 0644 hello-build/hello.so "$plugin_dir/.hello.so.new"
mv "$plugin_dir/.hello.so.new" "$plugin_dir/hello.so"
gorgonctl load hello
gorgonctl plugins | grep -q '^hello ' || fail "hello is not listed as loaded"
gorgonctl unload hello
rm -f "$plugin_dir/hello.so"

step "stop"
kill -TERM "$server_pid"
wait "$server_pid" || fail "gorgon exited with status $? on SIGTERM"
server_pid=

# --- 5. Man pages, the unit, logrotate -----------------------------------------------------
step "man pages"
man -w gorgon gorgonctl gorgon.yaml gorgon-plugins
step "systemd-analyze verify"
systemd-analyze verify /lib/systemd/system/gorgon.service

# --- 6. Purge: nothing left but the logs ---------------------------------------------------
step "dpkg --purge"
dpkg --purge gorgon-dev gorgon
installed=no
left=()
while read -r f; do
    [ "$f" = /. ] && continue
    [ -e "$f" ] || continue
    [ -d "$f" ] && [ -n "$(dpkg -S "$f" 2>/dev/null)" ] && continue   # shared with others
    left+=("$f")
done <installed-files.txt
for d in /etc/gorgon /var/lib/gorgon /run/gorgon /usr/share/gorgon; do
    [ -e "$d" ] && left+=("$d")
done
[ -e /etc/systemd/system/multi-user.target.wants/gorgon.service ] && left+=(unit-enablement-link)
[ ${#left[@]} -eq 0 ] || fail "left behind after purge: ${left[*]}"
[ -f /var/log/gorgon/error.log ] || fail "the logs should stay after purge"
echo "package test: 1 passed, 0 failed"
