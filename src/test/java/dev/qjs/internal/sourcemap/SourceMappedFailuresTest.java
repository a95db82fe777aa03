package dev.qjs.internal.sourcemap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.JsException;
import dev.qjs.JsStackFrame;
import dev.qjs.ModuleLoader;
import dev.qjs.ModuleSource;
import dev.qjs.QuickJsOptions;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.script.ScriptEngine;
import org.junit.jupiter.api.Test;

/**
 * Failures of compiled TypeScript (the build's real tsc and esbuild output) report the original
 * files, lines, columns and function names: in the ScriptException, its frames, its Java stack
 * trace, error.stack read by the script, and debug mode's code frame.
 */
class SourceMappedFailuresTest {
  private static final Path SOURCES = CompilerFixtures.sources();

  private static QuickJsScriptEngine engineReading(Path dir) {
    QuickJsScriptEngine e = (QuickJsScriptEngine) new QuickJsScriptEngineFactory().getScriptEngine(
        QuickJsOptions.builder().moduleLoader(ModuleLoader.directory(dir)).build());
    e.put("quickjs.moduleRoots", dir.toString());
    return e;
  }

  /** Evaluates a generated script under its own file name, then calls it from "caller.js". */
  private static QuickJsScriptEngine loaded(Path script) throws Exception {
    QuickJsScriptEngine e = engineReading(script.getParent());
    e.put(ScriptEngine.FILENAME, script.toString());
    e.eval(CompilerFixtures.read(script));
    e.put(ScriptEngine.FILENAME, "caller.js");
    return e;
  }

  private static String file(JsStackFrame f) {
    return f.getFileName() == null ? "" : Path.of(f.getFileName()).getFileName().toString();
  }

  @Test
  void aMinifiedBundleFailsAtItsTypeScriptLinesWithItsOriginalFunctionNames() throws Exception {
    Path dir = CompilerFixtures.dir();
    QuickJsScriptEngine e = loaded(dir.resolve("esbuild-min/bundle.js"));
    JsException x = assertThrows(JsException.class, () -> e.eval("Shop.restock(['apple'])"));
    assertEquals(SOURCES.resolve("bundle/prices.ts").toString(), x.getFileName());
    assertEquals(6, x.getLineNumber());
    assertEquals(15, x.getColumnNumber()); // the `new` of `throw new Error`, as QuickJS places it
    List<JsStackFrame> frames = x.getJsFrames();
    assertEquals("parsePrice", frames.get(0).getFunctionName());
    assertEquals("prices.ts", file(frames.get(0)));
    assertEquals("restock", frames.get(1).getFunctionName());
    assertEquals("main.ts", file(frames.get(1)));
    assertEquals(10, frames.get(1).getLineNumber());
    assertEquals("caller.js", frames.get(2).getFileName()); // no map: as generated
    StackTraceElement top = x.getStackTrace()[0];
    assertEquals("parsePrice", top.getMethodName());
    assertEquals(SOURCES.resolve("bundle/prices.ts").toString(), top.getFileName());
    assertTrue(x.getMessage().contains("prices.ts"), x.getMessage());
  }

  @Test
  void errorStackReadByTheScriptIsMappedToo() throws Exception {
    Path dir = CompilerFixtures.dir();
    QuickJsScriptEngine e = loaded(dir.resolve("esbuild-iife/bundle.js"));
    String stack = (String) e.eval("try { Shop.restock(['pear']) } catch (err) { err.stack }");
    assertTrue(stack.contains("at parsePrice (" + SOURCES.resolve("bundle/prices.ts") + ":6:"), stack);
    assertTrue(stack.contains("at restock (" + SOURCES.resolve("bundle/main.ts") + ":10:"), stack);
  }

  @Test
  void aTscScriptFindsItsMapBesideItThroughTheLoader() throws Exception {
    Path dir = CompilerFixtures.dir();
    QuickJsScriptEngine e = loaded(dir.resolve("tsc-external/thrower.js"));
    JsException x = assertThrows(JsException.class, () -> e.eval("checkOrder({id: 1, total: -1})"));
    assertEquals("thrower.ts", Path.of(x.getFileName()).getFileName().toString());
    assertEquals(11, x.getLineNumber());
    assertEquals("checkOrder", x.getJsFrames().get(0).getFunctionName());
  }

  @Test
  void anInlineMapCarriesTheOriginalTextForDebugModesCodeFrame() throws Exception {
    Path dir = CompilerFixtures.dir();
    QuickJsScriptEngine e = loaded(dir.resolve("tsc-inline/thrower.js"));
    e.put("quickjs.debug", true);
    JsException x = assertThrows(JsException.class, () -> e.eval("new Ledger().add({id: 2, total: 1}); "
        + "const l = new Ledger(); l.add({id: 3, total: 1}); l.add({id: 3, total: 1});"));
    assertEquals(26, x.getLineNumber());
    assertEquals("add", x.getJsFrames().get(0).getFunctionName());
    String frame = x.getCodeFrame();
    assertNotNull(frame);
    assertTrue(frame.contains("> 26 |       throw new Error(\"tsc-method-failure: duplicate order \" + order.id);"), frame);
    assertTrue(frame.contains("  25 |     if (this.entries.some((e) => e.id === order.id)) {"), frame);
    assertEquals("{ id: 3, total: 1 }", x.getVariables().get("order"));
  }

