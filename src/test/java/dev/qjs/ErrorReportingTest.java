package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.script.Bindings;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptException;
import javax.script.SimpleBindings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What a failing script tells Java: messages, causes, classification, positions, console text. */
class ErrorReportingTest {
  private static final String NL = System.lineSeparator();

  private final List<QuickJsScriptEngine> engines = new ArrayList<>();
  private QuickJsScriptEngine engine;
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void setUp() {
    engine = engine(QuickJsOptions.builder().build());
    out = new StringWriter();
    err = new StringWriter();
    engine.getContext().setWriter(out);
    engine.getContext().setErrorWriter(err);
  }

  @AfterEach
  void tearDown() {
    engines.forEach(QuickJsScriptEngine::close);
  }

  private QuickJsScriptEngine engine(QuickJsOptions options) {
    QuickJsScriptEngine e = new QuickJsScriptEngineFactory().getScriptEngine(options);
    engines.add(e);
    return e;
  }

  private JsException fail(String script) {
    return assertThrows(JsException.class, () -> engine.eval(script));
  }

  @Nested
  class ThrownNonErrors {
    @Test
    void anObjectWithToStringShowsWhatStringGives() {
      JsException e = fail("throw { toString() { return 'T: boom' }, message: 'boom' }");
      assertEquals("T: boom", e.getMessage().replaceAll(" in <eval>.*", ""));
    }

    @Test
    void aClassInstanceWithToStringShowsIt() {
      JsException e = fail("class C { toString() { return 'custom' } } throw new C()");
      assertTrue(e.getMessage().startsWith("custom"), e.getMessage());
    }

    @Test
    void aPlainObjectFallsBackToJson() {
      JsException e = fail("throw { message: 'boom' }");
      assertTrue(e.getMessage().startsWith("{\"message\":\"boom\"}"), e.getMessage());
    }

    @Test
    void anEmptyObjectFallsBackToJson() {
      assertTrue(fail("throw {}").getMessage().startsWith("{}"));
    }

    @Test
    void aThrowingToStringFallsBackToJson() {
      JsException e = fail("throw { a: 1, toString() { throw new Error('no') } }");
      assertTrue(e.getMessage().startsWith("{\"a\":1}"), e.getMessage());
    }

    @Test
    void aLoopingToStringEndsWithinTheTimeLimitAndFallsBack() throws Exception {
      engine.put("quickjs.timeout", Duration.ofMillis(300));
      long start = System.nanoTime();
      JsException e = assertThrows(JsException.class,
          () -> engine.eval("throw { a: 2, toString() { for (;;) {} } }"));
      assertTrue(System.nanoTime() - start < 10_000_000_000L);
      assertTrue(e.getMessage().contains("{\"a\":2}") || e instanceof JsTimeoutException, e.getMessage());
      assertEquals(2, engine.eval("1 + 1"), "the engine still works");
    }

    @Test
    void aLoopingToStringWithoutATimeLimitDoesNotHang() throws Exception {
      long start = System.nanoTime();
      JsException e = assertThrows(JsException.class,
          () -> engine.eval("throw { a: 3, toString() { for (;;) {} } }"));
      assertTrue(System.nanoTime() - start < 10_000_000_000L);
      assertTrue(e.getMessage().startsWith("{\"a\":3}"), e.getMessage());
      assertEquals(2, engine.eval("1 + 1"), "the engine still works");
    }

    @Test
    void aCyclicObjectWithoutToStringStillHasAMessage() {
      JsException e = fail("const o = {}; o.self = o; throw o");
      assertTrue(e.getMessage().startsWith("[object Object]"), e.getMessage());
    }

    @Test
    void aHugeToStringIsKept() {
      JsException e = fail("throw { toString() { return 'x'.repeat(1_000_000) } }");
      assertTrue(e.getMessage().startsWith("xxxx"), e.getMessage().substring(0, 20));
    }

    @Test
    void aSymbolOrBigIntOrNullIsShownAsString() {
      assertTrue(fail("throw Symbol('s')").getMessage().startsWith("Symbol(s)"));
      assertTrue(fail("throw 5n").getMessage().startsWith("5"));
      assertTrue(fail("throw null").getMessage().startsWith("null"));
    }
  }

  @Nested
  class Causes {
    @Test
    void anErrorCauseIsGetCause() {
      JsException e = fail("throw new Error('outer', { cause: new TypeError('inner') })");
      assertTrue(e.getMessage().startsWith("Error: outer"), e.getMessage());
      JsException cause = assertInstanceOf(JsException.class, e.getCause());
      assertEquals("TypeError", cause.getErrorName());
      assertTrue(cause.getMessage().startsWith("TypeError: inner"), cause.getMessage());
      assertEquals(1, cause.getLineNumber());
    }

