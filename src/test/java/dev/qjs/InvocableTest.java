package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntBinaryOperator;
import java.util.function.Supplier;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link Invocable}: invokeFunction, invokeMethod and getInterface, as JSR-223 specifies them. */
class InvocableTest {
  private ScriptEngine engine;
  private Invocable inv;
  private final List<AutoCloseable> others = new ArrayList<>();

  @BeforeEach
  void setUp() {
    engine = new ScriptEngineManager().getEngineByName("quickjs");
    assertNotNull(engine, "the quickjs engine is registered");
    inv = (Invocable) engine;
  }

  @AfterEach
  void tearDown() throws Exception {
    ((AutoCloseable) engine).close();
    for (AutoCloseable c : others) {
      c.close();
    }
  }

  private ScriptEngine otherEngine() {
    ScriptEngine e = new ScriptEngineManager().getEngineByName("quickjs");
    others.add((AutoCloseable) e);
    return e;
  }

  // ------------------------------------------------------------------ interfaces used below

  public interface Calculator {
    int add(int a, int b);

    double half(double x);
  }

  public interface Greeter {
    String greet(String name);
  }

  public interface WithDefault {
    int required();

    default String optional() {
      return "java default";
    }
  }

  public interface Typed {
    int asInt();

    long asLong();

    double asDouble();

    boolean asBoolean();

    String asString();

    void nothing();

    Integer boxedInt();

    Object anything();
  }

  public interface Failing {
    void fail();
  }

  public interface FailingChecked {
    void fail() throws ScriptException;
  }

  public interface DeclaresObjectMethods {
    String name();

    @Override
    String toString();

    @Override
    boolean equals(Object o);

    @Override
    int hashCode();
  }

  public interface Counter {
    int next();
  }

  /** Not an interface: an abstract class. */
  public abstract static class NotAnInterface {
    public abstract int x();
  }

  // ------------------------------------------------------------------ invokeFunction

  @Nested
  class InvokeFunction {
    @Test
    void callsAGlobalFunctionWithArgumentsAndReturnsItsResult() throws Exception {
      engine.eval("function add(a, b) { return a + b }");
      assertEquals(5, inv.invokeFunction("add", 2, 3));
      assertEquals("ab", inv.invokeFunction("add", "a", "b"));
      assertEquals(1.5, inv.invokeFunction("add", 1, 0.5));
    }

    @Test
    void passesNullAndMissingArgumentsAsNullAndUndefined() throws Exception {
      engine.eval("function kinds(a, b) { return typeof a + ',' + (a === null) + ',' + typeof b }");
      assertEquals("object,true,undefined", inv.invokeFunction("kinds", (Object) null));
      assertEquals("undefined,false,undefined", inv.invokeFunction("kinds"));
      assertEquals("undefined,false,undefined", inv.invokeFunction("kinds", (Object[]) null));
    }

    @Test
    void callsArrowFunctionsAndFunctionsStoredInLetOrConst() throws Exception {
      engine.eval("var arrow = x => x * 2;");
      assertEquals(14, inv.invokeFunction("arrow", 7));
    }

    @Test
    void seesAFunctionPutThroughTheBindings() throws Exception {
      Object fn = engine.eval("(function (x) { return 'got ' + x })");
      engine.put("viaPut", fn);
      assertEquals("got 1", inv.invokeFunction("viaPut", 1));
    }

    @Test
    void seesRedefinitions() throws Exception {
      engine.eval("function f() { return 1 }");
      assertEquals(1, inv.invokeFunction("f"));
      engine.eval("function f() { return 2 }");
      assertEquals(2, inv.invokeFunction("f"));
    }

    @Test
    void aMissingFunctionIsNoSuchMethodException() {
      NoSuchMethodException e =
          assertThrows(NoSuchMethodException.class, () -> inv.invokeFunction("nowhere", 1));
      assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
    }

    @Test
    void aGlobalThatIsNotAFunctionIsNoSuchMethodException() throws Exception {
      engine.eval("var notFn = 42; var obj = {}; var str = 'function'");
      assertThrows(NoSuchMethodException.class, () -> inv.invokeFunction("notFn"));
      assertThrows(NoSuchMethodException.class, () -> inv.invokeFunction("obj"));
      assertThrows(NoSuchMethodException.class, () -> inv.invokeFunction("str"));
    }

