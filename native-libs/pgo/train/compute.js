// Training run for the release libraries' profile (native-libs/pgo/README.md): plain
// computation of the kinds applications do, written for this purpose (not the bench's
// inputs). Each part checks its own result, so a broken build fails the training run.
'use strict';

function check(what, got, want) {
  if (got !== want) throw new Error(what + ': got ' + got + ', expected ' + want);
}

// recursion and closures
function ackermann(m, n) {
  return m === 0 ? n + 1 : n === 0 ? ackermann(m - 1, 1) : ackermann(m - 1, ackermann(m, n - 1));
}
function counterFactory() {
  let n = 0;
  return { inc: () => ++n, add: (k) => (n += k), get value() { return n; } };
}

// classes, inheritance, getters, polymorphic calls
class Account {
  constructor(id, balance) { this.id = id; this.balance = balance; this.history = []; }
  deposit(x) { this.balance += x; this.history.push(x); return this; }
  fee() { return 1; }
  get rating() { return this.balance > 1000 ? 'gold' : 'plain'; }
}
class Savings extends Account {
  fee() { return 0; }
  interest(rate) { return Math.round(this.balance * rate * 100) / 100; }
}
class Checking extends Account {
  fee() { return this.history.length > 10 ? 2 : super.fee(); }
}

