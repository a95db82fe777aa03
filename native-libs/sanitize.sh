#!/bin/sh
# shellcheck disable=SC2086  # word splitting of MVN_ARGS is intended
# The sanitizer run: builds the native library with AddressSanitizer +
# UndefinedBehaviorSanitizer into a separate directory, proves with a deliberate
# canary bug that the sanitizers are active in a JVM started like the test JVM,
# then runs the whole test suite (`mvn -B verify`) against that library and
# fails unless the suite passes with zero sanitizer reports.
#
# Usage: sh native-libs/sanitize.sh [extra Maven arguments, e.g. -Dtest=EvalTest]
#
# Environment:
#   SANITIZE_OUT  output directory (default: <project>/target/sanitize)
#   CC            the C compiler (default gcc; clang works too)
#   JAVA_HOME     the JDK whose `java` runs the tests (default: the `java` on PATH)
#   MVN           the Maven command (default mvn)
#   SANITIZE_EXTRA_CFLAGS  appended to the sanitizer flags, e.g. -fno-sanitize=builtin to
#                 look past one known report; a run with it set is not a clean run
#
# Outputs, under $SANITIZE_OUT:
#   lib/linux-x86-64/libquickjs-jsr223.so   the ASan+UBSan library (with the canary)
#   jvm/bin/java                            the test JVM: java with libasan preloaded
#   reports/                                sanitizer reports of the test run (must stay empty)
#   canary/                                 the canary's reports (must not be empty)
#
# Every check whose tool is missing fails loudly; nothing is skipped.
# LeakSanitizer is off (detect_leaks=0): it cannot run inside a JVM (the JVM's own
# allocations and its threads' stacks are not visible to it). Leaks are tested by
# the RSS tests instead.

set -eu

SCRIPT_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
LOG_TAG=sanitize
DIE_WORD=FAILED
# log, die, have
. "$SCRIPT_DIR/lib.sh"

START=$(date +%s)

PROJECT_DIR=$(dirname -- "$SCRIPT_DIR")
OUT=${SANITIZE_OUT:-$PROJECT_DIR/target/sanitize}
mkdir -p "$OUT"
OUT=$(CDPATH='' cd -- "$OUT" && pwd -P)
MVN=${MVN:-mvn}

[ "$(uname -s)" = Linux ] || die "the sanitizer run is written for Linux (found $(uname -s))"

# ------------------------------------------------------------------ tools ---

CC=${CC:-gcc}
have "$CC" || die "C compiler '$CC' not found: apt-get install gcc (gcc 12 brings libasan8 and libubsan1), or set CC"
have "$MVN" || die "Maven ('$MVN') not found: apt-get install maven"
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    REAL_JAVA=$JAVA_HOME/bin/java
else
    have java || die "java not found: install a JDK 17+ or set JAVA_HOME"
    REAL_JAVA=$(command -v java)
fi
REAL_JAVA=$(readlink -f "$REAL_JAVA")
REAL_JAVA_HOME=$(dirname -- "$(dirname -- "$REAL_JAVA")")

SAN_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined${SANITIZE_EXTRA_CFLAGS:+ $SANITIZE_EXTRA_CFLAGS}"
[ -z "${SANITIZE_EXTRA_CFLAGS:-}" ] || log "WARNING: SANITIZE_EXTRA_CFLAGS='$SANITIZE_EXTRA_CFLAGS' weakens the checks: this is not a clean run"

