package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The rules of the Java↔JavaScript boundary (issue 13): which Java objects are functions, whose
 * {@code apply} a script calls, methods of non-public JDK classes, records read and called,
 * listing without reading, one lossless number rule, and errors that say what went wrong.
 */
public class JavaInteropRulesTest {
  private ScriptEngine engine = newEngine();

  @AfterEach
  void tearDown() throws Exception {
    ((AutoCloseable) engine).close();
  }

  private static ScriptEngine newEngine() {
    ScriptEngine e = new ScriptEngineManager().getEngineByName("quickjs");
    assertNotNull(e, "no quickjs engine");
    return e;
  }

  private Object eval(String script, Object... namesAndValues) throws ScriptException {
    for (int i = 0; i < namesAndValues.length; i += 2) {
      engine.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return engine.eval(script);
  }

  private JsException typeError(String script, Object... namesAndValues) {
    JsException e = assertThrows(JsException.class, () -> eval(script, namesAndValues));
    assertEquals("TypeError", e.getErrorName(), e.getMessage());
    return e;
  }

  // ------------------------------------------------------------------ fixtures

  /** A bean that is also a Runnable: a plain object to scripts. */
  public static final class Task implements Runnable {
    public int runs;

    public String getName() {
      return "task";
    }

    @Override
    public void run() {
      runs++;
    }
  }

  /** A bean that is also a Supplier. */
  public static final class Config implements Supplier<String> {
    public String getUrl() {
      return "u";
    }

    @Override
    public String get() {
      return "supplied";
    }
  }

  /** A bean that is Comparable. */
  public static final class Version implements Comparable<Version> {
    public int getMajor() {
      return 2;
    }

    @Override
    public int compareTo(Version o) {
      return 0;
    }
  }

  /** A class that exists to be a Supplier: only the interface's method. */
  public static final class Greeting implements Supplier<String> {
    @Override
    public String get() {
      return "hello";
    }
  }

  /** Like Spring's ScriptTemplateView RenderingContext: a template loader as a Function. */
  public static final class RenderingContext {
    private final Function<String, String> loader;

    RenderingContext(Function<String, String> loader) {
      this.loader = loader;
    }

    public Function<String, String> getTemplateLoader() {
      return loader;
    }
  }

  public record Point(int x, int y) {
    public int sum() {
      return x + y;
    }
  }

  /** A bean whose getters count their calls; one of them throws. */
  public static final class Watched {
    public int reads;

    public String getName() {
      reads++;
      return "w";
    }

    public int getAge() {
      reads++;
      return 7;
    }

    public String getBroken() {
      throw new IllegalStateException("broken getter");
    }
  }

  /** Number parameters of every kind, each method returning what it received. */
  public static final class Numbers {
    public Object lastFloat;

    public int i(int v) {
      return v;
    }

    public Integer boxed(Integer v) {
      return v;
    }

    public long l(long v) {
      return v;
    }

    public short s(short v) {
      return v;
    }

    public byte b(byte v) {
      return v;
    }

    public double d(double v) {
      return v;
    }

    public float f(float v) {
      return v;
    }

    public String c(char v) {
      return String.valueOf(v);
    }

    public boolean z(boolean v) {
      return v;
    }

    public String over(int v) {
      return "int";
    }

    public String over(double v) {
      return "double";
    }

    public String wide(int v) {
      return "int";
    }

    public String wide(long v) {
      return "long";
    }

    public int sum(int... v) {
      int s = 0;
      for (int x : v) {
        s += x;
      }
      return s;
    }

    private int count;

    public int getCount() {
      return count;
    }

    public void setCount(int count) {
      this.count = count;
    }
  }

  // ------------------------------------------------------------------ 1. functions

  @Nested
  class WhichJavaObjectsAreFunctions {
    @Test
    void javaTimeValuesArePlainObjectsWithCallableMethods() throws Exception {
      assertEquals(
          "object object object 2024 2024-01-02",
          eval("[typeof d, typeof dt, typeof t].join(' ') + ' ' + d.getYear() + ' ' + d.toString()",
              "d", LocalDate.of(2024, 1, 2), "dt", LocalDateTime.of(2024, 1, 2, 3, 4),
              "t", LocalTime.NOON));
    }

    @Test
    void jsonStringifyKeepsLocalDateFieldsOfAModel() throws Exception {
      Map<String, Object> model = new LinkedHashMap<>();
      model.put("date", LocalDate.of(2024, 1, 2));
      Object json = eval("JSON.stringify(Object.keys(model)) + ' ' + ('date' in model) + ' ' + String(model.date)",
          "model", model);
      assertEquals("[\"date\"] true 2024-01-02", json);
      assertTrue(((String) eval("JSON.stringify(model)")).startsWith("{\"date\":{"), "the date was dropped");
    }

    @Test
    void beansImplementingRunnableSupplierOrComparableArePlainObjects() throws Exception {
      Task task = new Task();
      assertEquals("object object object task u 2",
          eval("[typeof task, typeof config, typeof version].join(' ') + ' ' + task.name + ' '"
              + " + config.url + ' ' + version.major",
              "task", task, "config", new Config(), "version", new Version()));
      eval("task.run(); task.run()");
      assertEquals(2, task.runs);
      assertEquals("supplied", eval("config.get()"));
    }

    @Test
    void optionalIsAPlainObject() throws Exception {
      assertEquals("object x true", eval("typeof o + ' ' + o.get() + ' ' + o.isPresent()", "o", Optional.of("x")));
    }

    @Test
    void lambdasMethodReferencesAndAnonymousClassesAreFunctions() throws Exception {
      Function<String, String> lambda = s -> s + "!";
      Function<String, String> methodRef = String::toUpperCase;
      Runnable anonymous = new Runnable() {
        @Override
        public void run() {}
      };
      assertEquals("function function function function hi! HI hello",
          eval("[typeof lambda, typeof ref, typeof anon, typeof greeting].join(' ') + ' ' + lambda('hi')"
              + " + ' ' + ref('hi') + ' ' + greeting()",
              "lambda", lambda, "ref", methodRef, "anon", anonymous, "greeting", new Greeting()));
    }

    @Test
    void jdkComparatorsAreFunctions() throws Exception {
      assertEquals("function function -1 true",
          eval("[typeof ci, typeof nat].join(' ') + ' ' + nat(1, 2) + ' ' + (ci('a', 'B') < 0)",
              "ci", String.CASE_INSENSITIVE_ORDER, "nat", Comparator.naturalOrder()));
    }
  }

  // ------------------------------------------------------------------ 2. shadowing

  @Nested
  class JavaMethodsWinOverFunctionPrototypes {
    @Test
    void aJavaFunctionsApplyIsItsJavaApply() throws Exception {
      Function<String, String> f = s -> "F(" + s + ")";
      assertEquals("F(x)", eval("f.apply('x')", "f", f));
      // not Function.prototype.apply's (this, args): the Java apply takes one argument
      JsException e = typeError("f.apply('x', ['y'])", "f", f);
      assertTrue(e.getMessage().contains("no overload of 'apply' accepts (String, JsArray)"), e.getMessage());
    }

    @Test
    void aBiFunctionsApplyTakesTwoArguments() throws Exception {
      BiFunction<Integer, Integer, Integer> times = (a, b) -> a * b;
      assertEquals(42, eval("times.apply(6, 7)", "times", times));
    }

    @Test
    void aCallablesCallIsItsJavaCall() throws Exception {
      Callable<String> c = () -> "called";
      assertEquals("called", eval("c.call()", "c", c));
    }

    @Test
    void functionPrototypesApplyCallAndBindServeWhereJavaHasNone() throws Exception {
      List<Object> seen = new ArrayList<>();
      Consumer<Object> sink = seen::add;
      eval("sink.apply(null, ['a']); sink.call(null, 'b'); sink.bind(null, 'c')()", "sink", sink);
      assertEquals(List.of("a", "b", "c"), seen);
    }

    @Test
    void aFunctionTemplateLoaderAsSpringDocumentsIt() throws Exception {
      Function<String, String> loader = url -> "<template of " + url + ">";
      assertEquals("<template of /t.html>",
          eval("ctx.getTemplateLoader().apply('/t.html')", "ctx", new RenderingContext(loader)));
    }
  }

  // ------------------------------------------------------------------ 3. non-public classes

  @Nested
  class MethodsOfNonPublicJdkClasses {
    @Test
    void naturalOrderComparesByName() throws Exception {
      assertEquals(-1, eval("nat.compare(1, 2)", "nat", Comparator.naturalOrder()));
    }

    @Test
    void caseInsensitiveOrderComparesByName() throws Exception {
      assertEquals(true, eval("ci.compare('a', 'B') < 0 && ci.reversed().compare('a', 'B') > 0",
          "ci", String.CASE_INSENSITIVE_ORDER));
    }

    @Test
    void aParallelStreamMapsByName() throws Exception {
      // a Java function (not a script one): this test is about reaching map, not threads
      Function<Integer, Integer> twice = x -> x * 2;
      assertEquals(12, eval("list.stream().parallel().map(twice).reduce(0, sum)",
          "list", List.of(1, 2, 3), "twice", twice, "sum", (java.util.function.BinaryOperator<Integer>) Integer::sum));
    }
  }

  // ------------------------------------------------------------------ 4. records

  @Nested
  class RecordsReadAndCalled {
    @Test
    void aComponentIsItsValueWhenReadAndItsAccessorWhenCalled() throws Exception {
      assertEquals("3 3 4 7", eval("p.x + ' ' + p.x() + ' ' + p['y'] + ' ' + p.sum()", "p", new Point(3, 4)));
    }

    @Test
    void destructuringAndOptionalChainsReadValues() throws Exception {
      assertEquals("3 4 3 undefined",
          eval("const {x, y} = p; x + ' ' + y + ' ' + p?.x() + ' ' + p.missing?.()", "p", new Point(3, 4)));
    }

    @Test
    void jsonOfARecordHasItsComponents() throws Exception {
      assertEquals("{\"x\":3,\"y\":4}", eval("JSON.stringify(p)", "p", new Point(3, 4)));
    }
  }

  // ------------------------------------------------------------------ 5. keys without reading

  @Nested
  class ListingDoesNotReadProperties {
    @Test
    void objectKeysAndForInRunNoGetter() throws Exception {
      Watched w = new Watched();
      Object keys = eval("const ks = Object.keys(w); const fs = []; for (const k in w) fs.push(k);"
          + " ks.join(',') + ' ' + fs.join(',') + ' ' + w.hasOwnProperty('broken') + ' ' + ('age' in w)",
          "w", w);
      assertEquals("age,broken,name age,broken,name true true", sortedKeys((String) keys));
      assertEquals(0, w.reads);
    }

    @Test
    void aDescriptorHasAGetterThatReadsOnlyWhenCalled() throws Exception {
      Watched w = new Watched();
      assertEquals("function undefined", eval(
          "const d = Object.getOwnPropertyDescriptor(w, 'name'); typeof d.get + ' ' + d.value", "w", w));
      assertEquals(0, w.reads);
      assertEquals("w", eval("d.get()"));
      assertEquals(1, w.reads);
    }

    @Test
    void readingTheValuesStillReadsThem() throws Exception {
      Watched w = new Watched();
      eval("globalThis.r = w.name + w.age", "w", w);
      assertEquals(2, w.reads);
      JsException e = assertThrows(JsException.class, () -> eval("JSON.stringify(w)"));
      assertTrue(e.getMessage().contains("broken getter"), e.getMessage());
    }

    private String sortedKeys(String s) {
      String[] parts = s.split(" ");
      for (int i = 0; i < 2; i++) {
        String[] ks = parts[i].split(",");
        java.util.Arrays.sort(ks);
        parts[i] = String.join(",", ks);
      }
      return String.join(" ", parts);
    }
  }

  // ------------------------------------------------------------------ 6. missing members

  @Nested
  class MissingMembersSayWhichOne {
    @Test
    void aMissingMethodNamesTheMemberAndTheClass() {
      JsException e = typeError("m.fooBar()", "m", new HashMap<>());
      assertTrue(e.getMessage().contains("java.util.HashMap has no public method 'fooBar'"), e.getMessage());
      e = typeError("t.nope(1, 2)", "t", new Task());
      assertTrue(e.getMessage().contains(Task.class.getName() + " has no public method 'nope'"), e.getMessage());
    }

    @Test
    void aMissingMemberReadsUndefinedAndOptionalCallsAreUndefined() throws Exception {
      assertEquals("undefined undefined true", eval(
          "typeof t.missing + ' ' + t.missing?.() + ' ' + (t.toString() !== undefined)", "t", new Task()));
    }

    @Test
    void prototypeMethodsStillServe() throws Exception {
      assertEquals("true 2", eval("t.hasOwnProperty('name') + ' ' + l.map(x => x).length",
          "t", new Task(), "l", List.of(1, 2)));
    }

    @Test
    void hostileNamesGiveTheSameClearError() {
      for (String name : new String[] {"'\\u0000'", "'x'.repeat(10000)", "'__proto__x'", "'😀'"}) {
        JsException e = typeError("m[" + name + "]()", "m", new Task());
        assertTrue(e.getMessage().contains("has no public method") || e.getMessage().contains("not a function"),
            e.getMessage());
      }
    }
  }

  // ------------------------------------------------------------------ 7. numbers

  @Nested
  class NumbersAreConvertedWithoutLoss {
    private final Numbers n = new Numbers();

    private void refused(String call, String why) {
      JsException e = typeError(call, "n", n);
      assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void integralParametersTakeOnlyWholeNumbersInRange() throws Exception {
      assertEquals("1 -5 2147483647 4294967296 -32768 127",
          eval("[n.i(1), n.i(-5), n.i(2**31 - 1), n.l(2**32), n.s(-32768), n.b(127)].join(' ')", "n", n));
      refused("n.i(1.9)", "not a whole number");
      refused("n.i(NaN)", "NaN cannot be a Java int");
      refused("n.i(Infinity)", "Infinity cannot be a Java int");
      refused("n.i(2**31)", "outside the range of a Java int");
      refused("n.boxed(1.5)", "not a whole number");
      refused("n.b(128)", "outside the range of a Java byte");
      refused("n.l(2**64)", "outside the range of a Java long");
    }

    @Test
    void nullToAPrimitiveIsAnErrorNamingTheMethodAndArgument() throws Exception {
      refused("n.i(null)", "argument 1 of i: null cannot be a Java int");
      refused("n.z(undefined)", "null cannot be a Java boolean");
      assertEquals(null, eval("n.boxed(null)", "n", n));
    }

    @Test
    void doubleTakesAnyNumberAndFloatRoundsToNearest() throws Exception {
      assertEquals("1.5 NaN Infinity", eval("[n.d(1.5), n.d(NaN), n.d(Infinity)].join(' ')", "n", n));
      assertEquals(true, eval("n.f(0.1) === Math.fround(0.1) && n.f(1e40) === Infinity", "n", n));
    }

    @Test
    void charTakesOneCharacterAndBooleanOnlyBooleans() throws Exception {
      assertEquals("x true", eval("n.c('x') + ' ' + n.z(true)", "n", n));
      refused("n.c('xy')", "one-character string");
      refused("n.c(65)", "one-character string");
      refused("n.z(1)", "only true or false");
      refused("n.z('true')", "only true or false");
    }

    @Test
    void overloadsChooseByTheNumber() throws Exception {
      assertEquals("int double long int",
          eval("[n.over(1), n.over(1.5), n.wide(2**31), n.wide(5)].join(' ')", "n", n));
    }

    @Test
    void settersVarargsArraysAndFieldsFollowTheSameRule() throws Exception {
      refused("n.count = 1.5", "not a whole number");
      refused("n.count = null", "null cannot be a Java int");
      refused("n.sum(1, 2.5)", "no overload of 'sum'");
      eval("n.count = 3", "n", n);
      assertEquals(3, n.getCount());
      assertEquals(6, eval("n.sum(1, 2, 3)"));
      int[] array = new int[2];
      typeError("a[0] = 0.5", "a", array);
      typeError("a[1] = NaN", "a", array);
      eval("a[1] = 9", "a", array);
      assertEquals(9, array[1]);
    }

    @Test
    void explicitConversionsWork() throws Exception {
      assertEquals("1 2 1 -2147483648", eval(
          "[n.i(Math.trunc(1.9)), n.i(Math.round(1.5)), n.i(1.9 | 0), n.i(2**31 | 0)].join(' ')", "n", n));
    }

    @Test
    void garbageNeverBecomesANumber() {
      for (String garbage : new String[] {"'12'", "{}", "[]", "[1]", "true", "10n ** 30n", "Symbol('x')", "() => 1"}) {
        assertThrows(JsException.class, () -> eval("n.i(" + garbage + ")", "n", n), garbage);
      }
    }
  }

  // ------------------------------------------------------------------ 8. freeze

  @Nested
  class FreezingAJavaObject {
    @Test
    void freezeSaysWhyAndHowToCopy() throws Exception {
      Map<String, Object> map = new HashMap<>(Map.of("a", 1));
      JsException e = typeError("Object.freeze(m)", "m", map);
      assertTrue(e.getMessage().contains("live data") && e.getMessage().contains("{...obj}"), e.getMessage());
      assertEquals(1, eval("Object.freeze({...m}).a"));
      assertFalse((Boolean) eval("Object.isFrozen(Object.assign({}, m)) "));
    }
  }

  // ------------------------------------------------------------------ 9. files and threads

  @Nested
  class FileAndThreadClassesNeedAnExactName {
    private ScriptEngine withFilter(ClassFilter filter) {
      return new QuickJsScriptEngineFactory()
          .getScriptEngine(QuickJsOptions.builder().classFilter(filter).build());
    }

    private String tryType(ScriptEngine e, String name) throws ScriptException {
      return (String) e.eval("try { String(Java.type('" + name + "')) } catch (x) { x.name + ': ' + x.message }");
    }

    @Test
    void aPackageWildcardDoesNotExposeFileOrThreadMakingClasses() throws Exception {
      ScriptEngine e = withFilter(n -> n.startsWith("java.util.") || n.startsWith("java.io.") || n.startsWith("java.nio."));
      try {
        for (String name : new String[] {"java.util.Formatter", "java.util.Scanner", "java.util.Timer",
            "java.util.logging.FileHandler", "java.util.zip.ZipFile", "java.util.jar.JarFile",
            "java.util.concurrent.Executors", "java.util.concurrent.ForkJoinPool",
            "java.util.concurrent.CompletableFuture", "java.util.concurrent.ThreadPoolExecutor",
            "java.io.File", "java.io.FileOutputStream", "java.io.PrintWriter", "java.nio.file.Files",
            "java.nio.file.Paths", "java.nio.channels.FileChannel"}) {
          String r = tryType(e, name);
          assertTrue(r.startsWith("TypeError:") && r.contains("only when it names it exactly"), name + ": " + r);
        }
        // the rest of the package stays reachable
        assertEquals("[JavaClass java.util.ArrayList]", tryType(e, "java.util.ArrayList"));
        assertEquals("[JavaClass java.util.concurrent.ConcurrentHashMap]", tryType(e, "java.util.concurrent.ConcurrentHashMap"));
      } finally {
        ((AutoCloseable) e).close();
      }
    }

    @Test
    void regularExpressionsAndPrefixesOfTheNameAreWildcardsToo() throws Exception {
      for (ClassFilter f : new ClassFilter[] {
          n -> n.matches("java\\.util\\.[A-Za-z]+"), n -> n.startsWith("java.util.Timer"), n -> true}) {
        ScriptEngine e = withFilter(f);
        try {
          assertTrue(tryType(e, "java.util.Timer").contains("only when it names it exactly"));
        } finally {
          ((AutoCloseable) e).close();
        }
      }
    }

    @Test
    void anExactNameExposesTheClass() throws Exception {
      ScriptEngine e = withFilter(java.util.Set.of("java.util.Timer", "java.util.Formatter")::contains);
      try {
        assertEquals("[JavaClass java.util.Timer]", tryType(e, "java.util.Timer"));
        assertEquals("x=1", e.eval("const F = Java.type('java.util.Formatter'); new F().format('x=%d', 1).toString()"));
        assertTrue(tryType(e, "java.util.Scanner").contains("not exposed"));
      } finally {
        ((AutoCloseable) e).close();
      }
    }

    @Test
    void aFilterThatThrowsOrGarbageNamesGiveClearErrors() throws Exception {
      ScriptEngine e = withFilter(n -> {
        if (n.contains("Probe")) {
          throw new IllegalStateException("filter bug");
        }
        return n.equals("java.util.Timer");
      });
      try {
        assertThrows(Exception.class, () -> e.eval("Java.type('java.util.Timer')"));
        for (String garbage : new String[] {"", ".", "java.util.", "..Timer", "java.util.Timer\\u0000"}) {
          Object r = tryType(e, garbage);
          assertTrue(String.valueOf(r).startsWith("TypeError"), garbage + ": " + r);
        }
      } finally {
        ((AutoCloseable) e).close();
      }
    }
  }
}
