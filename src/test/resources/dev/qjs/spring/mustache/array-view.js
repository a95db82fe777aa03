// FALLBACK ONLY: not part of Spring's documented Mustache setup (which is mustache.js alone,
// renderObject "Mustache", renderFunction "render").
//
// Mustache.js repeats a section ({{#items}}...{{/items}}) only for a value that passes
// Array.isArray, and treats an empty list as "nothing" ({{^items}}) only then too. In this
// engine a java.util.List or Java array is an array-like host object: indexable, with length
// and Array.prototype methods, but Array.isArray(list) is false, so Mustache would render the
// section once with the list itself as context. This render function shows Mustache the
// model through a view in which every Java list or array is a JavaScript array; other objects
// are read through a Proxy that applies the same rule to their values. Nothing is copied until
// the template reads it, and the Java objects are not changed.
function render(template, model) {
  return Mustache.render(template, arrayView(model));
}

function arrayView(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return value;
  }
  if (value[Symbol.iterator] === Array.prototype[Symbol.iterator]) {
    return Array.from(value, arrayView); // a Java List or array
  }
  return new Proxy(value, { get: (target, key) => arrayView(target[key]) });
}
