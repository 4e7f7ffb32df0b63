#!/usr/bin/env bash
# Extracts GoBGP's .proto files from Debian's golang-github-osrg-gobgp-dev into OUT (target/gobgp-proto) for protoc.
# The package is downloaded and unpacked, never installed (installing it pulls ~15 Go -dev packages). The files get
# a java_package option here (upstream has none), so the generated classes land in a package of this module.
set -euo pipefail
out="$1"
java_package="$2"
package=golang-github-osrg-gobgp-dev
src=usr/share/gocode/src/github.com/osrg/gobgp/api
if [[ -f "$out/.done" ]]; then
  exit 0
fi
work="$(dirname "$out")/gobgp-deb"
rm -rf "$work" "$out"
mkdir -p "$work" "$out"
cd "$work"
# apt-get download needs the package lists; on a machine where 'apt-get update' never ran, run it once (root only).
if ! apt-get download -q "$package" >download.log 2>&1; then
  if [[ "$(id -u)" -eq 0 ]]; then
    apt-get -o DPkg::Lock::Timeout=600 update -q >>download.log 2>&1
    apt-get download -q "$package" >>download.log 2>&1 || { cat download.log >&2; exit 1; }
  else
    cat download.log >&2
    echo "error: cannot download $package (run 'apt-get update' as root once)" >&2
    exit 1
  fi
fi
dpkg-deb -x ./"$package"_*.deb root
for proto in root/"$src"/*.proto; do
  # After the 'package apipb;' line: where protoc puts the Java classes.
  sed -e "s/^package apipb;/package apipb;\noption java_package = \"$java_package\";\noption java_multiple_files = true;/" \
    "$proto" >"$out/$(basename "$proto")"
done
grep -q "java_package" "$out/gobgp.proto" || { echo "error: no 'package apipb;' line in gobgp.proto" >&2; exit 1; }
touch "$out/.done"
