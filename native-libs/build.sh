#!/bin/sh
# Builds the native part of quickjs-jsr223: QuickJS 2025-04-26 plus our C shim
# (native-libs/src/*.c) as one shared library laid out for JNA.
#
# Usage: sh native-libs/build.sh <lib-out-dir> [<tests-out-dir>]
#
#   <lib-out-dir>/<jna-prefix>/<libname>         the library, e.g.
#                                                linux-x86-64/libquickjs-jsr223.so
#   <lib-out-dir>/META-INF/LICENSE-quickjs.txt   QuickJS's LICENSE
#   <tests-out-dir>/*.js                         QuickJS's tests/*.js (optional)
#
# The QuickJS source comes from native-libs/fetch-quickjs.sh, which takes it from, first that
# works, $QUICKJS_SRC (an unpacked release directory or a .tar.xz/.tar.gz/.tgz), the cache
# ${XDG_CACHE_HOME:-$HOME/.cache}/quickjs-jsr223/quickjs-2025.04.26/, the upstream release
# tarball, or Debian's source package `quickjs` (trixie), and checks every file we use against
# the SHA-256 manifest native-libs/quickjs.sha256. This script only builds.
#
# The QuickJS fixes are the patch files in native-libs/patches/, applied in the order of their
# names (see "patches" below); the platforms a cross build may name are the lines of
# native-libs/platforms.txt.
#
# Objects are cached by content under ${XDG_CACHE_HOME:-$HOME/.cache}/quickjs-jsr223/obj/
# and the link is skipped when nothing changed. Environment: CC, CFLAGS, LDFLAGS; QJS_PROFILE, a
# training run's profile for clang (native-libs/pgo/README.md; build-all.sh gives it).
#
# Cross builds (native-libs/build-all.sh drives them): QJS_TARGET names the jar folder to build
# for (a platform of native-libs/platforms.txt, such as linux-aarch64-musl or win32-x86-64)
# instead of this machine, and CC must be a compiler for it (e.g. "zig cc -target
# aarch64-linux-gnu.2.17"). The exported-symbol check then reads the library with
# llvm-nm/llvm-objdump/llvm-readobj (Debian package llvm).
# POSIX sh (runs under dash).

set -eu

QJS_VERSION=2025-04-26

# QuickJS sources compiled on their own (quickjs.c is #included by our shim).
QJS_C_SOURCES='libregexp.c libunicode.c cutils.c dtoa.c'

# -I paths are passed separately (quoted), so paths with spaces work.
BASE_CFLAGS='-O2 -fPIC -fwrapv -fvisibility=hidden -DNDEBUG -D_GNU_SOURCE -DCONFIG_VERSION="2025-04-26"'

# ---------------------------------------------------------------- helpers ---

SCRIPT_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
LOG_TAG=quickjs-native
# log, die, have, platform_field, all_platforms, os_library
. "$SCRIPT_DIR/lib.sh"

# the pinned per-file SHA-256 of the release: fetch-quickjs.sh verifies the source against it, a
# patch may change only its files, and its text goes into every object's cache key
QJS_MANIFEST=$(cat "$SCRIPT_DIR/quickjs.sha256") || die "cannot read $SCRIPT_DIR/quickjs.sha256"
QJS_MANIFEST_FILES=$(printf '%s\n' "$QJS_MANIFEST" | awk '{ print $2 }')

