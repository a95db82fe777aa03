class Counter {
  #n = 0; static made = 0;
  static { Counter.made = -1; }
  #bump() { return ++this.#n; }
  get next() { return this.#bump(); }
  static has(o) { return #n in o; }
}
function make(k) { let hidden = k; return { add: (d = 1) => (hidden += d), get: () => hidden, evil: s => eval(s) }; }
const m = make(40); m.add(); m.add();
const c = new Counter(); c.next; c.next;
label: for (const [i, { x = i }] of [[0, {}], [1, { x: 5 }]].entries()) { if (x > 1) break label; }
[m.get(), m.evil('hidden * 2'), c.next, Counter.has(c), Counter.made, (function () { return new.target === undefined })()]
