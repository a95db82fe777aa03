package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.util.Map;
import java.util.TreeMap;
import javax.script.Invocable;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import javax.script.SimpleBindings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Script failures reach Java as JsException, with everything needed to find them. */
class ErrorsTest {
  private static final String NL = System.lineSeparator();

  private ScriptEngine engine;
  private StringWriter out;

  @BeforeEach
  void setUp() {
    engine = new ScriptEngineManager().getEngineByName("quickjs");
    out = new StringWriter();
    engine.getContext().setWriter(out);
  }

  @AfterEach
  void tearDown() throws Exception {
    ((AutoCloseable) engine).close();
  }

  private JsException fail(String script) {
    return assertThrows(JsException.class, () -> engine.eval(script));
  }

  /** A writer whose every write fails with the given exception. */
  private static final class FailingWriter extends Writer {
    private final Exception failure;

    FailingWriter(Exception failure) {
      this.failure = failure;
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
      if (failure instanceof IOException io) {
        throw io;
      }
      throw (RuntimeException) failure;
    }

    @Override
    public void write(String s) throws IOException {
      write(s.toCharArray(), 0, s.length());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  @Nested
  class ErrorShape {
    @Test
    void runawayRecursionStackKeepsTheFirstHundredFramesAndCountsTheRest() {
      JsException e = fail("function deep(n) { return deep(n + 1) + 1 }\ndeep(0)");
      String[] lines = e.getJsStack().split("\n");
      assertEquals(101, lines.length, "100 frames and one summary line");
      assertTrue(lines[0].contains("at deep (<eval>:1:"), lines[0]);
      assertTrue(lines[100].matches("    \\.\\.\\. \\d+ more"), lines[100]);
      assertTrue(Integer.parseInt(lines[100].replaceAll("\\D", "")) > 100, lines[100]);
      assertEquals(1, e.getLineNumber(), "the innermost frame names the line");
    }

    @Test
    void typeErrorCarriesFileLineColumnNameAndStack() {
      engine.put(ScriptEngine.FILENAME, "shape.js");
      JsException e = fail("var a = 1;\n  null.x");
      assertEquals("shape.js", e.getFileName());
      assertEquals(2, e.getLineNumber());
      assertTrue(e.getColumnNumber() > 0, "column " + e.getColumnNumber());
      assertEquals("TypeError", e.getErrorName());
      assertNotNull(e.getJsStack());
      assertTrue(e.getJsStack().contains("shape.js:2"), e.getJsStack());
      assertTrue(e.getMessage().startsWith("TypeError: "), e.getMessage());
      assertInstanceOf(ScriptException.class, e);
    }

    @Test
    void referenceErrorMessageHasTheJsForm() {
      JsException e = fail("notDefinedAnywhere + 1");
      // QuickJS 2025-04-26 words it "'notDefinedAnywhere' is not defined"; Java shows what JS shows
      Object jsForm = engineEval("try { notDefinedAnywhere } catch (e) { String(e) }");
      assertTrue(String.valueOf(jsForm).startsWith("ReferenceError: "), String.valueOf(jsForm));
      assertTrue(e.getMessage().startsWith(jsForm + " in <eval>"), e.getMessage());
      assertTrue(e.getMessage().matches("(?s)ReferenceError: '?notDefinedAnywhere'? is not defined.*"), e.getMessage());
      assertEquals("ReferenceError", e.getErrorName());
      assertEquals(1, e.getLineNumber());
    }

    @Test
    void syntaxErrorMessageHasTheJsFormAndLine() {
      JsException e = fail("var ok = 1;\n\nvar = ;");
      assertTrue(e.getMessage().startsWith("SyntaxError: "), e.getMessage());
      assertEquals("SyntaxError", e.getErrorName());
      assertEquals(3, e.getLineNumber());
      assertEquals("<eval>", e.getFileName());
    }

    @Test
    void lineIsWhereTheErrorWasThrownInsideFunctions() {
      JsException e = fail("function outer() {\n  return inner()\n}\nfunction inner() {\n  throw new RangeError('deep')\n}\nouter()");
      assertEquals(5, e.getLineNumber());
      assertTrue(e.getMessage().startsWith("RangeError: deep"), e.getMessage());
      assertTrue(e.getJsStack().contains("inner"), e.getJsStack());
      assertTrue(e.getJsStack().contains("outer"), e.getJsStack());
    }

    @Test
    void customErrorSubclassKeepsItsName() {
      JsException e =
          fail("class MyError extends Error { constructor(m) { super(m); this.name = 'MyError' } }\nthrow new MyError('boom')");
      assertEquals("MyError", e.getErrorName());
      assertTrue(e.getMessage().startsWith("MyError: boom"), e.getMessage());
    }

    @Test
    void errorWithoutMessageIsJustItsName() {
      JsException e = fail("throw new Error()");
      assertTrue(e.getMessage().startsWith("Error in ") || e.getMessage().equals("Error"), e.getMessage());
      assertEquals("Error", e.getErrorName());
    }

    @Test
    void thrownErrorIsTheSameJsObject() throws ScriptException {
      JsException e = fail("var saved = new TypeError('kept'); throw saved");
      JsObject thrown = assertInstanceOf(JsObject.class, e.getThrownValue());
      assertEquals("kept", thrown.get("message"));
      assertEquals(engine.eval("saved"), thrown);
    }

    @Test
    void messageKeepsUnicodeAndNewlines() {
      JsException e = fail("throw new Error('line1\\nline2 \\u00e9 \\uD83D\\uDE00')");
      assertTrue(e.getMessage().startsWith("Error: line1\nline2 \u00e9 \uD83D\uDE00"), e.getMessage());
    }

    @Test
    void invokeFunctionFailureIsAJsException() throws ScriptException {
      engine.eval("function bad() {\n  return undefinedThing\n}");
      JsException e =
          assertThrows(JsException.class, () -> ((Invocable) engine).invokeFunction("bad"));
      assertEquals("ReferenceError", e.getErrorName());
      assertEquals(2, e.getLineNumber());
    }

    @Test
    void errorWithHostileNameAndMessageStillReports() {
      JsException e =
          fail(
              "var e = new Error('m');"
                  + "Object.defineProperty(e, 'name', { get() { throw new Error('name getter') } });"
                  + "Object.defineProperty(e, 'message', { get() { throw new Error('message getter') } });"
                  + "throw e");
      assertNotNull(e.getMessage());
      assertNotNull(e.getThrownValue());
      assertTrue(engineStillWorks());
    }

    @Test
    void errorWithHugeMessageArrives() {
      JsException e = fail("throw new Error('x'.repeat(10_000_000))");
      assertTrue(e.getMessage().startsWith("Error: xxxx"));
      assertTrue(e.getMessage().length() >= 10_000_000);
    }
  }

  @Nested
  class ThrownNonErrors {
    @Test
    void thrownStringIsTheValue() {
      JsException e = fail("throw 'x'");
      assertEquals("x", e.getThrownValue());
      assertNull(e.getErrorName());
      assertTrue(e.getMessage().startsWith("x"), e.getMessage());
    }

    @Test
    void thrownNumberIsTheValue() {
      JsException e = fail("throw 42");
      assertEquals(42, e.getThrownValue());
      assertTrue(e.getMessage().startsWith("42"), e.getMessage());
    }

    @Test
    void thrownNullIsNull() {
      JsException e = fail("throw null");
      assertNull(e.getThrownValue());
      assertTrue(e.getMessage().startsWith("null"), e.getMessage());
    }

    @Test
    void thrownUndefinedIsNull() {
      JsException e = fail("throw undefined");
      assertNull(e.getThrownValue());
      assertTrue(e.getMessage().startsWith("undefined"), e.getMessage());
    }

    @Test
    void thrownObjectIsAMirror() {
      JsException e = fail("throw { a: 1 }");
      JsObject o = assertInstanceOf(JsObject.class, e.getThrownValue());
      assertEquals(1, o.get("a"));
      assertTrue(e.getMessage().startsWith("{\"a\":1}"), e.getMessage());
    }

    @Test
    void otherThrownValuesAreConverted() {
      assertEquals(true, fail("throw true").getThrownValue());
      assertEquals(BigInteger.TEN, fail("throw 10n").getThrownValue());
      assertEquals(1.5, fail("throw 1.5").getThrownValue());
      assertInstanceOf(JsArray.class, fail("throw [1, 2]").getThrownValue());
      assertInstanceOf(JsSymbol.class, fail("throw Symbol('s')").getThrownValue());
      assertInstanceOf(JsFunction.class, fail("throw function f() {}").getThrownValue());
    }

    @Test
    void thrownJavaObjectIsTheJavaObject() {
      Object token =
          new Object() {
            @Override
            public String toString() {
              return "java token";
            }
          };
      engine.put("token", token);
      JsException e = fail("throw token");
      assertSame(token, e.getThrownValue());
      assertTrue(e.getMessage().startsWith("java token"), e.getMessage());
    }

    @Test
    void thrownSymbolReadsAsJsShowsIt() {
      JsException e = fail("throw Symbol('s')");
      assertTrue(e.getMessage().startsWith("Symbol(s)"), e.getMessage());
    }

    @Test
    void thrownNonErrorNamesTheScriptFile() {
      engine.put(ScriptEngine.FILENAME, "thrower.js");
      assertEquals("thrower.js", fail("throw 'x'").getFileName());
    }

    @Test
    void cyclicThrownObjectStillReports() {
      JsException e = fail("var c = { name: 'loop' }; c.self = c; throw c");
      JsObject o = assertInstanceOf(JsObject.class, e.getThrownValue());
      assertEquals("loop", o.get("name"));
      assertNotNull(e.getMessage());
    }

    @Test
    void thrownObjectWithHostileConversionsStillReports() {
      JsException e =
          fail("throw { toJSON() { throw 1 }, toString() { throw 2 }, valueOf() { throw 3 } }");
      assertInstanceOf(JsObject.class, e.getThrownValue());
      assertTrue(engineStillWorks());
    }

    @Test
    void thrownRevokedProxyStillReports() {
      JsException e = fail("var r = Proxy.revocable({}, {}); r.revoke(); throw r.proxy");
      assertNotNull(e.getMessage());
      assertTrue(engineStillWorks());
    }
  }

  @Nested
  class SyntaxErrorsRunNothing {
    @Test
    void syntaxErrorRunsNoStatement() throws ScriptException {
      JsException e = fail("print('before');\nglobalThis.ran = true;\nvar = ;");
      assertEquals("SyntaxError", e.getErrorName());
      assertEquals("", out.toString());
      assertEquals("undefined", engine.eval("typeof ran"));
    }

    @Test
    void syntaxErrorDefinesNoFunctionOrVar() throws ScriptException {
      fail("function early() {}\nvar earlyVar = 1;\n)");
      assertEquals("undefined undefined", engine.eval("typeof early + ' ' + typeof earlyVar"));
    }

    @Test
    void earlyErrorsRunNothingEither() throws ScriptException {
      fail("print('x'); let dup = 1; let dup = 2;");
      fail("print('y'); 'use strict'; function f() { 'use strict'; with ({}) {} }");
      fail("print('z'); break;");
      assertEquals("", out.toString());
    }
  }

  @Nested
  class EngineSurvives {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "null.x",
          "undefined()",
          "throw 1",
          "}{",
          "var = ;",
          "(function f() { f() })()",
          "new Array(-1)",
          "JSON.parse('{bad')",
          "'a'.repeat(2 ** 31)",
          "BigInt(1.5)",
          "Symbol() + ''",
          "decodeURIComponent('%')",
          "new Proxy({}, { get() { throw new Error('trap') } }).x",
          "Object.defineProperty(Object.freeze({}), 'x', { value: 1 })",
          "class A { constructor() { this.x } } A()",
          "'\\u{110000}'",
        })
    void engineKeepsWorkingAfterAnyError(String script) throws ScriptException {
      engine.eval("var survivor = 'alive'");
      ScriptException e = assertThrows(ScriptException.class, () -> engine.eval(script));
      assertInstanceOf(JsException.class, e);
      assertEquals("alive", engine.eval("survivor"));
      assertEquals(2, engine.eval("1 + 1"));
      engine.eval("print('still printing')");
      assertEquals("still printing" + NL, out.toString());
    }

