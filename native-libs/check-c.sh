#!/bin/sh
# Static analysis of our C code: native-libs/src/*.c, *.h and *.inc (a part of a .c file kept
# apart: qjs_internal_debug.inc) and include/qjs_shim.h, never
# QuickJS's own files (their headers are read as system headers, their findings dropped).
# Three passes, each failing on any finding:
#   1. the compiler's warnings (-Wall -Wextra and more, unused static functions included);
#   2. cppcheck (warning, style, performance, portability) over the shim's files;
#   3. clang-tidy (the Clang static analyzer, bugprone-*, cert-*, misc-*, performance-*,
#      portability-*) over every file, qjs_internal.c (which compiles QuickJS) and the part
#      it includes included.
# A false positive gets a targeted inline suppression with its reason, e.g.
#   memcpy(p, "//", 2); /* NOLINT(bugprone-not-null-terminated-result) */
#   /* cppcheck-suppress knownConditionTrueFalse ; why */
# The checks turned off below are turned off for the whole code, each with its reason.
#
# Usage: sh native-libs/check-c.sh
#
# QuickJS's headers come from the verified source every build uses, through fetch-quickjs.sh
# ($QUICKJS_SRC, the per-user cache, or a fresh fetch), with our patches applied (patch(1)).
# Installs cppcheck and clang-tidy (Debian packages of those names) when they are missing and
# this runs as root with apt-get; otherwise says what to install.
# Environment: CC (default cc) for pass 1. POSIX sh (runs under dash).

set -eu

SCRIPT_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
# shellcheck disable=SC2034  # LOG_TAG and DIE_WORD are read by lib.sh
LOG_TAG=check-c
# shellcheck disable=SC2034
DIE_WORD=FAILED
# log, die, have
. "$SCRIPT_DIR/lib.sh"

START=$(date +%s)
CC=${CC:-cc}

# ------------------------------------------------------------------ tools ---

missing=''
have "$CC" || missing="$missing gcc"
have cppcheck || missing="$missing cppcheck"
have clang-tidy || missing="$missing clang-tidy"
have patch || missing="$missing patch"
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && have apt-get; then
        log "installing$missing"
        apt-get update -qq
        # shellcheck disable=SC2086  # a list of package names
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
        die "missing:$missing (apt-get install$missing)"
    fi
fi

# ------------------------------------------------------ QuickJS's headers ---

# fetch-quickjs.sh finds (or fetches) and verifies the source and prints its folder; a
# $QUICKJS_SRC tarball is unpacked into QJS_WORK, removed at exit
QJS_WORK=$(mktemp -d)
QJS_DIR=$(sh "$SCRIPT_DIR/fetch-quickjs.sh" "$QJS_WORK") \
    || { rm -rf "$QJS_WORK"; die "fetch-quickjs.sh could not provide the QuickJS source"; }
[ -f "$QJS_DIR/quickjs.h" ] || { rm -rf "$QJS_WORK"; die "no quickjs.h in $QJS_DIR"; }
QJS_DIR=$(CDPATH='' cd -- "$QJS_DIR" && pwd -P)
# our patches (native-libs/patches/*.patch, in the order of their names) applied to a copy, as
# build.sh compiles it: qjs_internal.c reads what they add (patch 11's fields and table)
cp -R "$QJS_DIR" "$QJS_WORK/patched" || { rm -rf "$QJS_WORK"; die "could not copy $QJS_DIR"; }
for p in "$SCRIPT_DIR"/patches/*.patch; do
    [ -f "$p" ] || continue
    patch -s -p1 -d "$QJS_WORK/patched" <"$p" >/dev/null \
        || { rm -rf "$QJS_WORK"; die "the patch ${p##*/} does not apply"; }
done
QJS_DIR=$QJS_WORK/patched

