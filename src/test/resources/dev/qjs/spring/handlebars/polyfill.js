// Handlebars' browser bundle reads a global `window` while it loads (its noConflict support
// falls back to it when there is no `global`). A server-side engine has no browser, so an
// empty object stands in for it.
var window = {};
