// Drives the debugger's protocol server with VS Code's own test client (DebugClient of
// @vscode/debugadapter-testsupport), as VsCodeTestClientTest runs it:
//   node vscode-client.js <port> <script path> <breakpoint line> <engine's thread name>
// It attaches, sets a breakpoint in the script, prints READY (the Java side then runs the script
// to that line), asserts the stop, the top frame and a local variable, continues, disconnects
// and prints OK. Any failed assertion exits non-zero with the reason on stderr. (A promise left
// pending on a closed connection ends node with 0 and no OK: the Java side checks for OK.)
'use strict';
const assert = require('assert');
const { DebugClient } = require('@vscode/debugadapter-testsupport');

async function main() {
  const [port, path, lineText, threadName] = process.argv.slice(2);
  const line = Number(lineText);
  const dc = new DebugClient('node', 'unused', 'quickjs');
  dc.defaultTimeout = 10000;
  await dc.start(Number(port));
  const [, init] = await Promise.all([dc.waitForEvent('initialized'), dc.initializeRequest()]);
  assert.strictEqual(init.body.supportsConfigurationDoneRequest, true);
  await dc.attachRequest({});
  const set = await dc.setBreakpointsRequest({ source: { path }, breakpoints: [{ line }] });
  assert.strictEqual(set.body.breakpoints.length, 1);
  await dc.configurationDoneRequest();
  const threads = await dc.threadsRequest();
  assert.strictEqual(threads.body.threads[0].name, threadName);

  const stopped = dc.assertStoppedLocation('breakpoint', { path, line });
  console.log('READY');
  const trace = await stopped;
  const frame = trace.body.stackFrames[0];
  assert.strictEqual(frame.name, 'compute');
  const scopes = await dc.scopesRequest({ frameId: frame.id });
  const locals = await dc.variablesRequest({ variablesReference: scopes.body.scopes[0].variablesReference });
  const n = locals.body.variables.find(v => v.name === 'n');
  assert.ok(n, 'a local named n: ' + JSON.stringify(locals.body.variables));
  assert.strictEqual(n.value, '42');
  const twice = locals.body.variables.find(v => v.name === 'twice');
  assert.strictEqual(twice && twice.value, '84');
  const sum = await dc.evaluateRequest({ expression: 'n + 1', frameId: frame.id, context: 'watch' });
  assert.strictEqual(sum.body.result, '43');

  await dc.continueRequest({ threadId: threads.body.threads[0].id });
  await dc.stop(); // disconnect, then close the connection
  console.log('OK');
}

main().then(() => process.exit(0), e => {
  console.error(e && e.stack || String(e));
  process.exit(1);
});
