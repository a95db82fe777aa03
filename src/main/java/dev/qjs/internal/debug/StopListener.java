package dev.qjs.internal.debug;

import java.util.List;

/**
 * What an attached client hears from one engine. Called on the engine's own thread; an
 * implementation returns quickly and never calls back into the engine from these methods (it
 * inspects a paused engine from its own threads, through {@link PausedEngine}).
 */
public interface StopListener {

  /**
   * The engine has stopped and waits until {@link PausedEngine#resume} (or until it is
   * interrupted, closed or detached).
   *
   * @param engine the engine
   * @param paused the stopped engine, valid until {@link #resumed}
   */
  void stopped(EngineDebugger engine, PausedEngine paused);

  /**
   * The engine runs again, after {@link PausedEngine#resume}, an interrupt, its closing or a
   * detach.
   *
   * @param engine the engine
   */
  void resumed(EngineDebugger engine);

  /**
   * Breakpoints of a source changed without being asked (its code loaded, so unverified
   * breakpoints were resolved).
   *
   * @param engine the engine
   * @param source the source's name
   * @param breakpoints every breakpoint of the source, in the order they were set
   */
  void breakpointsChanged(EngineDebugger engine, String source, List<LineBreakpoint> breakpoints);

  /**
   * The engine was closed; it is never heard of again.
   *
   * @param engine the engine
   */
  void ended(EngineDebugger engine);
}
