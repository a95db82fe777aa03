package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.internal.bytecode.BytecodeFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.script.ScriptContext;
import javax.script.ScriptException;
import javax.script.SimpleScriptContext;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Bytecode compiled once runs in any engine of the process without parsing again. */
class BytecodeTest {
  static final BytecodeKey KEY = BytecodeKey.of(new byte[] {
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
      17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});

  static QuickJsScriptEngine engine() {
    return new QuickJsScriptEngineFactory().getScriptEngine(QuickJsOptions.builder().build());
  }

  static QuickJsScriptEngine engine(ModuleLoader loader) {
    return new QuickJsScriptEngineFactory().getScriptEngine(QuickJsOptions.builder().moduleLoader(loader).build());
  }

  @Test
  void oneCompileRunsAlikeInManyEnginesFromBytesAlone() throws Exception {
    String source = "var calls = (globalThis.calls || 0) + 1; globalThis.calls = calls;"
        + " function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) }"
        + " 'fib(20)=' + fib(20) + ' calls=' + calls";
    // the engines get a Bytecode made from its saved bytes only: no source is in their reach,
    // so nothing they do can parse it
    byte[] saved = Bytecode.compileScript(source, "fib.js").toBytes(KEY);
    Bytecode code = Bytecode.fromBytes(saved, KEY);
    assertFalse(code.isModule());
    assertEquals("fib.js", code.fileName());
    for (int i = 0; i < 5; i++) {
      try (QuickJsScriptEngine engine = engine()) {
        assertEquals("fib(20)=6765 calls=1", engine.eval(code), "engine " + i);
        assertEquals("fib(20)=6765 calls=2", engine.eval(code), "engine " + i + ", again: same globals");
        assertEquals(6765, engine.eval("fib(20)"), "its functions are the engine's globals");
      }
    }
  }

  @Test
  void aScriptRunsInTheEngineCurrentContextAndEachRealmKeepsItsOwnGlobals() throws Exception {
    Bytecode code = Bytecode.compileScript("var n = (typeof n === 'number' ? n : 0) + 1; n", "count.js");
    try (QuickJsScriptEngine engine = engine()) {
      assertEquals(1, engine.eval(code));
      ScriptContext other = new SimpleScriptContext();
      other.setBindings(engine.createBindings(), ScriptContext.ENGINE_SCOPE);
      ScriptContext saved = engine.getContext();
      engine.setContext(other);
      assertEquals(1, engine.eval(code), "a fresh realm starts from its own globals");
      engine.setContext(saved);
      assertEquals(2, engine.eval(code));
      assertEquals(2, engine.getContext().getBindings(ScriptContext.ENGINE_SCOPE).get("n"));
    }
  }

  @Test
  void aModuleImportsThroughTheEngineLoaderAndGivesItsNamespace() throws Exception {
    Bytecode rules = Bytecode.compileModule(
        "import { rate } from 'lib/tax.js';\n"
            + "export const total = (net) => net * (1 + rate);\n"
            + "export const url = import.meta.url;\n",
        "rules/main.js");
    assertTrue(rules.isModule());
    Bytecode loaded = Bytecode.fromBytes(rules.toBytes(KEY), KEY);
    assertTrue(loaded.isModule());
    try (QuickJsScriptEngine a = engine(ModuleLoader.ofMap(Map.of("lib/tax.js", "export const rate = 0.25;")));
        QuickJsScriptEngine b = engine(ModuleLoader.ofMap(Map.of("lib/tax.js", "export const rate = 0.5;")))) {
      JsObject ns = assertInstanceOf(JsObject.class, a.eval(loaded));
      assertEquals(125.0, ((Number) ns.callMember("total", 100)).doubleValue());
      assertEquals("rules/main.js", ns.get("url"));
      JsObject other = assertInstanceOf(JsObject.class, b.eval(loaded));
      assertEquals(150.0, ((Number) other.callMember("total", 100)).doubleValue(), "b's own loader decides");
      JsObject again = assertInstanceOf(JsObject.class, a.eval(loaded));
      assertEquals(125.0, ((Number) again.callMember("total", 100)).doubleValue(), "evaluated again");
    }
  }

  @Test
  void aModuleWhoseImportTheEngineCannotFindFailsThereAndTheEngineKeepsWorking() throws Exception {
    Bytecode rules = Bytecode.compileModule("import { x } from './missing.js'; export default x;", "m.js");
    try (QuickJsScriptEngine engine = engine(ModuleLoader.ofMap(Map.of("other.js", "1")))) {
      ScriptException e = assertThrows(ScriptException.class, () -> engine.eval(rules));
      assertTrue(e.getMessage().contains("missing"), e.getMessage());
      assertEquals(2, engine.eval("1 + 1"));
    }
  }

