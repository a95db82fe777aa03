// The render function ScriptTemplateView calls: render(template, model, renderingContext).
// `model` is Spring's Java Map, used as it is (no conversion); `renderingContext` is Spring's
// RenderingContext bean, whose getUrl() names the template. Compiled templates are kept per
// URL and compiled again only when the template text changes.
var compiledByUrl = {};

function render(template, model, renderingContext) {
  var url = renderingContext.url;
  var entry = compiledByUrl[url];
  if (!entry || entry.source !== template) {
    entry = { source: template, fn: Handlebars.compile(template) };
    compiledByUrl[url] = entry;
  }
  return entry.fn(model);
}
