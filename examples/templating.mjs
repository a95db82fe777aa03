// A templating service: Handlebars (the npm package, from its WebJar) renders a page from a JSON
// model. Run with: mvn -q compile exec:java -Dscript=examples/templating.mjs
import Handlebars from 'handlebars'; // CommonJS: its module.exports is the default export
import { read } from 'host:files'; // Java reads a file on its own thread: a CompletableFuture
import catalog from './templating/catalog.json'; // a JSON module

// The service: templates compiled once, by name, and helpers every template may use.
const templates = new Map();
const hbs = Handlebars.create();
hbs.registerHelper('money', (cents, options) =>
  `${options.hash.currency ?? catalog.currency} ${(cents / 100).toFixed(2)}`);
hbs.registerHelper('plural', (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`);
hbs.registerPartial('product', await read('templating/product.hbs'));

async function render(name, model) {
  if (!templates.has(name)) {
    templates.set(name, hbs.compile(await read(`templating/${name}.hbs`)));
  }
  return templates.get(name)(model);
}

const inStock = catalog.products.filter((p) => p.stock > 0);
const html = await render('page', { ...catalog, inStock, soldOut: catalog.products.length - inStock.length });
print(html.trimEnd());
