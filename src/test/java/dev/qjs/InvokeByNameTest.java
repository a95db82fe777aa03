package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.script.Bindings;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.SimpleScriptContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The fast path of calls Java makes by name and of their results: a function's name is interned
 * in the shim once per engine (only the name: the function is looked up on every call), and a
 * number or undefined comes back in a mailbox slot instead of the output buffer. Each test fails
 * if something were cached that must not be, or if a small result were boxed differently from
 * the same value read through the general decoding.
 */
class InvokeByNameTest {
  private static final QuickJsScriptEngineFactory FACTORY = new QuickJsScriptEngineFactory();
  private final List<QuickJsScriptEngine> engines = new ArrayList<>();

  private QuickJsScriptEngine engine() {
    QuickJsScriptEngine e = (QuickJsScriptEngine) FACTORY.getScriptEngine();
    engines.add(e);
    return e;
  }

  @AfterEach
  void closeEngines() {
    engines.forEach(QuickJsScriptEngine::close);
  }

  @Nested
  class TheFunctionIsLookedUpOnEveryCall {
    @Test
    void aFunctionReplacedBetweenTwoInvokeFunctionCallsIsTheOneCalled() throws Exception {
      QuickJsScriptEngine e = engine();
      e.eval("function f(a, b) { return a + b }");
      assertEquals(3, e.invokeFunction("f", 1, 2));
      e.eval("function f(a, b) { return a * b }");
      assertEquals(2, e.invokeFunction("f", 1, 2));
      e.eval("globalThis.f = (a, b) => a - b");
      assertEquals(-1, e.invokeFunction("f", 1, 2));
    }

    @Test
    void aDeletedFunctionGivesNoSuchMethodException() throws Exception {
      QuickJsScriptEngine e = engine();
      e.eval("globalThis.f = () => 1");
      assertEquals(1, e.invokeFunction("f"));
      e.eval("delete globalThis.f");
      assertThrows(NoSuchMethodException.class, () -> e.invokeFunction("f"));
      e.eval("globalThis.f = 7"); // a value that is no function
      assertThrows(NoSuchMethodException.class, () -> e.invokeFunction("f"));
      e.eval("globalThis.f = () => 2");
      assertEquals(2, e.invokeFunction("f"));
    }

    @Test
    void aMethodReplacedOnItsObjectIsTheOneCalled() throws Exception {
      QuickJsScriptEngine e = engine();
      Object calc = e.eval("var calc = {base: 10, add(a, b) { return this.base + a + b }}; calc");
      assertEquals(13, e.invokeMethod(calc, "add", 1, 2));
      e.eval("calc.add = function (a, b) { return this.base - a - b }");
      assertEquals(7, e.invokeMethod(calc, "add", 1, 2));
      e.eval("delete calc.add");
      assertThrows(NoSuchMethodException.class, () -> e.invokeMethod(calc, "add", 1, 2));
    }

    @Test
    void theSameNameOnTwoObjectsCallsEachObjectsOwnMethod() throws Exception {
      QuickJsScriptEngine e = engine();
      Object a = e.eval("({name() { return 'a' }})");
      Object b = e.eval("({name() { return 'b' }})");
      assertEquals("a", e.invokeMethod(a, "name"));
      assertEquals("b", e.invokeMethod(b, "name"));
      assertEquals("a", e.invokeMethod(a, "name"));
    }

    @Test
    void eachEngineCallsItsOwnFunctionWhateverOrderItsNamesCameIn() throws Exception {
      QuickJsScriptEngine first = engine();
      QuickJsScriptEngine second = engine();
      first.eval("function a() { return 'first a' } function b() { return 'first b' }");
      second.eval("function a() { return 'second a' } function b() { return 'second b' }");
      assertEquals("first a", first.invokeFunction("a"));
      assertEquals("second b", second.invokeFunction("b")); // interned at another index here
      assertEquals("first b", first.invokeFunction("b"));
      assertEquals("second a", second.invokeFunction("a"));
    }