# The ASan runtime that the instrumented library needs, preloaded into the JVM.
LIBASAN=$($CC -print-file-name=libasan.so 2>/dev/null) || LIBASAN=''
case $LIBASAN in
    /*) [ -e "$LIBASAN" ] || LIBASAN='' ;;
    *) LIBASAN='' ;;
esac
if [ -z "$LIBASAN" ] && $CC --version 2>/dev/null | grep -qi clang; then
    LIBASAN=$($CC -print-file-name="libclang_rt.asan-$(uname -m).so" 2>/dev/null) || LIBASAN=''
    case $LIBASAN in /*) [ -e "$LIBASAN" ] || LIBASAN='' ;; *) LIBASAN='' ;; esac
fi
[ -n "$LIBASAN" ] || die "$CC has no shared AddressSanitizer runtime ($CC -print-file-name=libasan.so finds nothing): apt-get install libasan8 libubsan1 (they come with gcc-12)"
LIBASAN=$(readlink -f "$LIBASAN")

# Can this compiler build and link a sanitized shared object at all?
PROBE=$OUT/probe
mkdir -p "$PROBE"
printf 'int qjs_probe(int x) { return x << 1; }\n' >"$PROBE/probe.c"
if ! $CC $SAN_FLAGS -fPIC -shared -o "$PROBE/probe.so" "$PROBE/probe.c" >"$PROBE/log" 2>&1; then
    cat "$PROBE/log" >&2
    die "$CC cannot build with $SAN_FLAGS: apt-get install libasan8 libubsan1 (or the sanitizer runtimes of your compiler)"
fi
log "compiler: $($CC --version | sed -n 1p); ASan runtime: $LIBASAN"
log "JVM: $REAL_JAVA"

# ------------------------------------------------------------------ build ---

# A staging copy of native-libs with the canary beside the shim sources, so the
# canary is compiled into this build only.
STAGE=$OUT/native-libs
rm -rf "$STAGE"
mkdir -p "$STAGE"
cp "$SCRIPT_DIR/build.sh" "$SCRIPT_DIR/debian-apt.sh" "$SCRIPT_DIR/lib.sh" "$SCRIPT_DIR/platforms.txt" "$STAGE/"
cp -R "$SCRIPT_DIR/include" "$SCRIPT_DIR/src" "$SCRIPT_DIR/compat" "$SCRIPT_DIR/patches" "$SCRIPT_DIR/jni" "$STAGE/"
# build.sh takes the verified QuickJS source from fetch-quickjs.sh (the same cache as every build)
cp "$SCRIPT_DIR/fetch-quickjs.sh" "$SCRIPT_DIR/quickjs.sha256" "$STAGE/"
cp "$SCRIPT_DIR/sanitizer/qjs_sanitizer_canary.c" "$STAGE/src/"

LIB_OUT=$OUT/lib
B0=$(date +%s)
# -g for symbolized reports; -O1 keeps frames readable and is what ASan suggests.
CC=$CC CFLAGS="$SAN_FLAGS -g -O1" LDFLAGS="$SAN_FLAGS" \
    sh "$STAGE/build.sh" "$LIB_OUT" "$PROJECT_DIR/target/quickjs-tests" \
    || die "the sanitizer build of the native library failed"
LIB=$(find "$LIB_OUT" -name 'libquickjs-jsr223.so' -type f | sed -n 1p)
[ -n "$LIB" ] || die "no libquickjs-jsr223.so under $LIB_OUT"
log "built $LIB in $(( $(date +%s) - B0 )) s"
# the library must really be instrumented
if have nm; then
    nm -D "$LIB" | grep -q '__asan_report' || die "$LIB has no ASan instrumentation (no __asan_report_* imports)"
    nm -D "$LIB" | grep -q '__ubsan_handle' || die "$LIB has no UBSan instrumentation (no __ubsan_handle_* imports)"
else
    die "nm not found (apt-get install binutils): cannot check that the library is instrumented"
fi

# ---------------------------------------------------------- the test JVM ---

REPORTS=$OUT/reports
CANARY_REPORTS=$OUT/canary
rm -rf "$REPORTS" "$CANARY_REPORTS"
mkdir -p "$REPORTS" "$CANARY_REPORTS"

# HotSpot uses SIGSEGV/SIGBUS/SIGFPE itself (implicit null checks, safepoints,
# stack banging): ASan must leave those signals to it. LeakSanitizer cannot run in
# a JVM. Every report aborts the process and is written to log_path.<pid>.
asan_options() {
    printf '%s' "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:allow_user_segv_handler=1:detect_leaks=0:abort_on_error=1:halt_on_error=1:detect_odr_violation=0:print_summary=1:log_path=$1/asan"
}
ubsan_options() {
    printf '%s' "print_stacktrace=1:halt_on_error=1:abort_on_error=1:log_path=$1/ubsan"
}

JVM_HOME=$OUT/jvm
mkdir -p "$JVM_HOME/bin"
# Surefire reads the JDK's version from <home>/release
if [ -f "$REAL_JAVA_HOME/release" ]; then cp "$REAL_JAVA_HOME/release" "$JVM_HOME/release"; fi
WRAPPER=$JVM_HOME/bin/java
cat >"$WRAPPER" <<EOF
#!/bin/sh
# the JVM of the sanitizer run: $REAL_JAVA with the ASan runtime preloaded
# (written by native-libs/sanitize.sh)
LD_PRELOAD="$LIBASAN\${LD_PRELOAD:+:\$LD_PRELOAD}"
ASAN_OPTIONS="\${QJS_ASAN_OPTIONS:-$(asan_options "$REPORTS")}"
UBSAN_OPTIONS="\${QJS_UBSAN_OPTIONS:-$(ubsan_options "$REPORTS")}"
export LD_PRELOAD ASAN_OPTIONS UBSAN_OPTIONS
# ASan's redzones make C frames about 3x larger: the main thread gets an 8 MB stack
# instead of 1 MB (threads that tests start with their own size keep it)
exec "$REAL_JAVA" \${QJS_SANITIZE_JAVA_OPTS:--Xss8m} "\$@"
EOF
chmod +x "$WRAPPER"

# ------------------------------------------------------------- the canary ---

JNA_JAR=$OUT/jna-classpath.txt
(cd "$PROJECT_DIR" && $MVN -B -q dependency:build-classpath -Dmdep.includeArtifactIds=jna \
    -Dmdep.outputFile="$JNA_JAR") >"$OUT/jna-classpath.log" 2>&1 \
    || { cat "$OUT/jna-classpath.log" >&2; die "could not resolve JNA's jar with Maven"; }
JNA_CP=$(cat "$JNA_JAR")
[ -n "$JNA_CP" ] || die "Maven gave no class path for JNA"

# run_canary KIND WANTED-PATTERN NAME
run_canary() {
    rc=0
    QJS_ASAN_OPTIONS=$(asan_options "$CANARY_REPORTS") QJS_UBSAN_OPTIONS=$(ubsan_options "$CANARY_REPORTS") \
        "$WRAPPER" -Xshare:auto -cp "$JNA_CP" "$SCRIPT_DIR/sanitizer/SanitizerCanary.java" "$LIB" "$1" \
        >"$OUT/canary-$1.log" 2>&1 || rc=$?
    # ASan writes to log_path; UBSan (a runtime of its own) writes to stderr
    line=$(cat "$CANARY_REPORTS"/* "$OUT/canary-$1.log" 2>/dev/null | grep -E "$2" | sed -n 1p) || :
    if [ "$rc" -eq 0 ] || [ -z "$line" ]; then
        cat "$OUT/canary-$1.log" >&2
        cat "$CANARY_REPORTS"/* >&2 2>/dev/null || :
        die "CANARY NOT CAUGHT: the deliberate $3 bug (qjs_sanitizer_canary($1)) gave exit code $rc and no $3 report: the sanitizer is NOT active in this JVM, so a clean test run would prove nothing"
    fi
    log "canary $3 caught (exit code $rc): $line"
}
run_canary 0 'ERROR: AddressSanitizer: heap-buffer-overflow' AddressSanitizer
run_canary 1 'runtime error: shift exponent' UndefinedBehaviorSanitizer

# --------------------------------------------------------- the test suite ---

log "running the test suite against $LIB"
T0=$(date +%s)
rc=0
MVN_LOG=$OUT/mvn-verify.log
# the exit code of mvn, not of tee (POSIX sh has no pipefail)
{ (cd "$PROJECT_DIR" && $MVN -B verify \
    -Dquickjs.native.skip=true \
    -Dquickjs.library.path="$LIB" \
    -Djvm="$WRAPPER" \
    -Dquickjs.tests.underSanitizer=true \
    "$@" 2>&1; echo $? >"$OUT/mvn-verify.rc") | tee "$MVN_LOG"; } || :
rc=$(cat "$OUT/mvn-verify.rc" 2>/dev/null) || rc=1
T1=$(date +%s)

# ASan reports are files in $REPORTS; UBSan's go to the test JVM's stderr, which
# surefire shows in its output or keeps in a .dumpstream file.
SAN_PATTERN='ERROR: AddressSanitizer|runtime error:|UndefinedBehaviorSanitizer|SUMMARY: (Address|UndefinedBehavior)Sanitizer'
n_reports=$(find "$REPORTS" -type f | wc -l)
ub_lines=$(cat "$MVN_LOG" "$PROJECT_DIR"/target/surefire-reports/*.dumpstream \
    "$PROJECT_DIR"/target/surefire-reports/*-output.txt 2>/dev/null | grep -E "$SAN_PATTERN" | sort -u) || :
if [ "$n_reports" -gt 0 ] || [ -n "$ub_lines" ]; then
    for f in "$REPORTS"/*; do
        [ -f "$f" ] || continue
        log "report $f:"
        cat "$f" >&2
    done
    [ -z "$ub_lines" ] || log "sanitizer lines in the test output ($MVN_LOG, target/surefire-reports):
$ub_lines"
    die "sanitizer report(s) in the test run: $n_reports ASan report file(s) in $REPORTS, $(printf '%s' "$ub_lines" | grep -c . || :) report line(s) in the test output"
fi
[ "$rc" -eq 0 ] || die "mvn verify failed (exit code $rc) against the sanitizer build, with no sanitizer report"
# the test JVM really loaded the instrumented library: JNA would refuse it without libasan first
log "PASSED: test suite green against the ASan+UBSan library, 0 sanitizer reports; tests $(( T1 - T0 )) s, total $(( T1 - START )) s"