TMP_ROOT=''
CLEANUP_PATHS=''
cleanup() {
    if [ -n "$CLEANUP_PATHS" ]; then
        # shellcheck disable=SC2086  # paths are created by us, without spaces
        rm -rf $CLEANUP_PATHS 2>/dev/null || :
    fi
    if [ -n "$TMP_ROOT" ]; then rm -rf "$TMP_ROOT" 2>/dev/null || :; fi
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# Absolute path of a directory (created if needed).
abs_dir() {
    mkdir -p -- "$1" || die "cannot create directory '$1'"
    (CDPATH='' cd -- "$1" && pwd -P)
}

SHA_CMD=''
if have sha256sum; then SHA_CMD='sha256sum'
elif have shasum; then SHA_CMD='shasum -a 256'
else die "neither sha256sum nor shasum found: install coreutils (or perl's shasum)"
fi

# sha256 of stdin
sha256_stdin() {
    s_out=$($SHA_CMD) || return 1
    printf '%s\n' "${s_out%% *}"
}
sha256_file() { sha256_stdin <"$1"; }

# ------------------------------------------------------------- arguments ---

if [ $# -lt 1 ] || [ $# -gt 2 ] || [ -z "$1" ]; then
    echo "usage: sh native-libs/build.sh <lib-out-dir> [<tests-out-dir>]" >&2
    exit 2
fi

NATIVE_DIR=$SCRIPT_DIR
INCLUDE_DIR=$NATIVE_DIR/include
SHIM_SRC_DIR=$NATIVE_DIR/src

LIB_OUT=$(abs_dir "$1")
TESTS_OUT=''
if [ $# -ge 2 ] && [ -n "$2" ]; then TESTS_OUT=$(abs_dir "$2"); fi

# ------------------------------------------------------------- platform ----

if [ -n "${QJS_TARGET:-}" ]; then
    OS=$(platform_field "$QJS_TARGET" os) \
        || die "QJS_TARGET=$QJS_TARGET is not a platform of native-libs/platforms.txt ($(all_platforms))"
    [ -n "${CC:-}" ] || die "QJS_TARGET=$QJS_TARGET needs CC set to a compiler for that platform (native-libs/build-all.sh sets it)"
    PREFIX=$QJS_TARGET
    CROSS=true
else
    case $(uname -s) in
        Linux*) OS=linux ;;
        Darwin*) OS=darwin ;;
        MINGW*|MSYS*|CYGWIN*|Windows_NT*) OS=win32 ;;
        *) die "unsupported OS: $(uname -s)" ;;
    esac
    case $(uname -m) in
        x86_64|amd64|AMD64|x64) ARCH=x86-64 ;;
        aarch64|arm64|ARM64) ARCH=aarch64 ;;
        i386|i486|i586|i686|x86) ARCH=x86 ;;
        armv7*|armv6*|arm) ARCH=arm ;;
        ppc64le|powerpc64le) ARCH=ppc64le ;;
        riscv64) ARCH=riscv64 ;;
        s390x) ARCH=s390x ;;
        loongarch64) ARCH=loongarch64 ;;
        *) die "unsupported CPU architecture: $(uname -m)" ;;
    esac
    PREFIX=$OS-$ARCH
    # JNA names no musl platform; the loader looks for <prefix>-musl on musl systems.
    if [ "$OS" = linux ] && { ldd --version 2>&1 | grep -qi musl; }; then PREFIX=$PREFIX-musl; fi
    CROSS=false
fi
# the library's name, as native-libs/platforms.txt gives it for the platform (or for this OS)
if [ "$CROSS" = true ]; then LIBNAME=$(platform_field "$QJS_TARGET" library)
else LIBNAME=$(os_library "$OS") || die "native-libs/platforms.txt names no library for $OS"
fi
if [ "$OS" = win32 ]; then
    # Windows has no <pthread.h>: ours maps the few calls onto Win32 (see the header)
    BASE_CFLAGS=$(printf '%s\n' "$BASE_CFLAGS" | sed 's/ -fPIC//')
fi
if [ "$OS" = linux ]; then
    # Linux's ABIs unwind by tables, so the interpreter may have its frame pointer's register
    # (gcc's -O2 does that already; clang, as zig's, keeps frame pointers unless told): 3% on
    # bench's compute mix with the release libraries (native-libs/pgo/README.md). Apple's and
    # Windows' arm64 ABIs want the frame chain, and the other targets keep their defaults.
    BASE_CFLAGS="$BASE_CFLAGS -fomit-frame-pointer"
fi
LIB_DIR=$LIB_OUT/$PREFIX
LIB_PATH=$LIB_DIR/$LIBNAME

# ------------------------------------------------------------- compiler ----

