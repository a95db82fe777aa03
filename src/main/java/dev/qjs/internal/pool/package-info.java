/**
 * Engine pools: the leasing and waiting, the background threads that make and initialize engines
 * ahead of demand, the return policy (which engines are reused, which discarded) and the reset of
 * what a lease changed in an engine's context. {@code dev.qjs.QuickJsEnginePool} is the public
 * face; this package knows engines only as {@code ScriptEngine}s and through an
 * {@link dev.qjs.internal.pool.EngineLifecycle}. Not an API.
 */
@NullMarked
package dev.qjs.internal.pool;

import org.jspecify.annotations.NullMarked;
