function* fib() { let [a, b] = [0, 1]; for (;;) { yield a; [a, b] = [b, a + b]; } }
const first = []; for (const v of fib()) { if (first.length > 10) break; first.push(v); }
async function later(x) { await null; return x * 2; }
let settled; later(21).then(v => { settled = v; });
const { a = 1, ...rest } = { b: 2, c: 3 };
[first.join(), a, Object.keys(rest).join(), typeof settled, [...'héllo'].length, Array.from({ length: 3 }, (_, i) => i ** 2)]
