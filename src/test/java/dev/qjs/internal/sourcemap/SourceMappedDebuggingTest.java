package dev.qjs.internal.sourcemap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.EngineDebuggers;
import dev.qjs.ModuleLoader;
import dev.qjs.QuickJsOptions;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import dev.qjs.internal.debug.DebugFrame;
import dev.qjs.internal.debug.EngineDebugger;
import dev.qjs.internal.debug.LineBreakpoint;
import dev.qjs.internal.debug.PausedEngine;
import dev.qjs.internal.debug.Resume;
import dev.qjs.internal.debug.StopListener;
import dev.qjs.internal.debug.StopReason;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.script.ScriptEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The debugger in compiled TypeScript (the build's real tsc and esbuild output): breakpoints set
 * in the .ts files stop in the JavaScript compiled from them, frames show original files and
 * lines, and steps go by original lines, past the compiler's own helpers.
 */
class SourceMappedDebuggingTest {
  private static final Path SOURCES = CompilerFixtures.sources();
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
      EngineDebuggers.of(e).detach();
      e.close();
    }
    threads.shutdownNow();
    assertTrue(threads.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS));
  }

  /** Records stops and breakpoint changes into queues; the test resumes the stops. */
  private static final class Recorder implements StopListener {
    final BlockingQueue<PausedEngine> stops = new LinkedBlockingQueue<>();
    final BlockingQueue<Map.Entry<String, List<LineBreakpoint>>> changes = new LinkedBlockingQueue<>();

    @Override
    public void stopped(EngineDebugger engine, PausedEngine paused) {
      stops.add(paused);
    }

    @Override
    public void resumed(EngineDebugger engine) {}

    @Override
    public void breakpointsChanged(EngineDebugger engine, String source, List<LineBreakpoint> list) {
      changes.add(Map.entry(source, list));
    }

    @Override
    public void ended(EngineDebugger engine) {}

    PausedEngine next() throws InterruptedException {
      PausedEngine p = stops.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertNotNull(p, "the engine did not stop");
      return p;
    }
  }

  /** An engine that has run a compiled script under its file's name, with a debugger attached. */
  private QuickJsScriptEngine loaded(Path script, Recorder recorder) throws Exception {
    QuickJsScriptEngine e = attached(script, recorder);
    e.put(ScriptEngine.FILENAME, script.toString());
    e.eval(CompilerFixtures.read(script));
    e.put(ScriptEngine.FILENAME, "caller.js");
    return e;
  }

  /** An engine that reads the maps beside a script, with a debugger attached. */
  private QuickJsScriptEngine attached(Path script, Recorder recorder) {
    Path dir = script.getParent();
    QuickJsScriptEngine e = new QuickJsScriptEngineFactory().getScriptEngine(
        QuickJsOptions.builder().moduleLoader(ModuleLoader.directory(dir)).build());
    e.put("quickjs.moduleRoots", dir.toString());
    engines.add(e);
    EngineDebuggers.of(e).attach(recorder);
    return e;
  }

  private Future<Object> call(ScriptEngine e, String script) {
    return threads.submit(() -> e.eval(script));
  }

  private static String file(DebugFrame f) {
    return Path.of(f.source()).getFileName().toString();
  }

  @Test
  void aBreakpointInATypeScriptFileStopsInTheBundleAndTheFramesShowTheOriginals() throws Exception {
    Path bundle = CompilerFixtures.dir().resolve("esbuild-iife/bundle.js");
    Recorder r = new Recorder();
    QuickJsScriptEngine e = attached(bundle, r);
    String prices = SOURCES.resolve("bundle/prices.ts").toString();
    // prices.ts line 5: `if (Number.isNaN(value)) {`, set before the bundle is loaded
    List<LineBreakpoint> set = EngineDebuggers.of(e).setBreakpoints(prices, List.of(5));
    assertFalse(set.get(0).verified(), "no code of prices.ts is known yet");
    e.put(ScriptEngine.FILENAME, bundle.toString());
    e.eval(CompilerFixtures.read(bundle));
    e.put(ScriptEngine.FILENAME, "caller.js");

    Future<Object> done = call(e, "Shop.restock(['12.50'])");
    PausedEngine p = r.next();
    assertEquals(StopReason.BREAKPOINT, p.reason());
    List<DebugFrame> frames = p.frames();
    DebugFrame top = frames.get(0);
    assertEquals(prices, top.source());
    assertEquals(5, top.line());
    assertEquals("parsePrice", top.function());
    assertEquals(bundle.toString(), top.generatedSource());
    assertTrue(top.mapped());
    String generatedLine = CompilerFixtures.read(bundle).split("\n", -1)[top.generatedLine() - 1];
    assertTrue(generatedLine.contains("Number.isNaN(value)"), generatedLine);
    assertEquals("main.ts", file(frames.get(1)));
    assertEquals(10, frames.get(1).line(), "restock's call of parsePrice");
    assertEquals("caller.js", frames.get(frames.size() - 1).source(), "no map: as the engine runs it");
    assertEquals("12.5", p.evaluate(0, "value").value(), "evaluation is in the generated frame");

    Map.Entry<String, List<LineBreakpoint>> change = r.changes.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(change, "the breakpoint was verified when its code loaded");
    assertEquals(prices, change.getKey());
    assertEquals(new LineBreakpoint(set.get(0).id(), 5, 5, true), change.getValue().get(0));
    p.resume(Resume.CONTINUE);
    assertEquals(1, ((Number) done.get(WAIT_SECONDS, TimeUnit.SECONDS)).intValue());
  }

  @Test
  void aBreakpointOnAnOriginalLineWithoutCodeMovesToTheNextOriginalLineWithCode() throws Exception {
    Path script = CompilerFixtures.dir().resolve("tsc-external/thrower.js");
    Recorder r = new Recorder();
    QuickJsScriptEngine e = attached(script, r);
    String thrower = SOURCES.resolve("single/thrower.ts").toString();
    // thrower.ts line 12 is the `}` closing the if; line 13 is `return order.total;`
    EngineDebuggers.of(e).setBreakpoints(thrower, List.of(12));
    e.put(ScriptEngine.FILENAME, script.toString());
    e.eval(CompilerFixtures.read(script));
    e.put(ScriptEngine.FILENAME, "caller.js");
    Future<Object> done = call(e, "checkOrder({ id: 1, total: 7 })");
    PausedEngine p = r.next();
    DebugFrame top = p.frames().get(0);
    assertEquals(thrower, top.source());
    assertEquals(13, top.line());
    assertEquals(8, top.generatedLine(), "tsc's `return order.total;`");
    Map.Entry<String, List<LineBreakpoint>> change = r.changes.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(change);
    assertEquals(new LineBreakpoint(change.getValue().get(0).id(), 12, 13, true), change.getValue().get(0));
    p.resume(Resume.CONTINUE);
    assertEquals(7, ((Number) done.get(WAIT_SECONDS, TimeUnit.SECONDS)).intValue());
  }

  @Test
  void aBreakpointInTheGeneratedFileItselfStillStopsThere() throws Exception {
    Path script = CompilerFixtures.dir().resolve("tsc-external/thrower.js");
    Recorder r = new Recorder();
    QuickJsScriptEngine e = loaded(script, r);
    EngineDebuggers.of(e).setBreakpoints(script.toString(), List.of(8));
    Future<Object> done = call(e, "checkOrder({ id: 1, total: 3 })");
    PausedEngine p = r.next();
    DebugFrame top = p.frames().get(0);
    assertEquals(8, top.generatedLine());
    assertEquals(13, top.line(), "shown where the map says it came from");
    p.resume(Resume.CONTINUE);
    assertEquals(3, ((Number) done.get(WAIT_SECONDS, TimeUnit.SECONDS)).intValue());
  }

  @Test
  void stepOverGoesByOriginalLinesAndStepInSkipsTheCompilersHelpers() throws Exception {
    Path script = CompilerFixtures.dir().resolve("tsc-es2015/steps.js");
    Recorder r = new Recorder();
    QuickJsScriptEngine e = loaded(script, r);
    String steps = SOURCES.resolve("debug/steps.ts").toString();
    EngineDebuggers.of(e).setBreakpoints(steps, List.of(24)); // order: `const size = sizeOf(...)`
    Future<Object> done = call(e, "order([1, 2, 3])");
    PausedEngine p = r.next();
    assertEquals(24, p.frames().get(0).line());

    p.resume(Resume.STEP_OVER);
    p = r.next();
    assertEquals(25, p.frames().get(0).line(), "`const sum = total(prices);`");

    // into total(): its generated body is `return __awaiter(this, …, function* () {…})`, and
    // neither that line nor the helper's own lines map to an original one: the step goes on
    // through them (a dozen stops of the engine) to the generator's first line with a stop
    // point (QuickJS has none for `let sum = 0;` at a generator's start)
    p.resume(Resume.STEP_IN);
    p = r.next();
    DebugFrame top = p.frames().get(0);
    assertEquals(steps, top.source(), "a stop in tsc's helper, generated line " + top.generatedLine());
    assertEquals(17, top.line(), "`for (const p of prices) {` in total");
    assertEquals(26, top.generatedLine());

    p.resume(Resume.STEP_OVER);
    p = r.next();
    assertEquals(18, p.frames().get(0).line(), "`sum += await Promise.resolve(p);`");
    EngineDebuggers.of(e).setBreakpoints(steps, List.of());
    p.resume(Resume.CONTINUE);
    assertNotNull(done.get(WAIT_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void aStepOverAStatementTheCompilerSplitStopsOnceOnEachOfItsLines() throws Exception {
    Path script = CompilerFixtures.dir().resolve("tsc-es2015/steps.js");
    Recorder r = new Recorder();
    QuickJsScriptEngine e = attached(script, r);
    String steps = SOURCES.resolve("debug/steps.ts").toString();
    EngineDebuggers.of(e).setBreakpoints(steps, List.of(5)); // `enum Size {`: five generated lines
    Future<Object> done = threads.submit(() -> {
      e.put(ScriptEngine.FILENAME, script.toString());
      return e.eval(CompilerFixtures.read(script));
    });
    List<Integer> shown = new ArrayList<>();
    PausedEngine p = r.next();
    shown.add(p.frames().get(0).line());
    while (shown.get(shown.size() - 1) != 29 && shown.size() < 5) {
      p.resume(Resume.STEP_OVER);
      p = r.next();
      shown.add(p.frames().get(0).line());
    }
    // tsc's `var Size;`, `(function (Size) {` (both line 5) and `})(Size || (Size = {}));`
    // (line 8, where the enum's `}` is), then `const firstSize = sizeOf(1);`
    assertEquals(List.of(5, 8, 29), shown);
    p.resume(Resume.CONTINUE);
    done.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertNull(r.stops.poll(100, TimeUnit.MILLISECONDS));
  }

  @Test
  void stepOverInAnAsyncFunctionCompiledForEs5ShowsEachOriginalLineOnce() throws Exception {
    Path script = CompilerFixtures.dir().resolve("tsc-es5/steps.js");
    Recorder r = new Recorder();
    QuickJsScriptEngine e = loaded(script, r);
    String steps = SOURCES.resolve("debug/steps.ts").toString();
    // `let sum = 0;` in total, which tsc made a case of __generator's state machine
    EngineDebuggers.of(e).setBreakpoints(steps, List.of(16));
    Future<Object> done = call(e, "order([1, 2, 3])");
    List<Integer> shown = new ArrayList<>();
    PausedEngine p = r.next();
    shown.add(p.frames().get(0).line());
    EngineDebuggers.of(e).setBreakpoints(steps, List.of());
    while (shown.get(shown.size() - 1) != 18 && shown.size() < 6) {
      p.resume(Resume.STEP_OVER);
      p = r.next();
      DebugFrame top = p.frames().get(0);
      assertEquals(steps, top.source(), "a stop in generated code, line " + top.generatedLine());
      shown.add(top.line());
    }
    // the generated lines of line 17 alone are `_i = 0, prices_1 = prices;`, `_b.label = 1;`
    // (no original), `if (!(_i < prices_1.length)) …` and `p = prices_1[_i];`
    assertEquals(List.of(16, 17, 18), shown);
    p.resume(Resume.CONTINUE);
    assertNotNull(done.get(WAIT_SECONDS, TimeUnit.SECONDS));
  }
}
