package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.internal.diagnostics.StackText;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import org.junit.jupiter.api.Test;

/** A failure's JavaScript frames as data and in the Java stack trace; debug mode; debugger;. */
class ScriptFramesTest {
  private static QuickJsScriptEngine engine() {
    QuickJsScriptEngine e = (QuickJsScriptEngine) new ScriptEngineManager().getEngineByName("quickjs");
    e.put(ScriptEngine.FILENAME, "rules.js");
    return e;
  }

  @Test
  void aFailureCarriesItsJavaScriptFramesInnermostFirst() {
    QuickJsScriptEngine e = engine();
    JsException x = assertThrows(JsException.class, () -> e.eval(
        "function total(o) {\n  return o.items.length;\n}\nfunction run() { return total({}); }\nrun();"));
    List<JsStackFrame> frames = x.getJsFrames();
    assertEquals(List.of("total", "run", "<eval>"), frames.stream().map(JsStackFrame::getFunctionName).toList());
    assertEquals("rules.js", frames.get(0).getFileName());
    assertEquals(2, frames.get(0).getLineNumber());
    assertEquals(4, frames.get(1).getLineNumber());
    assertFalse(frames.get(0).isNative());
    assertEquals(2, x.getLineNumber());
  }

  @Test
  void theJavaStackTraceShowsTheScriptAboveItsJavaCaller() {
    QuickJsScriptEngine e = engine();
    JsException x = assertThrows(JsException.class, () -> e.eval("function f() { null.x; }\nf();"));
    StackTraceElement[] trace = x.getStackTrace();
    assertEquals("<js>", trace[0].getClassName());
    assertEquals("f", trace[0].getMethodName());
    assertEquals("rules.js", trace[0].getFileName());
    assertEquals(1, trace[0].getLineNumber());
    assertEquals("<eval>", trace[1].getMethodName());
    int caller = -1;
    for (int i = 0; i < trace.length; i++) {
      if (trace[i].getClassName().equals(ScriptFramesTest.class.getName())) {
        caller = i;
        break;
      }
    }
    assertTrue(caller > 1, Arrays.toString(trace));
    for (StackTraceElement el : trace) {
      assertFalse(el.getClassName().startsWith("dev.qjs.internal."), "engine internals are left out: " + el);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    x.printStackTrace(new PrintStream(out, true, StandardCharsets.UTF_8));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("at <js>.f(rules.js:1)"), out.toString(StandardCharsets.UTF_8));
  }

  /** A Java service scripts call, which calls the script back. */
  public static final class CallsBack {
    private final QuickJsScriptEngine engine;
    JsException caught;

    CallsBack(QuickJsScriptEngine engine) {
      this.engine = engine;
    }

    public Object lookup() throws Exception {
      return engine.invokeFunction("inner");
    }

    public Object lookupAndKeep() throws Exception {
      try {
        return engine.invokeFunction("inner");
      } catch (JsException e) {
        caught = e;
        return null;
      }
    }
  }

