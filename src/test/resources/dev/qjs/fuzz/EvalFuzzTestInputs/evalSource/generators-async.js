function* fib() { let [a, b] = [0, 1]; for (;;) { yield a; [a, b] = [b, a + b]; } }
const take = (n, it) => { const out = []; for (const v of it) { if (out.length >= n) break; out.push(v); } return out; };
let log = [];
async function run() { for await (const x of (async function* () { yield 1; yield 2; })()) log.push(x); return log; }
run().then(v => log.push('done:' + v));
Promise.all([1, Promise.resolve(2), new Promise(r => r(3))]).then(v => log.push(v.join('+')));
take(20, fib()).join(' ');
