// The whole extension: VS Code talks the Debug Adapter Protocol straight to the port the Java
// program opened (quickjs-jsr223 is its own debug adapter), so all this registers is where that
// port is.
'use strict';
const vscode = require('vscode');

function activate(context) {
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory('quickjs', {
      createDebugAdapterDescriptor(session) {
        const config = session.configuration;
        const port = Number(config.port);
        if (!Number.isInteger(port) || port < 1 || port > 65535) {
          throw new Error('set "port" in launch.json to the Java program\'s quickjs.debug.port');
        }
        return new vscode.DebugAdapterServer(port, config.host || '127.0.0.1');
      },
    }),
  );
}

function deactivate() {}

module.exports = { activate, deactivate };