    @Test
    void aNullNameIsNullPointerException() {
      assertThrows(NullPointerException.class, () -> inv.invokeFunction(null));
    }

    @Test
    void anErrorThrownByTheFunctionIsAJsException() throws Exception {
      engine.eval("function boom(m) { throw new TypeError('bad ' + m) }");
      JsException e = assertThrows(JsException.class, () -> inv.invokeFunction("boom", "input"));
      assertEquals("TypeError", e.getErrorName());
      assertTrue(e.getMessage().contains("bad input"), e.getMessage());
    }

    @Test
    void aThrownNonErrorValueIsAJsExceptionCarryingTheValue() throws Exception {
      engine.eval("function raise() { throw 'plain string' }");
      JsException e = assertThrows(JsException.class, () -> inv.invokeFunction("raise"));
      assertEquals("plain string", e.getThrownValue());
    }

    @Test
    void weirdNamesAreLookedUpNotEvaluated() throws Exception {
      engine.eval("var hit = false; globalThis['a b;c'] = function () { return 'odd' }");
      assertEquals("odd", inv.invokeFunction("a b;c"));
      assertThrows(NoSuchMethodException.class, () -> inv.invokeFunction("hit = true, f"));
      assertEquals(false, engine.eval("hit"));
    }

    @Test
    void theEmptyNameIsAnOrdinaryMissingFunctionNotABindingsError() throws Exception {
      // "" is no valid Bindings key: looking it up in GLOBAL_SCOPE must not make a script fail
      assertThrows(NoSuchMethodException.class, () -> inv.invokeFunction(""));
      assertEquals(true, engine.eval("globalThis[''] === undefined && !('' in globalThis)"));
      engine.eval("globalThis[''] = function () { return 'empty' }");
      assertEquals("empty", inv.invokeFunction(""));
    }

    @Test
    void thisIsTheGlobalObjectForAGlobalFunction() throws Exception {
      engine.eval("function self() { return this === globalThis }");
      assertEquals(true, inv.invokeFunction("self"));
    }

    @Test
    void aJavaObjectArgumentComesBackAsItself() throws Exception {
      engine.eval("function id(x) { return x }");
      Object javaObject = new Object();
      assertSame(javaObject, inv.invokeFunction("id", javaObject));
    }

    @Test
    void aJavaObjectWhoseLastScriptReferenceDiesInTheCallStillComesBack() throws Exception {
      // the argument's wrapper is freed right after the call, before Java reads the result
      engine.eval("function passThrough(x) { return x } function rethrow(x) { throw x }");
      Object javaObject = new Object();
      for (int i = 0; i < 3; i++) {
        assertSame(javaObject, inv.invokeFunction("passThrough", javaObject));
      }
      JsException e = assertThrows(JsException.class, () -> inv.invokeFunction("rethrow", javaObject));
      assertSame(javaObject, e.getThrownValue());
    }

    @Test
    void aJavaObjectFromGlobalScopeReturnedByAFunctionIsItself() throws Exception {
      Object javaObject = new Object();
      engine.getBindings(javax.script.ScriptContext.GLOBAL_SCOPE).put("fromGlobalScope", javaObject);
      engine.eval("function fetch() { return fromGlobalScope }");
      assertSame(javaObject, inv.invokeFunction("fetch"));
      assertSame(javaObject, engine.eval("fromGlobalScope"));
    }

    @Test
    void aMirrorOfAnotherEngineIsNotMistakenForOneOfThisEngine() throws Exception {
      ScriptEngine other = otherEngine();
      Object foreign = other.eval("({secret: 42})");
      engine.eval("function peek(x) { return x === null || x === undefined ? 'none' : x.secret }");
      Object r = inv.invokeFunction("peek", foreign);
      // never read by handle in the wrong runtime: it crosses as a Java Map (a JsObject is one)
      // and is read through the other engine's own API, under that engine's lock
      assertEquals(42, r);
      engine.eval("function same(x) { return x }");
      assertSame(foreign, inv.invokeFunction("same", foreign), "comes back as the same mirror");
    }
  }

