#!/bin/sh
# Tries the jar as a new user would, in every JVM this machine can start: this machine's own
# and an arm64 JVM under qemu-user (Debian's OpenJDK 17, unpacked into the cache). Each runs
# examples/hello.js through ScriptEngineManager from nothing but the jar and its runtime
# dependencies (JNA) on the class path, with an empty native cache; every JVM must print the same lines, and each must
# have loaded its own platform's library from the jar.
#
# Usage: sh native-libs/try-jar.sh <quickjs-jsr223 jar> <dependencies class path>
#   e.g. mvn -q dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=cp.txt
#        sh native-libs/try-jar.sh target/quickjs-jsr223-0.1.0.jar "$(cat cp.txt)"
# Needs qemu-user, apt-get and dpkg-deb. POSIX sh (runs under dash).

set -eu

SCRIPT_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
LOG_TAG=quickjs-try-jar
# log, die, have, cache_root
. "$SCRIPT_DIR/lib.sh"

[ $# -eq 2 ] || { echo "usage: sh native-libs/try-jar.sh <quickjs-jsr223 jar> <dependencies class path>" >&2; exit 2; }
[ -f "$1" ] || die "no such jar: $1"
case $2 in *jna*) ;; *) die "the class path '$2' holds no JNA jar" ;; esac
CP="$1:$2"
SCRIPT=$SCRIPT_DIR/../examples/hello.js

CACHE_ROOT=$(cache_root)
# arm64_java
. "$SCRIPT_DIR/debian-apt.sh"
JAVA_ARM64=$(arm64_java "$CACHE_ROOT")

WORK=$(mktemp -d "${TMPDIR:-/tmp}/quickjs-try-jar.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# try NAME FOLDER JAVA...: runs the example, checks the library came from FOLDER of the jar
try() {
    t_name=$1
    t_folder=$2
    shift 2
    "$@" "-Dquickjs.native.cache=$WORK/cache-$t_name" -cp "$CP" dev.qjs.cli.ScriptFileRunner "$SCRIPT" \
        >"$WORK/$t_name.out" 2>"$WORK/$t_name.err" || { cat "$WORK/$t_name.err" >&2; die "$t_name: the example failed"; }
    t_lib=$(find "$WORK/cache-$t_name" -name 'libquickjs-jsr223.so' | sed -n 1p)
    [ -n "$t_lib" ] || die "$t_name: no library was copied out of the jar"
    unzip -p "${CP%%:*}" "$t_folder/libquickjs-jsr223.so" >"$WORK/$t_name.expected" || die "the jar has no $t_folder/libquickjs-jsr223.so"
    cmp -s "$t_lib" "$WORK/$t_name.expected" || die "$t_name: the library loaded is not the jar's $t_folder one"
    log "$t_name: $(wc -l <"$WORK/$t_name.out" | tr -d ' ') lines, library from $t_folder/"
}

case $(uname -m) in
    x86_64) host_folder=linux-x86-64 ;;
    aarch64) host_folder=linux-aarch64 ;;
    *) die "unsupported host $(uname -m)" ;;
esac
if ldd --version 2>&1 | grep -qi musl; then host_folder=$host_folder-musl; fi
try host "$host_folder" java
try arm64 linux-aarch64 "$JAVA_ARM64"
cmp -s "$WORK/host.out" "$WORK/arm64.out" || { diff "$WORK/host.out" "$WORK/arm64.out" >&2 || :; die "the JVMs printed different lines"; }
grep -q 'The answer is 42' "$WORK/host.out" || die "the example printed something else: $(cat "$WORK/host.out")"
log "the same jar printed the same $(wc -l <"$WORK/host.out" | tr -d ' ') lines in both JVMs"
