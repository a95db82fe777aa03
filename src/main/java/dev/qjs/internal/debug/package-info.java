/**
 * Stepping through scripts: the debugger of one engine (breakpoints, stepping, pausing,
 * inspection of a paused engine) and the Debug Adapter Protocol server that VS Code attaches to.
 *
 * <p>The contract between the two halves is {@link dev.qjs.internal.debug.EngineDebugger} (one per
 * engine, implemented over the native statement hook) and {@link
 * dev.qjs.internal.debug.StopListener} (one per attached client, implemented by the protocol
 * server). A paused engine's thread waits inside the hook and runs the inspection requests that
 * other threads hand it through {@link dev.qjs.internal.debug.PausedEngine}, because only the
 * thread that holds a runtime may touch it. Not an API.
 */
@NullMarked
package dev.qjs.internal.debug;

import org.jspecify.annotations.NullMarked;
