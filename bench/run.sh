#!/usr/bin/env bash
# Builds and runs the JMH benchmarks; results go to bench/results/<date>/.
#
#   bench/run.sh                      all benchmarks, -f 1 -wi 3 -i 5 -w 1s -r 1s
#   QUICK=1 bench/run.sh              smoke run: -f 1 -wi 1 -i 1 -w 200ms -r 200ms (results/<date>-quick/)
#   bench/run.sh InvokeFunction       only benchmarks matching these regexes
#   bench/run.sh Invoke -prof gc -i 10  other JMH arguments pass through; each of -f -wi -i -w -r
#                                     keeps its default unless given (-rf/-rff are always added)
#   SKIP_INSTALL=1 bench/run.sh       reuse the installed library and the built jar
#   OUT=dir bench/run.sh              write results to dir instead
set -euo pipefail

bench=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$bench")
day=$(date +%Y-%m-%d)

if [ "${QUICK:-0}" = 1 ]; then
  timing=(-f 1 -wi 1 -i 1 -w 200ms -r 200ms)
  out=${OUT:-$bench/results/$day-quick}
else
  timing=(-f 1 -wi 3 -i 5 -w 1s -r 1s)
  out=${OUT:-$bench/results/$day}
fi

# the benchmark selection defaults to all; each timing option defaults unless given
args=("$@")
has_selection=0
prev=
for a in "$@"; do
  if [[ $a != -* && ( -z $prev || $prev != -* ) ]]; then has_selection=1; fi
  # a word after an option is its value (-p engine=x, -prof gc), not a selection
  prev=$a
done
[ $has_selection = 1 ] || args=(dev.qjs.bench "${args[@]}")
for ((i = 0; i < ${#timing[@]}; i += 2)); do
  opt=${timing[i]}
  given=0
  for a in "$@"; do [ "$a" = "$opt" ] && given=1; done
  [ $given = 1 ] || args+=("$opt" "${timing[i + 1]}")
done

if [ "${SKIP_INSTALL:-0}" != 1 ]; then
  echo "[bench] installing the library (mvn install in $root)"
  (cd "$root" && mvn -q -B -DskipTests install)
  echo "[bench] building bench/target/benchmarks.jar"
  (cd "$bench" && mvn -q -B package)
fi

mkdir -p "$out"
{
  echo "date: $(date -Is)"
  echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD -- src 2>/dev/null || echo ' (library sources modified)')"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
  echo "java: $(${JAVA:-java} -version 2>&1 | head -1)"
  echo "jmh args: ${args[*]}"
  echo "load before: $(uptime)"
} > "$out/env.txt"

echo "[bench] java -jar benchmarks.jar ${args[*]} -rf json -rff $out/results.json"
${JAVA:-java} -jar "$bench/target/benchmarks.jar" "${args[@]}" -rf json -rff "$out/results.json" \
  | tee "$out/jmh.txt"

echo "load after: $(uptime)" >> "$out/env.txt"
python3 "$bench/table.py" "$out/results.json" "$out/env.txt" > "$out/table.md"
echo "[bench] results in $out"
cat "$out/table.md"