    @Test
    void aNameCalledInOneGlobalScopeFindsTheFunctionOfAnother() throws Exception {
      QuickJsScriptEngine e = engine();
      Bindings other = e.createBindings();
      ScriptContext otherContext = new SimpleScriptContext();
      otherContext.setBindings(other, ScriptContext.ENGINE_SCOPE);
      e.eval("function who() { return 'engine' }");
      e.eval("function who() { return 'other' }", otherContext);
      assertEquals("engine", e.invokeFunction("who"));
      ScriptContext saved = e.getContext();
      e.setContext(otherContext);
      try {
        assertEquals("other", e.invokeFunction("who"));
      } finally {
        e.setContext(saved);
      }
      assertEquals("engine", e.invokeFunction("who"));
    }

    @Test
    void namesBeyondTheInternTableStillCallTheirFunctions() throws Exception {
      QuickJsScriptEngine e = engine();
      int n = 1500; // more than the shim interns (QJS_MAX_NAMES)
      e.eval("for (let i = 0; i < " + n + "; i++) globalThis['f' + i] = () => i");
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < n; i++) {
          assertEquals(i, e.invokeFunction("f" + i), "f" + i);
        }
      }
      e.eval("globalThis.f1400 = () => 'replaced'");
      assertEquals("replaced", e.invokeFunction("f1400"));
    }

    @Test
    void namesThatAreNoIdentifiersCallTheirFunctions() throws Exception {
      QuickJsScriptEngine e = engine();
      e.eval("globalThis['0'] = () => 'zero'; globalThis['é ü'] = () => 'latin'; "
          + "globalThis['日本'] = () => 'wide'; globalThis[''] = () => 'empty'");
      for (int round = 0; round < 2; round++) {
        assertEquals("zero", e.invokeFunction("0"));
        assertEquals("latin", e.invokeFunction("é ü"));
        assertEquals("wide", e.invokeFunction("日本"));
        assertEquals("empty", e.invokeFunction(""));
      }
    }

    @Test
    void aTimeLimitStopsAFunctionThatLoopsAfterItsNameWasInterned() throws Exception {
      QuickJsScriptEngine e = (QuickJsScriptEngine) FACTORY.getScriptEngine(
          QuickJsOptions.builder().timeLimit(Duration.ofMillis(100)).build());
      engines.add(e);
      e.eval("function work() { return 1 }");
      assertEquals(1, e.invokeFunction("work"));
      e.eval("function work() { for (;;) {} }");
      assertThrows(JsTimeoutException.class, () -> e.invokeFunction("work"));
      e.eval("function work() { return 2 }");
      assertEquals(2, e.invokeFunction("work"));
    }
  }

  @Nested
  class StackBoundsKeptBetweenCalls {
    private static final String DEPTH =
        "function depth() { let n = 0; function r() { n++; r() } try { r() } catch (overflow) { } return n }";

    /**
     * How deep a recursion gets before its stack overflow error, called by name on a new thread
     * with a stack of the given size (the test's own thread has whatever stack the runner gave it).
     */
    private int depthOn(QuickJsScriptEngine e, long stackBytes) throws Exception {
      int[] depth = new int[1];
      Throwable[] failed = new Throwable[1];
      Thread t = new Thread(null, () -> {
        try {
          depth[0] = (Integer) Objects.requireNonNull(e.invokeFunction("depth"));
        } catch (Throwable x) {
          failed[0] = x;
        }
      }, "stack of " + stackBytes, stackBytes);
      t.start();
      t.join();
      if (failed[0] != null) {
        throw new AssertionError("the call on a stack of " + stackBytes + " bytes failed", failed[0]);
      }
      return depth[0];
    }

    @Test
    void aChangedStackLimitAppliesToTheNextCall() throws Exception {
      QuickJsScriptEngine e = engine();
      e.eval(DEPTH);
      long big = 16L << 20;
      int unlimited = depthOn(e, big);
      e.put("quickjs.maxStackSize", 256 * 1024);
      int limited = depthOn(e, big);
      assertTrue(limited * 4 < unlimited, limited + " frames under 256 KiB, " + unlimited + " without");
      e.getBindings(ScriptContext.ENGINE_SCOPE).remove("quickjs.maxStackSize");
      int again = depthOn(e, big);
      assertTrue(again > limited * 4, again + " frames after the limit was removed, " + limited + " with it");
    }

    @Test
    void eachThreadsCallMeasuresThatThreadsStack() throws Exception {
      QuickJsScriptEngine e = engine();
      e.eval(DEPTH);
      int big = depthOn(e, 16L << 20);
      int small = depthOn(e, 1L << 20);
      int bigAgain = depthOn(e, 16L << 20);
      assertTrue(small > 0 && small * 4 < big, small + " frames on 1 MiB, " + big + " on 16 MiB");
      assertTrue(small * 4 < bigAgain, small + " frames on 1 MiB, then " + bigAgain + " on 16 MiB");
    }
  }

  @Nested
  class SmallResults {
    /** Each expression's value as invokeFunction returns it equals what eval reads for it. */
    @Test
    void numbersAndUndefinedComeBackAsEvalReturnsThem() throws Exception {
      QuickJsScriptEngine e = engine();
      String[] expressions = {
        "3", "-5", "0", "-0", "2.5", "8 / 2", "2 ** 31", "-(2 ** 31)", "2 ** 31 - 1", "2 ** 53",
        "1e300", "NaN", "Infinity", "-Infinity", "0.1 + 0.2", "undefined", "null", "true",
        "'text'", "10n", "[1, 2]"
      };
      for (String x : expressions) {
        e.eval("function value() { return " + x + " }");
        Object invoked = e.invokeFunction("value");
        Object evaluated = e.eval("value()");
        Object called = ((JsFunction) Objects.requireNonNull(e.eval("value"))).call();
        if (evaluated instanceof JsObject || evaluated instanceof JsArray) {
          assertInstanceOf(evaluated.getClass(), invoked, x); // a mirror: a new one per read
          assertInstanceOf(evaluated.getClass(), called, x);
          continue;
        }
        assertEquals(evaluated, invoked, x);
        assertEquals(evaluated, called, x);
        if (evaluated != null) {
          assertEquals(evaluated.getClass(), invoked.getClass(), x);
        }
      }
    }

    @Test
    void aWholeDoubleIsAnIntegerAndMinusZeroADouble() throws Exception {
      QuickJsScriptEngine e = engine();
      e.eval("function half(x) { return x / 2 }");
      assertEquals(2, e.invokeFunction("half", 4));
      assertEquals(-0.0, e.invokeFunction("half", -0.0));
      assertInstanceOf(Double.class, e.invokeFunction("half", -0.0));
      assertEquals(1.5, e.invokeFunction("half", 3));
    }

    @Test
    void aResultOfAPromiseJobRunBeforeTheCallReturns() throws Exception {
      QuickJsScriptEngine e = engine();
      e.eval("var seen = 0; function bump() { Promise.resolve().then(() => { seen = 5 }); return 1 }");
      assertEquals(1, e.invokeFunction("bump"));
      assertEquals(5, e.eval("seen")); // the microtask checkpoint ran at the end of the call
    }

    @Test
    void aVoidFunctionReturnsNull() throws Exception {
      ScriptEngine e = engine();
      e.eval("var calls = 0; function touch() { calls++ }");
      assertNull(((QuickJsScriptEngine) e).invokeFunction("touch"));
      assertEquals(1, e.eval("calls"));
    }

    @Test
    void aThrowingFunctionStillThrowsAfterSmallResults() throws Exception {
      QuickJsScriptEngine e = engine();
      e.eval("function f(x) { if (x) throw new TypeError('no ' + x); return 1 }");
      assertEquals(1, e.invokeFunction("f", 0));
      JsException thrown = assertThrows(JsException.class, () -> e.invokeFunction("f", 7));
      assertTrue(thrown.getMessage().contains("no 7"), thrown.getMessage());
      assertEquals(1, e.invokeFunction("f", 0));
    }
  }
}
