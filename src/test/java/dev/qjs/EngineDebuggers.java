package dev.qjs;

import dev.qjs.internal.debug.EngineDebugger;

/** The debugger of an engine, for the tests of the protocol server in other packages. */
public final class EngineDebuggers {
  private EngineDebuggers() {}

  /**
   * The engine's debugger.
   *
   * @param engine an engine of this library
   * @return its debugger
   */
  public static EngineDebugger of(QuickJsScriptEngine engine) {
    return engine.debugger();
  }
}