  // ------------------------------------------------------------------ invokeMethod

  @Nested
  class InvokeMethod {
    @Test
    void callsAMethodWithTheObjectAsThis() throws Exception {
      Object obj = engine.eval("({n: 5, times(k) { return this.n * k }})");
      assertEquals(15, inv.invokeMethod(obj, "times", 3));
    }

    @Test
    void callsInheritedAndBuiltInMethods() throws Exception {
      Object arr = engine.eval("[3, 1, 2]");
      assertEquals("3-1-2", inv.invokeMethod(arr, "join", "-"));
      Object obj = engine.eval("class A { hi() { return 'hi ' + this.who } }; var a = new A(); a.who = 'x'; a");
      assertEquals("hi x", inv.invokeMethod(obj, "hi"));
      assertEquals(true, inv.invokeMethod(obj, "hasOwnProperty", "who"));
    }

    @Test
    void callsAMethodOfAFunctionObject() throws Exception {
      Object fn = engine.eval("(function (a, b) { return this.base + a + b })");
      Object thisArg = engine.eval("({base: 100})");
      assertEquals(103, inv.invokeMethod(fn, "call", thisArg, 1, 2));
    }

    @Test
    void seesAMethodReplacedAfterTheMirrorWasMade() throws Exception {
      Object obj = engine.eval("var o = {m() { return 'old' }}; o");
      assertEquals("old", inv.invokeMethod(obj, "m"));
      engine.eval("o.m = function () { return 'new' }");
      assertEquals("new", inv.invokeMethod(obj, "m"));
    }

    @Test
    void aMissingMemberIsNoSuchMethodException() throws Exception {
      Object obj = engine.eval("({value: 1})");
      assertThrows(NoSuchMethodException.class, () -> inv.invokeMethod(obj, "missing"));
    }

    @Test
    void aMemberThatIsNotAFunctionIsNoSuchMethodException() throws Exception {
      Object obj = engine.eval("({value: 1, text: 'f', nested: {}})");
      assertThrows(NoSuchMethodException.class, () -> inv.invokeMethod(obj, "value"));
      assertThrows(NoSuchMethodException.class, () -> inv.invokeMethod(obj, "text"));
      assertThrows(NoSuchMethodException.class, () -> inv.invokeMethod(obj, "nested"));
    }

    @Test
    void aNullNameIsNullPointerException() throws Exception {
      Object obj = engine.eval("({})");
      assertThrows(NullPointerException.class, () -> inv.invokeMethod(obj, null));
    }

    @Test
    void aNullThisIsIllegalArgumentException() {
      assertThrows(IllegalArgumentException.class, () -> inv.invokeMethod(null, "toString"));
    }

    @Test
    void aPlainJavaObjectAsThisIsIllegalArgumentException() {
      assertThrows(IllegalArgumentException.class, () -> inv.invokeMethod("a string", "toString"));
      assertThrows(IllegalArgumentException.class, () -> inv.invokeMethod(42, "toString"));
      assertThrows(
          IllegalArgumentException.class, () -> inv.invokeMethod(new java.util.HashMap<>(), "get"));
    }

    @Test
    void anObjectOfAnotherEngineAsThisIsIllegalArgumentException() throws Exception {
      ScriptEngine other = otherEngine();
      Object foreign = other.eval("({m() { return 'other' }})");
      assertThrows(IllegalArgumentException.class, () -> inv.invokeMethod(foreign, "m"));
      // the other engine still can
      assertEquals("other", ((Invocable) other).invokeMethod(foreign, "m"));
    }

    @Test
    void anObjectOfAClosedOtherEngineAsThisIsIllegalArgumentException() throws Exception {
      ScriptEngine other = otherEngine();
      Object foreign = other.eval("({m() { return 1 }})");
      ((AutoCloseable) other).close();
      assertThrows(IllegalArgumentException.class, () -> inv.invokeMethod(foreign, "m"));
    }

    @Test
    void anObjectFromCreateBindingsRealmWorks() throws Exception {
      javax.script.Bindings b = engine.createBindings();
      Object obj = engine.eval("({k: 'realm2', get() { return this.k }})", b);
      assertEquals("realm2", inv.invokeMethod(obj, "get"));
    }

