#!/usr/bin/env bash
# Fuzzes every Jazzer @FuzzTest of src/test/java/dev/qjs/fuzz for a bounded time, one target at a
# time. Jazzer fuzzes one @FuzzTest per JVM (a second one in the same run fails with "Only a
# single fuzz test should be executed per fuzzing run"), so each target gets its own
# `mvn surefire:test -Dtest=Class#method` with JAZZER_FUZZ=1. That run first replays the target's
# inputs directory (seeds and saved findings) as regression tests, then fuzzes.
#
# Usage: src/test/fuzz.sh [Class#method ...]     (default: every @FuzzTest not @Disabled)
#
# Environment:
#   FUZZ_SECONDS        fuzzing time per target (default 30)
#   FUZZ_INPUT_TIMEOUT  seconds one input may take before it counts as a hang (default 15;
#                       the targets' own time limit is 100 ms)
#   MVN                 the Maven command (default mvn); MVN_ARGS: more arguments, e.g. -o
#
# A finding (an assertion failure, an exception the target does not allow, a hang, a JVM crash)
# fails the script. Jazzer saves the input as crash-<sha1> (or timeout-<sha1>) in the target's
# inputs directory, src/test/resources/dev/qjs/fuzz/<Class>Inputs/<method>/, where every later
# `mvn test` replays it: keep it there, rename it after the bug, and fix the bug. The growing
# corpus (inputs that reached new code) stays in target/fuzz-corpus/, logs in target/fuzz-logs/.
set -euo pipefail

cd "$(dirname "$0")/../.."
PROJECT=$PWD
SECONDS_PER_TARGET=${FUZZ_SECONDS:-30}
INPUT_TIMEOUT=${FUZZ_INPUT_TIMEOUT:-15}
MVN=${MVN:-mvn}
read -r -a MVN_EXTRA <<<"${MVN_ARGS:-}"
TEST_DIR=src/test/java/dev/qjs/fuzz
RES_DIR=src/test/resources/dev/qjs/fuzz
LOGS=target/fuzz-logs
CORPUS=target/fuzz-corpus

SCRIPT_DIR=native-libs
LOG_TAG=fuzz
# log, die, have
. native-libs/lib.sh

# Class#method of every @FuzzTest without @Disabled among the annotations before its method.
discover() {
  local f
  for f in "$TEST_DIR"/*.java; do
    awk -v cls="$(basename "$f" .java)" '
      /^[[:space:]]*@Disabled/ { disabled = 1 }
      /^[[:space:]]*@FuzzTest/ { fuzz = 1 }
      /^[[:space:]]*(public |static |final )*void [A-Za-z0-9_]+\(/ {
        if (fuzz && !disabled) {
          name = $0; sub(/\(.*/, "", name); sub(/.*void /, "", name); print cls "#" name
        }
        fuzz = 0; disabled = 0
      }
      /^[[:space:]]*$/ || /^[[:space:]]*}/ { fuzz = 0; disabled = 0 }
    ' "$f"
  done
}

# names PATH...: the last part of each PATH that exists, one per line (a glob that matches
# nothing stays itself and so prints nothing)
names() {
  local f
  for f in "$@"; do
    if [ -e "$f" ]; then printf '%s\n' "${f##*/}"; fi
  done
}

# The libFuzzer dictionary of a target's input kind, if it has one.
dictionary() {
  case "$1" in
    EvalFuzzTest#evalSource | BytecodeFuzzTest#compiledScriptRunsAlikeInAnotherRealm)
      echo "$RES_DIR/javascript.dict" ;;
    ValueConversionFuzzTest#jsonText) echo "$RES_DIR/json.dict" ;;
  esac
}

