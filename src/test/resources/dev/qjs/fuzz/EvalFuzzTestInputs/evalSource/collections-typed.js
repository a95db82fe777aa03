const m = new Map([[1, 'one'], ['1', 'string one'], [NaN, 'nan']]);
const s = new Set([1, 1, 2, 3, 5, 8]);
const wm = new WeakMap(); const k = {}; wm.set(k, 42);
const buf = new ArrayBuffer(16); const dv = new DataView(buf); dv.setFloat64(0, Math.PI); dv.setInt32(8, -1, true);
const u8 = new Uint8Array(buf); const f32 = Float32Array.from([1.5, -0, NaN, Infinity]);
const big = 2n ** 127n - 1n; const neg = -(2n ** 63n);
({ m: [...m], s: [...s], wm: wm.get(k), bytes: Array.from(u8), f32: [...f32], big: big.toString(16), neg: String(neg),
   sorted: [10, 9, 1, 100].sort(), sortedN: [10, 9, 1, 100].sort((a, b) => a - b), asU: BigInt.asUintN(64, -1n) });
