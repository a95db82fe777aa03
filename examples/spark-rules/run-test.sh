#!/usr/bin/env bash
# Builds and tests the Spark example (docs/spark.md) against the library jar that the root
# project's `mvn -B verify` (or `package`) made in this clone: a local[2] Spark scores 50,000
# orders with the JavaScript rules and must agree with one engine in one JVM. Extra arguments go
# to Maven (e.g. -o). Leaves the example's jar in examples/spark-rules/target/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

# the root pom's own version and its JNA version (the first <version> at two spaces is the project's)
version=$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' "$root/pom.xml" | head -n 1)
jna=$(sed -n 's:.*<jna.version>\(.*\)</jna.version>.*:\1:p' "$root/pom.xml" | head -n 1)
jar="$root/target/quickjs-jsr223-$version.jar"
if [ -z "$version" ] || [ -z "$jna" ]; then
  echo "[spark-rules] cannot read the project's or JNA's version from $root/pom.xml" >&2
  exit 1
fi
if [ ! -f "$jar" ]; then
  echo "[spark-rules] $jar is missing: run 'mvn -B verify' (or 'mvn -B -DskipTests package') in $root first" >&2
  exit 1
fi

cd "$here"
mvn -B "$@" -Dquickjs.version="$version" -Dquickjs.jar="$jar" -Djna.version="$jna" package
