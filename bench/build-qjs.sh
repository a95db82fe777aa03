#!/usr/bin/env bash
# Builds target/qjs/qjs, QuickJS's command line, from the same pinned source and with the same
# compiler and optimisation flags as our library (native-libs/build.sh: cc/gcc, -O2 -fwrapv
# -DNDEBUG -D_GNU_SOURCE -DCONFIG_VERSION; -fPIC/-fvisibility only matter for a shared library).
# The source is the verified copy native-libs/fetch-quickjs.sh gives (the one build.sh uses:
# $QUICKJS_SRC, the cache, or fetched and cached now).
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
out=$bench/target/qjs
src=$(sh "$bench/../native-libs/fetch-quickjs.sh" "$bench/target/qjs-src")
CC=${CC:-$(command -v cc || command -v gcc)}
FLAGS=(-O2 -fwrapv -DNDEBUG -D_GNU_SOURCE '-DCONFIG_VERSION="2025-04-26"')
if [ -x "$out/qjs" ] && [ "$out/qjs" -nt "$src/quickjs.c" ] && [ "$out/qjs" -nt "$0" ]; then exit 0; fi
rm -rf "$out" && mkdir -p "$out" && cp -r "$src"/. "$out"/
cd "$out"
libs=(quickjs.c libregexp.c libunicode.c cutils.c dtoa.c quickjs-libc.c)
echo "[bench] building qjs with $CC ($($CC --version | head -1)) ${FLAGS[*]}" >&2
"$CC" "${FLAGS[@]}" '-DCONFIG_CC="gcc"' '-DCONFIG_PREFIX="/usr/local"' -o qjsc qjsc.c "${libs[@]}" -lm -ldl -lpthread
./qjsc -s -c -o repl.c -m repl.js
"$CC" "${FLAGS[@]}" -o qjs qjs.c repl.c "${libs[@]}" -lm -ldl -lpthread
./qjs -e 'if (1 + 1 !== 2) throw Error("qjs is broken")'
