// Training run for the release libraries' profile (native-libs/pgo/README.md): JSON text in
// and out, and objects used as records and dictionaries, written for this purpose.
'use strict';

function makeOrders(n) {
  const orders = [];
  for (let i = 0; i < n; i++) {
    const lines = [];
    for (let k = 0; k < 1 + (i % 6); k++) {
      lines.push({ product: 'P-' + ((i * 7 + k) % 311), quantity: 1 + (k % 4), unitPrice: Math.round((5 + ((i + k) % 50) * 1.1) * 100) / 100, options: k % 2 ? { gift: true, note: 'wrap "nicely" \u00e9' } : null });
    }
    orders.push({ id: 10000 + i, customer: { name: 'Customer ' + (i % 97), email: 'c' + (i % 97) + '@example.org', vip: i % 13 === 0 }, placed: new Date(Date.UTC(2026, i % 12, 1 + (i % 28))).toISOString(), lines, tags: ['web', i % 2 ? 'promo' : 'regular'] });
  }
  return orders;
}

function trainJson(rounds) {
  let h = 0;
  for (let r = 0; r < rounds; r++) {
    const text = JSON.stringify(makeOrders(400));
    const back = JSON.parse(text);
    if (back.length !== 400) throw new Error('JSON round trip lost orders');
    const pretty = JSON.stringify(back.slice(0, 50), null, 2);
    const filtered = JSON.stringify(back, (k, v) => (k === 'options' ? undefined : v));
    const revived = JSON.parse(text, (k, v) => (k === 'placed' ? Date.parse(v) : v));
    const totals = Object.create(null);
    for (const o of revived) {
      const sum = o.lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0);
      totals[o.customer.name] = (totals[o.customer.name] || 0) + sum;
    }
    const top = Object.entries(totals).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k]) => k);
    h = (h * 31 + text.length + pretty.length + filtered.length + top.join().length) | 0;
  }
  return h;
}

trainJson(typeof TRAIN_ROUNDS === 'number' ? TRAIN_ROUNDS : 10);
'json training done';