  @Test
  void anAsyncFailureAfterAnAwaitIsMapped() throws Exception {
    Path dir = CompilerFixtures.dir();
    QuickJsScriptEngine e = loaded(dir.resolve("tsc-external/thrower.js"));
    e.put(ScriptEngine.FILENAME, "caller.mjs");
    JsException y = assertThrows(JsException.class, () -> e.eval("await loadLater(7);"));
    assertEquals(18, y.getLineNumber());
    assertEquals("thrower.ts", Path.of(y.getFileName()).getFileName().toString());
    assertEquals("loadLater", y.getJsFrames().get(0).getFunctionName());
  }

  @Test
  void anImportedBundleModuleIsMappedThroughItsLoader() throws Exception {
    Path dir = CompilerFixtures.dir();
    QuickJsScriptEngine e = engineReading(dir);
    e.put(ScriptEngine.FILENAME, "main.mjs");
    JsException x = assertThrows(JsException.class, () -> e.eval(
        "import { fetchStock } from './esbuild-esm/bundle.js'; await fetchStock('abcdef');"));
    assertEquals(SOURCES.resolve("bundle/main.ts").toString(), x.getFileName());
    assertEquals(18, x.getLineNumber());
    assertEquals("fetchStock", x.getJsFrames().get(0).getFunctionName());
  }

  @Test
  void aMapGivenWithTheModuleSourceWins() throws Exception {
    String js = "export function boom() {\n  throw new Error('boom');\n}\n";
    String map = "{\"version\":3,\"sources\":[\"boom.ts\"],\"names\":[],"
        + "\"mappings\":\"AAAA;AACA,EAAE,MAAM,IAAI;AAAK\"}";
    ModuleLoader loader = new ModuleLoader() {
      @Override
      public String resolve(String specifier, String referrer, Kind kind) {
        return specifier;
      }

      @Override
      public ModuleSource load(String id) {
        return ModuleSource.esm(id, js).withSourceMap(map);
      }
    };
    QuickJsScriptEngine e = (QuickJsScriptEngine) new QuickJsScriptEngineFactory()
        .getScriptEngine(QuickJsOptions.builder().moduleLoader(loader).build());
    e.put(ScriptEngine.FILENAME, "main.mjs");
    JsException x = assertThrows(JsException.class, () -> e.eval("import { boom } from 'gen/boom.js'; boom();"));
    assertEquals("gen/boom.ts", x.getFileName());
    assertEquals(2, x.getLineNumber());
  }

  @Test
  void theSourceMapKeyMapsAPlainScript() throws Exception {
    QuickJsScriptEngine e = (QuickJsScriptEngine) new QuickJsScriptEngineFactory().getScriptEngine();
    e.put(ScriptEngine.FILENAME, "dist/rules.js");
    e.put("quickjs.sourceMap", "{\"version\":3,\"sources\":[\"rules.ts\"],\"names\":[\"applyDiscount\"],"
        + "\"mappings\":\"AAAA,SAASA;AACT;AACA\"}");
    JsException x = assertThrows(JsException.class, () -> e.eval("function a(o) {\nnull.x;\n}\na();"));
    assertEquals("dist/rules.ts", x.getFileName());
    assertEquals("applyDiscount", x.getJsFrames().get(0).getFunctionName());
    assertThrows(IllegalArgumentException.class, () -> e.put("quickjs.sourceMap", 42));
  }

  @Test
  void aBrokenMapNeverFailsTheScriptAndWarnsOnce() throws Exception {
    List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    Logger log = Logger.getLogger("dev.qjs.sourcemap");
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        warnings.add(r);
      }

      @Override
      public void flush() { }

      @Override
      public void close() { }
    };
    log.addHandler(h);
    try {
      QuickJsScriptEngine e = (QuickJsScriptEngine) new QuickJsScriptEngineFactory().getScriptEngine();
      e.put(ScriptEngine.FILENAME, "broken.js");
      e.eval("function f() { null.x; }\n//# sourceMappingURL=data:application/json;base64,bm90IGpzb24=");
      e.put(ScriptEngine.FILENAME, "caller.js");
      for (int i = 0; i < 3; i++) {
        JsException x = assertThrows(JsException.class, () -> e.eval("f()"));
        assertEquals("broken.js", x.getJsFrames().get(0).getFileName());
        assertEquals(1, x.getJsFrames().get(0).getLineNumber());
      }
      java.util.logging.Formatter text = new java.util.logging.SimpleFormatter();
      List<String> messages = warnings.stream().map(text::formatMessage).toList();
      assertEquals(1, messages.stream().filter(m -> m.contains("broken.js")).count(), messages::toString);
    } finally {
      log.removeHandler(h);
    }
  }
}
