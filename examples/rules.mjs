// A rules engine: business rules written in JsonLogic (data, not code: they can live in a
// database and be edited without a deployment) decide on each order. json-logic-js has no
// WebJar: the build fetches it with npm into target/npm/node_modules.
// Run with: mvn -q compile exec:java -Dscript=examples/rules.mjs
import jsonLogic from 'json-logic-js';
import rules from './rules/rules.json';
import orders from './rules/orders.json';

// An operation of our own that rules may use: days between two ISO dates.
jsonLogic.add_operation('daysBetween', (from, to) => (Date.parse(to) - Date.parse(from)) / 86_400_000);

/** Every rule whose `when` holds, in order; the first `stop` rule ends the list. */
function decide(order) {
  const decisions = [];
  for (const rule of rules) {
    if (jsonLogic.truthy(jsonLogic.apply(rule.when, order))) {
      decisions.push({ rule: rule.name, ...rule.then });
      if (rule.stop) break;
    }
  }
  return decisions;
}

for (const order of orders) {
  const decisions = decide(order);
  const discount = decisions.reduce((sum, d) => sum + (d.discountPercent ?? 0), 0);
  const flags = decisions.filter((d) => d.flag).map((d) => d.flag);
  print(`${order.id}: ${decisions.map((d) => d.rule).join(', ') || 'no rule'}`);
  print(`  discount ${discount}%${flags.length ? `, flags: ${flags.join(', ')}` : ''}`);
}
