package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.internal.debug.DebugEvaluationException;
import dev.qjs.internal.debug.DebugFrame;
import dev.qjs.internal.debug.DebugScope;
import dev.qjs.internal.debug.DebugVariable;
import dev.qjs.internal.debug.EngineDebugger;
import dev.qjs.internal.debug.LineBreakpoint;
import dev.qjs.internal.debug.PausedEngine;
import dev.qjs.internal.debug.Resume;
import dev.qjs.internal.debug.StopListener;
import dev.qjs.internal.debug.StopReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The engine side of the debugger: real engines stopped by breakpoints, steps and pauses. */
class EngineDebuggerTest {
  private static final QuickJsScriptEngineFactory FACTORY = new QuickJsScriptEngineFactory();
  private static final long WAIT_SECONDS = 10;

  private final List<QuickJsScriptEngine> engines = new ArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "engine-thread");
    t.setDaemon(true);
    return t;
  });

  @AfterEach
  void closeAll() throws Exception {
    for (QuickJsScriptEngine e : engines) {
      e.debugger().detach();
      e.close();
    }
    threads.shutdownNow();
    assertTrue(threads.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS));
  }

  private QuickJsScriptEngine engine() {
    return engine(QuickJsOptions.builder().build());
  }

  private QuickJsScriptEngine engine(QuickJsOptions options) {
    QuickJsScriptEngine e = (QuickJsScriptEngine) FACTORY.getScriptEngine(options);
    engines.add(e);
    return e;
  }

  /** Records stops into a queue; the test resumes them. */
  static final class Recorder implements StopListener {
    final BlockingQueue<PausedEngine> stops = new LinkedBlockingQueue<>();
    final BlockingQueue<List<LineBreakpoint>> changes = new LinkedBlockingQueue<>();
    final AtomicInteger resumed = new AtomicInteger();
    final AtomicInteger ended = new AtomicInteger();

    @Override
    public void stopped(EngineDebugger engine, PausedEngine paused) {
      stops.add(paused);
    }

    @Override
    public void resumed(EngineDebugger engine) {
      resumed.incrementAndGet();
    }

    @Override
    public void breakpointsChanged(EngineDebugger engine, String source, List<LineBreakpoint> breakpoints) {
      changes.add(breakpoints);
    }

    @Override
    public void ended(EngineDebugger engine) {
      ended.incrementAndGet();
    }

    PausedEngine next() throws InterruptedException {
      PausedEngine p = stops.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertNotNull(p, "the engine did not stop");
      return p;
    }

    void noMoreStops() throws InterruptedException {
      assertNull(stops.poll(200, TimeUnit.MILLISECONDS), "an unexpected stop");
    }
  }

  private Future<Object> run(ScriptEngine e, String file, String script) {
    return threads.submit(() -> {
      e.put(ScriptEngine.FILENAME, file);
      return e.eval(script);
    });
  }

  private static Object result(Future<Object> f) throws Exception {
    return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private static DebugFrame top(PausedEngine p) {
    return p.frames().get(0);
  }

  private static Map<String, String> values(List<DebugVariable> vars) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (DebugVariable v : vars) {
      m.put(v.name(), v.value());
    }
    return m;
  }

  private static DebugScope scope(PausedEngine p, int frame, String name) {
    return p.scopes(frame).stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  private static final String SCRIPT = String.join("\n",
      "function add(a, b) {", //          1
      "  const sum = a + b;", //           2
      "  return sum;", //                  3
      "}", //                              4
      "", //                               5
      "let total = 0;", //                 6
      "for (let i = 0; i < 3; i++) {", //  7
      "  total = add(total, i);", //       8
      "}", //                              9
      "total;"); //                        10

  @Nested
  class Breakpoints {
    @Test
    void aBreakpointStopsWithTheFramesOfThePausedScript() throws Exception {
      QuickJsScriptEngine e = engine();
      Recorder r = new Recorder();
      e.debugger().attach(r);
      e.debugger().setBreakpoints("calc.js", List.of(3));
      Future<Object> done = run(e, "calc.js", SCRIPT);
      for (int i = 0; i < 3; i++) {
        PausedEngine p = r.next();
        assertEquals(StopReason.BREAKPOINT, p.reason());
        List<DebugFrame> frames = p.frames();
        assertEquals(2, frames.size(), frames.toString());
        assertEquals("add", frames.get(0).function());
        assertEquals("calc.js", frames.get(0).source());
        assertEquals(3, frames.get(0).line());
        assertTrue(frames.get(0).column() >= 1);
        assertEquals("calc.js", frames.get(1).source());
        assertEquals(8, frames.get(1).line());
        p.resume(Resume.CONTINUE);
      }
      assertEquals(3, result(done));
      r.noMoreStops();
      assertEquals(3, r.resumed.get());
    }

    @Test
    void aBreakpointOnALineWithoutCodeMovesToTheNextLineWithCode() throws Exception {
      QuickJsScriptEngine e = engine();
      Recorder r = new Recorder();
      e.debugger().attach(r);
      List<LineBreakpoint> unverified = e.debugger().setBreakpoints("later.js", List.of(2));
      assertFalse(unverified.get(0).verified(), "no code of later.js is loaded yet");
      Future<Object> done = run(e, "later.js", "function f() {\n\n  return 1;\n}\nf();");
      List<LineBreakpoint> changed = r.changes.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertEquals(List.of(new LineBreakpoint(unverified.get(0).id(), 2, 3, true)), changed);
      PausedEngine p = r.next();
      assertEquals("f", top(p).function());
      assertEquals(3, top(p).line());
      p.resume(Resume.CONTINUE);
      assertEquals(1, result(done));
      List<LineBreakpoint> again = e.debugger().setBreakpoints("later.js", List.of(2, 5, 9));
      assertEquals(new LineBreakpoint(again.get(0).id(), 2, 3, true), again.get(0));
      assertEquals(new LineBreakpoint(again.get(1).id(), 5, 5, true), again.get(1));
      assertFalse(again.get(2).verified(), "no code after line 5");
    }

    @Test
    void aBreakpointInAModuleStopsThere() throws Exception {
      QuickJsScriptEngine e = engine();
      Recorder r = new Recorder();
      e.debugger().attach(r);
      e.debugger().setBreakpoints("main.mjs", List.of(2));
      Future<Object> done = threads.submit(() -> {
        e.put(ScriptEngine.FILENAME, "main.mjs");
        return e.eval("const x = 40;\nconst y = x + 2;\nexport default y;");
      });
      PausedEngine p = r.next();
      assertEquals(StopReason.BREAKPOINT, p.reason());
      assertEquals("main.mjs", top(p).source());
      assertEquals(2, top(p).line());
      p.resume(Resume.CONTINUE);
      result(done);
    }

    @Test
    void aFunctionCompiledLaterStopsAtItsBreakpoint() throws Exception {
      QuickJsScriptEngine e = engine();
      Recorder r = new Recorder();
      e.debugger().attach(r);
      e.debugger().setBreakpoints("made.js", List.of(2));
      Future<Object> done = run(e, "host.js",
          "const f = new Function('a', 'const b = a * 2;\\nreturn b + 1;');\nf(20)");
      // new Function's source is named by QuickJS; the breakpoint of made.js never stops
      assertEquals(41, result(done));
      r.noMoreStops();
      e.debugger().setBreakpoints("made.js", List.of(2));
      done = run(e, "made.js", "function g(a) {\n  const b = a * 2;\n  return b + 1;\n}\ng(1)");
      PausedEngine p = r.next();
      assertEquals(new DebugFrame(0, "g", "made.js", 2, 13), top(p));
      p.resume(Resume.CONTINUE);
      assertEquals(3, result(done));
    }

    @Test
    void withoutAListenerBreakpointsDoNotStop() throws Exception {
      QuickJsScriptEngine e = engine();
      e.debugger().setBreakpoints("calc.js", List.of(3));
      assertEquals(3, result(run(e, "calc.js", SCRIPT)));
      assertFalse(e.debugger().isAttached());
    }
  }
}
