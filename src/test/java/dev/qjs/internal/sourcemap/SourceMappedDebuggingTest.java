package dev.qjs.internal.sourcemap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.DebuggedEngines;
import dev.qjs.EngineDebuggers;
import dev.qjs.ModuleLoader;
import dev.qjs.QuickJsOptions;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.StopRecorder;
import dev.qjs.internal.debug.DebugFrame;
import dev.qjs.internal.debug.LineBreakpoint;
import dev.qjs.internal.debug.PausedEngine;
import dev.qjs.internal.debug.Resume;
import dev.qjs.internal.debug.StopReason;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
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
  private final DebuggedEngines engines = new DebuggedEngines();

  @AfterEach
  void closeAll() throws Exception {
    engines.close();
  }

  /**
   * An engine that reads the maps beside a compiled script, with a recorder attached and
   * breakpoints set in {@code original} before the script is loaded (as a client attached at the
   * start sets them), and the script then loaded under its file's path.
   */
  private Debugged loaded(Path script, String original, Integer... lines) throws Exception {
    Debugged d = attached(script);
    d.setBreakpoints(original, lines);
    d.engine.put(ScriptEngine.FILENAME, script.toString());
    d.engine.eval(CompilerFixtures.read(script));
    return d;
  }

  /** An engine that reads the maps beside a script, with a recorder attached. */
  private Debugged attached(Path script) {
    Path dir = script.getParent();
    QuickJsScriptEngine e = engines.engine(
        QuickJsOptions.builder().moduleLoader(ModuleLoader.directory(dir)).build());
    e.put("quickjs.moduleRoots", dir.toString());
    return new Debugged(e, StopRecorder.attachedTo(e));
  }

  /** An engine under the debugger and its recorder. */
  private record Debugged(QuickJsScriptEngine engine, StopRecorder recorder) {
    List<LineBreakpoint> setBreakpoints(String source, Integer... lines) {
      return EngineDebuggers.of(engine).setBreakpoints(source, List.of(lines));
    }

    PausedEngine next() throws InterruptedException {
      return recorder.next();
    }
  }

  /** Calls into the loaded script from "caller.js", on an engine thread. */
  private Future<Object> call(Debugged d, String script) {
    return engines.run(d.engine, "caller.js", script);
  }

  private static String file(DebugFrame f) {
    return Path.of(f.source()).getFileName().toString();
  }

  @Test
  void aBreakpointInATypeScriptFileStopsInTheBundleAndTheFramesShowTheOriginals() throws Exception {
    Path bundle = CompilerFixtures.dir().resolve("esbuild-iife/bundle.js");
    String prices = SOURCES.resolve("bundle/prices.ts").toString();
    Debugged d = attached(bundle);
    // prices.ts line 5: `if (Number.isNaN(value)) {`, set before the bundle is loaded
    List<LineBreakpoint> set = d.setBreakpoints(prices, 5);
    assertFalse(set.get(0).verified(), "no code of prices.ts is known yet");
    d.engine.put(ScriptEngine.FILENAME, bundle.toString());
    d.engine.eval(CompilerFixtures.read(bundle));
    StopRecorder.Change change = d.recorder.nextChange();
    assertEquals(prices, change.source());
    assertEquals(new LineBreakpoint(set.get(0).id(), 5, 5, true), change.breakpoints().get(0));

    Future<Object> done = call(d, "Shop.restock(['12.50'])");
    PausedEngine p = d.next();
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
    p.resume(Resume.CONTINUE);
    assertEquals(1, ((Number) DebuggedEngines.result(done)).intValue());
  }

  @Test
  void aBreakpointOnAnOriginalLineWithoutCodeMovesToTheNextOriginalLineWithCode() throws Exception {
    Path script = CompilerFixtures.dir().resolve("tsc-external/thrower.js");
    String thrower = SOURCES.resolve("single/thrower.ts").toString();
    // thrower.ts line 12 is the `}` closing the if; line 13 is `return order.total;`
    Debugged d = loaded(script, thrower, 12);
    List<LineBreakpoint> moved = d.recorder.nextChange().breakpoints();
    assertEquals(new LineBreakpoint(moved.get(0).id(), 12, 13, true), moved.get(0));
    Future<Object> done = call(d, "checkOrder({ id: 1, total: 7 })");
    PausedEngine p = d.next();
    DebugFrame top = p.frames().get(0);
    assertEquals(thrower, top.source());
    assertEquals(13, top.line());
    assertEquals(8, top.generatedLine(), "tsc's `return order.total;`");
    p.resume(Resume.CONTINUE);
    assertEquals(7, ((Number) DebuggedEngines.result(done)).intValue());
  }

  @Test
  void aBreakpointInTheGeneratedFileItselfStillStopsThere() throws Exception {
    Path script = CompilerFixtures.dir().resolve("tsc-external/thrower.js");
    Debugged d = loaded(script, script.toString(), 8);
    Future<Object> done = call(d, "checkOrder({ id: 1, total: 3 })");
    PausedEngine p = d.next();
    DebugFrame top = p.frames().get(0);
    assertEquals(8, top.generatedLine());
    assertEquals(13, top.line(), "shown where the map says it came from");
    p.resume(Resume.CONTINUE);
    assertEquals(3, ((Number) DebuggedEngines.result(done)).intValue());
  }

  /** Steps {@code how} from {@code p} until a stop at {@code line} (or six stops); the lines shown. */
  private static List<Integer> stepUntil(Debugged d, PausedEngine first, Resume how, int line)
      throws InterruptedException {
    List<Integer> shown = new ArrayList<>();
    PausedEngine p = first;
    shown.add(p.frames().get(0).line());
    while (shown.get(shown.size() - 1) != line && shown.size() < 6) {
      p.resume(how);
      p = d.next();
      DebugFrame top = p.frames().get(0);
      assertTrue(top.mapped(), "a stop in generated code, line " + top.generatedLine());
      shown.add(top.line());
    }
    p.resume(Resume.CONTINUE);
    return shown;
  }

  @Test
  void stepOverGoesByOriginalLinesAndStepInSkipsTheCompilersHelpers() throws Exception {
    Path script = CompilerFixtures.dir().resolve("tsc-es2015/steps.js");
    String steps = SOURCES.resolve("debug/steps.ts").toString();
    Debugged d = loaded(script, steps, 24); // order: `const size = sizeOf(prices.length);`
    Future<Object> done = call(d, "order([1, 2, 3])");
    PausedEngine p = d.next();
    assertEquals(24, p.frames().get(0).line());
    p.resume(Resume.STEP_OVER);
    p = d.next();
    assertEquals(25, p.frames().get(0).line(), "`const sum = total(prices);`");
    d.setBreakpoints(steps);

    // into total(): its generated body is `return __awaiter(this, …, function* () {…})`, and
    // neither that line nor the helper's own lines map to an original one: the step goes on
    // through them (a dozen stops of the engine) to the generator's first line with a stop
    // point (QuickJS has none for `let sum = 0;` at a generator's start), then to line 18
    p.resume(Resume.STEP_IN);
    p = d.next();
    DebugFrame top = p.frames().get(0);
    assertEquals(steps, top.source(), "a stop in tsc's helper, generated line " + top.generatedLine());
    assertEquals(26, top.generatedLine());
    assertEquals(List.of(17, 18), stepUntil(d, p, Resume.STEP_OVER, 18));
    assertNotNull(DebuggedEngines.result(done));
  }

  @Test
  void aStepOverAStatementTheCompilerSplitStopsOnceOnEachOfItsLines() throws Exception {
    Path script = CompilerFixtures.dir().resolve("tsc-es2015/steps.js");
    String steps = SOURCES.resolve("debug/steps.ts").toString();
    Debugged d = attached(script);
    d.setBreakpoints(steps, 5); // `enum Size {`: five generated lines
    Future<Object> done = engines.run(d.engine, script.toString(), CompilerFixtures.read(script));
    // tsc's `var Size;`, `(function (Size) {` (both line 5) and `})(Size || (Size = {}));`
    // (line 8, where the enum's `}` is), then `const firstSize = sizeOf(1);`
    assertEquals(List.of(5, 8, 29), stepUntil(d, d.next(), Resume.STEP_OVER, 29));
    DebuggedEngines.result(done);
    d.recorder.noMoreStops();
  }

  @Test
  void stepOverInAnAsyncFunctionCompiledForEs5ShowsEachOriginalLineOnce() throws Exception {
    Path script = CompilerFixtures.dir().resolve("tsc-es5/steps.js");
    String steps = SOURCES.resolve("debug/steps.ts").toString();
    // `let sum = 0;` in total, which tsc made a case of __generator's state machine
    Debugged d = loaded(script, steps, 16);
    Future<Object> done = call(d, "order([1, 2, 3])");
    PausedEngine p = d.next();
    d.setBreakpoints(steps);
    // the generated lines of line 17 alone are `_i = 0, prices_1 = prices;`, `_b.label = 1;`
    // (no original), `if (!(_i < prices_1.length)) …` and `p = prices_1[_i];`
    assertEquals(List.of(16, 17, 18), stepUntil(d, p, Resume.STEP_OVER, 18));
    assertNotNull(DebuggedEngines.result(done));
  }

  @Test
  void aBreakpointInATypeScriptFileStopsInItsBundleImportedAsAModule() throws Exception {
    Path dir = CompilerFixtures.dir();
    String prices = SOURCES.resolve("bundle/prices.ts").toString();
    Debugged d = attached(dir.resolve("main.mjs"));
    d.setBreakpoints(prices, 4); // `const value = Number.parseFloat(...)`
    Future<Object> done = engines.run(d.engine, "main.mjs",
        "import { restock } from './esbuild-esm/bundle.js';\nglobalThis.count = restock(['7']);");
    PausedEngine p = d.next();
    List<DebugFrame> frames = p.frames();
    assertEquals(prices, frames.get(0).source());
    assertEquals(4, frames.get(0).line());
    assertTrue(frames.get(0).generatedSource().endsWith("bundle.js"), frames.get(0).generatedSource());
    assertEquals("main.ts", file(frames.get(1)));
    assertEquals("main.mjs", frames.get(frames.size() - 1).source());
    p.resume(Resume.STEP_OVER);
    p = d.next();
    assertEquals(5, p.frames().get(0).line());
    d.setBreakpoints(prices);
    p.resume(Resume.CONTINUE);
    DebuggedEngines.result(done);
    assertEquals(1, ((Number) DebuggedEngines.result(engines.run(d.engine, "check.js", "count"))).intValue());
  }
}
