// The "done means", as VS Code does it: node runs VS Code's own test client
// (DebugClient of @vscode/debugadapter-testsupport) against a Java program that renders the
// templating example (examples/templating.mjs, Handlebars) with -Dquickjs.debug.port and
// -Dquickjs.debug.suspend=true, as DebuggingAsANewUserTest starts it:
//   node templating-session.js <port> <path of templating.mjs> <line in the money helper>
// It attaches, stops at the breakpoint inside the helper, finds the page's model through the
// helper's options (options.data.root.currency), steps out into Handlebars' compiled template,
// clears the breakpoint, continues and disconnects, printing what it saw and OK at the end.
'use strict';
const assert = require('assert');
const { DebugClient } = require('@vscode/debugadapter-testsupport');

async function children(dc, reference) {
  const r = await dc.variablesRequest({ variablesReference: reference });
  return r.body.variables;
}

function named(variables, name) {
  const v = variables.find(x => x.name === name);
  assert.ok(v, `no ${name} among ${variables.map(x => x.name).join(', ')}`);
  return v;
}

async function main() {
  const [port, path, lineText] = process.argv.slice(2);
  const line = Number(lineText);
  const dc = new DebugClient('node', 'unused', 'quickjs');
  dc.defaultTimeout = 30000;
  await dc.start(Number(port));
  await Promise.all([dc.waitForEvent('initialized'), dc.initializeRequest()]);
  await dc.attachRequest({ port: Number(port) });
  const set = await dc.setBreakpointsRequest({ source: { path }, breakpoints: [{ line }] });
  console.log('breakpoint verified: ' + set.body.breakpoints[0].verified);
  const stopped = dc.assertStoppedLocation('breakpoint', { path, line });
  await dc.configurationDoneRequest();

  const trace = await stopped;
  const frame = trace.body.stackFrames[0];
  console.log('stopped in: ' + frame.name + ' at line ' + frame.line);
  const scopes = await dc.scopesRequest({ frameId: frame.id });
  const locals = await children(dc, scopes.body.scopes[0].variablesReference);
  const cents = named(locals, 'cents');
  console.log('cents = ' + cents.value);
  const options = named(locals, 'options');
  assert.ok(options.variablesReference > 0, 'options expands');
  const data = named(await children(dc, options.variablesReference), 'data');
  const root = named(await children(dc, data.variablesReference), 'root');
  const model = await children(dc, root.variablesReference);
  console.log('model.currency = ' + named(model, 'currency').value);
  console.log('model.inStock = ' + named(model, 'inStock').value);
  const watch = await dc.evaluateRequest({ expression: 'options.data.root.soldOut', frameId: frame.id, context: 'watch' });
  console.log('watch options.data.root.soldOut = ' + watch.body.result);

  const threadId = trace.body.stackFrames && (await dc.threadsRequest()).body.threads[0].id;
  const afterStep = dc.waitForEvent('stopped');
  await dc.stepOutRequest({ threadId });
  const step = await afterStep;
  const outer = (await dc.stackTraceRequest({ threadId })).body.stackFrames[0];
  console.log('step out: ' + step.body.reason + ' in ' + outer.name + ' of ' + (outer.source && outer.source.name));

  await dc.setBreakpointsRequest({ source: { path }, breakpoints: [] });
  await dc.continueRequest({ threadId });
  await dc.stop();
  console.log('OK');
}

main().then(() => process.exit(0), e => {
  console.error(e && e.stack || String(e));
  process.exit(1);
});