if [ $# -gt 0 ]; then
  TARGETS=("$@")
else
  mapfile -t TARGETS < <(discover)
fi
[ ${#TARGETS[@]} -gt 0 ] || { log "no @FuzzTest found in $TEST_DIR"; exit 1; }

log "building (native library, test classes)"
"$MVN" -B -q "${MVN_EXTRA[@]}" test-compile

mkdir -p "$LOGS"
START=$(date +%s)
failed=()
summary=()
for target in "${TARGETS[@]}"; do
  class=${target%%#*}
  method=${target#*#}
  inputs=$RES_DIR/${class}Inputs/$method
  corpus=$PROJECT/$CORPUS/$class/$method
  out=$LOGS/$class.$method.log
  mkdir -p "$inputs" "$corpus"
  before=$(mktemp)
  { names "$inputs"/*; names hs_err_pid*.log; } | sort >"$before"

  args=(-Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1="$corpus"
        -Djazzer.internal.arg.2=-max_total_time="$SECONDS_PER_TARGET"
        -Djazzer.internal.arg.3=-timeout="$INPUT_TIMEOUT")
  dict=$(dictionary "$target")
  if [ -n "$dict" ]; then
    args+=(-Djazzer.internal.arg.4=-dict="$PROJECT/$dict")
  fi

  log "$target: fuzzing for ${SECONDS_PER_TARGET}s (log: $out)"
  t0=$(date +%s)
  rc=0
  JAZZER_FUZZ=1 "$MVN" -B "${MVN_EXTRA[@]}" surefire:test -Dtest="$target" \
    -Dsurefire.failIfNoSpecifiedTests=false "${args[@]}" >"$out" 2>&1 || rc=$?
  took=$(( $(date +%s) - t0 ))

  new=$(names "$inputs"/* | sort | comm -13 "$before" - | grep -E '^(crash|timeout|oom|slow-unit|leak)-' || :)
  crash_logs=$(names hs_err_pid*.log | sort | comm -13 "$before" - || :)
  rm -f "$before"
  # libFuzzer's last status line: "#<runs> DONE cov: .. exec/s: <n> ..."
  stats=$(grep -aE '^#[0-9]+[[:space:]]+DONE' "$out" | tail -1 || :)
  runs=$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$stats")
  rate=$(sed -nE 's/.*exec\/s: ([0-9]+).*/\1/p' <<<"$stats")
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$stats")
  tests=$(grep -aE 'Tests run: [0-9]+' "$out" | tail -1 | sed -E 's/^\[[A-Z]+\] //' || :)

  status=ok
  if [ "$rc" -ne 0 ] || [ -n "$new" ] || [ -n "$crash_logs" ]; then
    status=FINDING
    failed+=("$target")
    log "$target: FAILED (exit $rc) -- see $out"
    for f in $new; do
      log "  input saved as $inputs/$f (replayed by every mvn test from now on)"
    done
    if [ -z "$new" ] && grep -aq 'The forked VM terminated' "$out"; then
      log "  the JVM died before Jazzer could save the input (a native crash past libFuzzer's"
      log "  handler): run the target again, or replay $corpus with -Djazzer.internal.arg.2=-runs=0"
    fi
    for f in $crash_logs; do
      mv "$f" "$LOGS/" && log "  JVM crash report: $LOGS/$f"
    done
    grep -aE '^(== Java Exception|Caused by|[a-zA-Z.]+(Error|Exception)|Test unit written|artifact_prefix|.*SUMMARY)' "$out" \
      | head -20 | sed 's/^/[fuzz]   /' >&2 || :
  fi
  summary+=("$(printf '%-62s %-7s %4ss %9s runs %6s exec/s  cov %-5s %s' \
    "$target" "$status" "$took" "${runs:-?}" "${rate:-?}" "${cov:-?}" "$tests")")
done

log "summary ($(( $(date +%s) - START ))s, ${SECONDS_PER_TARGET}s of fuzzing per target):"
printf '[fuzz] %s\n' "${summary[@]}" >&2
if [ ${#failed[@]} -gt 0 ]; then
  log "${#failed[@]} of ${#TARGETS[@]} targets had findings: ${failed[*]}"
  exit 1
fi
log "no findings in ${#TARGETS[@]} targets"