if [ -n "${CC:-}" ]; then
    CC_CMD=$CC
    # shellcheck disable=SC2086  # CC may be a command with arguments ("zig cc -target ...")
    set -- $CC_CMD
    if ! have "$1"; then
        die "C compiler not found: CC='$CC'. Unset CC or install one (e.g. apt-get install gcc)."
    fi
else
    CC_CMD=''
    for c in cc gcc clang; do
        if have "$c"; then CC_CMD=$c; break; fi
    done
    [ -n "$CC_CMD" ] || die "no C compiler found (cc, gcc, clang): install one, e.g. apt-get install gcc xz-utils"
    # shellcheck disable=SC2086  # CC may be a command with arguments ("zig cc -target ...")
    set -- $CC_CMD
fi
CC_PATH=$(command -v "$1")
# shellcheck disable=SC2086
CC_VERSION=$($CC_CMD --version 2>/dev/null | sed -n 1p) || :
[ -n "$CC_VERSION" ] || die "C compiler '$CC_CMD' does not run ('$CC_CMD --version' failed): install gcc (apt-get install gcc) or set CC"
COMPILER_ID="cc=$CC_CMD path=$CC_PATH version=$CC_VERSION"

# ---------------------------------------------------------------- caches ---

if [ -n "${XDG_CACHE_HOME:-}" ]; then CACHE_ROOT=$XDG_CACHE_HOME/quickjs-jsr223
elif [ -n "${HOME:-}" ]; then CACHE_ROOT=$HOME/.cache/quickjs-jsr223
else CACHE_ROOT=$(dirname -- "$LIB_OUT")/native-obj
fi
if ! mkdir -p "$CACHE_ROOT/obj" "$CACHE_ROOT/stamps" 2>/dev/null; then
    fallback=$(dirname -- "$LIB_OUT")/native-obj
    log "cache $CACHE_ROOT is not writable; using $fallback"
    CACHE_ROOT=$fallback
    mkdir -p "$CACHE_ROOT/obj" "$CACHE_ROOT/stamps" || die "cannot create $CACHE_ROOT"
