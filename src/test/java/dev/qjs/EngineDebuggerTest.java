package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.internal.debug.DebugEvaluationException;
import dev.qjs.internal.debug.DebugFrame;
import dev.qjs.internal.debug.DebugScope;
import dev.qjs.internal.debug.DebugVariable;
import dev.qjs.internal.debug.LineBreakpoint;
import dev.qjs.internal.debug.PausedEngine;
import dev.qjs.internal.debug.Resume;
import dev.qjs.internal.debug.StopReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.script.ScriptEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The engine side of the debugger: real engines stopped by breakpoints, steps and pauses. */
class EngineDebuggerTest {
  private static final long WAIT_SECONDS = StopRecorder.WAIT_SECONDS;

  private final DebuggedEngines engines = new DebuggedEngines();

  @AfterEach
  void closeAll() throws Exception {
    engines.close();
  }

  private QuickJsScriptEngine engine() {
    return engine(QuickJsOptions.builder().build());
  }

  private QuickJsScriptEngine engine(QuickJsOptions options) {
    return engines.engine(options);
  }

  /** A recorder attached to the engine's debugger. */
  private static StopRecorder attached(QuickJsScriptEngine e) {
    return StopRecorder.attachedTo(e);
  }

  private Future<Object> run(ScriptEngine e, String file, String script) {
    return engines.run(e, file, script);
  }

  private static Object result(Future<Object> f) throws Exception {
    return DebuggedEngines.result(f);
  }

  /** An engine with a recorder attached, and the script it runs on an engine thread. */
  private record Session(QuickJsScriptEngine engine, StopRecorder recorder, Future<Object> done) {
    PausedEngine next() throws InterruptedException {
      return recorder.next();
    }

    /** What the script returned. */
    Object result() throws Exception {
      return EngineDebuggerTest.result(done);
    }
  }

  /**
   * A new engine with a recorder attached and breakpoints at {@code lines} of {@code file} (none
   * when no lines are given), running {@code script} as {@code file}.
   */
  private Session debugging(String file, String script, Integer... lines) {
    return debugging(engine(), file, script, lines);
  }

