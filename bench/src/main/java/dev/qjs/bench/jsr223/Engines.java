package dev.qjs.bench.jsr223;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.script.Bindings;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;

/**
 * Engines for the benchmarks, reached only through {@code javax.script}, so the same benchmark
 * classes run against any JSR-223 JavaScript engine on the classpath: JMH's {@code -p
 * engine=NAME} picks it (the {@code @Param} default is {@code quickjs}). Each column of
 * {@code run.sh} has exactly one engine on its classpath: {@code quickjs}, {@code nashorn},
 * {@code rhino} or {@code graal.js}.
 */
public final class Engines {
  private Engines() {}

  /** The manager of this thread: engines are made by it, as an application would. */
  private static final ThreadLocal<ScriptEngineManager> MANAGER =
      ThreadLocal.withInitial(ScriptEngineManager::new);

  /** The thread's manager (made on first use). */
  public static ScriptEngineManager manager() {
    return MANAGER.get();
  }

  /** A new engine by its JSR-223 name; fails loudly when no such engine is on the classpath. */
  public static ScriptEngine create(String name) {
    ScriptEngine engine = MANAGER.get().getEngineByName(name);
    if (engine == null) {
      throw new IllegalStateException("no javax.script engine named '" + name + "' on the classpath");
    }
    if (name.equals("graal.js")) {
      // GraalJS's ScriptEngine allows no host access by default; the workloads pass Java maps
      // and strings in (these are its documented "magic bindings", set before the first eval).
      Bindings b = engine.getBindings(ScriptContext.ENGINE_SCOPE);
      b.put("polyglot.js.allowHostAccess", true);
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

  /** A workload script from the classpath (src/main/resources/js/NAME). */
  public static String resource(String name) throws IOException {
    try (var in = Engines.class.getResourceAsStream("/js/" + name)) {
      if (in == null) {
        throw new IOException("no resource /js/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * A file that run.sh fetches at run time and never commits (handlebars.js), from the
   * directory in system property {@code bench.js.dir} (default {@code target/js}).
   */
  public static String fetched(String name) throws IOException {
    Path p = Path.of(System.getProperty("bench.js.dir", "target/js"), name);
    if (!Files.isRegularFile(p)) {
      throw new IOException(p.toAbsolutePath() + " is missing: run bench/run.sh (it fetches it)");
    }
    return Files.readString(p);
  }

  /** Evaluates {@code src} under a file name (for error messages), through javax.script only. */
  public static Object eval(ScriptEngine js, String fileName, String src) throws Exception {
    js.put(ScriptEngine.FILENAME, fileName);
    return js.eval(src);
  }
}