    @Test
    void stackOverflowIsAJsException() {
      JsException e = fail("function down(n) { return down(n + 1) + 1 } down(0)");
      assertTrue(
          "RangeError".equals(e.getErrorName()) || "InternalError".equals(e.getErrorName()),
          e.getErrorName());
      assertTrue(engineStillWorks());
    }

    @Test
    void deeplyNestedSourceIsAJsExceptionNotACrash() {
      assertThrows(JsException.class, () -> engine.eval("[".repeat(200_000)));
      assertThrows(JsException.class, () -> engine.eval("(".repeat(1_000_000) + "1" + ")".repeat(1_000_000)));
      assertTrue(engineStillWorks());
    }

    @Test
    void sourceNestedDeeperThanTheStackIsReportedAsAStackOverflowWhereverTheParserRunsOut()
        throws ScriptException {
      // Arrow functions, destructuring and parameter lists make QuickJS's parser look ahead past
      // a parenthesized part and seek back (patch 13). Each source is parsed under 256 stack
      // limits 16 bytes apart, so that the stack runs out at every point of the parser's
      // recursion, among them inside a lookahead, where the parse used to go on one token off
      // and report another error ("missing formal parameter", "unexpected token").
      String[] sources = {
        "(a) => ".repeat(20_000) + "0",
        "[a] = ".repeat(20_000) + "[0]",
        "async (a) => ".repeat(20_000) + "0",
        "function f(a, b) { return ".repeat(20_000),
      };
      Map<String, Integer> wrong = new TreeMap<>();
      for (int step = 0; step < 256; step++) {
        try (QuickJsScriptEngine e =
            new QuickJsScriptEngineFactory()
                .getScriptEngine(QuickJsOptions.builder().maxStackSize(256 * 1024 + 16 * step).build())) {
          for (int i = 0; i < sources.length; i++) {
            int n = i;
            JsException x = assertThrows(JsException.class, () -> e.eval(sources[n]), "source " + i);
            if (!x.getMessage().contains("stack overflow")) {
              wrong.merge(i + ": " + x.getMessage(), 1, Integer::sum);
            }
          }
        }
      }
      assertEquals(Map.of(), wrong, "errors other than a stack overflow, with how often each came");
      assertTrue(engineStillWorks());
    }

