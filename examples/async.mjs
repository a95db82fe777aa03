// Async code awaiting Java: `read` from host:files returns a Java CompletableFuture, completed
// on a Java thread; scripts see a promise. Timers run on the engine's own event loop.
// Run with: mvn -q compile exec:java -Dscript=examples/async.mjs
import { read } from 'host:files';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The promise's value, or an error when it takes longer than ms; the timer never outlives it. */
function withTimeout(promise, ms) {
  let timer;
  const expiry = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
}

// 1. The order of things: synchronous code, then promise jobs, then timers.
const order = [];
setTimeout(() => order.push('timer'), 0);
queueMicrotask(() => order.push('microtask'));
Promise.resolve().then(() => order.push('promise'));
order.push('sync');
await sleep(20);
print(`1. ${order.join(' -> ')}`);

// 2. Three Java reads at once; each future completes on a Java thread.
const regions = ['eu', 'us', 'asia'];
const reports = await Promise.all(regions.map(async (r) => JSON.parse(await read(`async/${r}.json`))));
for (const { region, sales } of reports) {
  const total = sales.reduce((sum, s) => sum + s.amount, 0);
  print(`2. ${region.padEnd(4)} ${String(sales.length).padStart(2)} sales, total ${total.toFixed(2)}`);
}

// 3. A Java future races a timer: whichever settles first wins.
const eu = JSON.parse(await withTimeout(read('async/eu.json'), 5000));
print(`3. the ${eu.region} report came well within 5 s`);
try {
  await withTimeout(new Promise(() => {}), 30); // a promise that never settles
} catch (e) {
  print(`3. ${e.message}`);
}

// 4. A failed Java future is a rejected promise, caught like any other error.
try {
  await read('async/missing.json');
} catch (e) {
  print(`4. caught: ${e.message}`);
}

// 5. An interval ticks until it is cleared.
let ticks = 0;
await new Promise((resolve) => {
  const id = setInterval(() => {
    if (++ticks === 3) {
      clearInterval(id);
      resolve();
    }
  }, 10);
});
print(`5. the interval ticked ${ticks} times`);
