/**
 * The Debug Adapter Protocol server that VS Code attaches to: {@link
 * dev.qjs.internal.debug.dap.DapServer} listens on loopback, frames and parses messages with its
 * own strict reader (Jackson is optional), and drives every registered engine's {@link
 * dev.qjs.internal.debug.EngineDebugger}. Breakpoint conditions, hit counts and logpoints are
 * applied here, through the paused engine's evaluation. {@link
 * dev.qjs.internal.debug.dap.DebugPorts} keeps the process's servers (one per port, holding their
 * engines weakly) and is what an engine calls when it is made, before its first call ({@code
 * quickjs.debug.suspend}) and when it closes. Not an API.
 */
@NullMarked
package dev.qjs.internal.debug.dap;

import org.jspecify.annotations.NullMarked;
