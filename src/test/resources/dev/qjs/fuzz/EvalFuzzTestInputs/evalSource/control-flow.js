var out = [];
outer: for (var i = 0; i < 5; i++) {
  for (var j = 0; j < 5; j++) { if (j === 3) continue outer; if (i === 4) break outer; out.push(i * j); }
}
function thrower(x) { try { if (x > 2) throw new RangeError('big ' + x); return x; } catch (e) { return e.message; } finally { out.push('f' + x); } }
switch (typeof out) { case 'object': out.push('obj'); case 'string': out.push('fallthrough'); break; default: out.push('never'); }
var { a = 1, b: [c, ...rest] = [2, 3, 4], ...others } = { b: [9, 8, 7], z: 26, y: 25 };
label: { out.push(thrower(1), thrower(5)); break label; }
do { i--; } while (i > 0);
out.concat([a, c, rest, others, i, void 0 ?? 'nullish', null?.x, (() => { 'use strict'; return this; })()]);
