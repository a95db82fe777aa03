#!/bin/sh
# shellcheck disable=SC2086  # word splitting of the platform list is intended
# Runs each built library where this machine can run its platform: the smoke test
# (native-libs/smoke/qjs_smoke.c, built with the same zig for the same target) loads the very
# file the jar carries and evaluates real JavaScript through it.
#
# Usage: sh native-libs/smoke.sh <lib-out-dir>     (the folder build-all.sh filled)
#
#   linux-x86-64         natively
#   linux-aarch64        qemu-aarch64 over Debian's arm64 libc6 (unpacked into the cache)
#   linux-x86-64-musl    Debian's musl loader (unpacked into the cache), run as the program
#   linux-aarch64-musl   qemu-aarch64 over Debian's arm64 musl (unpacked into the cache)
#   win32-x86-64         wine (Debian package wine64)
#   darwin-*, win32-aarch64
#                        nothing here runs them: their smoke programs are still built and
#                        linked, and the CI workflow (.github/workflows/ci.yml) runs the test
#                        suite on those platforms
#
# Needs qemu-user, wine64 and, for the Debian packages, apt-get and dpkg-deb (no package is
# installed: apt works in a temporary folder). .ci/run installs what is missing.
# Environment: QJS_TARGETS (a subset), XDG_CACHE_HOME. POSIX sh (runs under dash).

set -eu

SCRIPT_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
LOG_TAG=quickjs-smoke
# log, die, have, cache_root, platform_field
. "$SCRIPT_DIR/lib.sh"

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: sh native-libs/smoke.sh <lib-out-dir>" >&2
    exit 2
fi
LIB_OUT=$(CDPATH='' cd -- "$1" && pwd -P) || die "no such folder: $1"

CACHE_ROOT=$(cache_root)
mkdir -p "$CACHE_ROOT/sysroot"

# ALL_TARGETS, zig_target, library_name, find_zig
. "$SCRIPT_DIR/zig.sh"
# debian_unpack
. "$SCRIPT_DIR/debian-apt.sh"

ZIG_BIN=$(find_zig)
export ZIG_GLOBAL_CACHE_DIR="${ZIG_GLOBAL_CACHE_DIR:-$CACHE_ROOT/zig-cache}"
export ZIG_LOCAL_CACHE_DIR="${ZIG_LOCAL_CACHE_DIR:-$CACHE_ROOT/zig-cache}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/quickjs-smoke.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

wine_cmd() {
    for w in wine64 /usr/lib/wine/wine64 wine; do
        if have "$w"; then printf '%s\n' "$w"; return 0; fi
    done
    return 1
}

# smoke_program PLATFORM: builds the smoke test for PLATFORM, prints its path
smoke_program() {
    sp_target=$(zig_target "$1")
    sp_out=$WORK/qjs_smoke-$1
    case $1 in win32-*) sp_out=$sp_out.exe ;; esac
    case $1 in
        # a static musl program cannot dlopen: link musl dynamically, as Alpine's programs do
        linux-*-musl) sp_cmd="$ZIG_BIN build-exe -dynamic -lc -O ReleaseSafe -target $sp_target -I$SCRIPT_DIR/include $SCRIPT_DIR/smoke/qjs_smoke.c -femit-bin=$sp_out" ;;
        linux-*) sp_cmd="$ZIG_BIN cc -target $sp_target -O2 -I$SCRIPT_DIR/include -o $sp_out $SCRIPT_DIR/smoke/qjs_smoke.c -ldl -lpthread" ;;
        *) sp_cmd="$ZIG_BIN cc -target $sp_target -O2 -I$SCRIPT_DIR/include -o $sp_out $SCRIPT_DIR/smoke/qjs_smoke.c" ;;
    esac
    if ! (cd "$WORK" && $sp_cmd) >"$WORK/build-$1.log" 2>&1; then
        cat "$WORK/build-$1.log" >&2
        die "$1: the smoke program does not build"
    fi
    printf '%s\n' "$sp_out"
}

HOST=$(uname -s)-$(uname -m)
PASSED=''
BUILT_ONLY=''
TARGETS=${QJS_TARGETS:-$ALL_TARGETS}
for t in $TARGETS; do
    zig_target "$t" >/dev/null || die "QJS_TARGETS: unknown platform '$t' (known: $ALL_TARGETS)"
    lib=$LIB_OUT/$t/$(library_name "$t")
    [ -f "$lib" ] || die "$t: $lib is missing (run native-libs/build-all.sh first)"
    prog=$(smoke_program "$t")
    case $HOST-$t in
        Linux-x86_64-linux-x86-64)
            set -- "$prog" "$lib" ;;
        Linux-x86_64-linux-aarch64)
            have qemu-aarch64 || die "$t: qemu-aarch64 not found (apt-get install qemu-user)"
            debian_unpack arm64 "$CACHE_ROOT/sysroot/arm64-glibc" libc6
            set -- qemu-aarch64 -L "$CACHE_ROOT/sysroot/arm64-glibc" "$prog" "$lib" ;;
        Linux-x86_64-linux-x86-64-musl)
            debian_unpack amd64 "$CACHE_ROOT/sysroot/amd64-musl" musl
            # musl's loader runs a program given to it, wherever the loader lives
            set -- "$CACHE_ROOT/sysroot/amd64-musl/lib/ld-musl-x86_64.so.1" "$prog" "$lib" ;;
        Linux-x86_64-linux-aarch64-musl)
            have qemu-aarch64 || die "$t: qemu-aarch64 not found (apt-get install qemu-user)"
            debian_unpack arm64 "$CACHE_ROOT/sysroot/arm64-musl" musl
            set -- qemu-aarch64 -L "$CACHE_ROOT/sysroot/arm64-musl" "$prog" "$lib" ;;
        Linux-x86_64-win32-x86-64)
            wine=$(wine_cmd) || die "$t: wine not found (apt-get install wine64)"
            mkdir -p "$WORK/wineprefix"
            set -- env WINEPREFIX="$WORK/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES=mscoree,mshtml= \
                "$wine" "$prog" "Z:$(printf '%s' "$lib" | sed 's:/:\\:g')" ;;
        *)
            log "$t: built the smoke program; this machine cannot run $t"
            BUILT_ONLY="$BUILT_ONLY $t"
            continue ;;
    esac
    case $1 in env) runner=wine ;; *) runner=${1##*/} ;; esac
    log "$t: running $(basename "$prog") under $runner"
    if "$@" >"$WORK/run-$t.log" 2>&1; then
        checks=$(grep -c '^ok: ' "$WORK/run-$t.log" || :)
        log "$t: passed ($checks checks)"
        PASSED="$PASSED $t"
    else
        grep -v '^wine: \|fixme:' "$WORK/run-$t.log" >&2 || :
        die "$t: the smoke test failed"
    fi
done
log "passed on:${PASSED:- none}"
if [ -n "$BUILT_ONLY" ]; then log "built, not run here:$BUILT_ONLY"; fi
