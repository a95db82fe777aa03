const target = { a: 1, b: [1, 2, 3] };
const seen = [];
const p = new Proxy(target, {
  get(t, k, r) { seen.push(String(k)); return Reflect.get(t, k, r); },
  has(t, k) { return k !== 'hidden' && k in t; },
  ownKeys(t) { return [...Reflect.ownKeys(t), 'virtual']; },
  getOwnPropertyDescriptor(t, k) { return k === 'virtual' ? { value: 'v', enumerable: true, configurable: true } : Reflect.getOwnPropertyDescriptor(t, k); }
});
const sym = Symbol('tag');
const o = { [sym]: 1, get lazy() { return 'computed'; }, __proto__: { inherited: true } };
[JSON.stringify(p), Object.keys(p), 'hidden' in p, seen.length > 0, o.lazy, o.inherited, Object.getOwnPropertySymbols(o).length,
 Object.fromEntries(Object.entries({ x: 1, y: 2 }).map(([k, v]) => [k + k, v * 2]))];
