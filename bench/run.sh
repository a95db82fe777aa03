#!/usr/bin/env bash
# One command for the whole comparison: builds what it needs, runs every column (each engine on
# its own classpath), writes bench/results/<date>/ (table.md and chart.svg, the run's committed
# record) from the raw data in bench/target/results/<date>/ (never committed), and prints the
# table.
#
#   bench/run.sh                    full run (fits in about 25 minutes on 2 cores)
#   QUICK=1 bench/run.sh            smoke run in a few minutes (numbers not meaningful),
#                                   into results/<date>-quick/ (raw: target/results/<date>-quick/)
#   COLUMNS="quickjs qjs" bench/run.sh   only these columns (quickjs qjs nashorn rhino
#                                   graaljs-jit graaljs-interp)
#   SKIP_INSTALL=1 bench/run.sh     reuse the library installed in ~/.m2 (no mvn install)
#   SKIP_BUILD=1 bench/run.sh       reuse the built columns (target/<column>/) too
#   LIBRARY=dev bench/run.sh        the quickjs columns load the library `mvn install` built for
#                                   this machine (native-libs/build.sh, the machine's cc, -O2)
#                                   instead of the release library the jar carries for it
#                                   (default LIBRARY=release: native-libs/build-all.sh, zig's
#                                   clang with the training profile, into target/release-natives/);
#                                   the column quickjs-dev always loads the former
#   OUT=dir bench/run.sh            write table.md and chart.svg to dir instead
#   RAW=dir bench/run.sh            write the raw data to dir instead
#   LOAD_MAX=1.5 bench/run.sh       noise guard: a column is re-run once when the 1-minute load
#                                   of other processes (loadavg before it; after it, less our 1)
#                                   was above this
#   bench/run.sh -- JMH-ARGS...     extra JMH arguments for every column (e.g. -- -prof gc)
set -euo pipefail

bench=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$bench")
day=$(date +%Y-%m-%d)
JAVA17=${JAVA17:-java}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
GRAAL_VERSION=25.0.3
LOAD_MAX=${LOAD_MAX:-1.5}
ALL_COLUMNS="quickjs qjs nashorn rhino graaljs-jit graaljs-interp"
# BOUNDARY=1: only the Java<->JS crossing workloads (4, 7, 8, 10, 13-16), on JDK 17 and JDK 25,
# quickjs over JNI and over the JNA fallback, beside Nashorn (no cold start, memory, microbench)
BOUNDARY_WORKLOADS='RulesBench|HostAccessBench|HostMapReadBench|InvokeFunctionBench|InvokeMethodBench|JsFunctionCallBench|SpringTemplateBench|MapTransformBench|StringRoundTripBench'
if [ "${BOUNDARY:-0}" = 1 ]; then
  COLUMNS=${COLUMNS:-"quickjs quickjs-jna nashorn quickjs-jdk25 nashorn-jdk25"}
else
  COLUMNS=${COLUMNS:-$ALL_COLUMNS}
fi
extra=()
if [ "${1:-}" = -- ]; then shift; extra=("$@"); fi

if [ "${QUICK:-0}" = 1 ]; then
  jmh_timing=(-f 1 -wi 1 -i 2 -w 200ms -r 200ms)
  qjs_timing=(0.4 2 0.2)          # warm-up seconds, iterations, seconds per iteration
  cold_runs=3; mem_runs=1; mem_engines=5
  micro_tests=(empty_loop prop_read func_call array_push string_build1 int_to_string sort_bench)
  run_name=$day-quick
else
  jmh_timing=(-f 1 -wi 3 -i 5 -w 1s -r 1s)
  qjs_timing=(4 5 1)
  cold_runs=10; mem_runs=3; mem_engines=20
  micro_tests=()
  run_name=$day
