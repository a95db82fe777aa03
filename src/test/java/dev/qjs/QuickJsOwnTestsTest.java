package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.qjs.internal.runtime.JsRuntime;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Runs QuickJS's own test files ({@code tests/*.js} of the QuickJS 2025-04-26 release, copied by
 * the build to the directory in the system property {@code quickjs.tests.dir}) through
 * {@code javax.script}, as QuickJS's {@code make test} runs them with the {@code qjs} command line
 * ({@code ./qjs tests/test_closure.js}, {@code ./qjs --std tests/test_builtin.js}, ...).
 *
 * <p>Each file is a container named after the file; inside it, the first test evaluates the file
 * (its own {@code assert} helpers, its function declarations and any other top-level code) with
 * the trailing top-level {@code test_xxx();} calls blanked out, and then every one of those calls
 * is its own test, made with {@link Invocable#invokeFunction}, in the file's order,
 * so a failure names the file and the function. The files define their {@code assert} functions
 * inline (none of the five imports {@code assert.js}), so they run as plain scripts, exactly like
 * under qjs. (One difference: a function called by {@code invokeFunction} gets the global object
 * as {@code this}, not {@code undefined}; no test function looks at its own {@code this}.)
 *
 * <p>Not run: {@code test_std.js}, {@code test_worker.js} (with {@code test_worker_module.js}),
 * {@code test_bjson.js} and {@code test_cyclic_import.js}. They are ES modules that import
 * QuickJS's {@code std}/{@code os} modules, workers, the native {@code bjson.so} module or other
 * modules: file, process and worker access this engine deliberately does not offer, and ES modules
 * are not supported yet.
 *
 * <p>The shim ({@link #SHIM}) gives the files the little they take from qjs's {@code --std}
 * globals, only {@code test_builtin.js} uses any of it:
 *
 * <ul>
 *   <li>{@code std.gc()} runs QuickJS's real garbage collector ({@code JS_RunGC}) synchronously,
 *       as qjs does: the shim prints a marker line, and the test's writer answers the marker by
 *       calling the engine runtime's {@code collectGarbage()} (reached by reflection; the engine
 *       has no script-visible GC on purpose). A no-op would not do: QuickJS queues
 *       FinalizationRegistry callbacks and frees cyclic WeakMap keys only in {@code JS_RunGC}.
 *   <li>{@code os.setTimeout(f, ms)} queues {@code f}; after the test function returns (and its
 *       promise jobs ran at the engine's microtask checkpoint), the harness runs the queued
 *       timers in (delay, order) order, one call each, so an assertion failing in a timer fails
 *       the test function that set it, and jobs run between timers as in qjs's event loop.
 *   <li>{@code os.platform}: {@code "win32"}, {@code "darwin"} or {@code "linux"} from the JVM's
 *       {@code os.name} (test_date skips two Date rounding checks on Windows).
 * </ul>
 *
 * <p>A harness that cannot fail proves nothing, so {@link #harnessReportsFailures()} and the
 * other self-checks run known-bad code through the very same path and require a failure.
 */
class QuickJsOwnTestsTest {
  /** The files of QuickJS's {@code make test} that need no std/os module, worker or module. */
  private static final List<String> FILES =
      List.of(
          "test_closure.js", "test_language.js", "test_builtin.js", "test_loop.js", "test_bigint.js");

  /** The top-level calls at the end of each file: {@code test_xxx();} alone on a line. */
  private static final Pattern TOP_LEVEL_CALL =
      Pattern.compile("^(test\\w*)\\(\\);[ \\t]*$", Pattern.MULTILINE);

  private static final String GC_MARKER = "\u0000quickjs-own-tests:std.gc\u0000";

  /** What the files take from qjs's std and os modules; see the class comment. */
  private static final String SHIM =
      """
      (function (global) {
        'use strict';
        const timers = [];
        Object.defineProperty(global, 'std', {
          value: Object.freeze({
            gc() { print(GC_MARKER); },           // the host answers with JS_RunGC
          }),
          writable: true, configurable: true,
        });
        Object.defineProperty(global, 'os', {
          value: Object.freeze({
            platform: PLATFORM,
            setTimeout(fn, delay = 0) {
              if (typeof fn !== 'function') throw new TypeError('not a function');
              timers.push({ fn, delay: Math.max(0, Number(delay) || 0) });
            },
          }),
          writable: true, configurable: true,
        });
        // Runs the earliest queued timer; false when none is left.
        Object.defineProperty(global, '__ownTestsRunTimer', {
          value() {
            if (timers.length === 0) return false;
            let first = 0;
            for (let i = 1; i < timers.length; i++)
              if (timers[i].delay < timers[first].delay) first = i;
            const t = timers.splice(first, 1)[0];
            t.fn();
            return true;
          },
        });
      })(globalThis);
      """
          .replace("GC_MARKER", jsString(GC_MARKER))
          .replace("PLATFORM", jsString(platform()));

  private final List<AutoCloseable> engines = new ArrayList<>();

  @AfterEach
  void closeEngines() throws Exception {
    for (AutoCloseable e : engines) {
      e.close();
    }
    engines.clear();
  }

  // ------------------------------------------------------------------ QuickJS's test files

  @TestFactory
  Stream<DynamicNode> quickJsTestFiles() throws IOException {
    List<DynamicNode> files = new ArrayList<>();
    for (String file : FILES) {
      Harness h = new Harness(file, Files.readString(testsDir().resolve(file), StandardCharsets.UTF_8));
      assertFalse(h.functions.isEmpty(), file + ": no top-level test_xxx(); calls found");
      List<DynamicTest> tests = new ArrayList<>();
      tests.add(dynamicTest("top-level code", named(file, "top-level code", h::load)));
      for (String fn : h.functions) {
        tests.add(dynamicTest(fn, named(file, fn, () -> h.run(fn))));
      }
      files.add(dynamicContainer(file, tests));
    }
    return files.stream();
  }

  // ------------------------------------------------------------------ the harness checks itself

  /** A failing assertion of a real test file, through the same path, fails the test. */
  @Test
  void harnessReportsFailures() throws Exception {
    String source =
        Files.readString(testsDir().resolve("test_builtin.js"), StandardCharsets.UTF_8)
            + "\nfunction test_deliberately_wrong() { assert(1 + 1, 3, 'one plus one'); }"
            + "\ntest_deliberately_wrong();\n";
    Harness h = new Harness("test_builtin.js", source);
    assertTrue(h.functions.contains("test_deliberately_wrong"), h.functions::toString);
    h.load();
    h.run("test_string"); // a passing one, for contrast
    JsException e = assertThrows(JsException.class, () -> h.run("test_deliberately_wrong"));
    assertEquals("Error", e.getErrorName());
    assertTrue(
        e.getMessage().contains("assertion failed: got number:|2|, expected number:|3|"),
        e.getMessage());
  }

  /** A function that throws a non-error, an error in a timer, and a missing function all fail. */
  @Test
  void harnessReportsThrowsTimersAndMissingFunctions() throws Exception {
    Harness h =
        new Harness(
            "synthetic.js",
            """
            function test_throws() { throw 'not even an Error'; }
            function test_timer() {
              os.setTimeout(() => { throw new RangeError('late failure'); }, 0);
            }
            test_throws();
            test_timer();
            test_missing();
            """);
    assertEquals(List.of("test_throws", "test_timer", "test_missing"), h.functions);
    h.load();
    assertThrows(JsException.class, () -> h.run("test_throws"));
    JsException late = assertThrows(JsException.class, () -> h.run("test_timer"));
    assertEquals("RangeError", late.getErrorName());
    assertThrows(NoSuchMethodException.class, () -> h.run("test_missing"));
  }

  /** Top-level code outside the calls still runs, and still fails the file when wrong. */
  @Test
  void harnessReportsTopLevelFailures() {
    Harness h = new Harness("synthetic.js", "function test_a() {}\nthrow new Error('top');\ntest_a();\n");
    assertEquals(List.of("test_a"), h.functions);
    assertThrows(JsException.class, h::load);
    assertThrows(AssertionError.class, () -> h.run("test_a"), "functions of a failed file fail");
  }

  /** std.gc() really collects: a cycle held only weakly dies, its finalizer then runs. */
  @Test
  void shimGcIsQuickJsGc() throws Exception {
    Harness h =
        new Harness(
            "synthetic.js",
            """
            var finalized, registry = new FinalizationRegistry(v => { finalized = v; });
            function test_gc() {
              let a = {}; a.self = a;            // a cycle: reference counting alone keeps it
              const w = new WeakRef(a);
              registry.register(a, 'held');
              a = null;
              if (w.deref() === undefined) throw Error('collected without gc');
              std.gc();
              if (w.deref() !== undefined) throw Error('std.gc() did not collect');
              std.gc(); // QuickJS queues finalizers of what an earlier collection freed
            }
            test_gc();
            """);
    h.load();
    h.run("test_gc");
    assertEquals("held", h.engine.get("finalized"));
  }

  // ------------------------------------------------------------------ harness

  /** One test file in its own engine. */
  private final class Harness {
    final String file;
    final String script;
    final List<String> functions = new ArrayList<>();
    final ScriptEngine engine;
    private boolean loaded;
    private Throwable loadFailure;

    Harness(String file, String source) {
      this.file = file;
      Matcher m = TOP_LEVEL_CALL.matcher(source);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        functions.add(m.group(1));
        m.appendReplacement(sb, ""); // blank the line: line numbers stay those of the file
      }
      m.appendTail(sb);
      this.script = sb.toString();
      this.engine = new ScriptEngineManager().getEngineByName("quickjs");
      assertNotNull(engine, "no quickjs engine");
      engines.add((AutoCloseable) engine);
      JsRuntime runtime = runtimeOf(engine);
      engine.getContext().setWriter(new GcHookWriter(runtime, new PrintWriter(System.out, true)));
    }

    /** Evaluates the shim, then the file without its top-level calls (once). */
    void load() throws Exception {
      if (loadFailure != null) {
        throw new AssertionError(file + " failed to load", loadFailure);
      }
      if (loaded) {
        return;
      }
      try {
        engine.put(ScriptEngine.FILENAME, "quickjs-own-tests-shim.js");
        engine.eval(SHIM);
        engine.put(ScriptEngine.FILENAME, file);
        engine.eval(script);
        loaded = true;
      } catch (Exception | Error e) {
        loadFailure = e;
        throw e;
      }
    }

    /** Calls one test function as the file's top level does, then runs the timers it set. */
    void run(String function) throws Exception {
      load();
      Invocable inv = (Invocable) engine;
      Exception failure = null;
      try {
        inv.invokeFunction(function); // promise jobs it queued ran before this returns
      } catch (Exception e) {
        failure = e;
      }
      // Every timer it set runs now (none is left for the next function), one per call so jobs
      // a timer queues run before the next; the first failure is the test's.
      for (boolean more = true; more; ) {
        try {
          more = Boolean.TRUE.equals(inv.invokeFunction("__ownTestsRunTimer"));
        } catch (JsException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }

  /** Forwards output, and answers the shim's std.gc() marker line with QuickJS's GC. */
  private static final class GcHookWriter extends Writer {
    private final JsRuntime runtime;
    private final Writer out;

    GcHookWriter(JsRuntime runtime, Writer out) {
      this.runtime = runtime;
      this.out = out;
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
      String s = new String(cbuf, off, len);
      if (s.strip().equals(GC_MARKER)) {
        runtime.collectGarbage(); // re-entrant: same thread, inside the running call
      } else {
        out.write(s);
      }
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }

  // ------------------------------------------------------------------ helpers

  /** The body, with failures that name the file and function in any report. */
  private static Executable named(String file, String what, Executable body) {
    return () -> {
      try {
        body.execute();
      } catch (Throwable t) {
        throw new AssertionError(file + " " + what + ": " + t.getMessage(), t);
      }
    };
  }

  private static Path testsDir() {
    String dir = System.getProperty("quickjs.tests.dir");
    if (dir == null) {
      fail("system property quickjs.tests.dir is not set (run through Maven: mvn test)");
    }
    Path p = Path.of(dir);
    assertTrue(
        Files.isRegularFile(p.resolve("test_builtin.js")),
        "QuickJS's tests are missing in " + p + " (mvn compile copies them there)");
    return p;
  }

  /** The engine's QuickJS runtime: private, so taken by reflection (test-only). */
  private static JsRuntime runtimeOf(ScriptEngine engine) {
    try {
      Field f = QuickJsScriptEngine.class.getDeclaredField("runtime");
      f.setAccessible(true);
      return (JsRuntime) f.get(engine);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot reach the engine's runtime for std.gc()", e);
    }
  }

  private static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    return os.startsWith("windows") ? "win32" : os.startsWith("mac") ? "darwin" : "linux";
  }

  private static String jsString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c < 0x20 || c == '"' || c == '\\' || c > 0x7e) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
