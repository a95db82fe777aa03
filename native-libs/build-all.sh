#!/bin/sh
# shellcheck disable=SC2086  # word splitting of the target list is intended
# Cross-builds the native library for every platform the jar carries, on one Linux x86-64
# machine, with one toolchain: zig's C compiler (clang plus the C libraries and SDK stubs of
# every target: glibc back to 2.17, musl, MinGW-w64 and macOS's libSystem), taken from the npm
# registry through the machine's npm and pinned by SHA-256.
#
# Usage: sh native-libs/build-all.sh <lib-out-dir> [<tests-out-dir>]
#
#   <lib-out-dir>/<platform>/<library>   for each platform below (the jar's folders)
#   <lib-out-dir>/META-INF/…             as native-libs/build.sh writes them
#
# Platforms: every line of native-libs/platforms.txt (jar folder, zig target, library, format):
#   linux-x86-64, linux-aarch64        glibc 2.17 and newer (CentOS 7, Debian 8, Ubuntu 14.04 on)
#   linux-x86-64-musl, -aarch64-musl   musl (Alpine); the loader picks these on musl systems
#   darwin-x86-64, darwin-aarch64      macOS 11 and newer
#   win32-x86-64, win32-aarch64        Windows 10 and newer (the Universal C Runtime it ships)
#
# Environment:
#   ZIG                  a zig binary to use instead of the pinned one
#   QJS_TARGETS          a subset of the platforms above (space-separated)
#   QJS_CHECK_REPRODUCIBLE=1
#                        build everything a second time from an empty object cache in another
#                        directory and fail unless every library is the same, byte for byte
#   QJS_PROFILE          the training run's profile the Linux libraries are compiled with
#                        (clang's -fprofile-use; default native-libs/pgo/quickjs.proftext, made
#                        by native-libs/pgo/profile.sh: see native-libs/pgo/README.md); empty: none
#   QJS_PROFILE_STRICT=1 fail when functions no longer match the profile (default: a warning)
#   QUICKJS_SRC, XDG_CACHE_HOME: as for build.sh
#
# Every library is checked after it is built: its format and CPU, that it exports only qjs_*
# (build.sh), what it links against, and for glibc the newest symbol version it needs.
# Needs: npm (the first time, to fetch zig), LLVM's binutils (Debian package llvm).
# POSIX sh (runs under dash).

set -eu

SCRIPT_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
LOG_TAG=quickjs-native
# log, die, have, cache_root, sha256_of, platform_field
. "$SCRIPT_DIR/lib.sh"

if [ $# -lt 1 ] || [ $# -gt 2 ] || [ -z "$1" ]; then
    echo "usage: sh native-libs/build-all.sh <lib-out-dir> [<tests-out-dir>]" >&2
    exit 2
fi
mkdir -p -- "$1"
LIB_OUT=$(CDPATH='' cd -- "$1" && pwd -P)
TESTS_OUT=${2:-}

CACHE_ROOT=$(cache_root)
mkdir -p "$CACHE_ROOT" || die "cannot create the cache $CACHE_ROOT"

# ALL_TARGETS, zig_target, library_name, find_zig
. "$SCRIPT_DIR/zig.sh"

for tool in llvm-readobj llvm-objdump llvm-nm llvm-profdata; do
    have "$tool" || die "$tool not found: install LLVM's tools (apt-get install llvm); they read the libraries of other platforms"
done

TARGETS=${QJS_TARGETS:-$ALL_TARGETS}
for t in $TARGETS; do
    zig_target "$t" >/dev/null || die "QJS_TARGETS: unknown platform '$t' (known: $ALL_TARGETS)"
done

# the profile of the training run (native-libs/pgo/README.md): its counts belong to the C code's
# branches and calls, the same on every target (a function whose code differs on a target is
# compiled there as without a profile, and build.sh says how many)
QJS_PROFILE=${QJS_PROFILE-$SCRIPT_DIR/pgo/quickjs.proftext}
[ -z "$QJS_PROFILE" ] || [ -f "$QJS_PROFILE" ] || die "QJS_PROFILE=$QJS_PROFILE: no such file (native-libs/pgo/profile.sh makes it)"

ZIG_BIN=$(find_zig)
zig_v=$("$ZIG_BIN" version) || die "$ZIG_BIN does not run"
log "zig $zig_v ($ZIG_BIN)"

# ----------------------------------------------------------------- checks ---

# check_library PLATFORM FILE: the library is what the platform loads, links only what every
# machine of that platform has, and needs no newer glibc than the floor.
check_library() {
    cl_head=$(llvm-readobj --file-headers "$2" 2>&1) || die "$1: llvm-readobj cannot read $2: $cl_head"
    cl_format=$(printf '%s\n' "$cl_head" | awk -F': ' '$1 == "Format" { print $2; exit }')
    cl_want=$(platform_field "$1" format)
    [ "$cl_format" = "$cl_want" ] || die "$1: $2 is '$cl_format', expected '$cl_want'"
    case $(platform_field "$1" os)-$(platform_field "$1" libc) in
        linux-musl)
            cl_needed=$(llvm-readobj --needed-libs "$2" | awk '/^  [^ ]/ { print $1 }' | tr '\n' ' ')
            [ "$cl_needed" = "libc.so " ] || die "$1: links $cl_needed; a musl library must need only libc.so (musl resolves it to itself)"
            cl_detail="needs $cl_needed" ;;
        linux-glibc)
            # the floor is the glibc version the zig target names (x86_64-linux-gnu.2.17)
            cl_floor=$(platform_field "$1" zig)
            cl_floor=${cl_floor##*-gnu.}
            cl_needed=$(llvm-readobj --needed-libs "$2" | awk '/^  [^ ]/ { print $1 }' | sort | tr '\n' ' ')
            for cl_lib in $cl_needed; do
                case $cl_lib in libc.so.6|libm.so.6|libpthread.so.0|libdl.so.2|ld-linux-x86-64.so.2|ld-linux-aarch64.so.1) ;;
                    *) die "$1: links $cl_lib, which glibc systems need not have" ;;
                esac
            done
            cl_newest=$(llvm-readobj --version-info "$2" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1)
            cl_top=$(printf '%s\n%s\n' "$cl_newest" "$cl_floor" | sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1)
            [ "$cl_top" = "$cl_floor" ] || die "$1: needs glibc $cl_newest, newer than $cl_floor"
            cl_detail="needs $cl_needed(glibc $cl_newest)" ;;
        darwin-*)
            # the first entry is the library's own install name
            cl_needed=$(llvm-objdump --macho --dylibs-used "$2" | awk 'NR > 1 && $1 != "@rpath/libquickjs-jsr223.dylib" { print $1 }' | tr '\n' ' ')
            [ "$cl_needed" = "/usr/lib/libSystem.B.dylib " ] || die "$1: links $cl_needed; only libSystem is on every Mac"
            cl_min=$(llvm-objdump --macho --private-headers "$2" | awk '$1 == "minos" { print $2; exit }')
            cl_detail="needs $cl_needed(macOS $cl_min)" ;;
        win32-*)
            cl_needed=$(llvm-objdump -p "$2" | awk '$1 == "DLL" && $2 == "Name:" { print $3 }' | sort | tr '\n' ' ')
            for cl_lib in $cl_needed; do
                case $cl_lib in KERNEL32.dll|msvcrt.dll|api-ms-win-*) ;;
                    *) die "$1: imports $cl_lib, which Windows does not ship" ;;
                esac
            done
            cl_detail="imports $(printf '%s\n' $cl_needed | grep -vc '^api-ms-win-crt-') DLL(s) and $(printf '%s\n' $cl_needed | grep -c '^api-ms-win-crt-') of the Universal C Runtime's" ;;
        *) die "$1: no check for the OS and C library of this platform (native-libs/platforms.txt)" ;;
    esac
    log "checked $1: $cl_format, $(wc -c <"$2" | tr -d ' ') bytes, $cl_detail"
}