cd "$SCRIPT_DIR"
SOURCES=$(ls src/*.c)
# qjs_internal.c compiles QuickJS itself (#include "quickjs.c"): clang-tidy reads it, the other
# passes would spend their time on QuickJS
SHIM_SOURCES=$(printf '%s\n' "$SOURCES" | grep -v '^src/qjs_internal\.c$')
DEFINES='-D_GNU_SOURCE -DNDEBUG'
# qjs_jni.c: the JDK's jni.h with our jni/jni_md.h, as build.sh compiles it (system headers, so
# only our own code is checked)
JNI_INCLUDE=$(jni_include) || die "no jni.h found: set JAVA_HOME to a JDK 17+"

OUT=$(mktemp -d)
trap 'rm -rf "$OUT" "$QJS_WORK"' EXIT
: >"$OUT/findings"

# ------------------------------------------------ 1. the compiler's warnings ---

T0=$(date +%s)
for f in $SHIM_SOURCES; do
    # -c (not -fsyntax-only): unused static functions are only reported by a compiling run
    # shellcheck disable=SC2086  # DEFINES is a list of flags
    $CC -c -o /dev/null -O1 -std=gnu11 $DEFINES -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes \
        -Wshadow -Wformat=2 -Wno-unused-parameter -Iinclude -Isrc -isystem "$QJS_DIR" -isystem "$JNI_INCLUDE" -isystem jni "$f" >"$OUT/cc.log" 2>&1 \
        || echo "$f: does not compile" >>"$OUT/findings"
    grep -E 'warning:|error:' "$OUT/cc.log" >>"$OUT/findings" || :
done
n_cc=$(grep -c . "$OUT/findings" || :)
log "compiler warnings: $n_cc ($(( $(date +%s) - T0 )) s)"

# ----------------------------------------------------------- 2. cppcheck ---

# variableScope: the house style declares a function's variables at the top of its block, as
# QuickJS does
T0=$(date +%s)
# shellcheck disable=SC2086  # lists of files and flags
cppcheck -q --std=c11 --enable=warning,style,performance,portability --inline-suppr \
    --suppress=variableScope --suppress=missingIncludeSystem --suppress="*:$QJS_DIR/*" \
    -D_GNU_SOURCE -DNDEBUG -D__GNUC__ -Iinclude -Isrc -I"$QJS_DIR" -I"$JNI_INCLUDE" -Ijni \
    --template='{file}:{line}:{column}: {severity}: {message} [cppcheck-{id}]' \
    $SHIM_SOURCES >"$OUT/cppcheck.log" 2>&1 || echo "cppcheck failed: $(tail -n 1 "$OUT/cppcheck.log")" >>"$OUT/findings"
grep -E '^[^ ]+:[0-9]+:[0-9]+: ' "$OUT/cppcheck.log" >>"$OUT/findings" || :
n_cpp=$(( $(grep -c . "$OUT/findings" || :) - n_cc ))
log "cppcheck: $n_cpp ($(( $(date +%s) - T0 )) s)"

# --------------------------------------------------------- 3. clang-tidy ---

# Turned off for the whole code:
#   bugprone-easily-swappable-parameters  the QuickJS API's own shape (ctx, value, value ...)
#   clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling  asks for memcpy_s
#       (Annex K), which neither glibc nor musl has; every length is checked before the copy
#   misc-no-recursion  the recursive walks (deep copy, inspection) are bounded by depth limits
#       and by QuickJS's stack check
#   performance-no-int-to-ptr  handles, realms and buffers cross JNA as 64-bit integers by design
TIDY_CHECKS='-*,clang-analyzer-*,bugprone-*,cert-*,misc-*,performance-*,portability-*'
TIDY_CHECKS="$TIDY_CHECKS,-bugprone-easily-swappable-parameters"
TIDY_CHECKS="$TIDY_CHECKS,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling"
TIDY_CHECKS="$TIDY_CHECKS,-misc-no-recursion,-performance-no-int-to-ptr"
T0=$(date +%s)
JOBS=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
case $JOBS in ''|*[!0-9]*|0) JOBS=2 ;; esac
# one clang-tidy per file, JOBS at a time; each writes its own log. The header filter takes our
# headers and the .inc part by the path clang-tidy names them with, relative ("src/qjs_x.h")
# or absolute: a filter that asked for a leading "/" let every finding in them pass unseen.
# shellcheck disable=SC2016,SC2086  # $1 to $6 belong to the inner shell; SOURCES is a list
printf '%s\n' $SOURCES | xargs -P "$JOBS" -I '{}' sh -c '
    f=$1; out=$2/tidy.$(basename "$1").log
    clang-tidy -quiet --checks="$3" --header-filter="$4" "$f" -- \
        -std=gnu11 -D_GNU_SOURCE -DNDEBUG "-DCONFIG_VERSION=\"2025-04-26\"" \
        -Iinclude -Isrc -isystem "$5" -isystem "$6" -isystem jni >"$out" 2>&1 || :
' sh '{}' "$OUT" "$TIDY_CHECKS" '(^|/)(src|include)/qjs_[a-z_]*[.](h|inc)$' "$QJS_DIR" "$JNI_INCLUDE"
for log_file in "$OUT"/tidy.*.log; do
    grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$log_file" >>"$OUT/findings" || :
    if grep -q -E 'Error while processing|error: unknown|fatal error' "$log_file"; then
        echo "clang-tidy could not read ${log_file#"$OUT"/tidy.}: $(grep -m 1 -E 'error' "$log_file")" >>"$OUT/findings"
    fi
done
n_tidy=$(( $(grep -c . "$OUT/findings" || :) - n_cc - n_cpp ))
log "clang-tidy: $n_tidy ($(( $(date +%s) - T0 )) s)"

# ---------------------------------------------------------------- result ---

n=$(sort -u "$OUT/findings" | grep -c . || :)
if [ "$n" -gt 0 ]; then
    sort -u "$OUT/findings" | sed "s#^$SCRIPT_DIR/##" >&2
    die "$n finding(s) in our C code: fix each, or suppress a false positive on its line with the reason"
fi
# shellcheck disable=SC2086  # SOURCES is a list
log "PASSED: no findings in $(printf '%s\n' $SOURCES | wc -l | tr -d ' ') C files and their headers ($(( $(date +%s) - START )) s)"
