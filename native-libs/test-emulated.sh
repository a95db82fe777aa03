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
# The default selection is the whole suite but the test classes tagged slow-under-emulation
# (@Tag("slow-under-emulation"): the limit sweeps of LimitsTest, StressTest, the fuzz targets'
# replays, and single volume tests such as the random overload choices of MethodGroupTest and the
# RSS checks of LifecycleTest), which emulation stretches to tens of minutes: about 1,490 tests in about 5 minutes.
# A new test class runs here unless it carries that tag. Any -Dtest, -Dgroups or -DexcludedGroups argument replaces the default.
# Needs qemu-user, apt-get and dpkg-deb. POSIX sh (runs under dash).

set -eu

SCRIPT_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
LOG_TAG=quickjs-emulated
# log, die, have, cache_root
. "$SCRIPT_DIR/lib.sh"

# JUnit 5 tag of the classes left out by default (surefire's excludedGroups)
SLOW_TAG=slow-under-emulation

if [ $# -lt 1 ] || [ -z "$1" ]; then
    echo "usage: sh native-libs/test-emulated.sh <lib-out-dir> [maven arguments...]" >&2
    exit 2
fi
NATIVES=$(CDPATH='' cd -- "$1" && pwd -P) || die "no such folder: $1"
shift
[ -f "$NATIVES/linux-aarch64/libquickjs-jsr223.so" ] || die "$NATIVES/linux-aarch64/libquickjs-jsr223.so is missing (run native-libs/build-all.sh first)"
have mvn || die "mvn not found"

CACHE_ROOT=$(cache_root)
# arm64_java
. "$SCRIPT_DIR/debian-apt.sh"
JAVA_ARM64=$(arm64_java "$CACHE_ROOT")

arch=$("$JAVA_ARM64" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/os.arch =/ { print $2 }')
[ "$arch" = aarch64 ] || die "the emulated JVM reports os.arch '$arch', expected aarch64"
log "arm64 JVM: $("$JAVA_ARM64" -version 2>&1 | sed -n 2p)"

case " $* " in
    *" -Dtest="*|*" -Dgroups="*|*" -DexcludedGroups="*) ;;
    *) set -- "-DexcludedGroups=$SLOW_TAG" "$@" ;;
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
