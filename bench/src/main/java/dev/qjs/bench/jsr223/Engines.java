package dev.qjs.bench.jsr223;

import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;

/**
 * Engines for the benchmarks, reached only through {@code javax.script}, so the same benchmark
 * classes run against any JSR-223 JavaScript engine on the classpath: JMH's {@code -p
 * engine=NAME} picks it (the {@code @Param} default is {@code quickjs}).
 */
public final class Engines {
  private Engines() {}

  /** A new engine by its JSR-223 name; fails loudly when no such engine is on the classpath. */
  public static ScriptEngine create(String name) {
    ScriptEngine engine = new ScriptEngineManager().getEngineByName(name);
    if (engine == null) {
      throw new IllegalStateException("no javax.script engine named '" + name + "' on the classpath");
    }
    return engine;
  }

  /** Closes engines that hold resources (quickjs frees its native memory); others are dropped. */
  public static void close(ScriptEngine engine) throws Exception {
    if (engine instanceof AutoCloseable c) {
      c.close();
    }
  }

  /** Throws unless {@code actual} is a number equal to {@code expected} (engines differ in boxing). */
  public static void check(String what, Object actual, double expected) {
    if (!(actual instanceof Number n) || n.doubleValue() != expected) {
      throw new IllegalStateException(
          what + ": expected " + expected + " but the engine returned " + actual
              + (actual == null ? "" : " (" + actual.getClass().getName() + ")"));
    }
  }
}