    @Test
    void printStackTraceShowsTheCauseChain() {
      JsException e = fail("const a = new RangeError('a');\n"
          + "const b = new Error('b', { cause: a });\nthrow new Error('c', { cause: b })");
      StringWriter text = new StringWriter();
      e.printStackTrace(new PrintWriter(text));
      assertTrue(text.toString().contains("Caused by: dev.qjs.JsException: Error: b"), text.toString());
      assertTrue(text.toString().contains("Caused by: dev.qjs.JsException: RangeError: a"), text.toString());
    }

    @Test
    void aNonErrorCauseIsAJsExceptionWithItsString() {
      JsException e = fail("throw new Error('outer', { cause: 'just text' })");
      JsException cause = assertInstanceOf(JsException.class, e.getCause());
      assertTrue(cause.getMessage().startsWith("just text"), cause.getMessage());
      assertEquals("just text", cause.getThrownValue());
    }

    @Test
    void anUndefinedCauseIsNoCause() {
      assertNull(fail("throw new Error('outer', { cause: undefined })").getCause() instanceof JsException
          ? "cause" : null);
      assertNull(fail("throw new Error('outer')").getCause());
    }

    @Test
    void aJavaExceptionCauseIsTheOriginalException() {
      IllegalStateException boom = new IllegalStateException("java boom");
      engine.put("thrower", (Runnable) () -> { throw boom; });
      JsException e = fail("try { thrower.run() } catch (x) { throw new Error('wrapped', { cause: x }) }");
      assertSame(boom, e.getCause(), "the exception the host call threw, not a wrapper");
    }

    @Test
    void cyclicCausesEnd() {
      JsException e = fail("const a = new Error('a'), b = new Error('b', { cause: a }); a.cause = b; throw b");
      int depth = 0;
      for (Throwable t = e; t != null; t = t.getCause()) {
        depth++;
        assertTrue(depth < 100, "the chain is bounded");
      }
      assertEquals(2, depth, "each error appears once");
    }

    @Test
    void aSelfCauseEnds() {
      JsException e = fail("const a = new Error('a'); a.cause = a; throw a");
      assertNull(e.getCause());
    }

    @Test
    void aLongChainIsBounded() {
      JsException e = fail("let c = new Error('0'); for (let i = 1; i < 10000; i++) c = new Error('' + i, { cause: c }); throw c");
      int depth = 0;
      for (Throwable t = e; t != null; t = t.getCause()) {
        depth++;
      }
      assertTrue(depth > 5 && depth <= 33, "depth " + depth);
    }

    @Test
    void aThrowingCauseGetterIsNoCause() {
      JsException e = fail("const x = new Error('outer'); Object.defineProperty(x, 'cause', { get() { throw new Error('no') } }); throw x");
      assertTrue(e.getMessage().startsWith("Error: outer"), e.getMessage());
      assertNull(e.getCause());
    }

    @Test
    void aCauseWhoseToStringThrowsStillHasAMessage() {
      JsException e = fail("throw new Error('outer', { cause: { a: 1, toString() { throw 1 } } })");
      JsException cause = assertInstanceOf(JsException.class, e.getCause());
      assertTrue(cause.getMessage().startsWith("{\"a\":1}"), cause.getMessage());
    }
  }

  @Nested
  class StackOverflows {
    @Test
    void deepJsonParseIsAStackOverflow() {
      JsException e = fail("JSON.parse('['.repeat(100000) + ']'.repeat(100000))");
      assertInstanceOf(JsStackOverflowException.class, e, e.getMessage());
    }

    @Test
    void deepParseJsonIsAStackOverflow() {
      assertThrows(JsStackOverflowException.class,
          () -> engine.parseJson("[".repeat(100000) + "]".repeat(100000)));
    }

    @Test
    void deeplyNestedSourceIsAStackOverflow() {
      assertThrows(JsStackOverflowException.class,
          () -> engine.eval("(".repeat(100000) + "1" + ")".repeat(100000)));
    }

    @Test
    void deepRecursionStaysAStackOverflow() {
      assertThrows(JsStackOverflowException.class, () -> engine.eval("function f() { return f() } f()"));
    }

    @Test
    void anOrdinarySyntaxErrorIsNot() {
      JsException e = fail("let let = ;");
      assertEquals(JsException.class, e.getClass());
      JsException mine = fail("throw new SyntaxError('stack overflowing with joy')");
      assertEquals(JsException.class, mine.getClass());
    }
  }

  @Nested
  class MissingModules {
    private QuickJsScriptEngine modules() {
      QuickJsScriptEngine e = engine(QuickJsOptions.builder()
          .moduleLoader(ModuleLoader.ofMap(Map.of("lib/a.mjs", "\n\n  import x from './nope.mjs';\nexport default x;\n")))
          .build());
      return e;
    }