    @Test
    void manyErrorsInARowLeaveTheEngineUsable() throws ScriptException {
      for (int i = 0; i < 1000; i++) {
        int n = i;
        JsException e = assertThrows(JsException.class, () -> engine.eval("throw new Error('n' + " + n + ")"));
        assertTrue(e.getMessage().startsWith("Error: n" + i));
      }
      assertTrue(engineStillWorks());
    }

    @Test
    void errorInsideForeignBindingsKeepsBothUsable() throws ScriptException {
      SimpleBindings sb = new SimpleBindings();
      sb.put("kept", 1);
      assertThrows(JsException.class, () -> engine.eval("kept = 2; null.x", sb));
      assertEquals(2, sb.get("kept"));
      assertEquals(3, engine.eval("kept + 1", sb));
      assertTrue(engineStillWorks());
    }
  }

  @Nested
  class HostExceptions {
    @Test
    void writerIOExceptionIsACatchableJsErrorWithTheJavaMessage() throws ScriptException {
      engine.getContext().setWriter(new FailingWriter(new IOException("disk full")));
      assertEquals(
          "Error|disk full|true",
          engine.eval("try { print('x'); 'not thrown' } catch (e) { [e.name, e.message, e instanceof Error].join('|') }"));
    }

    @Test
    void uncaughtHostExceptionIsTheCause() {
      IOException io = new IOException("disk full");
      engine.getContext().setWriter(new FailingWriter(io));
      JsException e = fail("print('x')");
      assertSame(io, e.getCause());
      assertTrue(e.getMessage().contains("disk full"), e.getMessage());
      assertEquals("Error", e.getErrorName());
    }