fi
case $CACHE_ROOT in /*) ;; *) CACHE_ROOT=$(abs_dir "$CACHE_ROOT") ;; esac
OBJ_DIR=$CACHE_ROOT/obj

TMP_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/quickjs-native.XXXXXX") || die "mktemp failed"

# ---------------------------------------------------------------- source ---

# the verified QuickJS source folder (native-libs/fetch-quickjs.sh: $QUICKJS_SRC, the cache, the
# upstream tarball or Debian's source package; a tarball it unpacks goes into our temporary folder)
QJS_DIR=$(sh "$SCRIPT_DIR/fetch-quickjs.sh" --cache-root "$CACHE_ROOT" --origin-file "$TMP_ROOT/origin" "$TMP_ROOT") \
    || exit 1
QJS_ORIGIN=$(cat "$TMP_ROOT/origin")

# ------------------------------------------------------------ patches -------

# Fixes to the verified source: every native-libs/patches/*.patch, in the order of their names,
# applied to a copy (the verified tree is never changed). Each is a unified diff (git apply and
# patch -p1 read it too) whose header gives its reason and any upstream reference. Here each
# hunk applies by content, not by line number: its old lines (context and removed) must occur
# in the file exactly once, as one block, or the build stops, so a different source fails here
# instead of building something unreviewed. A patch may change only files of the manifest.
# A new fix: copy the source with the earlier patches applied to a/ and b/, edit b/, and write
# `diff -u a/FILE b/FILE` under a header of its own into the next NN-name.patch.
PATCH_SRC_DIR=$NATIVE_DIR/patches
PATCHED_DIR=$TMP_ROOT/patched
PATCHED_FILES=''
mkdir -p "$PATCHED_DIR"

# awk program: with -v list=1 and a patch, prints the files it changes (its "+++ b/FILE" lines);
# with -v want=FILE, a patch and FILE's current text, prints FILE with the patch's hunks for it
# applied, or fails with a message naming the hunk that does not match exactly once.
# shellcheck disable=SC2016  # an awk program: its $ are awk's
APPLY_PATCH_AWK='
function fail(msg) { printf "%s: %s\n", patch, msg > "/dev/stderr"; failed = 1; exit 1 }
FNR == NR {
    if (left_old > 0 || left_new > 0) {
        t = substr($0, 1, 1); line = substr($0, 2)
        if ($0 == "") { t = " "; line = "" }
        if (t == " ") { if (cur) { old[h, ++no[h]] = line; new[h, ++nn[h]] = line }; left_old--; left_new-- }
        else if (t == "-") { if (cur) old[h, ++no[h]] = line; left_old-- }
        else if (t == "+") { if (cur) new[h, ++nn[h]] = line; left_new-- }
        else fail("line " FNR ": not a line of a hunk: " $0)
        if (left_old < 0 || left_new < 0) fail("line " FNR ": the hunk is longer than its @@ line says")
        next
    }
    if ($0 ~ /^\\/) fail("line " FNR ": a file without a final newline is not supported")
    if ($0 ~ /^\+\+\+ /) {
        f = $2; sub(/^b\//, "", f)
        if (list) print f
        cur = (f == want); next
    }
    if ($0 ~ /^@@ -[0-9]+(,[0-9]+)? \+[0-9]+(,[0-9]+)? @@/) {
        k = split(substr($2, 2), o, ","); left_old = k > 1 ? o[2] + 0 : 1
        k = split(substr($3, 2), o, ","); left_new = k > 1 ? o[2] + 0 : 1
        if (cur) { h++; no[h] = 0; nn[h] = 0 }
        next
    }
    next
}
{ src[++n] = $0 }
END {
    if (failed || list) exit failed
    if (left_old > 0 || left_new > 0) fail("the last hunk ends early")
    for (k = 1; k <= h; k++) {
        if (no[k] == 0) fail("hunk " k " for " want " has no old lines to find")
        hits = 0
        for (i = 1; i + no[k] - 1 <= n; i++) {
            if (src[i] != old[k, 1]) continue
            for (j = 2; j <= no[k] && src[i + j - 1] == old[k, j]; j++) ;
            if (j > no[k]) { hits++; at = i }
        }
        if (hits != 1) fail("hunk " k " for " want " expects its " no[k] " old lines exactly once, found them " hits " times")
        m = 0
        for (i = 1; i < at; i++) out[++m] = src[i]
        for (j = 1; j <= nn[k]; j++) out[++m] = new[k, j]
        for (i = at + no[k]; i <= n; i++) out[++m] = src[i]
        n = m
        for (i = 1; i <= n; i++) src[i] = out[i]
    }
    for (i = 1; i <= n; i++) print src[i]
}'

n_patches=0
for p in "$PATCH_SRC_DIR"/*.patch; do
    [ -f "$p" ] || continue
    n_patches=$((n_patches + 1))
    p_files=$(awk -v list=1 -v patch="$p" "$APPLY_PATCH_AWK" "$p" /dev/null) || die "cannot read the patch $p"
    [ -n "$p_files" ] || die "the patch $p changes no file"
    for f in $p_files; do
        printf '%s\n' "$QJS_MANIFEST_FILES" | grep -qx -F -- "$f" \
            || die "the patch $p changes $f, which is no file of the QuickJS $QJS_VERSION manifest"
        src=$PATCHED_DIR/$f
        if [ ! -f "$src" ]; then
            cp "$QJS_DIR/$f" "$src"
            PATCHED_FILES="$PATCHED_FILES $f"
        fi
        if ! awk -v want="$f" -v patch="$p" "$APPLY_PATCH_AWK" "$p" "$src" >"$src.tmp"; then
            die "the patch ${p##*/} does not apply to $f (QuickJS from $QJS_ORIGIN)"
        fi
        mv -f "$src.tmp" "$src" || die "could not write the patched $f"
    done