fi
if [ "${BOUNDARY:-0}" = 1 ]; then run_name=$run_name-boundary; fi
out=${OUT:-$bench/results/$run_name}
raw=${RAW:-$bench/target/results/$run_name}
# identical for every JVM column (JMH forks get exactly these); a column adds only what its
# engine needs to run at all (GraalJS: the JIT switch, or silencing the interpreter warning)
JVM_FLAGS=(-Xms512m -Xmx1g -XX:+UseG1GC -Dbench.js.dir="$bench/target/js")
t_start=$(date +%s)
# the library the quickjs columns load (LIBRARY, above): the release one for this machine
LIBRARY=${LIBRARY:-release}
RELEASE_PLATFORM=linux-x86-64
release_flags=()
if [ "$LIBRARY" = release ]; then
  if [ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]; then
    echo "LIBRARY=release measures the linux-x86-64 release library; on this machine use LIBRARY=dev" >&2; exit 2
  fi
  release_flags=(-Dquickjs.library.path="$bench/target/release-natives/$RELEASE_PLATFORM/libquickjs-jsr223.so")
fi
log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }

# ------------------------------------------------------------------------------ build ---
build() {
  if ! command -v hyperfine >/dev/null; then
    log "installing hyperfine (Debian)"
    if [ "$(id -u)" = 0 ]; then
      apt-get install -y hyperfine >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y hyperfine >/dev/null; }
    else
      echo "hyperfine is missing: sudo apt-get install hyperfine" >&2; exit 1
    fi
  fi
  if [ "${SKIP_INSTALL:-0}" != 1 ]; then
    log "installing the library (mvn install in $root)"
    (cd "$root" && mvn -q -B -DskipTests install)
  fi
  mkdir -p "$bench/target/js"
  if [ ! -f "$bench/target/js/handlebars.js" ]; then
    log "fetching handlebars 4.7.8 with npm pack (target/js, never committed)"
    (cd "$bench/target/js" && npm pack handlebars@4.7.8 --silent >/dev/null \
      && tar xzf handlebars-4.7.8.tgz package/dist/handlebars.js \
      && mv package/dist/handlebars.js . && rm -rf package handlebars-4.7.8.tgz)
  fi
  "$bench/build-qjs.sh"
  if [ "$LIBRARY" = release ]; then
    log "building the release library for $RELEASE_PLATFORM (native-libs/build-all.sh -> target/release-natives/)"
    QJS_TARGETS=$RELEASE_PLATFORM sh "$root/native-libs/build-all.sh" "$bench/target/release-natives" 2> "$bench/target/release-natives.log" \
      || { tail -20 "$bench/target/release-natives.log" >&2; exit 1; }
  fi
  local profiles=()
  for c in $COLUMNS; do
    case $c in
      quickjs|nashorn|rhino) profiles+=("$c") ;;
      quickjs-*) profiles+=(quickjs) ;;
      nashorn-*) profiles+=(nashorn) ;;
      graaljs-*) profiles+=(graaljs) ;;
    esac
  done
  for p in $(printf '%s\n' "${profiles[@]}" | sort -u); do
    if [ "${SKIP_BUILD:-0}" = 1 ] && [ -d "$bench/target/$p/lib" ]; then continue; fi
    log "building column $p (mvn -P $p package -> target/$p/)"
    (cd "$bench" && mvn -q -B -P "$p" -Dgraal.version=$GRAAL_VERSION package)
  done
}

# ------------------------------------------------------------------------ one column ---
# sets: java, cp, engine, col_flags for a JVM column
column_setup() {
  local c=$1
  col_flags=()
  case $c in
    quickjs) java=$JAVA17; engine=quickjs; dir=quickjs; col_flags=("${release_flags[@]}") ;;
    quickjs-dev) java=$JAVA17; engine=quickjs; dir=quickjs ;;
    quickjs-jna) java=$JAVA17; engine=quickjs; dir=quickjs; col_flags=("${release_flags[@]}" -Dquickjs.binding=jna) ;;
    quickjs-jdk25) java=$JAVA25; engine=quickjs; dir=quickjs; col_flags=("${release_flags[@]}") ;;
    nashorn) java=$JAVA17; engine=nashorn; dir=nashorn ;;
    nashorn-jdk25) java=$JAVA25; engine=nashorn; dir=nashorn ;;
    rhino)   java=$JAVA17; engine=rhino; dir=rhino ;;
    graaljs-jit|graaljs-interp)
      java=$JAVA25; engine=graal.js; dir=graaljs
      local L=$bench/target/graaljs/lib v=$GRAAL_VERSION
      if [ "$c" = graaljs-jit ]; then
        col_flags=(-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI
          "--upgrade-module-path=$bench/target/graaljs/compiler/compiler-$v.jar:$L/word-$v.jar:$L/collections-$v.jar:$L/nativeimage-$v.jar:$L/truffle-compiler-$v.jar")
      else
        col_flags=(-Dpolyglot.engine.WarnInterpreterOnly=false)
      fi ;;
  esac
  cp="$bench/target/$dir/classes:$bench/target/$dir/lib/*"
}

