// Training run for the release libraries' profile (native-libs/pgo/README.md): Handlebars
// (evaluated before this file by profile.sh) compiles and renders templates of its own here,
// an invoice mail and a blog index with partials and helpers, from models built in code.
'use strict';

Handlebars.registerHelper('currency', (cents) => (cents / 100).toFixed(2) + ' EUR');
Handlebars.registerHelper('upper', (s) => String(s).toUpperCase());
Handlebars.registerHelper('plural', (n, word) => n + ' ' + word + (n === 1 ? '' : 's'));
Handlebars.registerPartial('address', '<address>{{street}}<br>{{zip}} {{city}}{{#if country}}<br>{{upper country}}{{/if}}</address>');
Handlebars.registerPartial('post', '<article id="p{{id}}"><h2>{{title}}</h2>{{#with author}}<span>{{name}}</span>{{/with}}' +
  '<div>{{{body}}}</div>{{#unless comments.length}}<em>no comments</em>{{/unless}}' +
  '{{#each comments}}<blockquote data-i="{{@index}}">{{text}} &mdash; {{who}}{{#if @last}} (latest){{/if}}</blockquote>{{/each}}</article>');

const invoiceTemplate =
  '<p>Dear {{customer.first}} {{customer.last}},</p>{{> address customer.address}}' +
  '<table>{{#each lines}}<tr{{#if @first}} class="first"{{/if}}><td>{{@index}}</td><td>{{lookup ../names sku}}</td>' +
  '<td>{{qty}}</td><td>{{currency price}}</td></tr>{{else}}<tr><td>nothing ordered</td></tr>{{/each}}</table>' +
  '<p>{{plural lines.length "line"}}, total {{currency total}}</p>{{#if note}}<p class="note">{{note}}</p>{{/if}}';
const blogTemplate =
  '<header>{{site.name}} &ndash; {{site.tagline}}</header>{{#each posts}}{{> post}}{{/each}}' +
  '<nav>{{#each pages}}<a href="?page={{this}}"{{#if (lookup ../current @index)}} class="on"{{/if}}>{{this}}</a>{{/each}}</nav>';

function invoiceModel(i) {
  const names = {};
  const lines = [];
  for (let k = 0; k < i % 9; k++) {
    const sku = 'S' + ((i + k) % 40);
    names[sku] = 'Article <' + sku + '> & co';
    lines.push({ sku, qty: 1 + (k % 3), price: 199 + k * 250 });
  }
  return {
    customer: { first: 'Ann' + i, last: 'Lee', address: { street: (i % 90) + ' Main St', zip: String(10000 + i), city: 'Springfield', country: i % 2 ? 'de' : '' } },
    lines, names, total: lines.reduce((s, l) => s + l.qty * l.price, 0), note: i % 3 ? '' : 'Deliver after 5 "pm"'
  };
}
function blogModel(n) {
  const posts = [];
  for (let i = 0; i < n; i++) {
    const comments = [];
    for (let c = 0; c < i % 4; c++) comments.push({ who: 'reader' + c, text: 'Comment <' + c + '> on ' + i });
    posts.push({ id: i, title: 'Post number ' + i, author: { name: 'Author ' + (i % 5) }, body: '<p>Body of ' + i + '</p>', comments });
  }
  return { site: { name: 'Training blog', tagline: 'templates & more' }, posts, pages: [1, 2, 3, 4, 5], current: [false, true, false, false, false] };
}

function trainTemplates(rounds) {
  const invoice = Handlebars.compile(invoiceTemplate);
  const blog = Handlebars.compile(blogTemplate);
  let h = 0;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < 150; i++) h = (h * 31 + invoice(invoiceModel(i)).length) | 0;
    for (let i = 0; i < 15; i++) h = (h * 31 + blog(blogModel(20 + i)).length) | 0;
    // compiling again: Handlebars' own parser and code generator
    if (r % 4 === 0) h = (h * 31 + Handlebars.precompile(invoiceTemplate + blogTemplate).length) | 0;
  }
  const page = blog(blogModel(3));
  if (page.indexOf('Post number 2') < 0 || page.indexOf('&lt;1&gt;') < 0) throw new Error('blog page is wrong: ' + page);
  return h;
}

trainTemplates(typeof TRAIN_ROUNDS === 'number' ? TRAIN_ROUNDS : 20);
'templates training done';
