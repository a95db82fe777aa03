#!/bin/sh
# Builds the documentation site into target/site: README.md, docs/*.md, bench/README.md and
# every bench/results/*/table.md as pages (pages.json says which page is where; assemble.mjs
# rewrites their links), the Javadoc of the public API under api/, then checks every link that
# stays on the site (check-links.mjs; any broken link fails).
#
# Usage: sh docs/site/build.sh    then, to read it: python3 -m http.server -d target/site 8000
#        (links are site-absolute, so open it through a server, not as files)
# Environment: SITE_PATH_PREFIX (default /) when the site is served from a sub-folder.
#
# The generator is Eleventy, installed with npm from the exact versions of
# docs/site/package-lock.json (npm ci, from the registry of the machine's npm configuration) into
# target/site-tools. Needs node and npm (Debian packages nodejs and npm; installed when missing
# and this runs as root with apt-get) and Maven with a JDK for the Javadoc. POSIX sh.

set -eu

SITE_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
ROOT=$(CDPATH='' cd -- "$SITE_DIR/../.." && pwd -P)
TOOLS=$ROOT/target/site-tools
SRC=$ROOT/target/site-src
OUT=$ROOT/target/site
PREFIX=${SITE_PATH_PREFIX:-/}

log() { printf '[site] %s\n' "$*"; }

if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing nodejs and npm"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
  else
    log "needs node and npm (Debian: apt-get install nodejs npm)" >&2
    exit 1
  fi
fi

# the generator, at the locked versions (again only when the lock file changed)
mkdir -p "$TOOLS"
if ! cmp -s "$SITE_DIR/package-lock.json" "$TOOLS/package-lock.json" || [ ! -d "$TOOLS/node_modules" ]; then
  log "installing Eleventy (npm ci)"
  cp "$SITE_DIR/package.json" "$SITE_DIR/package-lock.json" "$TOOLS/"
  (cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error)
fi

# the repository's address: pom.xml's project <url>, the first <url> in it
REPOSITORY=$(sed -n 's:^  <url>\(.*\)</url>$:\1:p' "$ROOT/pom.xml" | head -n 1)
[ -n "$REPOSITORY" ] || { log "no project <url> in pom.xml" >&2; exit 1; }

log "pages"
node "$SITE_DIR/assemble.mjs" "$ROOT" "$SRC" "$REPOSITORY"
cp "$SITE_DIR/eleventy.config.mjs" "$SRC/"
cp -R "$SITE_DIR/layouts" "$SRC/_layouts"
ln -s "$TOOLS/node_modules" "$SRC/node_modules" # where the configuration's imports are found
rm -rf "$OUT"
(cd "$SRC" && SITE_OUT="$OUT" SITE_NAV="$(cat nav.json)" \
  SITE_STYLE="$SITE_DIR/style.css" SITE_PATH_PREFIX="$PREFIX" \
  "$TOOLS/node_modules/.bin/eleventy" --config=eleventy.config.mjs --quiet)

log "Javadoc"
(cd "$ROOT" && mvn -q -B org.apache.maven.plugins:maven-javadoc-plugin:3.12.0:javadoc \
  -Ddoclint=all -DfailOnWarnings=true)
cp -R "$ROOT/target/reports/apidocs" "$OUT/api"

node "$SITE_DIR/check-links.mjs" "$OUT" "$PREFIX"
log "built $OUT ($(find "$OUT" -name '*.html' | wc -l) pages)"