  private static int indexOf(StackTraceElement[] trace, String cls, String method) {
    for (int i = 0; i < trace.length; i++) {
      if (trace[i].getClassName().equals(cls) && trace[i].getMethodName().equals(method)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void inNestedCallsJavaScriptAndJavaFramesInterleaveInTheOrderTheyRan() throws Exception {
    QuickJsScriptEngine e = engine();
    CallsBack svc = new CallsBack(e);
    e.put("svc", svc);
    e.eval("function inner() { null.x; }\nfunction outer() { return svc.lookupAndKeep(); }");
    e.eval("outer();");
    JsException x = svc.caught;
    assertEquals(List.of("inner", "<java>", "outer", "<eval>"),
        x.getJsFrames().stream().map(JsStackFrame::getFunctionName).toList());
    assertEquals(JsStackFrame.Kind.JAVA, x.getJsFrames().get(1).getKind());
    StackTraceElement[] t = x.getStackTrace();
    int inner = indexOf(t, "<js>", "inner");
    int java = indexOf(t, CallsBack.class.getName(), "lookupAndKeep");
    int outer = indexOf(t, "<js>", "outer");
    int test = indexOf(t, ScriptFramesTest.class.getName(), "inNestedCallsJavaScriptAndJavaFramesInterleaveInTheOrderTheyRan");
    assertTrue(inner == 0 && inner < java && java < outer && outer < test, Arrays.toString(t));
    assertEquals(-1, indexOf(t, "<js>", "<java>"), "the JAVA frame is replaced by its Java frames");
  }

  @Test
  void anErrorThatWentOnThroughJavaKeepsAJavaFrameWhereItPassed() {
    QuickJsScriptEngine e = engine();
    e.put("svc", new CallsBack(e));
    JsException x = assertThrows(JsException.class, () -> e.eval(
        "function inner() { null.x; }\nfunction outer() { return svc.lookup(); }\nouter();"));
    assertEquals(List.of("inner", "<java>", "outer", "<eval>"),
        x.getJsFrames().stream().map(JsStackFrame::getFunctionName).toList());
    assertTrue(((String) x.getJsStack()).contains("    at <java> (native)\n"), x.getJsStack());
    StackTraceElement[] t = x.getStackTrace();
    assertEquals("inner", t[0].getMethodName());
    assertEquals("<java>", t[1].getMethodName());
    assertTrue(t[1].isNativeMethod());
  }

  @Test
  void nativeFramesAreMarkedNative() {
    QuickJsScriptEngine e = engine();
    JsException x = assertThrows(JsException.class, () -> e.eval("[1].map(v => { throw new Error('in map'); });"));
    JsStackFrame map = x.getJsFrames().stream().filter(f -> f.getFunctionName().equals("map")).findFirst().orElseThrow();
    assertTrue(map.isNative());
    assertNull(map.getFileName());
    assertEquals(-2, map.toStackTraceElement().getLineNumber()); // Java's "Native Method"
  }

  @Test
  void aSyntaxErrorHasTheParsePositionAsItsFirstFrame() {
    QuickJsScriptEngine e = engine();
    JsException x = assertThrows(JsException.class, () -> e.eval("let a = 1;\nlet b = ;"));
    assertEquals("SyntaxError", x.getErrorName());
    assertEquals("rules.js", x.getJsFrames().get(0).getFileName());
    assertEquals(2, x.getJsFrames().get(0).getLineNumber());
    assertEquals(2, x.getLineNumber());
  }

  @Test
  void stackLinesWithOddNamesAndFilesParse() {
    assertEquals(new JsStackFrame("get [a (b)]", "dir/x.js", 3, 4, JsStackFrame.Kind.SCRIPT),
        StackText.parseLine("    at get [a (b)] (dir/x.js:3:4)"));
    assertEquals(new JsStackFrame("f", "C:\\x.js", 3, 4, JsStackFrame.Kind.SCRIPT), StackText.parseLine("    at f (C:\\x.js:3:4)"));
    assertEquals(new JsStackFrame("f", "x.js", -1, -1, JsStackFrame.Kind.SCRIPT), StackText.parseLine("    at f (x.js)"));
    assertEquals(new JsStackFrame("f", null, -1, -1, JsStackFrame.Kind.NATIVE), StackText.parseLine("    at f (native)"));
    assertNull(StackText.parseLine("    ... 12 more"));
    assertNull(StackText.parseLine("garbage"));
    assertEquals(-1, StackText.parseLine("at x (a.js:99999999999999)").getLineNumber()); // no overflow
    String text = "    at f (a.js:1:2)\n    at map (native)\n    at a.js:3:4\n";
    StringBuilder back = new StringBuilder();
    StackText.parse(text).forEach(f -> StackText.append(back, f));
    assertEquals("    at f (a.js:1:2)\n    at map (native)\n    at a.js:3:4\n", back.toString());
  }

  @Test
  void outsideDebugModeAFailureCarriesNoVariablesAndItsMessageIsUnchanged() {
    QuickJsScriptEngine e = engine();
    JsException x = assertThrows(JsException.class, () -> e.eval("function f(secret) { null.x; }\nf('pw');"));
    assertTrue(x.getVariables().isEmpty());
    assertNull(x.getCodeFrame());
    assertFalse(x.getMessage().contains("pw"));
    assertFalse(x.getMessage().contains("\n"));
  }

  @Test
  void debugModeShowsTheCodeFrameAndTheFailingFramesVariables() {
    QuickJsScriptEngine e = engine();
    e.put("quickjs.debug", true);
    JsException x = assertThrows(JsException.class, () -> e.eval(
        "// rules\nfunction f(order, n) {\n  let total = n * 2;\n  return order.items.length;\n}\nf({id: 7, tags: ['a', 'b']}, 21);"));
    Map<String, String> vars = x.getVariables();
    assertEquals(List.of("order", "n", "total"), List.copyOf(vars.keySet()));
    assertEquals("{ id: 7, tags: [\"a\", \"b\"] }", vars.get("order"));
    assertEquals("21", vars.get("n"));
    assertEquals("42", vars.get("total"));
    String frame = x.getCodeFrame();
    assertTrue(frame.contains("> 4 |   return order.items.length;"), frame);
    assertTrue(frame.contains("  3 |   let total = n * 2;"), frame);
    assertTrue(frame.contains("  5 | }"), frame);
    assertTrue(frame.lines().anyMatch(l -> l.trim().endsWith("^")), frame);
    assertTrue(x.getMessage().contains("total = 42"), x.getMessage());
  }

  @Test
  void debugModeRendersValuesSafelyWithoutRunningScript() throws Exception {
    QuickJsScriptEngine e = engine();
    e.put("quickjs.debug", true);
    e.put("javaList", new java.util.ArrayList<>(List.of(1, 2)));
    e.eval("var calls = 0;");
    JsException x = assertThrows(JsException.class, () -> e.eval(
        "function f(a, b, c, d, deep, big, list) { null.x; }\n"
            + "f({get g() { calls++; return 1; }}, new Proxy({}, {get() { calls++; }, ownKeys() { calls++; return []; }}),"
            + " 'x'.repeat(10000), javaList, {a: {b: {c: {d: 1}}}}, Array.from({length: 1000}, (_, i) => i), [javaList]);"));
    Map<String, String> v = x.getVariables();
    assertEquals(0, ((Number) e.eval("calls")).intValue(), "no getter or trap ran");
    assertEquals("{ g: [accessor] }", v.get("a"));
    assertEquals("[Proxy]", v.get("b"));
    assertTrue(v.get("c").length() < 200, v.get("c"));
    assertTrue(v.get("c").endsWith("…\""), v.get("c"));
    assertEquals("[java.util.ArrayList]", v.get("d"));
    assertEquals("{ a: { b: {…} } }", v.get("deep"));
    assertTrue(v.get("big").contains("… 992 more"), v.get("big"));
    assertEquals("[[java.util.ArrayList]]", v.get("list"));
  }

  @Test
  void debugModeIsAnOptionToo() {
    QuickJsScriptEngine e = (QuickJsScriptEngine) new QuickJsScriptEngineFactory()
        .getScriptEngine(QuickJsOptions.builder().debug(true).build());
    JsException x = assertThrows(JsException.class, () -> e.eval("function f(k) { null.x; }\nf(5);"));
    assertEquals("5", x.getVariables().get("k"));
    assertEquals(true, QuickJsOptions.builder().debug(true).build().debug());
  }

  @Test
  void aDebuggerStatementCallsTheHandlerWithTheStackAndVariables() throws Exception {
    QuickJsScriptEngine e = engine();
    AtomicInteger stops = new AtomicInteger();
    e.eval("function g(x) { let y = x + 1; debugger; return y; }"); // no handler yet: nothing happens
    assertEquals(5, ((Number) e.eval("g(4)")).intValue());
    DebuggerStatement[] seen = new DebuggerStatement[1];
    e.onDebuggerStatement(s -> {
      stops.incrementAndGet();
      seen[0] = s;
    });
    assertEquals(42, ((Number) e.eval("g(41)")).intValue());
    assertEquals(1, stops.get());
    assertEquals("g", seen[0].getFrames().get(0).getFunctionName());
    assertEquals(Map.of("x", "41", "y", "42"), seen[0].getVariables());
    e.onDebuggerStatement(null);
    assertEquals(2, ((Number) e.eval("g(1)")).intValue());
    assertEquals(1, stops.get());
  }

  @Test
  void aHandlerThatThrowsThrowsFromTheStatementAndTheEngineGoesOn() throws Exception {
    QuickJsScriptEngine e = engine();
    e.onDebuggerStatement(s -> {
      throw new IllegalStateException("stop here");
    });
    assertEquals("caught", e.eval("try { debugger; 'no' } catch (err) { 'caught' }"));
    JsException x = assertThrows(JsException.class, () -> e.eval("debugger;"));
    assertTrue(x.getCause() instanceof IllegalStateException, String.valueOf(x.getCause()));
    e.onDebuggerStatement(s -> { });
    assertEquals(3, ((Number) e.eval("debugger; 1 + 2")).intValue());
  }

  @Test
  void aHandlerMayUseTheEngine() throws Exception {
    QuickJsScriptEngine e = engine();
    Object[] seen = new Object[1];
    e.onDebuggerStatement(s -> {
      try {
        seen[0] = e.eval("state.count");
      } catch (Exception ex) {
        throw new RuntimeException(ex);
      }
    });
    e.eval("var state = {count: 3}; debugger;");
    assertEquals(3, ((Number) seen[0]).intValue());
  }

  @Test
  void aScriptCanStillReplaceItsErrorsStack() throws Exception {
    QuickJsScriptEngine e = engine();
    e.put("quickjs.debug", true);
    assertEquals("mine", e.eval("var err = new Error('x'); err.stack = 'mine'; err.stack"));
    assertTrue(((String) e.eval("new Error('y').stack")).contains("at <eval> (rules.js:1"));
  }
}
