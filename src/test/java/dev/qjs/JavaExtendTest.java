package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.script.ScriptEngine;
import javax.script.ScriptException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Java interfaces implemented in JavaScript (issue 16): {@code Java.extend}, {@code new
 * Interface(fn or methods)}, and plain objects passed where Java expects an interface.
 */
class JavaExtendTest {
  /** An interface with two abstract methods and a default one. */
  public interface Shape {
    double area();

    String name();

    default String describe() {
      return name() + " of area " + area();
    }
  }

  /** A second interface, to implement two at once. */
  public interface Tagged {
    String tag();
  }

  /** A Java service that takes a Shape. */
  public static final class Shapes {
    public String describe(Shape s) {
      return s.describe();
    }

    public double total(Shape a, Shape b) {
      return a.area() + b.area();
    }

    public String fail() {
      throw new IllegalStateException("the Java side failed");
    }
  }

  private final ScriptEngine engine = engine(name -> true);

  private static ScriptEngine engine(ClassFilter filter) {
    return new QuickJsScriptEngineFactory()
        .getScriptEngine(QuickJsOptions.builder().classFilter(filter).build());
  }

  @AfterEach
  void close() throws Exception {
    ((AutoCloseable) engine).close();
  }

  private Object eval(String script) throws ScriptException {
    return engine.eval(script);
  }

  private static final String TYPES =
      "var Shape = Java.type('" + Shape.class.getName() + "');"
          + "var Tagged = Java.type('" + Tagged.class.getName() + "');"
          + "var Runnable = Java.type('java.lang.Runnable');"
          + "var Comparator = Java.type('java.util.Comparator');";

  private JsException typeError(String script) {
    JsException e = assertThrows(JsException.class, () -> eval(TYPES + script));
    assertEquals("TypeError", e.getErrorName(), e.getMessage());
    return e;
  }

  @Nested
  class JavaExtend {
    @Test
    void extendingOneInterfaceGivesATypeWhoseNewIsAJavaObjectImplementingIt() throws Exception {
      Object r = eval(TYPES + "var runs = 0; const R = Java.extend(Runnable, { run() { runs++ } });"
          + "const r = new R(); r.run(); r.run(); r");
      Runnable runnable = assertInstanceOf(Runnable.class, r);
      runnable.run();
      assertEquals(3, eval("runs"));
      assertEquals(true, eval("Java.isType(R) && typeof R === 'function'"));
    }

    @Test
    void extendingTwoInterfacesImplementsBoth() throws Exception {
      Object o = eval(TYPES + "const T = Java.extend(Shape, Tagged, {"
          + " area() { return 4 }, name() { return 'square' }, tag() { return 'blue' } });"
          + "new T()");
      assertEquals(4.0, ((Shape) o).area());
      assertEquals("blue", ((Tagged) o).tag());
      assertEquals("square of area 4.0", ((Shape) o).describe());
    }

    @Test
    void aDefaultMethodRunsItsBodyUnlessTheObjectHasOne() throws Exception {
      Shape plain = (Shape) eval(TYPES
          + "new (Java.extend(Shape, { area() { return 1 }, name() { return 'dot' } }))()");
      assertEquals("dot of area 1.0", plain.describe());
      Shape own = (Shape) eval(TYPES + "new (Java.extend(Shape, { area() { return 1 },"
          + " name() { return 'dot' }, describe() { return 'mine: ' + this.name() } }))()");
      assertEquals("mine: dot", own.describe());
    }

    @Test
    void aMissingAbstractMethodIsAnUnsupportedOperationNamingIt() throws Exception {
      Shape s = (Shape) eval(TYPES + "new (Java.extend(Shape, { area() { return 2 } }))()");
      assertEquals(2.0, s.area());
      UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, s::name);
      assertTrue(e.getMessage().contains(Shape.class.getName() + ".name"), e.getMessage());
      // a script calling it sees the same as an error it can catch
      engine.put("s", s);
      assertEquals(true, eval("try { s.name(); false } catch (e) { e.message.includes('.name is not implemented') }"));
    }

    @Test
    void newWithAnObjectUsesItFirstAndTheExtendMethodsForTheRest() throws Exception {
      Shape s = (Shape) eval(TYPES + "const Base = Java.extend(Shape, { area() { return 1 },"
          + " name() { return 'base' } }); new Base({ name() { return 'own' } })");
      assertEquals("own of area 1.0", s.describe());
      Shape late = (Shape) eval(TYPES + "new (Java.extend(Shape))({ area: () => 3, name: () => 'late' })");
      assertEquals("late of area 3.0", late.describe());
      assertTrue(typeError("new (Java.extend(Shape))()").getMessage().contains("given no methods"));
    }

