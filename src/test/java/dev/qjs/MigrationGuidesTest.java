package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.script.Compilable;
import javax.script.CompiledScript;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import org.junit.jupiter.api.Test;

/**
 * The code of docs/migrating-from-graaljs.md and docs/migrating-from-rhino.md, run. Each block of
 * those pages marked {@code <!-- tested: MigrationGuidesTest#name -->} is the body of the method
 * of that name here, between its {@code // snippet} and {@code // end} lines;
 * {@link DocumentedSnippetsTest} checks that the two stay the same text, and these tests check
 * that the code does what the page says.
 */
class MigrationGuidesTest {
  /** A Java object a script reads, as the guides' examples pass one. */
  public record Order(String customer, List<Line> lines) {}

  /** A line of an {@link Order}. */
  public record Line(String sku, int qty) {}

  private static final Order order = new Order("acme", List.of(new Line("a-1", 3), new Line("b-2", 4)));

  @Test
  void graalEvalAndBindings() throws Exception {
    // snippet
    ScriptEngine engine = new ScriptEngineManager().getEngineByName("quickjs");
    engine.put("order", order);                                  // bindings.putMember("order", order)
    Object count = engine.eval("order.lines.length");            // context.eval("js", ...)
    Object sum = engine.eval("order.lines.reduce((s, l) => s + l.qty, 0)");
    // end
    assertEquals(2, count);
    assertEquals(7, sum);
    ((AutoCloseable) engine).close();
  }

  @Test
  void graalValueMembersAndExecute() throws Exception {
    ScriptEngine engine = new ScriptEngineManager().getEngineByName("quickjs");
    // snippet
    JsObject point = (JsObject) engine.eval("({x: 1, y: 2, norm() { return Math.hypot(this.x, this.y) }})");
    Object x = point.getMember("x");                             // value.getMember("x")
    point.setMember("x", 3);                                     // value.putMember("x", 3)
    Object norm = point.callMember("norm");                      // value.invokeMember("norm")
    JsFunction twice = (JsFunction) engine.eval("n => n * 2");
    Object four = twice.call(2);                                 // value.execute(2)
    Map<String, Object> copy = point.toJava();                   // value.as(Map.class), copied
    // end
    assertEquals(1, x);
    assertEquals(Math.hypot(3, 2), ((Number) norm).doubleValue(), 1e-9);
    assertEquals(4, four);
    assertEquals(3, copy.get("x"));
    ((AutoCloseable) engine).close();
  }

  @Test
  void graalHostAccessAsClassFilter() throws Exception {
    // snippet
    QuickJsOptions options = QuickJsOptions.builder()
        .classFilter(name -> name.startsWith("java.time."))     // allowHostClassLookup(...)
        .timeLimit(Duration.ofSeconds(2))                       // ResourceLimits, by time
        .build();
    ScriptEngine engine = new QuickJsScriptEngineFactory().getScriptEngine(options);
    Object day = engine.eval("Java.type('java.time.LocalDate').of(2024, 1, 2).getDayOfWeek().toString()");
    // end
    assertEquals("TUESDAY", day);
    assertThrows(ScriptException.class, () -> engine.eval("Java.type('java.io.File')"));
    ((AutoCloseable) engine).close();
  }

  @Test
  void graalSharedCodeAsCompiledScript() throws Exception {
    ScriptEngine engine = new ScriptEngineManager().getEngineByName("quickjs");
    // snippet
    CompiledScript total = ((Compilable) engine).compile("order.lines.reduce((s, l) => s + l.qty, 0)");
    engine.put("order", order);
    Object seven = total.eval();                                 // parsed once, run many times
    // end
    assertEquals(7, seven);
    ((AutoCloseable) engine).close();
  }

  @Test
  void graalInterruptAndClose() throws Exception {
    ScriptEngine engine = new ScriptEngineManager().getEngineByName("quickjs");
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      // snippet
      Future<Object> running = executor.submit(() -> engine.eval("while (true) {}"));
      Thread.sleep(100);
      ((QuickJsScriptEngine) engine).interrupt();             // context.interrupt(...)
      // running.get() throws: its cause is a JsInterruptedException
      ((AutoCloseable) engine).close();                       // context.close()
      // end
      Throwable cause = assertThrows(java.util.concurrent.ExecutionException.class, running::get).getCause();
      assertInstanceOf(JsInterruptedException.class, cause);
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void rhinoEvaluateStringAndCallFunction() throws Exception {
    // snippet
    ScriptEngine engine = new ScriptEngineManager().getEngineByName("quickjs");  // Context.enter()
    engine.put(ScriptEngine.FILENAME, "rules.js");               // evaluateString's sourceName
    engine.eval("function discount(order) { return order.lines.length > 1 ? 10 : 0 }");
    engine.put("order", order);                                  // ScriptableObject.putProperty
    Object viaScope = engine.eval("discount(order)");
    Object viaCall = ((Invocable) engine).invokeFunction("discount", order); // Function.call
    ((AutoCloseable) engine).close();                            // Context.exit()
    // end
    assertEquals(10, viaScope);
    assertEquals(10, viaCall);
  }

  @Test
  void rhinoNativeObjectsAsJavaCollections() throws Exception {
    ScriptEngine engine = new ScriptEngineManager().getEngineByName("quickjs");
    // snippet
    Object result = engine.eval("({skus: ['a-1', 'b-2'], total: 7})");
    Map<?, ?> map = (Map<?, ?>) result;                          // NativeObject is a Map too
    List<?> skus = (List<?>) map.get("skus");                    // NativeArray is a List too
    // end
    assertEquals(List.of("a-1", "b-2"), List.copyOf(skus));
    assertEquals(7, map.get("total"));
    ((AutoCloseable) engine).close();
  }

  @Test
  void rhinoErrorsCarryFileAndLine() throws Exception {
    ScriptEngine engine = new ScriptEngineManager().getEngineByName("quickjs");
    engine.put(ScriptEngine.FILENAME, "rules.js");
    // snippet
    try {
      engine.eval("var a = 1;\nnull.f();");
    } catch (ScriptException e) {                              // was EcmaError / JavaScriptException
      String where = e.getFileName() + ":" + e.getLineNumber(); // "rules.js:2"
    }
    // end
    ScriptException e = assertThrows(ScriptException.class, () -> engine.eval("var a = 1;\nnull.f();"));
    assertEquals("rules.js:2", e.getFileName() + ":" + e.getLineNumber());
    assertTrue(e.getMessage().contains("TypeError"), e.getMessage());
    ((AutoCloseable) engine).close();
  }
}