    @Test
    void aStaticImportInTheScriptGivesItsPosition() {
      QuickJsScriptEngine e = modules();
      e.put(ScriptEngine.FILENAME, "main.mjs");
      JsException x = assertThrows(JsException.class, () -> e.eval("const a = 1;\n  import y from './missing.mjs';\n"));
      assertEquals(2, x.getLineNumber(), x.getMessage());
      assertEquals(3, x.getColumnNumber(), x.getMessage());
      assertEquals("main.mjs", x.getFileName());
    }

    @Test
    void aStaticImportInAnImportedModuleGivesThatModulesPosition() {
      QuickJsScriptEngine e = modules();
      e.put(ScriptEngine.FILENAME, "main.mjs");
      JsException x = assertThrows(JsException.class, () -> e.eval("import a from 'lib/a.mjs';\n"));
      assertEquals(3, x.getLineNumber(), x.getMessage());
      assertEquals(3, x.getColumnNumber(), x.getMessage());
      assertTrue(x.getFileName().contains("a.mjs"), x.getFileName());
    }

    @Test
    void requireGivesItsPosition() {
      QuickJsScriptEngine e = modules();
      e.put(ScriptEngine.FILENAME, "main.js");
      JsException x = assertThrows(JsException.class, () -> e.eval("1;\n   require('./missing.js')"));
      assertEquals(2, x.getLineNumber(), x.getMessage());
      assertEquals("main.js", x.getFileName());
    }

    @Test
    void dynamicImportGivesItsPosition() throws Exception {
      QuickJsScriptEngine e = modules();
      e.put(ScriptEngine.FILENAME, "main.js");
      Object promise = e.eval("1;\nconst p =\n    import('./missing.mjs'); p");
      java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
          () -> assertInstanceOf(java.util.concurrent.CompletableFuture.class, promise).get(10, java.util.concurrent.TimeUnit.SECONDS));
      JsException x = assertInstanceOf(JsException.class, failed.getCause());
      assertEquals(3, x.getLineNumber(), x.getMessage());
      assertEquals(5, x.getColumnNumber(), x.getMessage());
      assertEquals("main.js", x.getFileName());
    }

