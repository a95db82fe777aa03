// Debugs compiled TypeScript with VS Code's own test client (DebugClient of
// @vscode/debugadapter-testsupport), as VsCodeTestClientTest runs it:
//   node typescript-session.js <port> <.ts path> <breakpoint line>
// It attaches, sets a breakpoint in the .ts file (the engine runs tsc's output, which has a
// source map), prints READY (the Java side then loads the compiled script and calls it), asserts
// the stop at the .ts line, the frame's source, a local read by evaluation, steps over and
// continues, disconnects and prints OK. A failed assertion exits non-zero with the reason.
'use strict';
const assert = require('assert');
const { DebugClient } = require('@vscode/debugadapter-testsupport');

async function main() {
  const [port, path, lineText] = process.argv.slice(2);
  const line = Number(lineText);
  const dc = new DebugClient('node', 'unused', 'quickjs');
  dc.defaultTimeout = 10000;
  await dc.start(Number(port));
  await Promise.all([dc.waitForEvent('initialized'), dc.initializeRequest()]);
  await dc.attachRequest({});
  const set = await dc.setBreakpointsRequest({ source: { path }, breakpoints: [{ line }] });
  assert.strictEqual(set.body.breakpoints.length, 1);
  await dc.configurationDoneRequest();

  const stopped = dc.assertStoppedLocation('breakpoint', { path, line });
  console.log('READY');
  const trace = await stopped;
  const frame = trace.body.stackFrames[0];
  assert.strictEqual(frame.name, 'checkOrder');
  assert.strictEqual(frame.source.path, path);
  const total = await dc.evaluateRequest({ expression: 'order.total', frameId: frame.id, context: 'hover' });
  assert.strictEqual(total.body.result, '7');

  const threadId = (await dc.threadsRequest()).body.threads[0].id;
  await dc.setBreakpointsRequest({ source: { path }, breakpoints: [] });
  await dc.continueRequest({ threadId });
  await dc.stop();
  console.log('OK');
}

main().then(() => process.exit(0), e => {
  console.error(e && e.stack || String(e));
  process.exit(1);
});
