const d = new Date(Date.UTC(2020, 1, 29, 12, 30, 45, 123));
const obj = JSON.parse('{"a":[1,2,{"b":null}],"c":"\\u00e9\\ud83d\\ude00","d":1e21,"e":-0}', (k, v) => typeof v === 'number' ? v * 2 : v);
[d.toISOString(), d.getTime(), JSON.stringify(obj, null, 2), JSON.stringify({ d, u: undefined, f() {}, n: NaN }),
 Math.max(...[1, 5, 3]), Math.hypot(3, 4), (0.1 + 0.2).toFixed(20), (123.456).toPrecision(2), (255).toString(36),
 Number.parseFloat('1e-7x'), parseInt('0x1f'), (1e21).toLocaleString(), Object.is(-0, 0), isNaN('abc')];
