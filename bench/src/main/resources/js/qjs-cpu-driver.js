// Raw QuickJS for compare-libs.sh's CPU-time figures: `qjs --std qjs-cpu-driver.js RESDIR
// FETCHEDDIR WORKLOAD WARMUP_OPS OPS` runs WARMUP_OPS, then OPS operations of workload 5 or 6
// (as qjs-driver.js loads them) and checks the last result; compare-libs.sh takes the process's
// CPU time with OPS and with 0 and divides the difference by OPS.
var a = scriptArgs;
var resDir = a[1], fetchedDir = a[2], workload = a[3], warmup = +a[4], ops = +a[5];
var op, check;
if (workload === 'compute') {
  std.loadScript(resDir + '/compute.js');
  op = computeMix;
  check = function (r) { if (r !== COMPUTE_MIX_CHECKSUM) throw Error('checksum ' + r); };
} else {
  std.loadScript(resDir + '/prelude.js');
  std.loadScript(fetchedDir + '/handlebars.js');
  std.loadScript(resDir + '/page.js');
  var len = setupPage();
  op = renderPage;
  check = function (r) { if (r.length !== len || len !== 23919) throw Error('page length ' + r.length); };
}
var last = op();
for (var i = 0; i < warmup + ops; i++) last = op();
check(last);
