#!/usr/bin/env bash
# Compares builds of the native library on the workloads where the interpreter's own speed
# shows (issue 20): each library given, in turn, for ROUNDS rounds (interleaved, so that a noisy
# machine disturbs them alike), with qjs (target/qjs/qjs, build-qjs.sh) in every round.
#
#   bench/compare-libs.sh NAME=/path/to/libquickjs-jsr223.so [NAME=...]...
#
# Needs the quickjs column built (mvn -P quickjs package -> target/quickjs/), target/qjs/qjs and
# target/js/handlebars.js (run.sh makes all three). Environment: ROUNDS (default 2), BENCHES (a
# JMH regular expression, default 'ComputeMixBench|HandlebarsBench'), JMH_TIMING (default
# '-f 1 -wi 3 -i 5 -w 1s -r 1s', run.sh's), QJS_TIMING (default '4 5 1'). Prints one line per
# benchmark, library and round (JMH's score and unit) and the load before each run.
# CPU=1: instead of JMH, the CPU time per operation of the benchmark thread (CpuTimeProbe; for
# qjs, the process's CPU time with and without the timed operations), which a loaded machine
# disturbs far less than wall-clock time; CPU_OPS (default 'compute 20 60 handlebars 50 150':
# warm-up and timed operations per workload).
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
ROUNDS=${ROUNDS:-2}
BENCHES=${BENCHES:-ComputeMixBench|HandlebarsBench}
read -r -a jmh_timing <<<"${JMH_TIMING:--f 1 -wi 3 -i 5 -w 1s -r 1s}"
read -r -a qjs_timing <<<"${QJS_TIMING:-4 5 1}"
flags=(-Xms512m -Xmx1g -XX:+UseG1GC "-Dbench.js.dir=$bench/target/js")
read -r -a cpu_ops <<<"${CPU_OPS:-compute 20 60 handlebars 50 150}"
cp="$bench/target/quickjs/classes:$bench/target/quickjs/lib/*"
res=$bench/src/main/resources/js
specs=("$@")
for r in $(seq 1 "$ROUNDS"); do
  for spec in "${specs[@]}"; do
    name=${spec%%=*} lib=${spec#*=}
    echo "# round $r $name load $(cut -d' ' -f1-3 /proc/loadavg)"
    if [ "${CPU:-0}" = 1 ]; then
      set -- "${cpu_ops[@]}"
      while [ $# -ge 3 ]; do
        java "${flags[@]}" -Dquickjs.library.path="$lib" -cp "$cp" dev.qjs.bench.jsr223.CpuTimeProbe quickjs "$1" "$2" "$3" 3 \
          | awk -v n="$name" -v r="$r" -v w="$1" '/^median/ { printf "%-40s %-10s round %s %s cpu-ms/op\n", "cpu." w, n, r, $2 }'
        shift 3
      done
      continue
    fi
    java "${flags[@]}" -cp "$cp" org.openjdk.jmh.Main "$BENCHES" -p engine=quickjs "${jmh_timing[@]}" \
      -jvmArgs "${flags[*]} -Dquickjs.library.path=$lib" 2>&1 \
      | awk -v n="$name" -v r="$r" '/^[A-Za-z]+Bench\.[A-Za-z]+ / { printf "%-40s %-10s round %s %s %s\n", $1, n, r, $(NF-3), $NF }'
  done
  echo "# round $r qjs load $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "${CPU:-0}" = 1 ]; then
    set -- "${cpu_ops[@]}"
    while [ $# -ge 3 ]; do
      python3 - "$bench/target/qjs/qjs" "$res" "$bench/target/js" "$1" "$2" "$3" "$r" <<'PY'
import resource, subprocess, sys
qjs, res, fetched, w, warm, ops, r = sys.argv[1:]
def cpu(n):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([qjs, '--std', res + '/qjs-cpu-driver.js', res, fetched, w, warm, str(n)], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
runs = sorted((cpu(int(ops)) - cpu(0)) * 1000 / int(ops) for _ in range(3))
print('%-40s %-10s round %s %.4f cpu-ms/op' % ('cpu.' + w, 'qjs', r, runs[1]))
PY
      shift 3
    done
    continue
  fi
  for w in compute handlebars; do
    "$bench/target/qjs/qjs" --std "$res/qjs-driver.js" "$res" "$bench/target/js" "$w" "${qjs_timing[@]}" 23919 \
      | python3 -c "import json,sys; d=json.load(sys.stdin); s=d['samples']; print('%-40s %-10s round %s %.3f %s' % ('qjs.$w', 'qjs', '$r', sum(s)/len(s), d.get('unit','')))"
  done
done
