const cyclic = { name: 'c' }; cyclic.self = cyclic; cyclic.list = [cyclic, [cyclic]];
const throwing = { ok: 1, get bad() { throw new TypeError('getter') } };
const trap = new Proxy([1, 2, 3], { ownKeys() { throw new RangeError('ownKeys') }, get(t, k) { return k === 'length' ? 1e9 : t[k] } });
({ cyclic, throwing, trap, sparse: [, , 3, , ], big: 2n ** 100n, sym: Symbol('x'), fn() {}, ['\uDC00\uD800']: '\uD800', date: new Date(NaN) })
