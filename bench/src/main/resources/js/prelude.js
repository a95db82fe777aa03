// Evaluated before handlebars.js in every column (a no-op where globalThis exists): Handlebars
// 4.7.8 polyfills globalThis with Object.prototype.__defineGetter__, which Nashorn lacks.
if (typeof globalThis !== 'object') { this.globalThis = this; }