    @Test
    void anErrorInTheMethodIsAJsExceptionWithTheMessage() throws Exception {
      Object obj = engine.eval("({bad() { throw new RangeError('out of range!') }})");
      JsException e = assertThrows(JsException.class, () -> inv.invokeMethod(obj, "bad"));
      assertEquals("RangeError", e.getErrorName());
      assertTrue(e.getMessage().contains("out of range!"), e.getMessage());
    }

    @Test
    void aThrowingGetterOnTheMemberIsAJsExceptionNotNoSuchMethod() throws Exception {
      Object obj = engine.eval("({get m() { throw new Error('getter says no') }})");
      JsException e = assertThrows(JsException.class, () -> inv.invokeMethod(obj, "m"));
      assertTrue(e.getMessage().contains("getter says no"), e.getMessage());
    }

    @Test
    void aSymbolMirrorAsThisIsNotAnObjectWithMethods() throws Exception {
      Object sym = engine.eval("Symbol('s')");
      // a symbol is a script value of this engine, but has no own methods to find
      Throwable t =
          assertThrows(Throwable.class, () -> inv.invokeMethod(sym, "nothingHere"));
      assertTrue(
          t instanceof NoSuchMethodException
              || t instanceof IllegalArgumentException
              || t instanceof ScriptException,
          "unexpected " + t);
    }
  }

  // ------------------------------------------------------------------ getInterface(Class)

  @Nested
  class GetInterfaceOfGlobals {
    @Test
    void implementsAnInterfaceWithGlobalFunctions() throws Exception {
      engine.eval("function add(a, b) { return a + b } function half(x) { return x / 2 }");
      Calculator c = inv.getInterface(Calculator.class);
      assertNotNull(c);
      assertEquals(7, c.add(3, 4));
      assertEquals(2.5, c.half(5));
    }

    @Test
    void isNullWhenAMethodIsMissing() throws Exception {
      engine.eval("function add(a, b) { return a + b }");
      assertNull(inv.getInterface(Calculator.class));
    }

    @Test
    void isNullWhenAMethodNameIsBoundToANonFunction() throws Exception {
      engine.eval("function add(a, b) { return a + b } var half = 0.5");
      assertNull(inv.getInterface(Calculator.class));
    }

    @Test
    void doesNotRequireMethodsOfObject() throws Exception {
      engine.eval("function name() { return 'n' }");
      DeclaresObjectMethods d = inv.getInterface(DeclaresObjectMethods.class);
      assertNotNull(d);
      assertEquals("n", d.name());
      assertNotNull(d.toString());
      assertEquals(d, d);
      assertEquals(d.hashCode(), d.hashCode());
    }

    @Test
    void doesNotRequireDefaultMethodsAndRunsTheJavaDefault() throws Exception {
      engine.eval("function required() { return 3 }");
      WithDefault w = inv.getInterface(WithDefault.class);
      assertNotNull(w);
      assertEquals(3, w.required());
      assertEquals("java default", w.optional());
    }

    @Test
    void aScriptDefinitionOfADefaultMethodWins() throws Exception {
      engine.eval("function required() { return 3 } function optional() { return 'from js' }");
      WithDefault w = inv.getInterface(WithDefault.class);
      assertEquals("from js", w.optional());
    }

    @Test
    void seesFunctionsRedefinedAfterTheProxyWasMade() throws Exception {
      engine.eval("function greet(n) { return 'hello ' + n }");
      Greeter g = inv.getInterface(Greeter.class);
      assertEquals("hello a", g.greet("a"));
      engine.eval("function greet(n) { return 'bye ' + n }");
      assertEquals("bye a", g.greet("a"));
      engine.eval("greet = n => 'arrow ' + n");
      assertEquals("arrow a", g.greet("a"));
    }

    @Test
    void aFunctionDeletedAfterwardsIsAnUncheckedErrorNotACrash() throws Exception {
      engine.eval("var greet = function (n) { return n }");
      Greeter g = inv.getInterface(Greeter.class);
      engine.eval("greet = 17");
      UncheckedScriptException e = assertThrows(UncheckedScriptException.class, () -> g.greet("x"));
      assertTrue(e.getMessage().contains("greet"), e.getMessage());
    }

