// Raw QuickJS column: `qjs --std qjs-driver.js RESDIR FETCHEDDIR WORKLOAD WARMUP_S ITERS ITER_S`
// runs the same workload files as the JMH benchmarks, JMH-style: warm-up time, then ITERS timed
// iterations of ITER_S seconds; prints one JSON line with the per-iteration scores, in the
// units of the JMH benchmark (compute: ms/op, handlebars: ops/s). Results are checked the same way.
var a = scriptArgs;
var resDir = a[1], fetchedDir = a[2], workload = a[3];
var warmup = +a[4], iters = +a[5], iterSec = +a[6];
var op, check, unit;
if (workload === 'compute') {
  std.loadScript(resDir + '/compute.js');
  op = computeMix;
  check = function (r) { if (r !== COMPUTE_MIX_CHECKSUM) throw Error('checksum ' + r); };
  unit = 'ms/op';
} else if (workload === 'handlebars') {
  std.loadScript(resDir + '/prelude.js');
  std.loadScript(fetchedDir + '/handlebars.js');
  std.loadScript(resDir + '/page.js');
  var len = setupPage();
  op = renderPage;
  check = function (r) { if (r.length !== len || r.length !== +a[7]) throw Error('page length ' + r.length); };
  unit = 'ops/s';
} else {
  throw Error('unknown workload ' + workload);
}
check(op());
function run(seconds) {
  var t0 = performance.now(), end = t0 + seconds * 1000, n = 0, t, last;
  do { last = op(); n++; t = performance.now(); } while (t < end);
  check(last);
  var ms = t - t0;
  return unit === 'ms/op' ? ms / n : n * 1000 / ms;
}
run(warmup);
var samples = [];
for (var i = 0; i < iters; i++) samples.push(run(iterSec));
print(JSON.stringify({ workload: workload, unit: unit, samples: samples }));