    @Test
    void hostRuntimeExceptionIsTheCauseToo() {
      IllegalStateException boom = new IllegalStateException("writer broke");
      engine.getContext().setErrorWriter(new FailingWriter(boom));
      JsException e = fail("console.error('x')");
      assertSame(boom, e.getCause());
      assertTrue(e.getMessage().startsWith("Error: writer broke"), e.getMessage());
    }

    @Test
    void javaExceptionIsReachableFromJs() throws ScriptException {
      IOException io = new IOException("reachable");
      engine.getContext().setWriter(new FailingWriter(io));
      assertSame(io, engine.eval("try { print('x') } catch (e) { e.javaException }"));
    }

    @Test
    void hostExceptionWithoutMessageUsesTheClassName() throws ScriptException {
      engine.getContext().setWriter(new FailingWriter(new IOException()));
      assertEquals("java.io.IOException", engine.eval("try { print('x') } catch (e) { e.message }"));
    }

    @Test
    void caughtAndRethrownHostErrorKeepsTheCause() {
      IOException io = new IOException("rethrown");
      engine.getContext().setWriter(new FailingWriter(io));
      JsException e = fail("try { print('x') } catch (e) { throw e }");
      assertSame(io, e.getCause());
    }

    @Test
    void hostErrorInsideInvokeFunctionIsTheCause() throws Exception {
      engine.eval("function say() { print('hello') }");
      IOException io = new IOException("in invoke");
      engine.getContext().setWriter(new FailingWriter(io));
      JsException e = assertThrows(JsException.class, () -> ((Invocable) engine).invokeFunction("say"));
      assertSame(io, e.getCause());
    }