    @Test
    void aModuleThatIsNeverWrittenAsALiteralStillFailsClearly() {
      QuickJsScriptEngine e = modules();
      JsException x = assertThrows(JsException.class, () -> e.eval("require('./mis' + 'sing.js')"));
      assertTrue(x.getMessage().contains("Cannot find module"), x.getMessage());
    }
  }

  @Nested
  class ConsoleFormat {
    private String log(String args) throws ScriptException {
      out.getBuffer().setLength(0);
      engine.eval("console.log(" + args + ")");
      String s = out.toString();
      assertTrue(s.endsWith(NL), s);
      return s.substring(0, s.length() - NL.length());
    }

    @Test
    void stringAndNumberSpecifiers() throws ScriptException {
      assertEquals("x is 5", log("'%s is %d', 'x', 5"));
      assertEquals("3 3.5 NaN", log("'%i %f %d', 3.9, '3.5', {}"));
      assertEquals("100%", log("'100%%'"));
      assertEquals("%d", log("'%d'"));
      assertEquals("a b 1 2", log("'a', 'b', 1, 2"));
      assertEquals("a 1 2", log("'a', 1, 2"));
      assertEquals("a%", log("'a%'"));
      assertEquals("5n 7n", log("'%d %i', 5n, 7n"));
    }

    @Test
    void objectSpecifiers() throws ScriptException {
      assertEquals("{\"a\":1}", log("'%j', {a: 1}"));
      assertEquals("[Circular]", log("'%j', (() => { const o = {}; o.o = o; return o })()"));
      String o = log("'%o', {a: [1, 'b'], f() {}}");
      assertTrue(o.contains("a") && o.contains("1") && o.contains("'b'"), o);
      assertEquals("red", log("'%cred', 'color: red'"));
    }

    @Test
    void hostileValuesNeverThrowOutOfConsoleLog() throws ScriptException {
      String s = log("'%s|%d|%o|%O|%j|%s', { toString() { throw new Error('x') } }, Symbol('q'), "
          + "(() => { const o = {}; o.o = o; return o })(), new Proxy({}, { ownKeys() { throw 1 } }), "
          + "{ toJSON() { throw 2 } }, Symbol('z')");
      assertTrue(s.contains("NaN") && s.contains("Symbol(z)"), s);
    }

    @Test
    void appliesToEveryConsoleMethodButNotPrint() throws ScriptException {
      engine.eval("console.info('%s!', 'i'); console.warn('%s!', 'w'); print('%s!', 'p')");
      assertEquals("i!" + NL + "%s! p" + NL, out.toString());
      assertEquals("w!" + NL, err.toString());
    }

    @Test
    void aNonStringFirstArgumentIsNotAFormat() throws ScriptException {
      assertEquals("5 %s", log("5, '%s'"));
    }
  }

  @Nested
  class LimitSettings {
    @Test
    void aNegativeMemoryLimitIsRefusedAtPut() throws Exception {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> engine.put("quickjs.memoryLimit", -5L));
      assertTrue(e.getMessage().contains("quickjs.memoryLimit"), e.getMessage());
      assertEquals(2, engine.eval("1 + 1"));
      assertNotNull(engine.memoryUsage());
    }

    @Test
    void aTextTimeoutThatIsNoNumberIsRefused() throws Exception {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> engine.put("quickjs.timeout", "abc"));
      assertTrue(e.getMessage().contains("quickjs.timeout") && e.getMessage().contains("Duration"), e.getMessage());
      assertEquals(2, engine.eval("1 + 1"));
    }

    @Test
    void wrongTypesAndNegativeDurationsAreRefused() {
      Bindings b = engine.getBindings(ScriptContext.ENGINE_SCOPE);
      assertThrows(IllegalArgumentException.class, () -> b.put("quickjs.timeout", Duration.ofSeconds(-1)));
      assertThrows(IllegalArgumentException.class, () -> b.put("quickjs.timeout", new Object()));
      assertThrows(IllegalArgumentException.class, () -> b.put("quickjs.timeout", Double.NaN));
      assertThrows(IllegalArgumentException.class, () -> b.put("quickjs.maxStackSize", "big"));
      assertThrows(IllegalArgumentException.class, () -> b.put("quickjs.memoryLimit", 1.5));
      assertThrows(IllegalArgumentException.class, () -> b.put("quickjs.memoryLimit", List.of()));
      assertThrows(IllegalArgumentException.class, () -> b.put("quickjs.module", "perhaps"));
      assertThrows(IllegalArgumentException.class, () -> b.putAll(Map.of("quickjs.memoryLimit", "-1")));
      assertNull(b.get("quickjs.timeout"));
      assertNull(b.get("quickjs.memoryLimit"));
    }

    @Test
    void absurdValuesAreRefused() throws Exception {
      assertThrows(IllegalArgumentException.class, () -> engine.put("quickjs.memoryLimit", "99999999999999999999"));
      assertThrows(IllegalArgumentException.class, () -> engine.put("quickjs.memoryLimit", Double.POSITIVE_INFINITY));
      assertThrows(IllegalArgumentException.class, () -> engine.put("quickjs.maxStackSize", new java.math.BigInteger("1".repeat(40))));
      assertThrows(IllegalArgumentException.class, () -> engine.put("quickjs.timeout", Duration.ofSeconds(-5)));
      assertThrows(IllegalArgumentException.class, () -> engine.put("quickjs.timeout", "-PT1S"));
      assertThrows(IllegalArgumentException.class, () -> engine.put("quickjs.timeout", Double.NEGATIVE_INFINITY));
      assertEquals(2, engine.eval("1 + 1"));
    }

    @Test
    void goodValuesAreStillAccepted() throws Exception {
      engine.put("quickjs.timeout", Duration.ofSeconds(5));
      engine.put("quickjs.timeout", 5000);
      engine.put("quickjs.timeout", "PT5S");
      engine.put("quickjs.timeout", "5000");
      engine.put("quickjs.memoryLimit", 64L << 20);
      engine.put("quickjs.memoryLimit", "67108864");
      engine.put("quickjs.maxStackSize", 512 * 1024);
      engine.put("quickjs.module", false);
      engine.put("quickjs.module", "false");
      engine.put("quickjs.timeout", null);
      assertEquals(2, engine.eval("1 + 1"));
    }

    @Test
    void settingBindingsWithABadValueIsRefused() throws Exception {
      SimpleBindings bad = new SimpleBindings();
      bad.put("quickjs.memoryLimit", -5L);
      assertThrows(IllegalArgumentException.class, () -> engine.setBindings(bad, ScriptContext.ENGINE_SCOPE));
      assertEquals(2, engine.eval("1 + 1"));
      assertNotNull(engine.memoryUsage());
    }

    @Test
    void aBadValueInAForeignEngineScopeFailsTheCallNotMemoryUsage() throws Exception {
      SimpleBindings b = new SimpleBindings();
      engine.setBindings(b, ScriptContext.ENGINE_SCOPE);
      b.put("quickjs.timeout", "abc");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> engine.eval("1"));
      assertTrue(e.getMessage().contains("quickjs.timeout"), e.getMessage());
      assertNotNull(engine.memoryUsage());
      b.remove("quickjs.timeout");
      assertEquals(2, engine.eval("1 + 1"));
    }
  }
}
