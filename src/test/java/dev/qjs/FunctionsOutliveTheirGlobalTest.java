package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import javax.script.Bindings;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A function made in a {@code createBindings()} global and kept in another global outlives the
 * {@code Bindings} Java dropped: once Java has collected that global, the function still runs
 * (before, the shim freed the global's native state under it, and its first call crashed the
 * JVM in {@code print}).
 */
class FunctionsOutliveTheirGlobalTest {
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

  /** Makes a global, evaluates source there, keeps the result under name in the engine's own
   *  global, and returns once Java has collected the made global and the engine has run since. */
  private void keepFromACollectedGlobal(String name, String source, List<Object> javaList)
      throws Exception {
    WeakReference<Bindings> gone = evalInNewGlobal(name, source, javaList);
    for (int i = 0; i < 200 && gone.get() != null; i++) {
      System.gc();
      Thread.sleep(10);
    }
    assertNull(gone.get(), "the made global was collected by Java");
    for (int i = 0; i < 5; i++) { // the engine frees what its cleaner queued when it is entered
      System.gc();
      Thread.sleep(20);
      engine.eval("1");
    }
  }

  private WeakReference<Bindings> evalInNewGlobal(String name, String source, List<Object> javaList)
      throws Exception {
    Bindings b = engine.createBindings();
    b.put("javaList", javaList);
    engine.put(name, engine.eval(source, b));
    return new WeakReference<>(b);
  }

  @Test
  void aKeptFunctionPrintsAfterItsGlobalWasCollected() throws Exception {
    keepFromACollectedGlobal("f", "(function () { print('from the other global'); return 1 })", List.of());
    assertEquals(1, engine.eval("f()"));
    assertTrue(out.toString().contains("from the other global"), out.toString());
  }

  @Test
  void aKeptFunctionReachesJavaObjectsOfItsGlobal() throws Exception {
    List<Object> list = new ArrayList<>(List.of("a", "b"));
    keepFromACollectedGlobal("f", "(function () { javaList.add('c'); return javaList.size() + ':' + javaList.get(2) })", list);
    assertEquals("3:c", engine.eval("f()"));
    assertEquals("4:c", engine.eval("f()"));
    assertEquals(List.of("a", "b", "c", "c"), list);
  }

  @Test
  void aKeptFunctionThatSetsATimerGetsAnErrorNotACrash() throws Exception {
    keepFromACollectedGlobal("f",
        "(function () { try { setTimeout(() => {}, 1); return 'scheduled' } catch (e) { return e.name } })",
        List.of());
    Object r = engine.eval("f()");
    assertTrue("scheduled".equals(r) || "TypeError".equals(r), String.valueOf(r));
    assertEquals(2, engine.eval("1 + 1"));
  }

  @Tag("slow-under-emulation") // binding-independent volume: the x86-64 suites run it
  @Test
  void manyCollectedGlobalsWhoseFunctionsAreDroppedLaterLeaveAWorkingEngine() throws Exception {
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 100; i++) {
        evalInNewGlobal("g" + i, "(function () { return " + i + " })", List.of());
      }
      for (int i = 0; i < 5; i++) {
        System.gc();
        Thread.sleep(20);
        engine.eval("1");
      }
      assertEquals(99, engine.eval("g99()"));
      engine.eval("for (let i = 0; i < 100; i++) delete globalThis['g' + i]");
      ((QuickJsScriptEngine) engine).memoryUsage(); // a full collection frees their contexts
    }
    assertEquals(6, engine.eval("[1, 2, 3].reduce((a, b) => a + b)"));
  }
}
