// Run with: mvn -q compile exec:java -Dscript=examples/hello.js
const languages = ['Java', 'JavaScript'];
const greet = (who) => `Hello from QuickJS, ${who}!`;
print(greet(languages.join(' and ')));

// current ECMAScript: classes, private fields, BigInt, optional chaining, array helpers
class Counter {
  #n = 0n;
  inc() { return ++this.#n; }
}
const c = new Counter();
for (let i = 0; i < 41; i++) c.inc();
print('The answer is', String(c.inc()), '-', [3, 1, 2].toSorted().at(-1) ?? 'none');
console.log('typeof Promise.withResolvers:', typeof Promise.withResolvers);