done
[ -n "$PATCHED_FILES" ] || die "no QuickJS patch in $PATCH_SRC_DIR"
# the patched files' content (in the order the patches first touch them) goes into every cache key
# shellcheck disable=SC2086  # file names from the manifest, without spaces
PATCH_DIGEST=$(cd "$PATCHED_DIR" && $SHA_CMD $PATCHED_FILES | sha256_stdin)

# ------------------------------------------------------------ cache keys ----

# Flags as they go into the keys: source/include paths are replaced by
# placeholders (their content is hashed instead), so the objects can be shared
# between checkouts and source locations.
USER_CFLAGS=${CFLAGS:-}
USER_LDFLAGS=${LDFLAGS:-}
COMPAT_INCLUDE=''
if [ "$OS" = win32 ]; then COMPAT_INCLUDE=$NATIVE_DIR/compat/win32; fi
# The JNI binding (src/qjs_jni.c) needs jni.h: the building JDK's (platform-neutral; lib.sh's
# jni_include finds it), with our own native-libs/jni/jni_md.h for every target, so a cross
# build needs no JDK of the other system. Its digest goes into the objects' keys.
JNI_INCLUDE=$(jni_include) || die "no jni.h found: set JAVA_HOME to a JDK 17+ (a JRE has no include/ folder)"
JNI_DIGEST=$(sha256_file "$JNI_INCLUDE/jni.h")
FLAGS_KEY="$BASE_CFLAGS -I<quickjs> -I<native-libs/include> -I<native-libs/jni> -I<jni.h $JNI_DIGEST> ${COMPAT_INCLUDE:+-I<native-libs/compat/win32>} $USER_CFLAGS"

# Every header the sources may see: native-libs/include/*, the non-.c files in
# native-libs/src, and QuickJS (all of it verified against the manifest, so the
# manifest stands for its content, quickjs.c included).
# shellcheck disable=SC2086  # SHA_CMD may be "shasum -a 256"
HDR_LIST=$( (cd "$NATIVE_DIR" && find include src compat jni -type f ! -name '*.c' ! -name '.*' ! -name '*~' -exec $SHA_CMD {} + 2>/dev/null) | LC_ALL=C sort -k 2) || :
HDR_DIGEST=$(printf '%s\n%s\n%s\n' "$HDR_LIST" "$QJS_MANIFEST" "$PATCH_DIGEST" | sha256_stdin)

