#!/usr/bin/env bash
# Builds the Debian packages gorgon and gorgon-dev from this source tree:
#
#   bash packaging/build-deb.sh [OUTDIR]      (default OUTDIR: build/deb)
#
# then installs them with `apt install ./build/deb/gorgon_*.deb ./build/deb/gorgon-dev_*.deb`.
# debhelper does the work (packaging/debian): it computes Depends from the shared libraries,
# marks /etc/gorgon/gorgon.yaml a conffile, installs the systemd unit and logrotate file and
# strips into a -dbgsym package. The tree is copied to OUTDIR first, so the build writes
# nothing into the source tree and always starts clean. Needs the build dependencies in
# packaging/debian/control (packaging/install-deps.sh installs them).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$src/build/deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# One version, set once: project(VERSION) in CMakeLists.txt. The package's upstream version
# must be that one, so a release bump cannot forget the changelog.
version=$(sed -n 's/^project(gorgon VERSION \([0-9.]*\) .*/\1/p' "$src/CMakeLists.txt")
deb_version=$(dpkg-parsechangelog -l "$src/packaging/debian/changelog" -S Version)
if [ -z "$version" ] || [ "${deb_version%-*}" != "$version" ]; then
    echo "build-deb: CMakeLists.txt says version '$version', packaging/debian/changelog says" \
        "'$deb_version': add a changelog entry for $version-1 (dch -v $version-1)" >&2
    exit 1
fi

stage=$out/gorgon-$version
rm -rf "$stage" "$out"/gorgon*_"$deb_version"_* "$out"/gorgon_"$deb_version".*
mkdir -p "$stage"
tar -C "$src" --exclude-vcs --exclude=./build --exclude='./build-*' --exclude=./run \
    --exclude=./out -cf - . | tar -C "$stage" -xf -
cp -r "$src/packaging/debian" "$stage/debian"

cd "$stage"
DEB_BUILD_OPTIONS="parallel=$(nproc) ${DEB_BUILD_OPTIONS:-}" dpkg-buildpackage -b -us -uc
rm -rf "$stage"
ls -1 "$out"/*_"$deb_version"_*.deb
