package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Errors crossing JavaScript → Java → JavaScript, and Java exceptions thrown into scripts. */
public class BoundaryErrorsTest {
  private QuickJsScriptEngine engine;
  private Host host;

  @BeforeEach
  void setUp() throws ScriptException {
    engine = (QuickJsScriptEngine) new ScriptEngineManager().getEngineByName("quickjs");
    host = new Host();
    engine.put("host", host);
    engine.put("list", new ArrayList<>(List.of(1, 2, 3)));
  }

  @AfterEach
  void tearDown() {
    engine.close();
  }

  private Object eval(String script) throws ScriptException {
    return engine.eval(script);
  }

  private void assertJs(String script) throws ScriptException {
    assertEquals(true, eval(script), script);
  }

  public static class Host {
    private final IllegalStateException unchecked = new IllegalStateException("boom");
    private final IOException checked = new IOException("disk full");
    public String seenByJava;

    public Object apply(Function<Object, Object> f, Object x) {
      return f.apply(x);
    }

    public void each(List<Object> items, Consumer<Object> c) {
      items.forEach(c);
    }

    public Object failUnchecked() {
      throw unchecked;
    }

    public Object failChecked() throws IOException {
      throw checked;
    }

    public IllegalStateException theUnchecked() {
      return unchecked;
    }

    public IOException theChecked() {
      return checked;
    }

    /** Calls the function and keeps what Java saw of its failure; the script goes on. */
    public String swallow(Runnable r) {
      try {
        r.run();
        return "no failure";
      } catch (UncheckedScriptException e) {
        JsException js = (JsException) e.getCause();
        seenByJava = js.getErrorName() + "|" + e.getMessage();
        return js.getErrorName();
      }
    }
  }

  /** What {@code null.y} says in this engine. */
  private String nullPropertyMessage() throws ScriptException {
    return (String) eval("(() => { try { null.y } catch (e) { return e.message } })()");
  }

  // ------------------------------------------------------------------ JS errors through Java

  @Nested
  class ScriptErrorsThroughJava {
    @Test
    void errorInAFunctionCallbackReachesTheOuterCatchAsTheSameError() throws ScriptException {
      assertJs(
          "let inner;\n"
              + "try {\n"
              + "  host.apply(x => { try { null.y } catch (e) { inner = e; throw e } }, 1);\n"
              + "  false\n"
              + "} catch (e) { e === inner && e instanceof TypeError }");
    }

    @Test
    void callbackErrorKeepsNameMessageAndStack() throws ScriptException {
      String message = nullPropertyMessage();
      Object r =
          eval(
              "let r;\n"
                  + "try {\n"
                  + "  host.apply(x => {\n"
                  + "    null.y\n"
                  + "  }, 1)\n"
                  + "} catch (e) { r = [e.name, e.message, e.stack] }\n"
                  + "r");
      List<?> parts = (List<?>) r;
      assertEquals("TypeError", parts.get(0));
      assertEquals(message, parts.get(1));
      String stack = (String) parts.get(2);
      assertTrue(stack.trim().startsWith("at <anonymous> (<eval>:4"), stack);
    }

    @Test
    void errorInAForEachCallbackOnAJavaListIsTheSameError() throws ScriptException {
      String message = nullPropertyMessage();
      assertEquals(
          "TypeError|" + message + "|true",
          eval(
              "let seen;\n"
                  + "try {\n"
                  + "  list.forEach(x => {\n"
                  + "    try { null.y } catch (e) { seen = e; throw e }\n"
                  + "  })\n"
                  + "} catch (e) { e.name + '|' + e.message + '|' + (e === seen && e.stack.includes('<eval>:4')) }"));
    }

    @Test
    void consumerParameterPassesTheErrorThrough() throws ScriptException {
      assertJs(
          "const err = new RangeError('third');\n"
              + "try { host.each([1, 2, 3], x => { if (x === 3) throw err }); false } catch (e) { e === err }");
    }

    @Test
    void errorSubclassesAndTheirPropertiesSurvive() throws ScriptException {
      assertJs(
          "class AppError extends Error { constructor(m) { super(m); this.name = 'AppError'; this.code = 42 } }\n"
              + "try { host.apply(() => { throw new AppError('custom') }, 0); false }\n"
              + "catch (e) { e instanceof AppError && e.code === 42 && e.message === 'custom' && e.name === 'AppError' }");
    }

    @Test
    void thrownNonErrorValuesArriveUnchanged() throws ScriptException {
      assertJs("try { host.apply(() => { throw 'text' }, 0); false } catch (e) { e === 'text' }");
      assertJs("try { host.apply(() => { throw 42 }, 0); false } catch (e) { e === 42 }");
      assertJs("try { host.apply(() => { throw false }, 0); false } catch (e) { e === false }");
      assertJs("const o = {code: 7}; try { host.apply(() => { throw o }, 0); false } catch (e) { e === o }");
    }