other_load() { cut -d' ' -f1 /proc/loadavg; }

run_jvm_column() {
  local c=$1 o=$2
  column_setup "$c"
  local flags=("${JVM_FLAGS[@]}" "${col_flags[@]}")
  echo "${flags[*]}" > "$o/jvm-flags.txt"
  "$java" -version 2> "$o/java-version.txt" || true
  local sel=(dev.qjs.bench)
  if [ "${BOUNDARY:-0}" = 1 ]; then
    sel=("$BOUNDARY_WORKLOADS")
  else
    # 1. cold start: check once, then hyperfine
    local got
    got=$("$java" "${flags[@]}" -cp "$cp" dev.qjs.bench.jsr223.ColdStart "$engine" 2>/dev/null) || return 1
    [ "$got" = 2 ] || { echo "cold start of $engine printed '$got', not 2" >&2; return 1; }
    log "$c: cold start (hyperfine, $cold_runs runs)"
    hyperfine -N --style none --warmup 1 --runs "$cold_runs" --export-json "$o/coldstart.json" \
      "$java ${flags[*]} -cp $cp dev.qjs.bench.jsr223.ColdStart $engine" > "$o/coldstart.txt" 2>&1 || return 1
    # 9. memory, each run in a new JVM; a pre-touched heap, so RSS deltas are memory outside it
    log "$c: memory ($mem_runs runs, 1 + $mem_engines engines)"
    : > "$o/memory.jsonl"
    for ((i = 0; i < mem_runs; i++)); do
      "$java" "${flags[@]}" -XX:+AlwaysPreTouch -cp "$cp" dev.qjs.bench.jsr223.MemoryProbe "$engine" "$mem_engines" \
        2>>"$o/memory.err" | grep '^{' >> "$o/memory.jsonl" || return 1
    done
  fi
  # 2-8, 10, 11, 13-16: JMH (promises: quickjs and GraalJS only)
  # (Handlebars 4.7 renders a Java Map model only in quickjs, and in GraalJS with its
  # allowProtoPropertiesByDefault option: README, workload 16)
  case $c in
    nashorn|nashorn-*|rhino) sel+=(-e 'PromiseBench|SpringTemplateBench.renderJavaModel') ;;
    graaljs-*) sel+=(-e 'SpringTemplateBench.renderJavaModel$') ;;
  esac
  log "$c: JMH ${jmh_timing[*]}"
  "$java" "${flags[@]}" -cp "$cp" org.openjdk.jmh.Main "${sel[@]}" -p engine="$engine" \
    "${jmh_timing[@]}" -foe true -jvmArgs "${flags[*]}" "${extra[@]}" \
    -rf json -rff "$o/jmh.json" > "$o/jmh.txt" 2>&1 \
    || { tail -30 "$o/jmh.txt" >&2; return 1; }
  # 12. QuickJS's microbench.js through javax.script (quickjs column)
  if [ "$c" = quickjs ] && [ "${BOUNDARY:-0}" != 1 ]; then
    log "$c: tests/microbench.js through javax.script"
    "$java" "${flags[@]}" -cp "$cp" dev.qjs.bench.jsr223.MicrobenchRunner "$engine" \
      "$bench/target/qjs/tests/microbench.js" "${micro_tests[@]}" > "$o/microbench.txt" 2>"$o/microbench.err" || return 1
  fi
}

