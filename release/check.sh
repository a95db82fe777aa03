#!/usr/bin/env bash
# Proves the release build on this machine, with a throwaway signing key:
#
#   1. makes a GnuPG home in a temporary folder with a passphrase-less test key (removed at the
#      end, its gpg-agent stopped): no key of the releaser is read or needed;
#   2. runs `mvn -B -Prelease clean verify` signed with that key (the tests, but those tagged slow-under-emulation);
#   3. checks that the jar, sources jar, javadoc jar, pom and CycloneDX SBOM (JSON and XML) each
#      have a .asc signature that `gpg --verify` accepts, that every jar carries META-INF/LICENSE
#      and META-INF/NOTICE, the main and sources jars QuickJS's META-INF/LICENSE-quickjs.txt, that
#      the main jar's module descriptor exports dev.qjs and provides
#      javax.script.ScriptEngineFactory, and that the SBOM names every runtime dependency of the
#      pom with its version, licence and SHA-256, and QuickJS's pinned release
#      (release/SbomCheck.java);
#   4. builds again from clean and compares every jar and the SBOM byte for byte. The
#      reproducibility proof is about the bytes, so this build neither compiles nor runs the tests
#      nor fetches their npm packages (none of it goes into a released file).
#
# Usage: bash release/check.sh [maven args ...]
#   e.g. bash release/check.sh -o -Dquickjs.native.script=build.sh -Dquickjs.release.natives.skip=true
#   (a check of this machine's platform only: the release profile builds every platform with
#   native-libs/build-all.sh and fails when one is missing; -DskipTests skips the tests).
#
# Installs GnuPG with apt-get when it is missing and we are root; otherwise says what to install.
# Exits non-zero on the first check that fails.
set -euo pipefail
cd "$(dirname "$0")/.."

SCRIPT_DIR=native-libs
LOG_TAG=release-check
DIE_WORD=FAILED
# log, die, have
. native-libs/lib.sh

if ! command -v gpg >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing gnupg"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnupg >/dev/null
  else
    die "gpg is not installed: install GnuPG (Debian/Ubuntu: apt-get install gnupg; macOS: brew install gnupg) and run again"
  fi
fi
command -v mvn >/dev/null 2>&1 || die "mvn is not installed: install Maven 3.6.3 or newer"
command -v jar >/dev/null 2>&1 || die "the JDK's jar tool is not on the PATH: install a JDK 17 or newer"

if command -v sha256sum >/dev/null 2>&1; then sha256() { sha256sum "$1" | awk '{ print $1 }'; }
else sha256() { shasum -a 256 "$1" | awk '{ print $1 }'; }
fi
size() { wc -c < "$1" | tr -d ' '; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/qjs-release.XXXXXX")
export GNUPGHOME="$WORK/gnupg"
cleanup() {
  # stops only the agent of our throwaway home, then removes the home with its key
  gpgconf --homedir "$GNUPGHOME" --kill all >/dev/null 2>&1 || :
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -m 700 "$GNUPGHOME"

log "making a throwaway signing key in $GNUPGHOME"
gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
  --quick-gen-key 'quickjs-jsr223 release check (throwaway) <release-check@invalid>' ed25519 sign 1d \
  2>"$WORK/keygen.log" || { cat "$WORK/keygen.log" >&2; die "gpg could not make a test key"; }
KEY=$(gpg --batch --with-colons --list-secret-keys 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }')
[ -n "$KEY" ] || die "the test key has no fingerprint"
log "test key $KEY"

# the releaser's passphrase, if set in this shell, is not the test key's
unset MAVEN_GPG_PASSPHRASE MAVEN_GPG_KEY MAVEN_GPG_KEY_FINGERPRINT

# artifactId-version, read from the pom without a plugin: its first two-space-indented
# <artifactId> and <version> (the project's own: this pom has no parent)
ARTIFACT=$(sed -n 's:^  <artifactId>\(.*\)</artifactId>.*:\1:p' pom.xml | head -n 1)
VERSION=$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' pom.xml | head -n 1)
if [ -z "$ARTIFACT" ] || [ -z "$VERSION" ]; then die "cannot read artifactId/version from pom.xml"; fi
BASE="$ARTIFACT-$VERSION"
JARS="$BASE.jar $BASE-sources.jar $BASE-javadoc.jar"
SBOMS="$BASE-cyclonedx.json $BASE-cyclonedx.xml"

# The suite against the cross-built libraries, less the classes tagged slow-under-emulation (the
# fuzz corpora's replays, the limit sweeps, StressTest): they test the engine's logic, which the
# CI run has already run three times (JNI, JNA, sanitizer), not the libraries, and take minutes.
log "build 1: mvn -B -Prelease clean verify -DexcludedGroups=slow-under-emulation $*"
t0=$(date +%s)
mvn -B -Prelease clean verify -Dgpg.keyname="$KEY" -DexcludedGroups=slow-under-emulation "$@" > "$WORK/build1.log" 2>&1 || {
  tail -n 60 "$WORK/build1.log" >&2; die "build 1 failed (the last 60 lines of its log are above)"; }
log "build 1 took $(( $(date +%s) - t0 )) s"
tests=$(grep -E 'Tests run:.*Fail' "$WORK/build1.log" | tail -n 1 | sed 's/^\[[A-Z]*\] //') || :
log "tests: ${tests:-skipped}"

mkdir -p "$WORK/first"
for f in $JARS $SBOMS; do
  [ -s "target/$f" ] || die "target/$f was not built"
  cp "target/$f" "$WORK/first/"
done

# signatures: the jars' next to them or in target/gpg, the pom's (of pom.xml) in target/gpg
find_asc() {
  for d in target target/gpg; do
    if [ -f "$d/$1.asc" ]; then printf '%s\n' "$d/$1.asc"; return 0; fi
  done
  return 1
}
verified=0
for f in $JARS "$BASE.pom" $SBOMS; do
  asc=$(find_asc "$f") || die "no signature $f.asc was made"
  if [ "$f" = "$BASE.pom" ]; then signed=pom.xml; else signed="target/$f"; fi
  gpg --batch --verify "$asc" "$signed" 2>"$WORK/verify.log" ||
    { cat "$WORK/verify.log" >&2; die "gpg --verify rejects $asc"; }
  grep -q "$KEY" "$WORK/verify.log" || grep -qi "${KEY: -16}" "$WORK/verify.log" ||
    die "$asc is not made by the test key"
  log "signature ok: $asc ($signed)"
  verified=$((verified + 1))
done

# licenses in every jar; QuickJS's license in the jars that hold (or describe) its code
for f in $JARS; do
  entries=$(jar tf "target/$f")
  want="META-INF/LICENSE META-INF/NOTICE"
  case $f in *-javadoc.jar) ;; *) want="$want META-INF/LICENSE-quickjs.txt" ;; esac
  for e in $want; do
    printf '%s\n' "$entries" | grep -qx "$e" || die "$f lacks $e"
  done