  @Test
  void aModuleWhoseBodyThrowsIsAJsExceptionAndTheEngineKeepsWorking() throws Exception {
    Bytecode m = Bytecode.compileModule("export const a = 1;\nthrow new TypeError('rule broken');", "throws.mjs");
    try (QuickJsScriptEngine engine = engine()) {
      for (int i = 0; i < 3; i++) {
        JsException e = assertThrows(JsException.class, () -> engine.eval(m));
        assertEquals("TypeError", e.getErrorName());
        assertTrue(e.getMessage().contains("rule broken"), e.getMessage());
      }
      assertEquals(2, engine.eval("1 + 1"));
    }
  }

  @Test
  void aModuleRunsAfterAnImportFailedOnceInTheSameEngine() throws Exception {
    Bytecode needsLib = Bytecode.compileModule("import { v } from 'lib/v.js'; export default v * 2;", "needs.mjs");
    Map<String, String> sources = new java.util.concurrent.ConcurrentHashMap<>();
    ModuleLoader late = new ModuleLoader() {
      @Override
      public @org.jspecify.annotations.Nullable String resolve(String specifier,
          @org.jspecify.annotations.Nullable String referrer, Kind kind) {
        return sources.containsKey(specifier) ? specifier : null;
      }

      @Override
      public @org.jspecify.annotations.Nullable ModuleSource load(String id) {
        String text = sources.get(id);
        return text == null ? null : ModuleSource.esm(id, text);
      }
    };
    try (QuickJsScriptEngine engine = engine(late)) {
      assertThrows(ScriptException.class, () -> engine.eval(needsLib));
      sources.put("lib/v.js", "export const v = 21;");
      ScriptContext fresh = new SimpleScriptContext();
      fresh.setBindings(engine.createBindings(), ScriptContext.ENGINE_SCOPE);
      engine.setContext(fresh);
      assertEquals(42, ((JsObject) engine.eval(needsLib)).get("default"));
    }
  }

  @Test
  void aModuleWithTopLevelAwaitGivesAFutureOfItsNamespace() throws Exception {
    Bytecode m = Bytecode.compileModule("export const v = await Promise.resolve(7);", "tla.js");
    try (QuickJsScriptEngine engine = engine()) {
      Object r = engine.eval(m);
      JsObject ns = r instanceof java.util.concurrent.CompletableFuture<?> f
          ? (JsObject) f.get(10, TimeUnit.SECONDS) : assertInstanceOf(JsObject.class, r);
      assertEquals(7, ns.get("v"));
    }
  }

  @Test
  void syntaxErrorsAreScriptExceptionsWithTheirPosition() {
    JsException script = assertThrows(JsException.class,
        () -> Bytecode.compileScript("var a = 1;\nvar b = ;\n", "bad.js"));
    assertEquals("bad.js", script.getFileName());
    assertEquals(2, script.getLineNumber());
    assertEquals("SyntaxError", script.getErrorName());
    JsException module = assertThrows(JsException.class,
        () -> Bytecode.compileModule("export const a = 1;\n\nexport const = 2;", "bad.mjs"));
    assertEquals(3, module.getLineNumber());
    assertEquals("bad.mjs", module.getFileName());
  }

  @Test
  void whatTheScriptThrowsIsAJsExceptionNamingItsFile() throws Exception {
    Bytecode code = Bytecode.compileScript("\n\nthrow new RangeError('nope')", "thrower.js");
    try (QuickJsScriptEngine engine = engine()) {
      JsException e = assertThrows(JsException.class, () -> engine.eval(code));
      assertEquals("RangeError", e.getErrorName());
      assertEquals("thrower.js", e.getFileName());
      assertEquals(3, e.getLineNumber());
      assertEquals(2, engine.eval("1 + 1"));
    }
  }

  @Test
  void theEngineLimitsApplyToBytecode() throws Exception {
    Bytecode loop = Bytecode.compileScript("for (;;) {}", "loop.js");
    try (QuickJsScriptEngine engine = new QuickJsScriptEngineFactory().getScriptEngine(
        QuickJsOptions.builder().instructionLimit(1_000_000).build())) {
      assertThrows(JsInstructionLimitException.class, () -> engine.eval(loop));
      assertEquals(2, engine.eval("1 + 1"));
    }
  }

  @Test
  void theSavedPayloadIsInTheBytecodeVersionTheFormatDeclares() throws Exception {
    // JS_WriteObject's first byte is QuickJS's BC_VERSION: the header must say the same
    byte[] saved = Bytecode.compileScript("1", "v.js").toBytes(KEY);
    Bytecode code = Bytecode.fromBytes(saved, KEY);
    assertEquals(BytecodeFormat.QUICKJS_BYTECODE_VERSION, code.program().payload()[0]);
    assertEquals(BytecodeFormat.QUICKJS_BYTECODE_VERSION,
        Bytecode.compileModule("export default 1", "v.mjs").program().payload()[0]);
  }