    @Test
    void javaToStringFailureIsACatchableJsError() throws ScriptException {
      RuntimeException boom = new UnsupportedOperationException("no toString for you");
      engine.put(
          "h",
          new Object() {
            @Override
            public String toString() {
              throw boom;
            }
          });
      assertEquals("no toString for you", engine.eval("try { String(h) } catch (e) { e.message }"));
      JsException e = fail("String(h)");
      assertSame(boom, e.getCause());
    }

    @Test
    void failingGlobalScopeLookupIsAJsError() {
      SimpleBindings hostile =
          new SimpleBindings() {
            @Override
            public boolean containsKey(Object key) {
              if ("someUnknownName".equals(key)) {
                throw new IllegalStateException("lookup failed for " + key);
              }
              return super.containsKey(key);
            }
          };
      engine.setBindings(hostile, ScriptContext.GLOBAL_SCOPE);
      JsException e = fail("someUnknownName");
      assertInstanceOf(IllegalStateException.class, e.getCause());
      assertTrue(e.getMessage().contains("lookup failed"), e.getMessage());
    }

    @Test
    void engineRecoversAfterHostFailures() throws ScriptException {
      engine.getContext().setWriter(new FailingWriter(new IOException("broken")));
      fail("print('lost')");
      StringWriter good = new StringWriter();
      engine.getContext().setWriter(good);
      engine.eval("print('found')");
      assertEquals("found" + NL, good.toString());
    }
  }

  private Object engineEval(String script) {
    try {
      return engine.eval(script);
    } catch (ScriptException e) {
      throw new AssertionError(e);
    }
  }

  private boolean engineStillWorks() {
    try {
      return Integer.valueOf(2).equals(engine.eval("1 + 1"));
    } catch (ScriptException e) {
      return false;
    }
  }
}