done
log "licenses ok: META-INF/LICENSE, META-INF/NOTICE in all 3 jars, META-INF/LICENSE-quickjs.txt in the jar and sources jar"
natives=$(jar tf "target/$BASE.jar" | grep -E '^[a-z0-9-]+/(lib)?quickjs-jsr223\.(so|dylib|dll)$' | tr '\n' ' ')
log "native libraries in the jar: $natives"

module=$(jar --describe-module --file "target/$BASE.jar")
printf '%s\n' "$module" | grep -q '^exports dev\.qjs$' || { printf '%s\n' "$module" >&2; die "the module does not export dev.qjs"; }
printf '%s\n' "$module" | grep -q '^provides javax\.script\.ScriptEngineFactory with' ||
  { printf '%s\n' "$module" >&2; die "the module does not provide javax.script.ScriptEngineFactory"; }
log "module ok: $(printf '%s\n' "$module" | head -n 1 | awk '{ print $1 }'); exports dev.qjs; provides javax.script.ScriptEngineFactory"

# the SBOM: every runtime dependency with version, licence and hash; QuickJS's pinned release
java release/SbomCheck.java pom.xml "target/$BASE-cyclonedx.xml" "target/$BASE-cyclonedx.json" \
  native-libs/quickjs.sha256 > "$WORK/sbom.log" 2>&1 || { cat "$WORK/sbom.log" >&2; die "the SBOM check failed"; }
sed 's/^/[release-check] /' "$WORK/sbom.log" >&2

# the tests (and the npm packages only they use) are no part of a released file
log "build 2 (reproducibility): mvn -B -Prelease clean verify -Dmaven.test.skip=true -Dquickjs.npm.skip=true $*"
t0=$(date +%s)
mvn -B -Prelease clean verify -Dgpg.keyname="$KEY" -Dmaven.test.skip=true -Dquickjs.npm.skip=true "$@" \
  > "$WORK/build2.log" 2>&1 || {
  tail -n 60 "$WORK/build2.log" >&2; die "build 2 failed (the last 60 lines of its log are above)"; }
log "build 2 took $(( $(date +%s) - t0 )) s"

same=0
total=0
for f in $JARS $SBOMS; do
  total=$((total + 1))
  a=$(sha256 "$WORK/first/$f")
  b=$(sha256 "target/$f")
  if cmp -s "$WORK/first/$f" "target/$f"; then
    same=$((same + 1))
    log "identical: $f $(size "target/$f") bytes sha256 $a"
  else
    log "DIFFERENT: $f build 1 $(size "$WORK/first/$f") bytes sha256 $a, build 2 $(size "target/$f") bytes sha256 $b"
  fi
done
log "reproducible: $same of $total files (3 jars, 2 SBOMs) byte for byte identical across two clean builds"
log "signatures verified: $verified of 6 (3 jars, the pom, 2 SBOMs)"
[ "$same" = "$total" ] || die "the release build is not reproducible"
log "release check passed"