    @Test
    void anInterfaceTheClassFilterBlocksCannotBeExtendedOrConstructed() throws Exception {
      try (QuickJsScriptEngine strict = (QuickJsScriptEngine) engine(name -> !name.equals("java.lang.Runnable"))) {
        JsException e = assertThrows(JsException.class,
            () -> strict.eval("Java.extend(Java.type('java.lang.Runnable'), { run() {} })"));
        assertEquals("TypeError", e.getErrorName());
        assertTrue(e.getMessage().contains("not exposed to scripts"), e.getMessage());
        assertThrows(JsException.class, () -> strict.eval("new (Java.type('java.lang.Runnable'))(() => 1)"));
        assertEquals(2, strict.eval("1 + 1"));
      }
    }

    @Test
    void extendingAClassIsRefusedSayingOnlyInterfacesAreSupported() {
      JsException e = typeError("Java.extend(Java.type('java.util.ArrayList'), { size() { return 0 } })");
      assertTrue(e.getMessage().contains("extending a Java class is not supported"), e.getMessage());
      JsException abstractClass = typeError("new (Java.type('java.util.AbstractList'))({ size() { return 0 } })");
      assertTrue(abstractClass.getMessage().contains("interfaces only"), abstractClass.getMessage());
    }

    @Test
    void garbageArgumentsAreTypeErrorsAndTheEngineGoesOn() throws Exception {
      assertTrue(typeError("Java.extend()").getMessage().contains("given nothing"));
      assertTrue(typeError("Java.extend(1)").getMessage().contains("argument 1 is 1"));
      assertTrue(typeError("Java.extend(Runnable, 5)").getMessage().contains("argument 2 is 5"));
      assertTrue(typeError("Java.extend({ run() {} })").getMessage().contains("argument 1"));
      typeError("Java.extend(Runnable, {}, {})");
      typeError("Java.extend(Runnable, null)");
      typeError("Java.extend('java.lang.Runnable')");
      typeError("Java.extend(Runnable, [function () {}])");
      // a function for an interface with two abstract methods cannot say which it is
      assertTrue(typeError("Java.extend(Shape, function () {})").getMessage().contains("one abstract method"));
      assertTrue(typeError("new Shape(() => 1)").getMessage().contains("(area, name)")
          || typeError("new Shape(() => 1)").getMessage().contains("(name, area)"));
      typeError("new Runnable()");
      typeError("new Runnable(1, 2)");
      typeError("new Runnable('run')");
      // a plain object is not a collection by its methods: no constructor of ArrayList takes it
      typeError("new (Java.type('java.util.ArrayList'))({ size() { return 1 } })");
      assertEquals(3, eval("1 + 2"));
    }
  }

  @Nested
  class NewInterface {
    @Test
    void newRunnableOfAFunctionRunsOnAnotherThreadWhileTheEngineIsIdle() throws Exception {
      Runnable r = (Runnable) eval(TYPES + "var ran = 0; new Runnable(function () { ran++ })");
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          done.add(pool.submit(r));
        }
        for (Future<?> f : done) {
          f.get(30, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(50, eval("ran"));
    }

    @Test
    void aComparatorFromJavaScriptSortsWithCollectionsSort() throws Exception {
      @SuppressWarnings("unchecked")
      Comparator<String> byLength = (Comparator<String>) eval(TYPES
          + "new Comparator((a, b) => a.length - b.length)");
      List<String> words = new ArrayList<>(Arrays.asList("pear", "fig", "banana", "kiwi"));
      Collections.sort(words, byLength);
      assertEquals(List.of("fig", "pear", "kiwi", "banana"), words);
      // a default method of Comparator runs its Java body over the script's compare
      Collections.sort(words, byLength.reversed());
      assertEquals("banana", words.get(0));
      @SuppressWarnings("unchecked")
      Comparator<Integer> fractions = (Comparator<Integer>) eval(TYPES
          + "new Comparator({ compare(a, b) { return (a - b) / 10 } })");
      List<Integer> numbers = new ArrayList<>(List.of(3, 1, 2));
      numbers.sort(fractions);
      assertEquals(List.of(1, 2, 3), numbers);
    }

    @Test
    void aPlainObjectIsAnInterfaceWithSeveralMethodsForAJavaMethod() throws Exception {
      engine.put("shapes", new Shapes());
      assertEquals("circle of area 3.0",
          eval("shapes.describe({ area() { return 3 }, name() { return 'circle' } })"));
      assertEquals(5, eval("shapes.total({ area: () => 2 }, { area: () => 3 })")); // 5.0 as a JS number
    }

    @Test
    void theProxiesHaveSensibleObjectMethods() throws Exception {
      Object a = eval(TYPES + "new Runnable(() => {})");
      Object b = eval(TYPES + "new Runnable(() => {})");
      assertEquals(a, a);
      assertNotEquals(a, b);
      assertEquals(System.identityHashCode(a), a.hashCode());
      assertTrue(a.toString().contains("JavaScript implementation of java.lang.Runnable"), a.toString());
      engine.put("a", a);
      assertSame(a, eval("a"));
      assertEquals(true, eval("a.equals(a) && !a.equals(null)"));
    }
  }

  @Nested
  class Security {
    @Test
    void aJavaProxyOfABlockedInterfaceStaysOutOfReach() throws Exception {
      Object handler = java.lang.reflect.Proxy.newProxyInstance(
          JavaExtendTest.class.getClassLoader(),
          new Class<?>[] {java.lang.reflect.InvocationHandler.class},
          (proxy, method, args) -> null);
      engine.put("h", handler);
      JsException e = assertThrows(JsException.class, () -> eval("h.invoke(null, null, null)"));
      assertEquals("TypeError", e.getErrorName());
      assertTrue(e.getMessage().contains("not accessible"), e.getMessage());
    }

    @Test
    void aScriptImplementationReachesNothingReflectiveThroughItsProxy() throws Exception {
      Object r = eval(TYPES + "var r = new Runnable(() => {}); r");
      assertEquals("TypeError", assertThrows(JsException.class, () -> eval("r.getClass()")).getErrorName());
      assertEquals("undefined", eval("typeof r.newProxyInstance"));
      assertInstanceOf(java.lang.reflect.Proxy.class, r);
    }
  }

  @Nested
  class Lifetime {
    @Test
    void anImplementationOfAClosedEngineFailsClearlyWithoutACrash() throws Exception {
      ScriptEngine other = engine(name -> true);
      Runnable r = (Runnable) other.eval(TYPES + "new Runnable(() => 1)");
      Shape s = (Shape) other.eval(TYPES + "new Shape({ area: () => 1, name: () => 'n' })");
      r.run();
      ((AutoCloseable) other).close();
      assertThrows(IllegalStateException.class, r::run);
      assertThrows(IllegalStateException.class, s::area);
      assertEquals(2, eval("1 + 1"));
    }

    @Test
    void manyImplementationsCanBeMadeAndDropped() throws Exception {
      assertEquals(20_000, eval(TYPES + "let sum = 0; for (let i = 0; i < 20000; i++) {"
          + " const r = new Runnable(() => { sum++ }); r.run() } sum"));
      assertEquals(20_000.0, eval(TYPES + "const T = Java.extend(Shape, { area() { return 1 } });"
          + " let total = 0; for (let i = 0; i < 20000; i++) total += new T().area(); total + 0.0") instanceof Number n
          ? n.doubleValue() : -1);
    }
  }

  @Nested
  class Exceptions {
    @Test
    void aScriptMethodThatThrowsIsAJavaExceptionWithTheScriptMessage() throws Exception {
      Runnable r = (Runnable) eval(TYPES + "new Runnable(() => { throw new Error('rule broke') })");
      UncheckedScriptException e = assertThrows(UncheckedScriptException.class, r::run);
      assertTrue(e.getMessage().contains("rule broke"), e.getMessage());
      assertEquals("Error", ((JsException) e.getCause()).getErrorName());
    }

    @Test
    void aJavaExceptionInsideAScriptMethodReachesTheJavaCallerAsItsCause() throws Exception {
      engine.put("shapes", new Shapes());
      Shape s = (Shape) eval(TYPES + "new Shape({ area() { return 1 }, name() { return shapes.fail() } })");
      UncheckedScriptException e = assertThrows(UncheckedScriptException.class, s::name);
      assertTrue(e.getMessage().contains("the Java side failed"), e.getMessage());
      Throwable cause = e.getCause().getCause();
      assertInstanceOf(IllegalStateException.class, cause);
    }

    @Test
    void aScriptCatchesWhatItsOwnImplementationThrowsThroughJava() throws Exception {
      engine.put("shapes", new Shapes());
      assertEquals("caught: bad area", eval(TYPES
          + "try { shapes.describe({ area() { throw new RangeError('bad area') }, name: () => 'x' }) }"
          + " catch (e) { 'caught: ' + e.message }"));
    }

    @Test
    void aScriptMethodReturningTheWrongTypeIsAClassCastException() throws Exception {
      Shape s = (Shape) eval(TYPES + "new Shape({ area: () => ({}), name: () => 'odd' })");
      ClassCastException e = assertThrows(ClassCastException.class, s::area);
      assertTrue(e.getMessage().contains("double"), e.getMessage());
      assertEquals("odd", s.name());
    }
  }
}