# ------------------------------------------------------------------ build ---

# build_all OUT_DIR [TESTS_DIR]: every target into OUT_DIR through build.sh.
build_all() {
    for t in $TARGETS; do
        # a PE header holds a link time stamp: /Brepro makes it a hash of the content
        case $(platform_field "$t" os) in win32) ba_ld='-s -Wl,/Brepro' ;; *) ba_ld='-s' ;; esac
        # the profile for the Linux targets only: with it the macOS and Windows libraries grew by
        # more than issue 20's limit of 20% or it hardly applied (native-libs/pgo/README.md)
        case $(platform_field "$t" os) in
            linux) ba_profile=$QJS_PROFILE ;;
            *) ba_profile='' ;;
        esac
        QJS_PROFILE=$ba_profile \
        QJS_TARGET=$t CC="$ZIG_BIN cc -target $(zig_target "$t")" LDFLAGS="${LDFLAGS:-} $ba_ld" \
            ZIG_GLOBAL_CACHE_DIR=${ZIG_GLOBAL_CACHE_DIR:-$CACHE_ROOT/zig-cache} \
            ZIG_LOCAL_CACHE_DIR=${ZIG_LOCAL_CACHE_DIR:-$CACHE_ROOT/zig-cache} \
            sh "$SCRIPT_DIR/build.sh" "$1" ${2:+"$2"} || die "building $t failed"
        check_library "$t" "$1/$t/$(library_name "$t")"
    done
}

build_all "$LIB_OUT" $TESTS_OUT

if [ "${QJS_CHECK_REPRODUCIBLE:-0}" = 1 ]; then
    # Another output directory, another object cache and zig cache, another source path: a
    # path or a time stamp that leaked into a library shows here.
    rp_tmp=$(mktemp -d "${TMPDIR:-/tmp}/quickjs-reproduce.XXXXXX")
    trap 'rm -rf "$rp_tmp"' EXIT
    mkdir -p "$rp_tmp/cache/quickjs-jsr223"
    # the verified source the first build used (fetch-quickjs.sh), copied to another path
    rp_src=$(sh "$SCRIPT_DIR/fetch-quickjs.sh" "$rp_tmp/fetched") || die "no verified QuickJS source"
    cp -R "$rp_src" "$rp_tmp/source"
    log "reproducibility: building everything again in $rp_tmp"
    (
        export XDG_CACHE_HOME="$rp_tmp/cache"
        export ZIG_GLOBAL_CACHE_DIR="$rp_tmp/cache/zig" ZIG_LOCAL_CACHE_DIR="$rp_tmp/cache/zig"
        export QUICKJS_SRC="$rp_tmp/source"
        build_all "$rp_tmp/out"
    ) || die "the second build failed"
    rp_bad=''
    for t in $TARGETS; do
        f=$t/$(library_name "$t")
        if cmp -s "$LIB_OUT/$f" "$rp_tmp/out/$f"; then
            log "reproducible: $f $(sha256_of "$LIB_OUT/$f")"
        else
            rp_bad="$rp_bad $f"
        fi
    done
    [ -z "$rp_bad" ] || die "not reproducible: a second build gave other bytes for$rp_bad"
fi
log "built $(echo $TARGETS | wc -w | tr -d ' ') platform(s) into $LIB_OUT"