    @Test
    void anErrorInTheScriptIsUncheckedWithTheMessageAndAJsExceptionCause() throws Exception {
      engine.eval("function fail() { throw new TypeError('proxy failure 123') }");
      Failing f = inv.getInterface(Failing.class);
      UncheckedScriptException e = assertThrows(UncheckedScriptException.class, f::fail);
      assertTrue(e.getMessage().contains("proxy failure 123"), e.getMessage());
      assertInstanceOf(JsException.class, e.getCause());
      assertEquals("TypeError", ((JsException) e.getCause()).getErrorName());
    }

    @Test
    void aMethodDeclaringScriptExceptionGetsTheCheckedException() throws Exception {
      engine.eval("function fail() { throw new Error('checked one') }");
      FailingChecked f = inv.getInterface(FailingChecked.class);
      JsException e = assertThrows(JsException.class, f::fail);
      assertTrue(e.getMessage().contains("checked one"), e.getMessage());
    }

    @Test
    void convertsReturnValuesToTheDeclaredTypes() throws Exception {
      engine.eval(
          "function asInt() { return 3.9 }"
              + " function asLong() { return 2 ** 40 }"
              + " function asDouble() { return 2 }"
              + " function asBoolean() { return 'non-empty' }"
              + " function asString() { return 12 }"
              + " var sideEffect = 0; function nothing() { sideEffect++; return 'ignored' }"
              + " function boxedInt() { return 8 }"
              + " function anything() { return [1, 2] }");
      Typed t = inv.getInterface(Typed.class);
      assertNotNull(t);
      assertEquals(3, t.asInt());
      assertEquals(1L << 40, t.asLong());
      assertEquals(2.0, t.asDouble());
      assertTrue(t.asBoolean());
      assertEquals("12", t.asString());
      t.nothing();
      assertEquals(1, engine.eval("sideEffect"));
      assertEquals(8, t.boxedInt());
      assertInstanceOf(JsArray.class, t.anything());
    }

    @Test
    void convertsUndefinedAndNullToDefaultsOfPrimitiveTypes() throws Exception {
      engine.eval(
          "function asInt() {} function asLong() { return null } function asDouble() {}"
              + " function asBoolean() { return 0 } function asString() {} function nothing() {}"
              + " function boxedInt() {} function anything() {}");
      Typed t = inv.getInterface(Typed.class);
      assertEquals(0, t.asInt());
      assertEquals(0L, t.asLong());
      assertEquals(0.0, t.asDouble());
      assertFalse(t.asBoolean());
      assertNull(t.asString());
      assertNull(t.boxedInt());
      assertNull(t.anything());
    }

    @Test
    void aValueThatCannotBeConvertedIsARuntimeExceptionNotACrash() throws Exception {
      engine.eval("function greet(n) { return 1 } function required() { return {} }");
      WithDefault w = inv.getInterface(WithDefault.class);
      assertThrows(RuntimeException.class, w::required);
    }

    @Test
    void aNullClassIsIllegalArgumentException() {
      assertThrows(IllegalArgumentException.class, () -> inv.getInterface(null));
    }

    @Test
    void aClassThatIsNotAnInterfaceIsIllegalArgumentException() {
      assertThrows(IllegalArgumentException.class, () -> inv.getInterface(String.class));
      assertThrows(IllegalArgumentException.class, () -> inv.getInterface(NotAnInterface.class));
      assertThrows(IllegalArgumentException.class, () -> inv.getInterface(int.class));
    }

    @Test
    void anInterfaceWithoutAbstractMethodsNeedsNothing() {
      assertNotNull(inv.getInterface(java.io.Serializable.class));
    }