SHIM_SOURCES=''
for s in "$SHIM_SRC_DIR"/*.c; do
    [ -f "$s" ] || continue
    case $s in *' '*) die "source file names must not contain spaces: $s" ;; esac
    SHIM_SOURCES="$SHIM_SOURCES $s"
done
[ -n "$SHIM_SOURCES" ] || log "warning: no shim sources in $SHIM_SRC_DIR (the library will export nothing)"
case $QJS_DIR in *' '*)
    # keep word-splitting of the source list safe
    ln -s "$QJS_DIR" "$TMP_ROOT/qjs"
    QJS_DIR=$TMP_ROOT/qjs ;;
esac
ALL_SOURCES=$SHIM_SOURCES
# a QuickJS source a patch changed is compiled from its patched copy
for s in $QJS_C_SOURCES; do
    if [ -f "$PATCHED_DIR/$s" ]; then
        ALL_SOURCES="$ALL_SOURCES $PATCHED_DIR/$s"
    else
        ALL_SOURCES="$ALL_SOURCES $QJS_DIR/$s"
    fi
done

# ---------------------------------------------------------------- profile ---

# QJS_PROFILE: a profile of a training run in LLVM's text format for instrumentation profiles
# (native-libs/pgo/README.md), for clang's -fprofile-use; build-all.sh gives
# native-libs/pgo/quickjs.proftext. llvm-profdata (LLVM_PROFDATA, default llvm-profdata; Debian
# package llvm) turns it into the indexed form clang reads; that file's digest goes into the
# objects' keys. clang names each function whose code no longer matches its profile ("function
# control flow change detected (hash mismatch)"): it is compiled as without one, and the build
# warns, or fails with QJS_PROFILE_STRICT=1 (on linux-x86-64, where the profile is made).
PROFILE_CFLAGS=''
if [ -n "${QJS_PROFILE:-}" ]; then
    [ -f "$QJS_PROFILE" ] || die "QJS_PROFILE=$QJS_PROFILE: no such file"
    case $CC_VERSION in
        *clang*) ;;
        *) die "QJS_PROFILE needs clang (-fprofile-use), not $CC_VERSION" ;;
    esac
    LLVM_PROFDATA=${LLVM_PROFDATA:-llvm-profdata}
    have "$LLVM_PROFDATA" || die "$LLVM_PROFDATA not found: install LLVM's tools (apt-get install llvm) or set LLVM_PROFDATA"
    "$LLVM_PROFDATA" merge -o "$TMP_ROOT/quickjs.profdata" "$QJS_PROFILE" >"$TMP_ROOT/profdata.log" 2>&1 \
        || { cat "$TMP_ROOT/profdata.log" >&2; die "$LLVM_PROFDATA cannot read the profile $QJS_PROFILE"; }
    # PGO_FLAGS, PGO_USE_FLAGS
    . "$NATIVE_DIR/pgo/flags.sh"
    PROFILE_CFLAGS="-fprofile-use=$TMP_ROOT/quickjs.profdata $PGO_FLAGS $PGO_USE_FLAGS"
    FLAGS_KEY="$FLAGS_KEY -fprofile-use=<profile $(sha256_file "$TMP_ROOT/quickjs.profdata")> $PGO_FLAGS $PGO_USE_FLAGS"
fi

key_of() {
    { printf '%s\n' "$COMPILER_ID" "$FLAGS_KEY" "$HDR_DIGEST"; cat "$1"; } | sha256_stdin
}

KEYS=''
for s in $ALL_SOURCES; do
    k=$(key_of "$s") || die "cannot read $s"
    KEYS="$KEYS $k"
done

# Only the qjs_* API and the JNI binding's registration leave the library: -fvisibility=hidden hides our code and QuickJS's, the
# version script (ELF) also what the toolchain links in (compiler runtime helpers such as
# __divtc3 would otherwise be exported by some linkers).
EXPORTS_MAP=$TMP_ROOT/exports.map
printf '{\n  global: qjs_*; Java_dev_qjs_internal_bridge_JniBinding_*;\n  local: *;\n};\n' >"$EXPORTS_MAP"
case $OS in
    linux) LINK_FLAGS="-shared -Wl,-z,noexecstack -Wl,--as-needed -static-libgcc -Wl,--version-script=$EXPORTS_MAP"
           LINK_LIBS="-lm -lpthread"
           LINK_FLAGS="$LINK_FLAGS -Wl,-soname,$LIBNAME" ;;
    darwin) LINK_FLAGS="-dynamiclib -Wl,-install_name,@rpath/$LIBNAME"; LINK_LIBS='-lm' ;;
    win32) LINK_FLAGS='-shared -static-libgcc'; LINK_LIBS='' ;;
esac

STAMP_DESC=$(printf '%s\n' "format=1" "$COMPILER_ID" "out=$LIB_PATH" "link=$(printf '%s\n' "$LINK_FLAGS" | sed "s#$EXPORTS_MAP#<exports.map>#") $USER_CFLAGS $USER_LDFLAGS $LINK_LIBS" "objects=$KEYS")
STAMP_FILE=$CACHE_ROOT/stamps/$(printf '%s\n' "$LIB_PATH" | sha256_stdin).stamp

# ----------------------------------------------------------- side outputs ---

copy_side_outputs() {
    mkdir -p "$LIB_OUT/META-INF"
    if ! cmp -s "$QJS_DIR/LICENSE" "$LIB_OUT/META-INF/LICENSE-quickjs.txt" 2>/dev/null; then
        cp "$QJS_DIR/LICENSE" "$LIB_OUT/META-INF/LICENSE-quickjs.txt"
    fi
    if [ -n "$TESTS_OUT" ]; then
        n=0
        for t in "$QJS_DIR"/tests/*.js; do
            [ -f "$t" ] || continue
            cp "$t" "$TESTS_OUT/"
            n=$((n + 1))
        done
        [ "$n" -gt 0 ] || log "warning: no tests/*.js in the QuickJS source ($QJS_ORIGIN)"
    fi
}

# ------------------------------------------------------------ up to date? ---

if [ -f "$LIB_PATH" ] && [ -f "$STAMP_FILE" ]; then
    lib_sum=$(sha256_file "$LIB_PATH")
    if [ "$(cat "$STAMP_FILE")" = "$STAMP_DESC
lib=$lib_sum" ]; then
        copy_side_outputs
        log "up to date: $LIB_PATH"
        exit 0
    fi
fi

# --------------------------------------------------------------- compile ----

log "building $PREFIX/$LIBNAME with $CC_CMD ($CC_VERSION); QuickJS from $QJS_ORIGIN"

NCPU=$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null || echo 2)
case $NCPU in ''|*[!0-9]*) NCPU=2 ;; esac
MAX_JOBS=$((NCPU < 2 ? 4 : NCPU * 2))

# wait for the oldest running compile (POSIX sh has no `wait -n`)
wait_oldest() {
    # shellcheck disable=SC2086
    set -- $PIDS
    wait "$1" || :
    shift
    PIDS="$*"
}

JOBDIR=$TMP_ROOT/jobs
mkdir -p "$JOBDIR"
OBJECTS=''
PIDS=''
n_jobs=0
n_running=0
i=0
# shellcheck disable=SC2086  # one cache key per source, without spaces
set -- $KEYS
for s in $ALL_SOURCES; do
    i=$((i + 1))
    k=$1; shift
    obj=$OBJ_DIR/$k.o
    OBJECTS="$OBJECTS $obj"
    [ -f "$obj" ] && continue
    tmpobj=$OBJ_DIR/.tmp.$k.$$.o
    CLEANUP_PATHS="$CLEANUP_PATHS $tmpobj"
    printf '%s\n' "$s" >"$JOBDIR/$i.src"
    (
        # shellcheck disable=SC2086
        if $CC_CMD $BASE_CFLAGS ${COMPAT_INCLUDE:+-I"$COMPAT_INCLUDE"} -I"$PATCHED_DIR" -I"$QJS_DIR" -I"$INCLUDE_DIR" -I"$NATIVE_DIR/jni" -I"$JNI_INCLUDE" $PROFILE_CFLAGS $USER_CFLAGS -c "$s" -o "$tmpobj" >"$JOBDIR/$i.log" 2>&1 \
            && mv -f "$tmpobj" "$obj"; then
            echo 0 >"$JOBDIR/$i.rc"
        else
            echo 1 >"$JOBDIR/$i.rc"
        fi
    ) &
    PIDS="$PIDS $!"
    n_jobs=$((n_jobs + 1))
    n_running=$((n_running + 1))
    if [ "$n_running" -ge "$MAX_JOBS" ]; then
        wait_oldest
        n_running=$((n_running - 1))
    fi
done
for p in $PIDS; do wait "$p" || :; done

failed=''
for rcf in "$JOBDIR"/*.rc; do
    [ -f "$rcf" ] || continue
    j=${rcf%.rc}
    src=$(cat "$j.src")
    if [ "$(cat "$rcf")" != 0 ]; then
        failed="$failed ${src##*/}"
        log "compilation of $src failed:"
        cat "$j.log" >&2
    elif [ -s "$j.log" ]; then
        log "warnings in $src:"
        cat "$j.log" >&2
    fi