// a tiny expression language: tokenizer, recursive descent parser, tree walker
function tokenize(src) {
  const out = [];
  const re = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_]\w*)|(\*\*|[-+*\/%(),<>=!]=?|&&|\|\|))/y;
  let m;
  re.lastIndex = 0;
  while (re.lastIndex < src.length && (m = re.exec(src)) !== null) {
    if (m[1] !== undefined) out.push({ t: 'num', v: parseFloat(m[1]) });
    else if (m[2] !== undefined) out.push({ t: 'id', v: m[2] });
    else out.push({ t: 'op', v: m[3] });
  }
  return out;
}
function parse(tokens) {
  let i = 0;
  const peek = () => tokens[i];
  const eat = (v) => { if (tokens[i] && tokens[i].v === v) { i++; return true; } return false; };
  function primary() {
    const t = tokens[i++];
    if (t.t === 'num') return { k: 'num', v: t.v };
    if (t.t === 'id') {
      if (eat('(')) {
        const args = [];
        if (!eat(')')) { do args.push(expr(0)); while (eat(',')); eat(')'); }
        return { k: 'call', f: t.v, args };
      }
      return { k: 'var', v: t.v };
    }
    if (t.v === '(') { const e = expr(0); eat(')'); return e; }
    if (t.v === '-') return { k: 'neg', e: primary() };
    throw new SyntaxError('unexpected ' + t.v);
  }
  const PREC = { '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 4, '>': 4, '<=': 4, '>=': 4, '+': 5, '-': 5, '*': 6, '/': 6, '%': 6, '**': 7 };
  function expr(min) {
    let left = primary();
    for (;;) {
      const t = peek();
      if (!t || t.t !== 'op' || !(t.v in PREC) || PREC[t.v] < min) return left;
      i++;
      const right = expr(PREC[t.v] + (t.v === '**' ? 0 : 1));
      left = { k: 'bin', op: t.v, l: left, r: right };
    }
  }
  return expr(0);
}
const FUNCS = { max: Math.max, min: Math.min, abs: Math.abs, sqrt: Math.sqrt, floor: Math.floor };
function evaluate(n, env) {
  switch (n.k) {
    case 'num': return n.v;
    case 'var': return env[n.v];
    case 'neg': return -evaluate(n.e, env);
    case 'call': return FUNCS[n.f].apply(null, n.args.map((a) => evaluate(a, env)));
    case 'bin': {
      const a = evaluate(n.l, env), b = evaluate(n.r, env);
      switch (n.op) {
        case '+': return a + b; case '-': return a - b; case '*': return a * b;
        case '/': return a / b; case '%': return a % b; case '**': return a ** b;
        case '<': return a < b; case '>': return a > b; case '<=': return a <= b;
        case '>=': return a >= b; case '==': return a === b; case '!=': return a !== b;
        case '&&': return a && b; case '||': return a || b;
      }
    }
  }
  throw new Error('bad node ' + n.k);
}

// numeric kernels: typed arrays, floating point, bit operations
function sieve(n) {
  const composite = new Uint8Array(n + 1);
  let count = 0;
  for (let p = 2; p <= n; p++) {
    if (composite[p]) continue;
    count++;
    for (let q = p * p; q <= n; q += p) composite[q] = 1;
  }
  return count;
}
function nbody(steps) {
  const bodies = [];
  for (let i = 0; i < 5; i++) bodies.push({ x: i, y: i * 0.5, z: -i, vx: 0.01 * i, vy: 0, vz: 0.02, m: 1 + i / 10 });
  for (let s = 0; s < steps; s++) {
    for (let i = 0; i < bodies.length; i++) {
      const a = bodies[i];
      for (let j = i + 1; j < bodies.length; j++) {
        const b = bodies[j];
        const dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z;
        const d2 = dx * dx + dy * dy + dz * dz + 0.01;
        const mag = 0.001 / (d2 * Math.sqrt(d2));
        a.vx -= dx * b.m * mag; a.vy -= dy * b.m * mag; a.vz -= dz * b.m * mag;
        b.vx += dx * a.m * mag; b.vy += dy * a.m * mag; b.vz += dz * a.m * mag;
      }
    }
    for (const b of bodies) { b.x += b.vx; b.y += b.vy; b.z += b.vz; }
  }
  return bodies.reduce((e, b) => e + 0.5 * b.m * (b.vx * b.vx + b.vy * b.vy + b.vz * b.vz), 0);
}
function crc32(str) {
  let c, crc = 0xffffffff;
  for (let i = 0; i < str.length; i++) {
    c = (crc ^ str.charCodeAt(i)) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

// collections: Map, Set, arrays of records, sorting with comparators
function inventory(n) {
  const byCategory = new Map();
  const seen = new Set();
  let seed = 42;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const items = [];
  for (let i = 0; i < n; i++) {
    const item = { sku: 'SKU' + (1000 + i), cat: ['tools', 'food', 'toys', 'books', 'garden'][i % 5], qty: Math.floor(rnd() * 50), price: +(rnd() * 100).toFixed(2) };
    items.push(item);
    seen.add(item.sku);
    if (!byCategory.has(item.cat)) byCategory.set(item.cat, []);
    byCategory.get(item.cat).push(item);
  }
  items.sort((a, b) => b.price - a.price || a.sku.localeCompare(b.sku));
  const totals = {};
  for (const [cat, list] of byCategory) totals[cat] = list.reduce((s, it) => s + it.qty * it.price, 0);
  const cheap = items.filter((it) => it.price < 10).map((it) => it.sku);
  const names = items.map((it) => it.sku).sort();
  return { count: seen.size, cheap: cheap.length, first: names[0], totals: Object.keys(totals).length };
}

// strings: building, splitting, case, padding, templates, regular expressions
function report(rows) {
  let out = '';
  for (const r of rows) {
    out += `${String(r.id).padStart(5, '0')} | ${r.name.toUpperCase().padEnd(12)} | ${r.amount.toFixed(2)}\n`;
  }
  return out;
}
function logStats(lines) {
  const re = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):\d\d (INFO|WARN|ERROR) \[([\w.-]+)\] (.*)$/;
  const levels = { INFO: 0, WARN: 0, ERROR: 0 };
  const sources = {};
  for (const line of lines) {
    const m = re.exec(line);
    if (!m) continue;
    levels[m[6]]++;
    sources[m[7]] = (sources[m[7]] || 0) + 1;
  }
  return levels.INFO * 1000000 + levels.WARN * 1000 + levels.ERROR + Object.keys(sources).length;
}
function slugify(s) {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

// errors, exceptions, destructuring, spread, generators, optional chaining
function* walk(tree) {
  if (!tree) return;
  yield* walk(tree.left);
  yield tree.value;
  yield* walk(tree.right);
}
function insert(tree, value) {
  if (!tree) return { value, left: null, right: null };
  if (value < tree.value) tree.left = insert(tree.left, value);
  else tree.right = insert(tree.right, value);
  return tree;
}
function safeDivide(a, b) {
  try {
    if (b === 0) throw new RangeError('division by zero');
    return a / b;
  } catch (e) {
    return e instanceof RangeError ? 0 : NaN;
  } finally {
    safeDivide.calls = (safeDivide.calls || 0) + 1;
  }
}

function trainCompute(rounds) {
  let h = 0;
  for (let r = 0; r < rounds; r++) {
    check('ackermann', ackermann(2, 3 + (r % 3)), 2 * (3 + (r % 3)) + 3);
    const c = counterFactory();
    for (let i = 0; i < 2000; i++) c.inc();
    c.add(5);
    check('counter', c.value, 2005);

    const accounts = [];
    for (let i = 0; i < 300; i++) {
      const a = i % 2 ? new Savings(i, i * 10) : new Checking(i, i * 5);
      for (let k = 0; k < 15; k++) a.deposit(k);
      accounts.push(a);
    }
    let fees = 0, gold = 0, interest = 0;
    for (const a of accounts) {
      fees += a.fee();
      if (a.rating === 'gold') gold++;
      if (a instanceof Savings) interest += a.interest(0.015);
    }
    h = (h * 31 + fees + gold + Math.round(interest)) | 0;

    const formulas = ['max(a, b) * 2 + c % 7', '(a + b) * (c - 3) / 2', 'sqrt(a * a + b * b) > c && a != b', '-a + floor(b / 3) ** 2', 'abs(a - c) <= 10 || min(a, b, c) == 1'];
    for (const f of formulas) {
      const tree = parse(tokenize(f));
      for (let a = 1; a < 30; a++) {
        const v = evaluate(tree, { a, b: a * 2 % 17, c: a % 11 + 1 });
        h = (h * 31 + (typeof v === 'boolean' ? (v ? 1 : 2) : Math.round(v))) | 0;
      }
    }

    check('sieve', sieve(30000), 3245);
    h = (h * 31 + Math.round(nbody(400) * 1e6)) | 0;
    check('crc32', crc32('The quick brown fox jumps over the lazy dog'), 0x414fa339);

    const inv = inventory(1500);
    check('inventory', inv.count, 1500);
    h = (h * 31 + inv.cheap + inv.totals) | 0;

    const rows = [];
    for (let i = 0; i < 400; i++) rows.push({ id: i, name: 'name' + (i % 37), amount: i * 1.37 });
    h = (h * 31 + report(rows).length) | 0;

    const lines = [];
    for (let i = 0; i < 800; i++) {
      lines.push(`2026-0${1 + (i % 9)}-1${i % 10}T1${i % 10}:3${i % 10}:00 ${['INFO', 'WARN', 'ERROR'][i % 3]} [svc.${i % 7}] request ${i} took ${i % 97}ms`);
    }
    h = (h * 31 + logStats(lines)) | 0;
    check('slugify', slugify('  Hello, World! -- Training Run 42 '), 'hello-world-training-run-42');

    let tree = null;
    let seed = 7;
    for (let i = 0; i < 1000; i++) { seed = (seed * 48271) % 2147483647; tree = insert(tree, seed % 10007); }
    let prev = -1, ordered = true;
    for (const v of walk(tree)) { if (v < prev) ordered = false; prev = v; }
    check('walk', ordered, true);

    let sum = 0;
    for (let i = 0; i < 500; i++) sum += safeDivide(i, i % 5);
    const { a, b: [x, , z] = [], ...rest } = { a: 1, b: [2, 3, 4], c: 5, d: 6 };
    const merged = { ...rest, a, x, z, nested: accounts[3]?.history?.[2] ?? -1 };
    h = (h * 31 + Math.round(sum) + Object.keys(merged).length + merged.nested) | 0;
  }
  return h;
}

const started = Date.now();
trainCompute(typeof TRAIN_ROUNDS === 'number' ? TRAIN_ROUNDS : 12);
'compute training done in ' + (Date.now() - started) + ' ms';
