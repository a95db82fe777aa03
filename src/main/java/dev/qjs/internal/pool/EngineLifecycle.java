package dev.qjs.internal.pool;

import javax.script.ScriptEngine;
import javax.script.ScriptException;

/**
 * What a pool needs to know about its engines beyond {@code ScriptEngine}: how one is made and
 * initialized, whether it hit a limit, whether it was closed, how it is closed.
 *
 * @param <E> the engine type
 */
public interface EngineLifecycle<E extends ScriptEngine> {
  /** A new engine, not yet initialized; a RuntimeException or Error when none can be made. */
  E create();

  /** Runs the pool's initializer on a new engine; what it throws discards the engine. */
  void initialize(E engine) throws ScriptException;

  /**
   * How many calls of this engine so far ended on a limit, an interruption or a stack overflow
   * rather than a script's own error; a change during a lease discards the engine.
   */
  long stops(E engine);

  /** Whether the engine was closed (by its user, while leased). */
  boolean isClosed(E engine);

  /** Frees the engine; may take a while for a large heap. */
  void close(E engine);
}
