// The order rules the Spark example applies to every row: the four rules of
// examples/rules/rules.json written as plain JavaScript, so the rules need no library and load
// into an engine as one script. score(orderJson) takes one order as JSON text, in the shape of
// examples/rules/orders.json, and returns what the rules decided about it.
'use strict';

const DAY_MS = 86_400_000;

/** The order's value in cents: every line's quantity times its price. */
function basketCents(order) {
  return order.lines.reduce((sum, line) => sum + Math.round(line.qty * line.price * 100), 0);
}

/** Rules in order: each whose `when` holds adds its `then`; a `stop` rule ends the list. */
const rules = [
  {
    name: 'blocked customer',
    when: (order) => ['C-666'].includes(order.customer.id),
    then: { flag: 'reject' },
    stop: true,
  },
  {
    name: 'loyal customer',
    when: (order) => (Date.parse(order.date) - Date.parse(order.customer.since)) / DAY_MS >= 365,
    then: { discountPercent: 5 },
  },
  {
    name: 'big basket',
    when: (order) => basketCents(order) > 100_00,
    then: { discountPercent: 10 },
  },
  {
    name: 'fragile goods abroad',
    when: (order) => order.shipTo.country !== 'DE' && order.lines.some((line) => line.fragile === true),
    then: { flag: 'insure' },
  },
];

/** Throws a TypeError naming the order and the field when the order is not one the rules read. */
function checkOrder(order) {
  const where = order && typeof order.id === 'string' ? `order ${order.id}` : 'an order without an id';
  const fail = (what) => { throw new TypeError(`${where}: ${what}`); };
  if (order === null || typeof order !== 'object' || Array.isArray(order)) fail('not a JSON object');
  if (typeof order.id !== 'string') fail('id is not a string');
  if (Number.isNaN(Date.parse(order.date))) fail('date is not an ISO date');
  if (!order.customer || typeof order.customer.id !== 'string') fail('customer.id is not a string');
  if (Number.isNaN(Date.parse(order.customer.since))) fail('customer.since is not an ISO date');
  if (!order.shipTo || typeof order.shipTo.country !== 'string') fail('shipTo.country is not a string');
  if (!Array.isArray(order.lines)) fail('lines is not an array');
  order.lines.forEach((line, i) => {
    if (!line || !Number.isFinite(line.qty) || !Number.isFinite(line.price)) fail(`lines[${i}] needs a numeric qty and price`);
  });
}

/**
 * Scores one order given as JSON text: its value and discount in cents, the discount percent,
 * the flags raised and the rules that matched (both comma-separated, in rule order).
 */
function score(orderJson) {
  let order;
  try {
    order = JSON.parse(orderJson);
  } catch (e) {
    throw new TypeError(`not an order: ${e.message}: ${String(orderJson).slice(0, 60)}`);
  }
  checkOrder(order);
  const matched = [];
  for (const rule of rules) {
    if (rule.when(order)) {
      matched.push(rule);
      if (rule.stop) break;
    }
  }
  const totalCents = basketCents(order);
  const discountPercent = matched.reduce((sum, rule) => sum + (rule.then.discountPercent ?? 0), 0);
  return {
    id: order.id,
    totalCents,
    discountPercent,
    discountCents: Math.round((totalCents * discountPercent) / 100),
    flags: matched.filter((rule) => rule.then.flag).map((rule) => rule.then.flag).join(','),
    rules: matched.map((rule) => rule.name).join(','),
  };
}
