#!/bin/sh
# Runs the engine's own JUnit tests in an arm64 JVM under qemu-user, against the linux-aarch64
# library the jar carries: Debian's arm64 OpenJDK 17 is unpacked into the cache (nothing is
# installed) and Maven's test runner forks it through a two-line wrapper.
#
# Usage: sh native-libs/test-emulated.sh <lib-out-dir> [maven arguments...]
#
#   <lib-out-dir>   the folder native-libs/build-all.sh filled (it must hold linux-aarch64/)
#   maven arguments e.g. -Dtest='EvalTest,AsyncTest' to choose other tests than the default
#
# The default selection is the whole suite but for the limit sweeps (LimitsTest), the stress
# tests and the fuzz targets' replays, which emulation stretches to tens of minutes: evaluation,
# values both ways, Java objects, errors, threads and stack limits, async code, modules, real npm
# packages, JSON, QuickJS's own test files, Spring's clients and the loader (about 1,380 tests,
# 4 to 5 minutes).
# Needs qemu-user, apt-get and dpkg-deb. POSIX sh (runs under dash).

set -eu

log() { printf '[quickjs-emulated] %s\n' "$*" >&2; }
die() { printf '[quickjs-emulated] ERROR: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

DEFAULT_TESTS='dev.qjs.modules.*Test,dev.qjs.packages.*Test,EvalTest,InvocableTest,CompilableTest,ValuesTest,ValueConversionsTest,JavaTypeTest,HostObjectsTest,ErrorsTest,BoundaryErrorsTest,ScopesTest,FactoryTest,ThreadsAndStackTest,AsyncTest,ModulesTest,LifecycleTest,JsonTest,QuickJsOwnTestsTest,RulesEngineMigrationTest,dev.qjs.spring.*Test,dev.qjs.internal.**.*Test'

if [ $# -lt 1 ] || [ -z "$1" ]; then
    echo "usage: sh native-libs/test-emulated.sh <lib-out-dir> [maven arguments...]" >&2
    exit 2
fi
SCRIPT_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
NATIVES=$(CDPATH='' cd -- "$1" && pwd -P) || die "no such folder: $1"
shift
[ -f "$NATIVES/linux-aarch64/libquickjs-jsr223.so" ] || die "$NATIVES/linux-aarch64/libquickjs-jsr223.so is missing (run native-libs/build-all.sh first)"
have mvn || die "mvn not found"

if [ -n "${XDG_CACHE_HOME:-}" ]; then CACHE_ROOT=$XDG_CACHE_HOME/quickjs-jsr223
else CACHE_ROOT=${HOME:?HOME or XDG_CACHE_HOME must be set}/.cache/quickjs-jsr223
fi
# arm64_java
. "$SCRIPT_DIR/debian-apt.sh"
JAVA_ARM64=$(arm64_java "$CACHE_ROOT")

arch=$("$JAVA_ARM64" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/os.arch =/ { print $2 }')
[ "$arch" = aarch64 ] || die "the emulated JVM reports os.arch '$arch', expected aarch64"
log "arm64 JVM: $("$JAVA_ARM64" -version 2>&1 | sed -n 2p)"

case " $* " in
    *" -Dtest="*) ;;
    *) set -- "-Dtest=$DEFAULT_TESTS" "$@" ;;
esac
cd "$SCRIPT_DIR/.."
# QuickJsOwnTestsTest reads QuickJS's tests/*.js, which build.sh copies out of the verified source
if [ ! -f target/quickjs-tests/test_builtin.js ]; then
    log "copying QuickJS's test files into target/quickjs-tests (native-libs/build.sh)"
    sh native-libs/build.sh target/native/lib target/quickjs-tests
fi
# the library comes from NATIVES, not from a build for this machine
exec mvn -B -ntp test -Dquickjs.native.skip=true "-Dnative.out=$NATIVES" "-Djvm=$JAVA_ARM64" \
    "-Dquickjs.tests.java=$JAVA_ARM64" \
    "$@"
