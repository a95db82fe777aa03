#!/bin/sh
# Compiles our own small TypeScript sources (src/test/sourcemaps/) with the real compilers that
# src/test/npm/fetch.sh fetched (typescript's tsc, esbuild-wasm), run by node, into the
# generated JavaScript and source maps the source-map tests read.
#
# Usage: sh src/test/sourcemaps/compile.sh <npm-dir> <out-dir>
#
#   <out-dir>/tsc-external/thrower.js(.map)  tsc, one file, the map beside it (relative URL)
#   <out-dir>/tsc-inline/thrower.js          tsc --inlineSourceMap --inlineSources (data: URL)
#   <out-dir>/tsc-es2015/steps.js(.map)    debug/steps.ts by tsc for ES2015 (its async function
#                                            runs through tsc's __awaiter helper)
#   <out-dir>/tsc-es5/steps.js(.map)         and for ES5 (the async function's body becomes
#                                            __generator's state machine: several generated lines
#                                            per original line, and lines of its own)
#   <out-dir>/esbuild-esm/bundle.js(.map)    esbuild --bundle --sourcemap --format=esm
#   <out-dir>/esbuild-iife/bundle.js(.map)   the same bundle as --format=iife
#   <out-dir>/esbuild-min/bundle.js(.map)    --format=iife --minify (names mapping matters)
#   <out-dir>/pipeline/app.mjs(.map)         app/*.ts through tsc (ES modules with maps) and then
#                                            esbuild --bundle, which composes the two maps
#   <out-dir>/UNAVAILABLE                    written instead when they cannot be made (no node,
#                                            the npm packages missing, a compiler failing): one
#                                            line saying why. The tests that need them fail
#                                            with it.
#
# Maven runs this in generate-test-resources, after fetch.sh. Like fetch.sh it never fails the
# build. Outputs newer than every input are kept. Nothing made here is committed. POSIX sh.

set -eu

SCRIPT_DIR=$(cd "$(dirname "$0")/../../../native-libs" && pwd)
LOG_TAG=sourcemap-fixtures
# log, die, have
# shellcheck source=native-libs/lib.sh
. "$SCRIPT_DIR/lib.sh"

[ $# -eq 2 ] || { log "usage: sh compile.sh <npm-dir> <out-dir>"; exit 2; }
NPM_DIR=$1
OUT=$2
SRC="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
rm -f "$OUT/UNAVAILABLE"
MODULES="$NPM_DIR/node_modules"

unavailable() {
    printf '%s\n' "$*" > "$OUT/UNAVAILABLE"
    rm -f "$OUT/COMPILED"
    log "WARNING: $*"
    exit 0
}

if [ -f "$NPM_DIR/UNAVAILABLE" ]; then
    unavailable "the compilers were not fetched: $(cat "$NPM_DIR/UNAVAILABLE")"
fi
command -v node >/dev/null 2>&1 ||
    unavailable "node is not installed, so tsc and esbuild cannot make the source-map fixtures: install nodejs (Debian: apt-get install nodejs) and build again"
TSC="$MODULES/typescript/bin/tsc"
ESBUILD="$MODULES/esbuild-wasm/bin/esbuild"
[ -f "$TSC" ] || unavailable "typescript is missing from $MODULES (src/test/npm/fetch.sh did not fetch it)"
[ -f "$ESBUILD" ] || unavailable "esbuild-wasm is missing from $MODULES (src/test/npm/fetch.sh did not fetch it)"

# Up to date: made after every source, this script and both compilers were last unpacked.
if [ -f "$OUT/COMPILED" ] &&
    [ -z "$(find "$SRC" "$MODULES/typescript/package.json" "$MODULES/esbuild-wasm/package.json" -newer "$OUT/COMPILED" 2>/dev/null | head -n 1)" ]; then
    exit 0
fi
rm -f "$OUT/COMPILED"

# Runs a compiler; on failure, its last words go into UNAVAILABLE.
run() {
    what=$1
    shift
    if ! "$@" > "$OUT/compile.out" 2>&1; then
        unavailable "$what failed: $(tail -n 5 "$OUT/compile.out" | tr '\n' ' ')"
    fi
}

TSC_FLAGS="--target es2022 --lib es2022 --strict --skipLibCheck --newLine lf"
log "tsc: thrower.ts with an external map and with an inline one"
# shellcheck disable=SC2086 # the flags are words on purpose
run "tsc --sourceMap" node "$TSC" $TSC_FLAGS --sourceMap --outDir "$OUT/tsc-external" "$SRC/single/thrower.ts"
# shellcheck disable=SC2086
run "tsc --inlineSourceMap" node "$TSC" $TSC_FLAGS --inlineSourceMap --inlineSources --outDir "$OUT/tsc-inline" "$SRC/single/thrower.ts"

log "tsc: steps.ts for ES2015 and ES5, with tsc's helpers"
run "tsc --target es2015" node "$TSC" --target es2015 --lib es2015 --strict --skipLibCheck --newLine lf \
    --sourceMap --outDir "$OUT/tsc-es2015" "$SRC/debug/steps.ts"
run "tsc --target es5" node "$TSC" --target es5 --lib es2015 --strict --skipLibCheck --newLine lf \
    --sourceMap --outDir "$OUT/tsc-es5" "$SRC/debug/steps.ts"

ESBUILD_FLAGS="--bundle --sourcemap --charset=utf8 --target=es2022 --log-level=warning"
log "esbuild: the bundle as esm, iife and minified iife"
# shellcheck disable=SC2086
run "esbuild --format=esm" node "$ESBUILD" "$SRC/bundle/main.ts" $ESBUILD_FLAGS --format=esm --outfile="$OUT/esbuild-esm/bundle.js"
# shellcheck disable=SC2086
run "esbuild --format=iife" node "$ESBUILD" "$SRC/bundle/main.ts" $ESBUILD_FLAGS --format=iife --global-name=Shop --outfile="$OUT/esbuild-iife/bundle.js"
# shellcheck disable=SC2086
run "esbuild --minify" node "$ESBUILD" "$SRC/bundle/main.ts" $ESBUILD_FLAGS --format=iife --global-name=Shop --minify --outfile="$OUT/esbuild-min/bundle.js"

log "the pipeline: app/*.ts through tsc into ES modules with maps, then bundled by esbuild"
rm -rf "$OUT/pipeline-tsc"
# shellcheck disable=SC2086
run "tsc (pipeline)" node "$TSC" $TSC_FLAGS --module es2022 --moduleResolution bundler --sourceMap \
    --outDir "$OUT/pipeline-tsc" "$SRC/app/main.ts" "$SRC/app/pricing.ts" "$SRC/app/ledger.ts"
# shellcheck disable=SC2086
run "esbuild (pipeline)" node "$ESBUILD" "$OUT/pipeline-tsc/main.js" $ESBUILD_FLAGS --format=esm \
    --outfile="$OUT/pipeline/app.mjs"

for f in tsc-external/thrower.js tsc-external/thrower.js.map tsc-inline/thrower.js \
    tsc-es2015/steps.js.map tsc-es5/steps.js.map esbuild-esm/bundle.js.map esbuild-iife/bundle.js.map esbuild-min/bundle.js.map \
    pipeline/app.mjs.map; do
    [ -s "$OUT/$f" ] || unavailable "the compilers ran but wrote no $f"
done
rm -f "$OUT/compile.out"
date > "$OUT/COMPILED"
log "source-map fixtures are in $OUT"
