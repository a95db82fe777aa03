const hostile = { get name() { throw new Error('name') }, get message() { throw 1 }, get stack() { return 42 }, toString() { throw this } };
const kinds = [hostile, null, undefined, 1n, Symbol('s'), new Proxy({}, { get() { throw 'trap' } }), Object.create(null), '\uD800'];
throw kinds[new Date(0).getTime() % kinds.length];