    @Test
    void aProxyKeepsWorkingAcrossManyCallsFromManyThreads() throws Exception {
      engine.eval("var calls = 0; function add(a, b) { calls++; return a + b } function half(x) { return x / 2 }");
      Calculator c = inv.getInterface(Calculator.class);
      int threads = 8;
      int perThread = 500;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int id = t;
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    int wrong = 0;
                    for (int i = 0; i < perThread; i++) {
                      if (c.add(id * 100_000, i) != id * 100_000 + i) {
                        wrong++;
                      }
                      if (c.half(2.0 * i) != i) {
                        wrong++;
                      }
                    }
                    return wrong;
                  }));
        }
        start.countDown();
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () -> {
              for (Future<Integer> f : results) {
                assertEquals(0, f.get());
              }
            });
      } finally {
        pool.shutdownNow();
      }
      assertEquals(threads * perThread, engine.eval("calls"));
    }
  }

  // ------------------------------------------------------------------ getInterface(Object, Class)

  @Nested
  class GetInterfaceOfAnObject {
    @Test
    void implementsAnInterfaceWithTheObjectsMethodsAndThis() throws Exception {
      Object obj =
          engine.eval("({factor: 10, add(a, b) { return (a + b) * this.factor }, half(x) { return x / 2 }})");
      Calculator c = inv.getInterface(obj, Calculator.class);
      assertNotNull(c);
      assertEquals(70, c.add(3, 4));
      assertEquals(0.25, c.half(0.5));
    }

    @Test
    void usesInheritedMethodsOfClassInstances() throws Exception {
      Object obj =
          engine.eval("class G { constructor(p) { this.p = p } greet(n) { return this.p + n } }; new G('>')");
      Greeter g = inv.getInterface(obj, Greeter.class);
      assertEquals(">x", g.greet("x"));
    }

    @Test
    void isNullWhenTheObjectLacksAMethod() throws Exception {
      Object obj = engine.eval("({add(a, b) { return a + b }})");
      assertNull(inv.getInterface(obj, Calculator.class));
    }

    @Test
    void isNullWhenAMemberIsNotAFunction() throws Exception {
      Object obj = engine.eval("({add(a, b) { return a + b }, half: 'not a function'})");
      assertNull(inv.getInterface(obj, Calculator.class));
    }

    @Test
    void seesMethodsRedefinedOnTheObjectAfterwards() throws Exception {
      Object obj = engine.eval("var o = {greet(n) { return 'one ' + n }}; o");
      Greeter g = inv.getInterface(obj, Greeter.class);
      assertEquals("one x", g.greet("x"));
      engine.eval("o.greet = n => 'two ' + n");
      assertEquals("two x", g.greet("x"));
    }

    @Test
    void keepsTheObjectAliveAfterTheScriptDropsIt() throws Exception {
      Greeter g =
          inv.getInterface(engine.eval("var tmp = {greet(n) { return 'kept ' + n }}; tmp"), Greeter.class);
      engine.eval("tmp = null");
      for (int i = 0; i < 3; i++) {
        System.gc();
        engine.eval("[]"); // frees queued handles, runs QuickJS
      }
      assertEquals("kept y", g.greet("y"));
    }

    @Test
    void anErrorInTheObjectsMethodIsUncheckedWithTheMessage() throws Exception {
      Object obj = engine.eval("({fail() { null.x }})");
      Failing f = inv.getInterface(obj, Failing.class);
      UncheckedScriptException e = assertThrows(UncheckedScriptException.class, f::fail);
      assertInstanceOf(JsException.class, e.getCause());
      assertTrue(e.getMessage().contains("TypeError"), e.getMessage());
    }

    @Test
    void aFunctionAsThisImplementsAFunctionalInterface() throws Exception {
      Object fn = engine.eval("(a, b) => a * b + 1");
      IntBinaryOperator op = inv.getInterface(fn, IntBinaryOperator.class);
      assertNotNull(op);
      assertEquals(13, op.applyAsInt(3, 4));
      assertEquals(1, op.applyAsInt(0, 99));
    }

    @Test
    void aFunctionAsThisImplementsRunnableSupplierAndComparator() throws Exception {
      engine.eval("var ran = 0");
      Runnable r = inv.getInterface(engine.eval("(function () { ran++ })"), Runnable.class);
      r.run();
      r.run();
      assertEquals(2, engine.eval("ran"));

      @SuppressWarnings("unchecked")
      Supplier<Object> s = inv.getInterface(engine.eval("() => 'supplied'"), Supplier.class);
      assertEquals("supplied", s.get());

      @SuppressWarnings("unchecked")
      Comparator<Object> byLength =
          inv.getInterface(engine.eval("(a, b) => a.length - b.length"), Comparator.class);
      assertNotNull(byLength, "Comparator's equals(Object) is a method of Object, not required");
      List<Object> words = new ArrayList<>(Arrays.asList("ccc", "a", "bb"));
      words.sort(byLength);
      assertEquals(List.of("a", "bb", "ccc"), words);
    }

    @Test
    void aFunctionAsThisWithAMemberNamedLikeTheMethodUsesTheMember() throws Exception {
      Object fn =
          engine.eval("var f = function () { return 'self' }; f.get = function () { return 'member' }; f");
      Supplier<?> s = inv.getInterface(fn, Supplier.class);
      assertEquals("member", s.get());
      Counter c = inv.getInterface(engine.eval("(function () { return 41 + 1 })"), Counter.class);
      assertNotNull(c);
      assertEquals(42, c.next());
    }

    @Test
    void aFunctionAsThisIsNotEnoughForAnInterfaceWithSeveralMethods() throws Exception {
      Object fn = engine.eval("(a, b) => a + b");
      assertNull(inv.getInterface(fn, Calculator.class));
    }

    @Test
    void aNullThisIsIllegalArgumentException() {
      assertThrows(IllegalArgumentException.class, () -> inv.getInterface(null, Runnable.class));
    }

    @Test
    void aJavaObjectAsThisIsIllegalArgumentException() {
      Runnable javaRunnable = () -> {};
      assertThrows(IllegalArgumentException.class, () -> inv.getInterface(javaRunnable, Runnable.class));
      assertThrows(IllegalArgumentException.class, () -> inv.getInterface("js", Runnable.class));
    }

    @Test
    void anObjectOfAnotherEngineAsThisIsIllegalArgumentException() throws Exception {
      ScriptEngine other = otherEngine();
      Object foreign = other.eval("({greet(n) { return n }})");
      assertThrows(IllegalArgumentException.class, () -> inv.getInterface(foreign, Greeter.class));
      Object foreignFn = other.eval("(a, b) => a + b");
      assertThrows(
          IllegalArgumentException.class, () -> inv.getInterface(foreignFn, IntBinaryOperator.class));
    }

    @Test
    void aNullOrNonInterfaceClassIsIllegalArgumentException() throws Exception {
      Object obj = engine.eval("({x() { return 1 }})");
      assertThrows(IllegalArgumentException.class, () -> inv.getInterface(obj, null));
      assertThrows(IllegalArgumentException.class, () -> inv.getInterface(obj, NotAnInterface.class));
      assertThrows(IllegalArgumentException.class, () -> inv.getInterface(obj, Object.class));
    }

    @Test
    void theProxyDoesNotForwardObjectMethodsToTheScript() throws Exception {
      Object obj = engine.eval("var eqCalls = 0; ({greet(n) { return n }, equals() { eqCalls++; return true }, toString() { return 'js' }})");
      Greeter g = inv.getInterface(obj, Greeter.class);
      Greeter g2 = inv.getInterface(obj, Greeter.class);
      assertEquals(g, g);
      assertFalse(g.equals(g2), "two proxies are two objects");
      assertEquals(g.hashCode(), g.hashCode());
      assertFalse("js".equals(g.toString()));
      assertEquals(0, engine.eval("eqCalls"));
    }

    @Test
    void callsFromManyThreadsOnOneFunctionalProxyAreCorrect() throws Exception {
      IntBinaryOperator op =
          inv.getInterface(engine.eval("(a, b) => a * 1000 + b"), IntBinaryOperator.class);
      ExecutorService pool = Executors.newFixedThreadPool(6);
      try {
        List<Callable<Boolean>> tasks = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
          int id = t;
          tasks.add(
              () -> {
                for (int i = 0; i < 400; i++) {
                  if (op.applyAsInt(id, i) != id * 1000 + i) {
                    return false;
                  }
                }
                return true;
              });
        }
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () -> {
              for (Future<Boolean> f : pool.invokeAll(tasks)) {
                assertTrue(f.get());
              }
            });
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