    @Test
    void thrownNullAndUndefinedArriveUnchanged() throws ScriptException {
      assertJs("try { host.apply(() => { throw null }, 0); false } catch (e) { e === null }");
      assertJs("try { host.apply(() => { throw undefined }, 0); false } catch (e) { e === undefined }");
    }

    @Test
    void errorsCrossSeveralJavaFramesUnchanged() throws ScriptException {
      assertJs(
          "const deep = new SyntaxError('deep');\n"
              + "try { host.apply(a => host.apply(b => list.forEach(c => { throw deep }), 2), 1); false }\n"
              + "catch (e) { e === deep }");
    }

    @Test
    void uncaughtCallbackErrorIsAJsExceptionWithTheCallbacksNameAndLine() {
      JsException e =
          assertThrows(
              JsException.class,
              () -> eval("const a = 1;\nhost.apply(x => {\n\n  null.y\n}, 1)"));
      assertEquals("TypeError", e.getErrorName());
      assertEquals(4, e.getLineNumber());
      assertTrue(e.getMessage().startsWith("TypeError: " + nullPropertyMessageQuietly()), e.getMessage());
      JsObject thrown = assertInstanceOf(JsObject.class, e.getThrownValue());
      assertEquals("TypeError", thrown.get("name"));
    }

    @Test
    void uncaughtForEachErrorIsAJsExceptionWithTheCallbacksLine() {
      JsException e =
          assertThrows(JsException.class, () -> eval("list.forEach(x => {\n  if (x === 2) null.y\n})"));
      assertEquals("TypeError", e.getErrorName());
      assertEquals(2, e.getLineNumber());
    }

    @Test
    void javaBetweenSeesAnUncheckedScriptExceptionAndTheScriptGoesOn() throws ScriptException {
      assertEquals("TypeError", eval("host.swallow(() => { null.y })"));
      assertTrue(host.seenByJava.startsWith("TypeError|TypeError: "), host.seenByJava);
      assertEquals(3, eval("1 + 2"));
    }

    private String nullPropertyMessageQuietly() {
      try {
        return nullPropertyMessage();
      } catch (ScriptException e) {
        throw new AssertionError(e);
      }
    }
  }

  // ------------------------------------------------------------------ Java exceptions into JS

  @Nested
  class JavaExceptionsIntoScripts {
    @Test
    void uncheckedExceptionIsCatchableWithItsMessageAndObject() throws ScriptException {
      assertEquals("boom", eval("try { host.failUnchecked() } catch (e) { e.message }"));
      assertJs("try { host.failUnchecked(); false } catch (e) { e.javaException === host.theUnchecked() }");
      assertSame(host.theUnchecked(), eval("try { host.failUnchecked() } catch (e) { e.javaException }"));
      assertJs("try { host.failUnchecked(); false } catch (e) { e instanceof Error }");
    }

    @Test
    void checkedExceptionIsCatchableWithItsMessageAndObject() throws ScriptException {
      assertEquals("disk full", eval("try { host.failChecked() } catch (e) { e.message }"));
      assertSame(host.theChecked(), eval("try { host.failChecked() } catch (e) { e.javaException }"));
      assertEquals("disk full", eval("try { host.failChecked() } catch (e) { e.javaException.getMessage() }"));
    }

    @Test
    void uncaughtUncheckedExceptionIsTheCauseOfTheJsException() {
      JsException e = assertThrows(JsException.class, () -> eval("const a = 0;\nhost.failUnchecked()"));
      assertSame(host.theUnchecked(), e.getCause());
      assertEquals(2, e.getLineNumber());
      assertTrue(e.getMessage().contains("boom"), e.getMessage());
    }

    @Test
    void uncaughtCheckedExceptionIsTheCauseOfTheJsException() {
      JsException e = assertThrows(JsException.class, () -> eval("host.failChecked()"));
      assertSame(host.theChecked(), e.getCause());
      assertTrue(e.getMessage().contains("disk full"), e.getMessage());
    }

    @Test
    void rethrownJavaExceptionKeepsItsCause() {
      JsException e =
          assertThrows(JsException.class, () -> eval("try { host.failChecked() } catch (e) { throw e }"));
      assertSame(host.theChecked(), e.getCause());
    }

    @Test
    void javaExceptionInsideACallbackReachesTheOuterCatch() throws ScriptException {
      assertJs(
          "try { host.apply(x => host.failChecked(), 1); false }\n"
              + "catch (e) { e.message === 'disk full' && e.javaException === host.theChecked() }");
      assertJs(
          "try { list.forEach(x => host.failUnchecked()); false }\n"
              + "catch (e) { e.javaException === host.theUnchecked() }");
    }

    @Test
    void javaExceptionInsideACallbackIsTheCauseWhenUncaught() {
      JsException e =
          assertThrows(JsException.class, () -> eval("host.apply(x => {\n  return host.failChecked()\n}, 1)"));
      assertSame(host.theChecked(), e.getCause());
      assertEquals(2, e.getLineNumber());
    }
  }
}
