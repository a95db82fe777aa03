function thrower() { null.f(); }
try { thrower(); } catch (e) { globalThis.caught = e.constructor.name; }
throw new RangeError('from compiled code: ' + caught);