run_qjs_column() {
  local o=$1 qjs=$bench/target/qjs/qjs res=$bench/src/main/resources/js
  echo "qjs 2025-04-26 (target/qjs, built by build-qjs.sh)" > "$o/java-version.txt"
  [ "$("$qjs" -e 'print(1+1)')" = 2 ] || { echo "qjs is broken" >&2; return 1; }
  log "qjs: cold start (hyperfine, $cold_runs runs)"
  hyperfine -N --style none --warmup 1 --runs "$cold_runs" --export-json "$o/coldstart.json" \
    "$qjs -e print(1+1)" > "$o/coldstart.txt" 2>&1 || return 1
  log "qjs: compute mix, Handlebars (js/qjs-driver.js)"
  : > "$o/driver.jsonl"
  for w in compute handlebars; do
    "$qjs" --std "$res/qjs-driver.js" "$res" "$bench/target/js" "$w" "${qjs_timing[@]}" 23919 >> "$o/driver.jsonl" || return 1
  done
  log "qjs: tests/microbench.js"
  # in an empty directory: qjs's microbench.js reads a reference file microbench.txt if present
  mkdir -p "$bench/target/qjs-run"
  (cd "$bench/target/qjs-run" && "$qjs" --std "$bench/target/qjs/tests/microbench.js" -s "" "${micro_tests[@]}") > "$o/microbench.txt" || return 1
}

run_column() {
  local c=$1 o=$raw/$1
  rm -rf "$o" && mkdir -p "$o"
  local before after t0
  t0=$(date +%s)
  before=$(other_load)
  # returns 2 when the column failed, 1 when it ran but was disturbed
  if [ "$c" = qjs ]; then run_qjs_column "$o" || return 2; else run_jvm_column "$c" "$o" || return 2; fi
  after=$(other_load)
  printf 'load1 before %s after %s seconds %s\n' "$before" "$after" $(( $(date +%s) - t0 )) > "$o/load.txt"
  # our own run adds about 1 to the load average: what is above that is other processes
  python3 -c "import sys; b,a,m=map(float,sys.argv[1:]); sys.exit(0 if b<=m and a-1<=m else 1)" \
    "$before" "$after" "$LOAD_MAX"
}

# ------------------------------------------------------------------------------ main ---
build
rm -rf "$raw"
mkdir -p "$out" "$raw"
{
  echo "date: $(date -Is)"
  echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD -- src native-libs 2>/dev/null || echo ' (library sources modified)')"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB"
  echo "java 17: $($JAVA17 -version 2>&1 | head -1)"
  echo "java 25: $($JAVA25 -version 2>&1 | head -1)"
  echo "cc: $(cc --version | head -1)"
  echo "quickjs library: $LIBRARY$([ "$LIBRARY" = release ] && echo " (native-libs/build-all.sh for $RELEASE_PLATFORM: zig's clang, -O2 and the training profile native-libs/pgo/quickjs.proftext; quickjs-dev: the developer build, cc -O2)" || echo " (the developer build, native-libs/build.sh with cc -O2)")"
  echo "mode: $([ "${QUICK:-0}" = 1 ] && echo QUICK || echo full); JMH ${jmh_timing[*]}; cold start runs $cold_runs"
  echo "jvm flags (all columns): ${JVM_FLAGS[*]}"
  echo "load max (noise guard): $LOAD_MAX"
} > "$raw/env.txt"

for c in $COLUMNS; do
  log "column $c (load $(other_load))"
  rc=0; run_column "$c" || rc=$?
  if [ $rc = 2 ]; then log "column $c FAILED (see $raw/$c/)"; exit 1; fi
  if [ $rc = 1 ]; then
    # a re-run only while the whole run stays within its 25 minutes
    if [ $(( $(date +%s) - t_start )) -lt "${RERUN_UNTIL:-900}" ]; then
      log "column $c was disturbed ($(cat "$raw/$c/load.txt")): running it again"
      rm -rf "$raw/$c.disturbed" && mv "$raw/$c" "$raw/$c.disturbed"
      rc=0; run_column "$c" || rc=$?
      if [ $rc = 2 ]; then log "column $c FAILED (see $raw/$c/)"; exit 1; fi
      [ $rc = 0 ] || log "column $c disturbed again ($(cat "$raw/$c/load.txt")); kept"
    else
      log "column $c was disturbed; no time left to re-run it"
    fi
  fi
done
echo "total seconds: $(( $(date +%s) - t_start ))" >> "$raw/env.txt"
if [ "${BOUNDARY:-0}" = 1 ]; then
  # the raw JMH results stay beside the table of a boundary run (small; .gitignore lets them in)
  for c in $COLUMNS; do cp "$raw/$c/jmh.json" "$out/$c.jmh.json"; done
fi

python3 "$bench/table.py" "$raw" "$out" > "$out/table.md"
log "results in $out (raw data in $raw)"
cat "$out/table.md"