  @Test
  void compilingFromManyThreadsAtOnceGivesWorkingBytecode() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Bytecode>> futures = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        int n = i;
        futures.add(pool.submit(() -> i(n)));
      }
      try (QuickJsScriptEngine engine = engine()) {
        for (int i = 0; i < futures.size(); i++) {
          assertEquals(i * 2, engine.eval(futures.get(i).get(60, TimeUnit.SECONDS)));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static Bytecode i(int n) throws ScriptException {
    return n % 2 == 0
        ? Bytecode.compileScript(n + " * 2", "t" + n + ".js")
        : Bytecode.compileScript("(function () { return " + n + " + " + n + " })()", "t" + n + ".js");
  }

  @Test
  void manyThreadsLoadOneBytecodeIntoManyEnginesAtOnce() throws Exception {
    Bytecode code = Bytecode.fromBytes(Bytecode.compileScript(
        "var hits = (globalThis.hits || 0) + 1; globalThis.hits = hits; [1,2,3].map(x => x * hits).join()",
        "shared.js").toBytes(KEY), KEY);
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<Object>>> results = new ArrayList<>();
      for (int t = 0; t < threads * 3; t++) {
        results.add(pool.submit(() -> {
          List<Object> seen = new ArrayList<>();
          try (QuickJsScriptEngine engine = engine()) {
            for (int i = 0; i < 20; i++) {
              seen.add(engine.eval(code));
            }
          }
          return seen;
        }));
      }
      for (Future<List<Object>> f : results) {
        List<Object> seen = f.get(120, TimeUnit.SECONDS);
        for (int i = 0; i < seen.size(); i++) {
          int h = i + 1;
          assertEquals(h + "," + 2 * h + "," + 3 * h, seen.get(i));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void oneEngineSharedByThreadsRunsBytecodeUnderItsLock() throws Exception {
    Bytecode inc = Bytecode.compileScript("globalThis.c = (globalThis.c || 0) + 1", "inc.js");
    try (QuickJsScriptEngine engine = engine()) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          fs.add(pool.submit(() -> {
            for (int i = 0; i < 250; i++) {
              engine.eval(inc);
            }
            return null;
          }));
        }
        for (Future<?> f : fs) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(1000, engine.eval("c"));
    }
  }

  @Test
  void aScriptWithoutAValueGivesNull() throws Exception {
    try (QuickJsScriptEngine engine = engine()) {
      assertNull(engine.eval(Bytecode.compileScript("var quiet = 1;", "q.js")));
      assertEquals(1, engine.eval("quiet"));
    }
  }

  @Test
  void toStringNamesTheProgramAndTheKeyHidesItsSecret() throws Exception {
    assertTrue(Bytecode.compileScript("1", "one.js").toString().contains("one.js"));
    assertFalse(KEY.toString().contains("1, 2"), KEY.toString());
    assertEquals("BytecodeKey[32 bytes, secret not shown]", KEY.toString());
  }

  /** What compiled functions keep: source text and positions, positions only, or neither. */
  @Nested
  class WhatCompiledFunctionsKeep {
    static final String LIB = "function add(a, b) {\n  return a + b;\n}\n"
        + "function boom() {\n  null.x;\n}\n"
        + "function outer() {\n  return function inner() {\n    return 'inner';\n  };\n}\n";

    @Test
    void sourceTextIsKeptByDefaultSoFunctionsPrintTheirText() throws Exception {
      for (Bytecode code : List.of(Bytecode.compileScript(LIB, "lib.js"),
          Bytecode.compileScript(LIB, "lib.js", Bytecode.DebugInfo.SOURCE_TEXT))) {
        try (QuickJsScriptEngine engine = engine()) {
          engine.eval(code);
          assertEquals("function add(a, b) {\n  return a + b;\n}", engine.eval("add.toString()"));
          assertEquals("function inner() {\n    return 'inner';\n  }", engine.eval("String(outer())"));
        }
      }
    }

    @Test
    void lineNumbersOnlyKeepEveryPositionButNoText() throws Exception {
      Bytecode code = Bytecode.compileScript(LIB, "lib.js", Bytecode.DebugInfo.LINE_NUMBERS);
      try (QuickJsScriptEngine engine = engine()) {
        engine.eval(code);
        String printed = (String) engine.eval("add.toString()");
        assertFalse(printed.contains("a + b"), printed);
        assertTrue(printed.contains("[native code]"), printed);
        assertEquals(5, engine.eval("add(2, 3)"));
        JsException e = assertThrows(JsException.class, () -> engine.eval("boom()"));
        assertEquals("lib.js", e.getFileName());
        assertEquals(5, e.getLineNumber());
        assertEquals(7, e.getColumnNumber());
        assertTrue(((String) engine.eval("try { boom() } catch (e) { e.stack }")).contains("at boom (lib.js:5:7)"));
      }
    }

    @Test
    void noneKeepsNoPositionSoErrorsPointAtTheCaller() throws Exception {
      Bytecode code = Bytecode.compileScript(LIB, "lib.js", Bytecode.DebugInfo.NONE);
      try (QuickJsScriptEngine engine = engine()) {
        engine.put(javax.script.ScriptEngine.FILENAME, "caller.js");
        engine.eval(code);
        assertEquals("inner", engine.eval("outer()()"));
        JsException e = assertThrows(JsException.class, () -> engine.eval("\nboom()"));
        assertEquals("TypeError", e.getErrorName());
        assertEquals("caller.js", e.getFileName());
        assertEquals(2, e.getLineNumber());
        String stack = (String) engine.eval("try { boom() } catch (e) { e.stack }");
        assertTrue(stack.contains("at boom\n"), stack);
        assertFalse(stack.contains("lib.js"), stack);
      }
    }

    @Test
    void eachLevelIsSmallerThanTheOneBeforeForScriptsAndModules() throws Exception {
      String module = "export " + LIB.replace("\nfunction", "\nexport function");
      int[] scripts = new int[3];
      int[] modules = new int[3];
      for (Bytecode.DebugInfo kept : Bytecode.DebugInfo.values()) {
        scripts[kept.ordinal()] = Bytecode.compileScript(LIB, "lib.js", kept).program().size();
        modules[kept.ordinal()] = Bytecode.compileModule(module, "lib.mjs", kept).program().size();
      }
      assertTrue(scripts[0] > scripts[1] && scripts[1] > scripts[2], java.util.Arrays.toString(scripts));
      assertTrue(modules[0] > modules[1] && modules[1] > modules[2], java.util.Arrays.toString(modules));
    }

    @Test
    void aModuleWithoutSourceTextRunsAndKeepsItsPositions() throws Exception {
      Bytecode code = Bytecode.compileModule(
          "export function twice(x) {\n  return x * 2;\n}\nexport function fail() {\n  throw new Error('no');\n}\n",
          "m.mjs", Bytecode.DebugInfo.LINE_NUMBERS);
      try (QuickJsScriptEngine engine = engine()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> ns = (Map<String, Object>) engine.eval(code);
        assertEquals(2, ns.size());
        engine.put("ns", engine.eval(code));
        assertEquals(8, engine.eval("ns.twice(4)"));
        assertFalse(((String) engine.eval("ns.twice.toString()")).contains("x * 2"));
        assertTrue(((String) engine.eval("try { ns.fail() } catch (e) { e.stack }")).contains("m.mjs:5"));
      }
    }

    @Test
    void leavingTextOutOfOneCompileLeavesItInTheNextAndInTheEngine() throws Exception {
      Bytecode stripped = Bytecode.compileScript("function s() { return 's'; }", "s.js", Bytecode.DebugInfo.NONE);
      Bytecode kept = Bytecode.compileScript("function k() { return 'k'; }", "k.js");
      try (QuickJsScriptEngine engine = engine()) {
        engine.eval(stripped);
        engine.eval(kept);
        assertEquals("function k() { return 'k'; }", engine.eval("k.toString()"));
        // functions the engine compiles itself, even from stripped code, keep their text
        assertEquals("function e() { return 1 }", engine.eval("function e() { return 1 }; e.toString()"));
        assertEquals("function anonymous(\n) {\nreturn 2\n}", engine.eval("new Function('return 2').toString()"));
      }
    }

    @Test
    void whatWasLeftOutStaysOutAfterSavingAndLoading() throws Exception {
      Bytecode code = Bytecode.fromBytes(
          Bytecode.compileScript(LIB, "lib.js", Bytecode.DebugInfo.LINE_NUMBERS).toBytes(KEY), KEY);
      try (QuickJsScriptEngine engine = engine()) {
        engine.eval(code);
        assertFalse(((String) engine.eval("add.toString()")).contains("a + b"));
        assertEquals(5, assertThrows(JsException.class, () -> engine.eval("boom()")).getLineNumber());
      }
    }

    @Test
    void aMissingChoiceIsRefusedByName() {
      NullPointerException e = assertThrows(NullPointerException.class,
          () -> Bytecode.compileScript("1", "x.js", null));
      assertEquals("kept", e.getMessage());
      assertThrows(NullPointerException.class, () -> Bytecode.compileModule("export default 1", "x.mjs", null));
    }
  }
}
