#!/bin/sh
# Makes native-libs/pgo/quickjs.proftext, the profile the release libraries are compiled with
# (native-libs/build-all.sh, clang's -fprofile-use): how often each branch and call of the
# library ran in a training run, in LLVM's text format for instrumentation profiles. Run it
# again, and commit the new file, when the C sources change much (build-all.sh reports the
# functions whose profile no longer matches).
#
# Usage: sh native-libs/pgo/profile.sh [<profile>]     (default: native-libs/pgo/quickjs.proftext)
#
# 1. builds the library for this machine (linux-x86-64) with the pinned zig's clang and
#    -fprofile-generate (native-libs/build.sh, in a cache of its own: same sources, patches and
#    flags as the release build), linked with LLVM 19's profile runtime;
# 2. runs the training scripts native-libs/pgo/train/*.js through the project's script runner
#    (dev.qjs.cli.ScriptFileRunner, JNI binding) on that library: computation, JSON, templates
#    rendered by Handlebars 4.7.8 and data handled by lodash 4.17.21 (both fetched with
#    `npm pack`, never committed), none of them the inputs of bench/;
# 3. merges the counts with llvm-profdata 19 and writes them as text (`merge --text`).
#
# Needs: npm, a JDK 17+, the project's classes built (mvn -B -DskipTests package), and LLVM 19's
# llvm-profdata and profile runtime (Debian 12: apt-get install llvm-19 libclang-rt-19-dev; the
# runtime must be of zig's clang's version, 19). About a minute. POSIX sh (runs under dash).
# Environment: LLVM_PROFDATA (default llvm-profdata-19), PROFILE_RUNTIME (the runtime archive).
set -eu

SCRIPT_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd -P)
ROOT=$(dirname -- "$SCRIPT_DIR")
# shellcheck disable=SC2034  # read by lib.sh's log and die
LOG_TAG=quickjs-pgo
# log, die, have, cache_root, platform_field
# shellcheck source=native-libs/lib.sh
. "$SCRIPT_DIR/lib.sh"
CACHE_ROOT=$(cache_root)
# find_zig, zig_target
# shellcheck source=native-libs/zig.sh
. "$SCRIPT_DIR/zig.sh"
# PGO_FLAGS: the flags the profile is made and used with
# shellcheck source=native-libs/pgo/flags.sh
. "$SCRIPT_DIR/pgo/flags.sh"

OUT=${1:-$SCRIPT_DIR/pgo/quickjs.proftext}
HANDLEBARS=handlebars@4.7.8
LODASH=lodash@4.17.21
LLVM_PROFDATA=${LLVM_PROFDATA:-llvm-profdata-19}
PROFILE_RUNTIME=${PROFILE_RUNTIME:-/usr/lib/llvm-19/lib/clang/19/lib/linux/libclang_rt.profile-x86_64.a}

[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || die "the training run needs a Linux x86-64 machine"
for tool in "$LLVM_PROFDATA" npm java mvn; do
    have "$tool" || die "$tool not found (LLVM 19: apt-get install llvm-19 libclang-rt-19-dev)"
done
[ -f "$PROFILE_RUNTIME" ] || die "no LLVM 19 profile runtime at $PROFILE_RUNTIME (apt-get install libclang-rt-19-dev, or set PROFILE_RUNTIME)"
[ -f "$ROOT/target/classes/dev/qjs/cli/ScriptFileRunner.class" ] \
    || die "the project's classes are not built: run mvn -B -DskipTests package first"
ZIG_BIN=$(find_zig)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/quickjs-pgo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/js" "$tmp/cache"

log "fetching $HANDLEBARS and $LODASH with npm pack"
(
    cd "$tmp/js"
    npm pack --silent "$HANDLEBARS" "$LODASH" >/dev/null
    tar -xzf handlebars-*.tgz package/dist/handlebars.js && mv package/dist/handlebars.js .
    tar -xzf lodash-*.tgz package/lodash.js && mv package/lodash.js .
) || die "npm pack $HANDLEBARS $LODASH failed"

log "building the instrumented library (zig cc -fprofile-generate)"
# the release's target (glibc 2.17 headers): code compiled for another glibc differs in places
QJS_TARGET=linux-x86-64 CC="$ZIG_BIN cc -target $(zig_target linux-x86-64)" QJS_PROFILE='' \
    XDG_CACHE_HOME=$tmp/cache ZIG_GLOBAL_CACHE_DIR=$CACHE_ROOT/zig-cache ZIG_LOCAL_CACHE_DIR=$CACHE_ROOT/zig-cache \
    CFLAGS="-fprofile-generate $PGO_FLAGS" LDFLAGS="-Wl,-u,__llvm_profile_runtime $PROFILE_RUNTIME" \
    sh "$SCRIPT_DIR/build.sh" "$tmp/lib" >"$tmp/build.log" 2>&1 \
    || { cat "$tmp/build.log" >&2; die "the instrumented build failed"; }
lib=$tmp/lib/linux-x86-64/libquickjs-jsr223.so

log "resolving the class path (mvn dependency:build-classpath)"
(cd "$ROOT" && mvn -q -B dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$tmp/cp.txt") >"$tmp/mvn.log" 2>&1 \
    || { cat "$tmp/mvn.log" >&2; die "mvn dependency:build-classpath failed"; }

train=$SCRIPT_DIR/pgo/train
log "training run"
# the counts are written when the JVM exits
LLVM_PROFILE_FILE=$tmp/train-%p.profraw java -Dquickjs.library.path="$lib" \
    -cp "$ROOT/target/classes:$(cat "$tmp/cp.txt")" dev.qjs.cli.ScriptFileRunner \
    "$train/compute.js" "$train/json.js" "$tmp/js/handlebars.js" "$train/templates.js" \
    "$tmp/js/lodash.js" "$train/lodash.js" || die "the training run failed"
set -- "$tmp"/train-*.profraw
[ -f "$1" ] || die "the training run wrote no counts (*.profraw)"

"$LLVM_PROFDATA" merge -o "$tmp/train.profdata" "$@" || die "llvm-profdata merge failed"
{
    echo "# The release libraries' profile (LLVM instrumentation profile, text): made by"
    echo "# sh native-libs/pgo/profile.sh from a training run; see native-libs/pgo/README.md."
    echo "# Generated: do not edit."
    "$LLVM_PROFDATA" merge --text -o - "$tmp/train.profdata"
} >"$tmp/profile" || die "llvm-profdata merge --text failed"
mv -f "$tmp/profile" "$OUT"
log "wrote $OUT ($(grep -c '^# Func Hash' "$OUT") functions, $(wc -c <"$OUT" | tr -d ' ') bytes)"
