// Workload 6: a page rendered by Handlebars 4.7.x from a JSON model (ES5). Needs the global
// Handlebars (handlebars.js evaluated first). setupPage() compiles the template once;
// renderPage() renders it and returns the page (23,919 chars in every engine).

var PAGE_TEMPLATE =
  '<!DOCTYPE html><html><head><title>{{title}}</title></head><body>' +
  '<h1>{{title}}</h1><p class="lead">{{{intro}}}</p>' +
  '{{#if user}}<div class="user">Hello, {{user.name}} ({{user.email}})</div>{{/if}}' +
  '<table>{{#each items}}<tr class="{{#if @odd}}odd{{else}}even{{/if}}">' +
  '<td>{{@index}}</td><td>{{name}}</td><td>{{money price}}</td>' +
  '<td>{{#each tags}}<span>{{this}}</span>{{/each}}</td>' +
  '<td>{{#if inStock}}yes{{else}}no{{/if}}</td><td>{{description}}</td></tr>{{/each}}</table>' +
  '<ul>{{#each links}}<li><a href="{{url}}">{{label}}</a></li>{{/each}}</ul>' +
  '<footer>{{footer}} &amp; {{items.length}} items</footer></body></html>';

function pageModelJson() {
  var items = [];
  for (var i = 0; i < 100; i++) {
    items.push({
      name: 'Product <' + i + '>',
      price: 1000 + i * 37,
      tags: ['t' + (i % 3), 't' + (i % 5), 'tag & ' + (i % 7)],
      inStock: i % 4 !== 0,
      description: 'A "fine" product number ' + i + ' for everyone\'s needs.'
    });
  }
  var links = [];
  for (var j = 0; j < 20; j++) links.push({ url: '/page/' + j + '?a=1&b=2', label: 'Link ' + j });
  return JSON.stringify({
    title: 'Catalogue', intro: '<em>Our</em> products', footer: 'Made with care',
    user: { name: 'Ada <Admin>', email: 'ada@example.org' }, items: items, links: links
  });
}

var pageTemplate, pageModel;

function setupPage() {
  Handlebars.registerHelper('money', function (cents) {
    return (cents / 100).toFixed(2) + ' EUR';
  });
  pageTemplate = Handlebars.compile(PAGE_TEMPLATE);
  pageModel = JSON.parse(pageModelJson());
  return renderPage().length;
}

function renderPage() { return pageTemplate(pageModel); }