  private Session debugging(QuickJsScriptEngine e, String file, String script, Integer... lines) {
    StopRecorder r = attached(e);
    if (lines.length > 0) {
      e.debugger().setBreakpoints(file, List.of(lines));
    }
    return new Session(e, r, run(e, file, script));
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

  private static DebugVariable named(List<DebugVariable> vars, String name) {
    return vars.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
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
      Session s = debugging("calc.js", SCRIPT, 3);
      for (int i = 0; i < 3; i++) {
        PausedEngine p = s.next();
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
      assertEquals(3, s.result());
      s.recorder().noMoreStops();
      assertEquals(3, s.recorder().resumed.get());
    }

    @Test
    void aBreakpointOnALineWithoutCodeMovesToTheNextLineWithCode() throws Exception {
      QuickJsScriptEngine e = engine();
      StopRecorder r = attached(e);
      List<LineBreakpoint> unverified = e.debugger().setBreakpoints("later.js", List.of(2));
      assertFalse(unverified.get(0).verified(), "no code of later.js is loaded yet");
      Future<Object> done = run(e, "later.js", "function f() {\n\n  return 1;\n}\nf();");
      List<LineBreakpoint> changed = r.nextChange().breakpoints();
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
      Session s = debugging("main.mjs", "const x = 40;\nconst y = x + 2;\nexport default y;", 2);
      PausedEngine p = s.next();
      assertEquals(StopReason.BREAKPOINT, p.reason());
      assertEquals("main.mjs", top(p).source());
      assertEquals(2, top(p).line());
      p.resume(Resume.CONTINUE);
      s.result();
    }

    @Test
    void aFunctionCompiledLaterStopsAtItsBreakpoint() throws Exception {
      QuickJsScriptEngine e = engine();
      StopRecorder r = attached(e);
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
    void anAttachedEngineComputesWhatAnUnattachedOneDoes() throws Exception {
      String mix = String.join("\n",
          "function* gen(n) { for (let i = 0; i < n; i++) { try { if (i === 3) throw i; yield i * i; } catch (e) { yield -e; } finally { } } }",
          "const out = [...gen(6)];",
          "const counters = []; for (let i = 0; i < 3; i++) counters.push(() => i * 10);",
          "out.push(...counters.map(f => f()));",
          "outer: for (const a of [1, 2, 3]) { for (const b of [1, 2]) { if (a * b === 4) break outer; out.push(a * b); } }",
          "const o = { get g() { return 'getter'; }, ['k' + 1]: 2 }; out.push(o.g, o.k1);",
          "let s = 0; for (let i = 0; i < 20000; i++) { s = (s + i * 7) % 1000003; } out.push(s);",
          "class A { #p = 4; m() { return this.#p + (super.toString ? 1 : 0); } } out.push(new A().m());",
          "try { null.x } catch (e) { out.push(e.constructor.name); }",
          "const r = /a(b+)c/.exec('xxabbbc'); out.push(r[1], JSON.stringify({ z: [1, { y: 2 }] }));",
          "var later = []; Promise.resolve(1).then(v => later.push(v + 1));",
          "JSON.stringify(out);");
      QuickJsScriptEngine plain = engine();
      QuickJsScriptEngine attached = engine();
      StopRecorder r = new StopRecorder();
      attached.debugger().attach(r);
      attached.debugger().setExceptionStops(false, false);
      Object expected = result(run(plain, "mix.js", mix));
      assertEquals(expected, result(run(attached, "mix.js", mix)));
      assertEquals(plain.eval("JSON.stringify(later)"), attached.eval("JSON.stringify(later)"));
      r.noMoreStops();
    }

    @Test
    void withoutAListenerBreakpointsDoNotStop() throws Exception {
      QuickJsScriptEngine e = engine();
      e.debugger().setBreakpoints("calc.js", List.of(3));
      assertEquals(3, result(run(e, "calc.js", SCRIPT)));
      assertFalse(e.debugger().isAttached());
    }
  }

  private static final String STEPS = String.join("\n",
      "function inner(x) {", //    1
      "  const y = x + 1;", //     2
      "  return y * 2;", //        3
      "}", //                      4
      "function outer() {", //     5
      "  const a = inner(1);", //  6
      "  const b = a + 1;", //     7
      "  return b;", //            8
      "}", //                      9
      "outer();"); //              10

  private static final String JOBS =
      "var seen = 0;\nPromise.resolve(5).then(v => {\n  seen = v;\n});\nseen;";

  @Nested
  class Steps {
    @Test
    void stepOverGoesToTheNextLineOfTheSameFrame() throws Exception {
      Session s = debugging("steps.js", STEPS, 6);
      PausedEngine p = s.next();
      assertEquals(6, top(p).line());
      s.engine().debugger().setBreakpoints("steps.js", List.of());
      p.resume(Resume.STEP_OVER);
      p = s.next();
      assertEquals(StopReason.STEP, p.reason());
      assertEquals("outer", top(p).function());
      assertEquals(7, top(p).line());
      p.resume(Resume.STEP_OVER);
      p = s.next();
      assertEquals(8, top(p).line());
      p.resume(Resume.CONTINUE);
      assertEquals(5, s.result());
    }

    @Test
    void stepInEntersTheCalledFunctionAndStepOutReturnsToTheCaller() throws Exception {
      Session s = debugging("steps.js", STEPS, 6);
      PausedEngine p = s.next();
      s.engine().debugger().setBreakpoints("steps.js", List.of());
      p.resume(Resume.STEP_IN);
      p = s.next();
      assertEquals("inner", top(p).function());
      assertEquals(2, top(p).line());
      assertEquals(3, p.frames().size());
      p.resume(Resume.STEP_OUT);
      p = s.next();
      assertEquals(StopReason.STEP, p.reason());
      assertEquals("outer", top(p).function());
      assertEquals(6, top(p).line(), "right after the call, on its line (`a` not yet assigned)");
      assertEquals(2, p.frames().size());
      p.resume(Resume.STEP_OVER);
      p = s.next();
      assertEquals(7, top(p).line());
      assertEquals("4", values(p.variables(scope(p, 0, "Locals").reference(), 0, 0)).get("a"));
      p.resume(Resume.CONTINUE);
      assertEquals(5, s.result());
    }

    @Test
    void stepOutOfAScriptJavaCalledStopsAtTheNextJavaScriptThatRuns() throws Exception {
      QuickJsScriptEngine e = engine();
      e.put(ScriptEngine.FILENAME, "lib.js");
      e.eval("function first() {\n  return 1;\n}\nfunction second() {\n  return 2;\n}");
      StopRecorder r = attached(e);
      e.debugger().setBreakpoints("lib.js", List.of(2));
      Future<Object> done = engines.submit(() -> e.invokeFunction("first"));
      PausedEngine p = r.next();
      e.debugger().setBreakpoints("lib.js", List.of());
      p.resume(Resume.STEP_OUT);
      assertEquals(1, result(done));
      r.noMoreStops();
      done = engines.submit(() -> e.invokeFunction("second"));
      p = r.next();
      assertEquals(StopReason.STEP, p.reason());
      assertEquals("second", top(p).function());
      assertEquals(5, top(p).line());
      p.resume(Resume.CONTINUE);
      assertEquals(2, result(done));
    }

    @Test
    void aBreakpointInAPromiseJobStops() throws Exception {
      Session s = debugging("jobs.js", JOBS, 3);
      PausedEngine p = s.next();
      assertEquals(3, top(p).line());
      p.resume(Resume.CONTINUE);
      s.result();
      assertEquals(5, s.engine().eval("seen"));
    }

    @Test
    void stepOverTheLastLineOfAScriptStopsInThePromiseJobItQueued() throws Exception {
      Session s = debugging("jobs.js", JOBS, 5);
      PausedEngine p = s.next();
      assertEquals(5, top(p).line());
      s.engine().debugger().setBreakpoints("jobs.js", List.of());
      p.resume(Resume.STEP_OVER);
      p = s.next();
      assertEquals(StopReason.STEP, p.reason());
      assertEquals(3, top(p).line());
      assertEquals(1, p.frames().size(), "the job runs on its own");
      p.resume(Resume.CONTINUE);
      s.result();
    }
  }

  @Nested
  @Tag("slow-under-emulation") // waits on another thread's timing (sleeps, a time limit)
  class Pauses {
    @Test
    void aPauseRequestStopsATightLoopFromAnotherThread() throws Exception {
      Session s = debugging("loop.js", "var n = 0;\nwhile (n >= 0) { n++; }\nn;");
      Thread.sleep(50);
      s.engine().debugger().requestPause();
      PausedEngine p = s.next();
      assertEquals(StopReason.PAUSE, p.reason());
      assertEquals("loop.js", top(p).source());
      assertEquals(2, top(p).line());
      assertEquals("-10", p.evaluate(0, "n = -10").value());
      assertEquals("-10", p.evaluate(0, "n").value());
      p.resume(Resume.CONTINUE);
      assertEquals(-10, s.result(), "the loop saw the value set while paused");
    }

    @Test
    void aPauseRequestStopsALoopWithoutSourcePositions() throws Exception {
      Session s = debugging("spin.js", "for (;;) {}");
      Thread.sleep(50);
      s.engine().debugger().requestPause();
      PausedEngine p = s.next();
      assertEquals("spin.js", top(p).source());
      s.engine().interrupt();
      assertThrows(Exception.class, s::result);
    }

    @Test
    void aDebuggerStatementStopsWhenAttachedAndDoesNothingOtherwise() throws Exception {
      QuickJsScriptEngine e = engine();
      assertEquals(2, result(run(e, "d.js", "var k = 1;\ndebugger;\nk + 1;")));
      Session s = debugging(e, "d.js", "var k = 1;\ndebugger;\nk + 1;");
      PausedEngine p = s.next();
      assertEquals(StopReason.DEBUGGER_STATEMENT, p.reason());
      assertEquals(2, top(p).line());
      p.resume(Resume.CONTINUE);
      assertEquals(2, s.result());
      s.recorder().noMoreStops();
    }

    @Test
    void detachResumesAPausedEngine() throws Exception {
      Session s = debugging("d.js", "debugger;\n7;");
      PausedEngine p = s.next();
      s.engine().debugger().detach();
      assertEquals(7, s.result());
      assertThrows(IllegalStateException.class, p::frames);
      assertFalse(s.engine().debugger().isAttached());
      assertEquals(7, result(run(s.engine(), "d.js", "debugger;\n7;")));
    }

    @Test
    void anotherEngineKeepsRunningWhileOneIsPaused() throws Exception {
      Session paused = debugging("d.js", "debugger;\n1;");
      QuickJsScriptEngine other = engine();
      PausedEngine p = paused.next();
      assertEquals(499500, result(run(other, "o.js", "let s = 0; for (let i = 0; i < 1000; i++) s += i; s")));
      p.resume(Resume.CONTINUE);
      assertEquals(1, paused.result());
    }

    @Test
    void theTimeLimitDoesNotRunWhilePausedButDoesAfter() throws Exception {
      QuickJsScriptEngine e = engine(QuickJsOptions.builder().timeLimit(Duration.ofMillis(300)).build());
      Session s = debugging(e, "t.js", "debugger;\n1;");
      PausedEngine p = s.next();
      Thread.sleep(600);
      p.resume(Resume.CONTINUE);
      assertEquals(1, s.result());
      Future<Object> endless = run(e, "t.js", "debugger;\nfor (;;) {}");
      p = s.next();
      Thread.sleep(400);
      p.resume(Resume.CONTINUE);
      Exception failed = assertThrows(Exception.class, () -> result(endless));
      assertTrue(failed.getCause() instanceof JsTimeoutException, String.valueOf(failed.getCause()));
    }

    @Test
    void interruptEndsAPauseAndTheScript() throws Exception {
      Session s = debugging("i.js", "debugger;\n1;");
      PausedEngine p = s.next();
      s.engine().interrupt();
      Exception failed = assertThrows(Exception.class, s::result);
      assertTrue(failed.getCause() instanceof javax.script.ScriptException, String.valueOf(failed.getCause()));
      assertThrows(IllegalStateException.class, p::frames);
      assertEquals(1, s.recorder().resumed.get());
      assertEquals(3, result(run(s.engine(), "i.js", "1 + 2")), "the engine keeps working");
    }

    @Test
    void interruptingThePausedThreadEndsThePauseAsAnInterrupt() throws Exception {
      QuickJsScriptEngine e = engine();
      StopRecorder r = attached(e);
      BlockingQueue<Thread> engineThread = new LinkedBlockingQueue<>();
      Future<Object> done = engines.submit(() -> {
        engineThread.add(Thread.currentThread());
        e.put(ScriptEngine.FILENAME, "t.js");
        try {
          return e.eval("debugger;\n1;");
        } finally {
          Thread.interrupted(); // the pool's thread goes back clean
        }
      });
      r.next();
      Thread t = engineThread.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertNotNull(t);
      t.interrupt();
      Exception failed = assertThrows(Exception.class, () -> result(done));
      assertTrue(failed.getCause() instanceof javax.script.ScriptException, String.valueOf(failed.getCause()));
      assertEquals(3, result(run(e, "t.js", "1 + 2")), "the engine keeps working");
    }

    @Test
    void closeFromAnotherThreadEndsAPause() throws Exception {
      Session s = debugging("c.js", "debugger;\n1;");
      s.next();
      s.engine().close();
      assertThrows(Exception.class, s::result);
      assertEquals(1, s.recorder().ended.get());
      assertFalse(s.engine().debugger().isAttached());
    }
  }

  @Nested
  class Exceptions {
    private static final String THROWS = String.join("\n",
        "function fail(m) {",
        "  throw new TypeError(m);",
        "}",
        "try {",
        "  fail('caught one');",
        "} catch (e) {",
        "}",
        "fail('not caught');");

    @Test
    void allStopsAtEveryThrowWithTheThrownValue() throws Exception {
      QuickJsScriptEngine e = engine();
      e.debugger().setExceptionStops(true, false);
      Session s = debugging(e, "x.js", THROWS);
      PausedEngine p = s.next();
      assertEquals(StopReason.EXCEPTION, p.reason());
      assertEquals("TypeError: caught one", p.exceptionText());
      assertEquals("fail", top(p).function());
      assertEquals(2, top(p).line());
      p.resume(Resume.CONTINUE);
      p = s.next();
      assertEquals("TypeError: not caught", p.exceptionText());
      p.resume(Resume.CONTINUE);
      Exception failed = assertThrows(Exception.class, s::result);
      assertTrue(String.valueOf(failed.getCause()).contains("not caught"));
      s.recorder().noMoreStops();
    }

    /** A rejection after an await, then how the script ends up treating it. */
    private static final String ASYNC = String.join("\n",
        "async function fails() { await null; throw new Error('late'); }",
        "async function awaitsInTry() { try { await fails(); } catch (e) { return 'caught'; } }",
        "async function passesOn() { await fails(); }",
        "var outcome = [];",
        "function record(v) { outcome.push(String(v)); }");

    /** Runs one of ASYNC's scenarios with "uncaught" exception stops; the stops it made. */
    private List<String> uncaughtStopsOf(String scenario) throws Exception {
      QuickJsScriptEngine e = engine();
      e.debugger().setExceptionStops(false, true);
      Session s = debugging(e, "async.js", ASYNC + "\n" + scenario);
      List<String> stopped = new ArrayList<>();
      while (true) {
        PausedEngine p = s.recorder().stops.poll(100, TimeUnit.MILLISECONDS);
        if (p != null) {
          stopped.add(top(p).function() + ": " + p.exceptionText());
          p.resume(Resume.CONTINUE);
        } else if (s.done().isDone()) {
          break;
        }
      }
      s.result();
      return stopped;
    }

    @Test
    void anAsyncRejectionAwaitedInATryOrCaughtLaterIsNoUncaughtStop() throws Exception {
      assertEquals(List.of(), uncaughtStopsOf("awaitsInTry().then(record);"));
      assertEquals(List.of(), uncaughtStopsOf("passesOn().catch(record);"));
      assertEquals(List.of(), uncaughtStopsOf("fails().then(record, record);"));
      assertEquals(List.of(), uncaughtStopsOf("Promise.all([fails()]).catch(record);"));
    }

    @Test
    void anAsyncRejectionNobodyHandlesStopsWhereItIsThrown() throws Exception {
      List<String> stops = uncaughtStopsOf("passesOn();");
      assertFalse(stops.isEmpty(), "no stop for a rejection nobody handles");
      assertEquals("fails: Error: late", stops.get(0));
      assertFalse(uncaughtStopsOf("fails().then(record);").isEmpty(), "then without a rejection handler");
    }

    @Test
    void uncaughtStopsOnlyAtAThrowNoScriptCatches() throws Exception {
      QuickJsScriptEngine e = engine();
      e.debugger().setExceptionStops(false, true);
      Session s = debugging(e, "x.js", THROWS);
      PausedEngine p = s.next();
      assertEquals("TypeError: not caught", p.exceptionText());
      assertEquals(2, p.frames().size());
      p.resume(Resume.CONTINUE);
      assertThrows(Exception.class, s::result);
      s.recorder().noMoreStops();
    }
  }

  /** A Java object a script holds, inspected by its properties. */
  public static final class Point {
    public int getX() {
      return 3;
    }

    @Override
    public String toString() {
      return "Point(3)";
    }
  }

  @Nested
  class Inspection {
    private static final String STATE = String.join("\n",
        "var calls = 0;",
        "function show(p) {",
        "  const o = { a: 1, nested: { deep: [1, 2, 3] }, get counted() { calls++; return 1; } };",
        "  const list = [10, 'twenty', null];",
        "  const m = new Map([['k', 42]]);",
        "  let count = 5;",
        "  debugger;",
        "  return count;",
        "}",
        "show(point);");

    /** A new engine holding a Java Point as {@code point}, debugged, running STATE. */
    private Session showing() {
      QuickJsScriptEngine e = engine();
      e.put("point", new Point());
      return debugging(e, "s.js", STATE);
    }

    @Test
    void scopesShowLocalsThatExpandWithoutRunningGetters() throws Exception {
      Session s = showing();
      PausedEngine p = s.next();
      List<String> names = p.scopes(0).stream().map(DebugScope::name).toList();
      assertEquals(List.of("Locals", "Closure", "this", "Global"), names);
      List<DebugVariable> locals = p.variables(scope(p, 0, "Locals").reference(), 0, 0);
      Map<String, String> v = values(locals);
      assertEquals("5", v.get("count"));
      assertTrue(v.get("p").startsWith(Point.class.getName()), v.get("p"));
      DebugVariable o = named(locals, "o");
      assertTrue(o.reference() != 0);
      Map<String, String> children = values(p.variables(o.reference(), 0, 0));
      assertEquals("1", children.get("a"));
      assertEquals("[accessor]", children.get("counted"));
      DebugVariable nested = named(p.variables(o.reference(), 0, 0), "nested");
      DebugVariable deep = p.variables(nested.reference(), 0, 0).get(0);
      assertEquals("deep", deep.name());
      assertEquals(List.of("0", "1", "2", "length"),
          p.variables(deep.reference(), 0, 0).stream().map(DebugVariable::name).toList());
      DebugVariable list = named(locals, "list");
      Map<String, String> items = values(p.variables(list.reference(), 1, 1));
      assertEquals(Map.of("1", "\"twenty\""), items);
      DebugVariable m = named(locals, "m");
      assertEquals("42", values(p.variables(m.reference(), 0, 0)).get("\"k\""));
      DebugVariable point = named(locals, "p");
      assertEquals(Point.class.getName(), point.type());
      assertEquals("3", values(p.variables(point.reference(), 0, 0)).get("x"));
      assertEquals("0", p.evaluate(0, "calls").value(), "no getter ran");
      assertThrows(IllegalArgumentException.class, () -> p.variables(987654, 0, 0));
      p.resume(Resume.CONTINUE);
      assertEquals(5, s.result());
      assertThrows(IllegalStateException.class, () -> p.variables(o.reference(), 0, 0));
    }

    @Test
    void theThisScopeShowsTheFramesReceiverInEveryFrame() throws Exception {
      Session s = debugging("this.js", String.join("\n",
          "const box = { label: 'outer', run() { return helper.call({ label: 'inner' }); } };",
          "function helper() {",
          "  debugger;",
          "  return this.label;",
          "}",
          "box.run();"));
      PausedEngine p = s.next();
      DebugVariable inner = p.variables(scope(p, 0, "this").reference(), 0, 0).get(0);
      assertEquals("this", inner.name());
      assertEquals("\"inner\"", values(p.variables(inner.reference(), 0, 0)).get("label"));
      DebugVariable outer = p.variables(scope(p, 1, "this").reference(), 0, 0).get(0);
      assertEquals("\"outer\"", values(p.variables(outer.reference(), 0, 0)).get("label"));
      assertEquals("\"inner!\"", p.evaluate(0, "this.label + '!'").value());
      p.resume(Resume.CONTINUE);
      assertEquals("inner", s.result());
    }

    @Test
    void evaluateReadsAndAssignsTheFramesVariables() throws Exception {
      Session s = showing();
      PausedEngine p = s.next();
      assertEquals("7", p.evaluate(0, "count + 2").value());
      assertEquals("number", p.evaluate(0, "count").type());
      p.evaluate(0, "count = 40");
      DebugEvaluationException syntax =
          assertThrows(DebugEvaluationException.class, () -> p.evaluate(0, "count +* 2"));
      assertTrue(syntax.getMessage().startsWith("SyntaxError"), syntax.getMessage());
      DebugEvaluationException missing =
          assertThrows(DebugEvaluationException.class, () -> p.evaluate(0, "nothingHere"));
      assertTrue(missing.getMessage().startsWith("ReferenceError"), missing.getMessage());
      DebugEvaluationException constant =
          assertThrows(DebugEvaluationException.class, () -> p.evaluate(0, "list = null"));
      assertEquals("TypeError: 'list' is read-only", constant.getMessage());
      assertEquals("3", p.evaluate(0, "list.length").value());
      p.resume(Resume.CONTINUE);
      assertEquals(40, s.result());
    }

    private static final String MODULE = String.join("\n",
        "let count = 1, spare = 'x';", //    1
        "const limit = 10;", //              2
        "function bump() {", //              3
        "  debugger;", //                    4
        "  return count + 1;", //            5
        "}", //                              6
        "await 0;", //                       7
        "debugger;", //                      8
        "globalThis.seen = bump();", //      9
        "export default count;"); //         10

    @Test
    void evaluateInAModuleSeesAndAssignsItsTopLevelVariablesButNotItsConstants() throws Exception {
      Session s = debugging("counter.mjs", MODULE);
      PausedEngine p = s.next();
      assertEquals(8, top(p).line());
      assertEquals("11", p.evaluate(0, "count + limit").value());
      assertEquals("\"function\"", p.evaluate(0, "typeof bump").value());
      assertEquals("5", p.evaluate(0, "count = 5").value());
      DebugEvaluationException constant =
          assertThrows(DebugEvaluationException.class, () -> p.evaluate(0, "limit = 0"));
      assertEquals("TypeError: 'limit' is read-only", constant.getMessage());
      assertThrows(DebugEvaluationException.class, () -> p.evaluate(0, "limit++"));
      assertEquals("10", p.evaluate(0, "limit").value());
      assertEquals("\"undefined\"", p.evaluate(0, "typeof globalThis.count").value(), "no global was made");
      p.resume(Resume.CONTINUE);
      PausedEngine inBump = s.next();
      assertEquals("bump", top(inBump).function());
      assertEquals("5", inBump.evaluate(0, "count").value(), "a closure over a module variable");
      assertEquals("\"x10\"", inBump.evaluate(0, "spare + limit").value(), "module variables bump does not use");
      assertThrows(DebugEvaluationException.class, () -> inBump.evaluate(0, "limit = 0"));
      inBump.evaluate(0, "count = 6");
      inBump.resume(Resume.CONTINUE);
      s.result();
      assertEquals(7, result(run(s.engine(), "after.js", "seen")));
    }

    @Test
    void setVariableAssignsAModuleVariableAndRefusesAConstant() throws Exception {
      Session s = debugging("counter.mjs", MODULE);
      PausedEngine p = s.next();
      long closure = scope(p, 0, "Closure").reference();
      assertEquals(Map.of("count", "1", "spare", "\"x\"", "limit", "10", "bump", "[Function bump]"),
          values(p.variables(closure, 0, 0)));
      assertEquals("41", p.setVariable(closure, "count", "40 + 1").value());
      DebugEvaluationException constant =
          assertThrows(DebugEvaluationException.class, () -> p.setVariable(closure, "limit", "0"));
      assertEquals("TypeError: 'limit' is read-only", constant.getMessage());
      assertEquals("10", values(p.variables(closure, 0, 0)).get("limit"));
      p.resume(Resume.CONTINUE);
      PausedEngine inBump = s.next();
      long bumpClosure = scope(inBump, 0, "Closure").reference();
      assertEquals(List.of("count", "spare", "limit", "bump"),
          inBump.variables(bumpClosure, 0, 0).stream().map(DebugVariable::name).toList(),
          "the variables bump uses, then the module's others");
      assertEquals("82", inBump.setVariable(bumpClosure, "count", "count * 2").value());
      assertEquals("\"y\"", inBump.setVariable(bumpClosure, "spare", "'y'").value());
      assertEquals("\"y\"", inBump.evaluate(0, "spare").value());
      assertThrows(DebugEvaluationException.class, () -> inBump.setVariable(bumpClosure, "limit", "0"));
      inBump.resume(Resume.CONTINUE);
      s.result();
      assertEquals(83, result(run(s.engine(), "after.js", "seen")));
    }

    @Test
    void anEvaluationThatNeverEndsIsStoppedAndThePausedScriptGoesOnUnharmed() throws Exception {
      SystemProperties.with("quickjs.debug.evaluationLimit", "300", () -> {
        Session s = showing();
        PausedEngine p = s.next();
        DebugEvaluationException endless =
            assertThrows(DebugEvaluationException.class, () -> p.evaluate(0, "for (;;) {}"));
        assertTrue(endless.getMessage().contains("stopped after 300 ms"), endless.getMessage());
        assertEquals("7", p.evaluate(0, "count + 2").value(), "the pause goes on");
        p.resume(Resume.CONTINUE);
        assertEquals(5, s.result(), "the script ends as it would have, with no time-out");
        assertEquals(3, s.engine().eval("1 + 2"));
      });
    }

    @Test
    void aStepAfterEvaluationsThatCalledJavaIsTheStepAskedFor() throws Exception {
      Session s = showing();
      PausedEngine p = s.next();
      assertEquals("3", p.evaluate(0, "p.getX()").value()); // host calls reuse the reply buffer
      assertEquals("\"Point(3)\"", p.evaluate(0, "String(p)").value());
      p.resume(Resume.STEP_OVER);
      p = s.next();
      assertEquals(StopReason.STEP, p.reason());
      assertEquals(8, top(p).line());
      p.resume(Resume.CONTINUE);
      assertEquals(5, s.result());
    }

    @Test
    void setVariableChangesALocalAndAProperty() throws Exception {
      Session s = showing();
      PausedEngine p = s.next();
      long locals = scope(p, 0, "Locals").reference();
      assertEquals("12", p.setVariable(locals, "count", "3 * 4").value());
      DebugVariable o = named(p.variables(locals, 0, 0), "o");
      assertEquals("\"b\"", p.setVariable(o.reference(), "a", "'b'").value());
      assertEquals("\"b\"", p.evaluate(0, "o.a").value());
      assertThrows(DebugEvaluationException.class, () -> p.setVariable(locals, "nope", "1"));
      p.resume(Resume.CONTINUE);
      assertEquals(12, s.result());
    }
  }

  @Nested
  class HostileUse {
    @Test
    void inspectionWithABadFrameOrReferenceIsRefusedAndThePauseGoesOn() throws Exception {
      Session s = debugging("h.js", "var q = 2;\ndebugger;\nq;");
      PausedEngine p = s.next();
      assertThrows(IllegalArgumentException.class, () -> p.scopes(99));
      assertThrows(IllegalArgumentException.class, () -> p.scopes(-1));
      assertThrows(IllegalArgumentException.class, () -> p.evaluate(Integer.MAX_VALUE, "1"));
      assertThrows(IllegalArgumentException.class, () -> p.variables(-5, 0, 0));
      assertThrows(IllegalArgumentException.class, () -> p.variables(Long.MAX_VALUE, -3, -3));
      assertThrows(IllegalArgumentException.class, () -> p.setVariable(123456, "x", "1"));
      assertEquals("2", p.evaluate(0, "q").value());
      p.resume(Resume.CONTINUE);
      p.resume(Resume.STEP_IN); // later calls do nothing
      assertEquals(2, s.result());
    }

    @Test
    void theNativeEntryRefusesCallsOutsideAStopAndMalformedInput() throws Exception {
      QuickJsScriptEngine e = engine();
      long rt = e.runtime().nativeRuntime();
      com.sun.jna.Memory m = new com.sun.jna.Memory(16);
      long in = com.sun.jna.Pointer.nativeValue(m);
      int bad = dev.qjs.internal.bridge.QuickJsNative.BAD_INPUT;
      assertEquals(bad, dev.qjs.internal.bridge.QuickJsNative.qjs_debug(rt, 2, 0, 0));
      assertEquals(bad, dev.qjs.internal.bridge.QuickJsNative.qjs_debug(rt, 4, in, 16));
      assertEquals(bad, dev.qjs.internal.bridge.QuickJsNative.qjs_debug(rt, 77, in, -1));
      assertEquals(bad, dev.qjs.internal.bridge.QuickJsNative.qjs_debug(rt, 1, 0, 0));
      assertEquals(bad, dev.qjs.internal.bridge.QuickJsNative.qjs_debug(0, 1, in, 1));
      assertEquals(3, e.eval("1 + 2"));
    }

    @Test
    void manyAttachesAndDetachesLeaveTheInterpreterAsItWas() throws Exception {
      QuickJsScriptEngine e = engine();
      StopRecorder r = new StopRecorder();
      for (int i = 0; i < 50; i++) {
        e.debugger().attach(r);
        e.debugger().attach(r);
        e.debugger().detach();
        e.debugger().detach();
      }
      assertEquals(6, e.eval("debugger; 6"));
      r.noMoreStops();
    }
  }
}
