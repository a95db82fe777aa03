#!/bin/sh
# Renders docs/images/cpu-profile.png, the picture in docs/debugging-and-profiling.md: a real
# .cpuprofile of the test build's TypeScript application (ProfilePicture.java) opened in
# speedscope (npm, pinned below) by headless Chromium. Needs a built tree (`mvn -B package`, which
# also compiles the TypeScript fixtures), npm, python3 and chromium. POSIX sh.
#
# Usage: sh docs/images/profile-picture.sh

set -eu
cd "$(dirname "$0")/../.."
SPEEDSCOPE_VERSION=1.25.0
SPEEDSCOPE_SHA256=2831f1e0d26df914b477e522d78b8485511495a6af81a0b88158f8b48f9e0d03
PORT=${PORT:-8765}
work=target/profile-picture
rm -rf "$work"
mkdir -p "$work"

for tool in npm python3 chromium java; do
    command -v "$tool" >/dev/null 2>&1 || { echo "profile-picture: $tool is needed" >&2; exit 1; }
done
[ -f target/sourcemap-fixtures/COMPILED ] || { echo "profile-picture: run mvn -B package first" >&2; exit 1; }

(cd "$work" && npm pack --loglevel=error "speedscope@$SPEEDSCOPE_VERSION" > /dev/null)
actual=$(sha256sum "$work/speedscope-$SPEEDSCOPE_VERSION.tgz" | awk '{ print $1 }')
if [ "$actual" != "$SPEEDSCOPE_SHA256" ]; then
    echo "profile-picture: speedscope's tarball has SHA-256 $actual, not $SPEEDSCOPE_SHA256" >&2
    exit 1
fi
tar -xzf "$work/speedscope-$SPEEDSCOPE_VERSION.tgz" -C "$work"
site="$work/package/dist/release"

mvn -q -B -o dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" > /dev/null
classpath="target/classes:$(cat "$work/cp.txt")"
java -cp "$classpath" docs/images/ProfilePicture.java "$(pwd)/target/sourcemap-fixtures" "$site/app.cpuprofile"

python3 -m http.server "$PORT" -d "$site" > /dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || :' EXIT
sleep 1
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,250 \
    --virtual-time-budget=8000 --screenshot="$(pwd)/docs/images/cpu-profile.png" \
    "http://localhost:$PORT/index.html#profileURL=http://localhost:$PORT/app.cpuprofile&title=app.cpuprofile&view=${VIEW:-left-heavy}" \
    2> "$work/chromium.log"
echo "profile-picture: wrote docs/images/cpu-profile.png"