done
[ -z "$failed" ] || die "compilation failed:$failed"
if [ -n "$PROFILE_CFLAGS" ]; then
    # clang names each function whose code no longer matches its profile ("hash mismatch")
    n_stale=$(cat "$JOBDIR"/*.log 2>/dev/null | grep -c 'hash mismatch') || :
    if [ "${n_stale:-0}" -gt 0 ]; then
        if [ "$PREFIX" = linux-x86-64 ]; then
            # the profile's own target: the code changed since the profile was made
            [ "${QJS_PROFILE_STRICT:-0}" != 1 ] \
                || die "$n_stale function(s) no longer match the profile ${QJS_PROFILE##*/} (above): run sh native-libs/pgo/profile.sh and commit its output"
            log "WARNING: $n_stale function(s) no longer match the profile ${QJS_PROFILE##*/} (above) and are compiled as without one: run sh native-libs/pgo/profile.sh and commit its output"
        else
            # another target: a few functions compile to other code here (variadic calls, ...)
            log "$n_stale function(s) compile to other code for $PREFIX than on linux-x86-64, where the profile is made: compiled as without a profile"
        fi
    fi
fi
if [ "$n_jobs" -gt 0 ]; then
    log "compiled $n_jobs of $i object(s)"
fi

# ------------------------------------------------------------------ link ----

