function counter() { let n = 0; return { inc: () => ++n, get value() { return n; } }; }
const c = counter(); c.inc(); c.inc();
const compose = (...fns) => x => fns.reduceRight((v, f) => f(v), x);
const curried = a => b => c2 => a + b * c2;
var indirect = eval; var g = indirect('typeof counter');
var fnCtor = new Function('a', 'b', 'return a * b');
var bound = function () { return this.k; }.bind({ k: 'bound' });
var args = (function () { return Array.prototype.slice.call(arguments, 1); })(1, 2, 3);
[c.value, compose(x => x + 1, x => x * 2)(5), curried(1)(2)(3), g, fnCtor(6, 7), bound(), args,
 Array.from({ length: 5 }, (_, i) => i * i), [3, 1, 2].toSorted?.() ?? 'no toSorted', globalThis === this];