TMP_LIB=$TMP_ROOT/$LIBNAME
# shellcheck disable=SC2086
if ! $CC_CMD $LINK_FLAGS $USER_CFLAGS $USER_LDFLAGS -o "$TMP_LIB" $OBJECTS $LINK_LIBS >"$TMP_ROOT/link.log" 2>&1; then
    cat "$TMP_ROOT/link.log" >&2
    die "linking $LIBNAME failed"
fi
if [ -s "$TMP_ROOT/link.log" ]; then cat "$TMP_ROOT/link.log" >&2; fi

# exported_symbols FILE: the names FILE exports, one per line (Mach-O names without their
# leading underscore), read with the host's nm or, for other platforms' formats, LLVM's tools.
exported_symbols() {
    case $OS in
        linux)
            if [ "$CROSS" = false ] && have nm; then es_nm='nm'
            elif have llvm-nm; then es_nm='llvm-nm'
            else return 2
            fi
            $es_nm -D --defined-only "$1" | awk 'NF >= 3 { print $3 }' ;;
        darwin)
            have llvm-objdump || return 2
            llvm-objdump --macho --exports-trie "$1" | awk '$1 ~ /^0x/ { n = $2; sub(/^_/, "", n); print n }' ;;
        win32)
            have llvm-readobj || return 2
            llvm-readobj --coff-exports "$1" | awk '$1 == "Name:" { print $2 }' ;;
    esac
}

if exported=$(exported_symbols "$TMP_LIB"); then
    bad=$(printf '%s\n' "$exported" | grep -v -E '^(qjs_[A-Za-z0-9_]*|Java_dev_qjs_internal_bridge_JniBinding_[A-Za-z0-9_]*|_init|_fini|__bss_start|__bss_start__|_bss_end__|__end__|_edata|_end|__data_start|_DYNAMIC|_GLOBAL_OFFSET_TABLE_|_mh_dylib_header|__dso_handle)(@.*)?$' | grep -v '^$' || :)
    if [ -n "$bad" ]; then
        die "$LIBNAME ($PREFIX) exports symbols other than qjs_*: $(printf '%s\n' "$bad" | tr '\n' ' ' | cut -c1-400). Mark only the API with QJS_EXPORT and keep everything else static or hidden."
    fi
    if ! printf '%s\n' "$exported" | grep -q '^qjs_'; then
        die "$LIBNAME ($PREFIX) exports no qjs_* symbol"
    fi
elif [ "$CROSS" = true ]; then
    die "cannot read the symbols $LIBNAME ($PREFIX) exports: install LLVM's tools (apt-get install llvm)"
else
    log "nm not found: skipping the exported-symbol check"
fi

mkdir -p "$LIB_DIR"
# Replace by rename: a process that has the old library mapped keeps it intact.
PART=$LIB_DIR/.$LIBNAME.part.$$
CLEANUP_PATHS="$CLEANUP_PATHS $PART"
cp "$TMP_LIB" "$PART"
mv -f "$PART" "$LIB_PATH"
lib_sum=$(sha256_file "$LIB_PATH")
printf '%s\nlib=%s\n' "$STAMP_DESC" "$lib_sum" >"$STAMP_FILE.tmp.$$"
mv -f "$STAMP_FILE.tmp.$$" "$STAMP_FILE"

copy_side_outputs
log "built $LIB_PATH"
