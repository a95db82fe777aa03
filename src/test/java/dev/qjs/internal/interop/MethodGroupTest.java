package dev.qjs.internal.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.internal.runtime.JsHandle;
import dev.qjs.internal.runtime.MirrorFactory;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Supplier;
import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A method group (cached overload per call shape, method handles) gives what the uncached,
 * reflective {@link Overloads#invokeBest} gives, for the same methods and arguments.
 */
class MethodGroupTest {
  /** Mirrors nothing: every argument here is a plain Java value. */
  static final class NoMirrors implements MirrorFactory {
    @Override
    public Object object(JsHandle handle) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Object array(JsHandle handle) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Object function(JsHandle handle) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Object symbol(JsHandle handle) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ScriptException exception(
        String message,
        @Nullable String fileName,
        int line,
        int column,
        @Nullable String errorName,
        @Nullable String jsStack,
        @Nullable Object thrown,
        @Nullable Throwable cause,
        int kind,
        ErrorDetails details) {
      return new ScriptException(message);
    }

    @Override
    public @Nullable JsHandle handleOf(@Nullable Object mirror) {
      return null;
    }
  }

  public enum Color {
    RED,
    GREEN
  }

  /** Overloads of every kind, each answering with its own name. */
  public static final class Overloaded {
    public final StringBuilder log = new StringBuilder();

    public String m(int v) {
      return "m(int " + v + ")";
    }

    public String m(long v) {
      return "m(long " + v + ")";
    }

    public String m(double v) {
      return "m(double " + v + ")";
    }

    public String m(float v) {
      return "m(float " + v + ")";
    }

    public String m(char v) {
      return "m(char " + v + ")";
    }

    public String m(String v) {
      return "m(String " + v + ")";
    }

    public String m(Object v) {
      return "m(Object " + v + ")";
    }

    public String m(int... v) {
      return "m(int... " + Arrays.toString(v) + ")";
    }

    public String m(int a, String b) {
      return "m(int, String " + a + ", " + b + ")";
    }

    public String m(Object a, Object b) {
      return "m(Object, Object " + a + ", " + b + ")";
    }

    public String n(short v) {
      return "n(short " + v + ")";
    }

    public String n(byte v) {
      return "n(byte " + v + ")";
    }

    public String n(BigInteger v) {
      return "n(BigInteger " + v + ")";
    }

    public String n(BigDecimal v) {
      return "n(BigDecimal " + v + ")";
    }

    public String n(Number v) {
      return "n(Number " + v + ")";
    }

    public String n(boolean v) {
      return "n(boolean " + v + ")";
    }

    public String n(CharSequence v) {
      return "n(CharSequence " + v + ")";
    }

    public String n(int[] v) {
      return "n(int[] " + Arrays.toString(v) + ")";
    }

    public String n(List<?> v) {
      return "n(List " + v + ")";
    }

    public String n(Map<?, ?> v) {
      return "n(Map " + v + ")";
    }

    public String v(String first, Object... rest) {
      return "v(String, Object... " + first + ", " + Arrays.toString(rest) + ")";
    }

    public String v(String first, long... rest) {
      return "v(String, long... " + first + ", " + Arrays.toString(rest) + ")";
    }

    public String v(Integer boxed) {
      return "v(Integer " + boxed + ")";
    }

    public String e(Color c) {
      return "e(Color " + c + ")";
    }

    public String e(Object s) {
      return "e(Object " + s + ")";
    }

    public String w(int v) {
      return "w(int " + v + ")";
    }

    public String w(long v) {
      return "w(long " + v + ")";
    }

    public String w(float v) {
      return "w(float " + v + ")";
    }

    public String c(char v) {
      return "c(char " + v + ")";
    }

    public String c(Object v) {
      return "c(Object " + v + ")";
    }

    public String e(char c) {
      return "e(char " + c + ")";
    }

    public String a(int[]... arrays) {
      return "a(int[]... " + Arrays.deepToString(arrays) + ")";
    }

    public String a(String s) {
      return "a(String " + s + ")";
    }

    public String a(List<?> l, List<?> m) {
      return "a(List, List " + l + ", " + m + ")";
    }

    public String only(int v) {
      return "only(int " + v + ")";
    }

    public void record(Object v) {
      log.append(v);
    }

    public String fail(String kind) throws IOException {
      switch (kind) {
        case "checked" -> throw new IOException("checked failure");
        case "runtime" -> throw new IllegalStateException("runtime failure");
        case "error" -> throw new AssertionError("error failure");
        default -> {
          return "no failure";
        }
      }
    }

    @Override
    public String toString() {
      return "Overloaded" + log;
    }
  }

  private final ArgumentConverter converter = new ArgumentConverter(new NoMirrors());
  private final HostMembers members = new HostMembers(converter);
  private final Overloads reference = new Overloads(converter);

  private static final Object[] VALUES = {
    0, 1, -1, 7, 127, 128, -129, 255, 32767, 32768, 65, Integer.MAX_VALUE, Integer.MIN_VALUE,
    0.0, -0.0, 1.0, 2.0, 1.5, -2.5, 0.1, 1e10, 3e9, -3e9, 1e19, 9.3e18, 1e300, Double.NaN,
    Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MAX_VALUE, Double.MIN_VALUE,
    5L, Long.MAX_VALUE, Long.MIN_VALUE, (1L << 53) + 1, 1L << 40,
    BigInteger.ONE, BigInteger.valueOf(300), BigInteger.ONE.shiftLeft(70), BigInteger.TWO.pow(63),
    (short) 3, (byte) -2, 2.5f, new BigDecimal("1.25"),
    "", "a", "A", "ab", "RED", "GREEN", "blue", "1", "x y",
    'c', true, false,
    List.of(), List.of(1, 2), List.of("a", "b"), List.of(1.5), List.of(List.of(1), List.of(2)),
    Map.of("k", 1), new int[] {1, 2}, new Object[] {"x", 2}, new int[][] {{1}, {2, 3}},
    new long[] {4}, Color.GREEN, new StringBuilder("sb"),
  };

  private static Object[] randomArgs(Random random, int arity) {
    Object[] args = new Object[arity];
    for (int i = 0; i < arity; i++) {
      int k = random.nextInt(VALUES.length + 2);
      args[i] =
          k == VALUES.length ? null
              : k == VALUES.length + 1 ? random.nextInt(2000) - 1000 + (random.nextBoolean() ? 0.5 : 0.0)
              : VALUES[k];
    }
    return args;
  }

  /** A call's outcome as compared: the result and the target after it, or what it threw. */
  private static String outcome(Supplier<@Nullable Object> call, Object target) {
    try {
      Object result = call.get();
      return "returned "
          + (result == HostMembers.VOID ? "VOID" : describe(result))
          + " leaving "
          + describe(target);
    } catch (RuntimeException | Error e) {
      Throwable cause = e.getCause();
      return "threw " + thrown(e) + (cause != null ? " caused by " + thrown(cause) : "");
    }
  }

  /**
   * An exception's class and message; a NullPointerException's message is left out: once a
   * compiled method has thrown it often enough, the JVM throws a preallocated one without its
   * helpful message (OmitStackTraceInFastThrow), so one path may say why and the other not.
   */
  private static String thrown(Throwable e) {
    return e instanceof NullPointerException ? e.getClass().getName() : e.getClass().getName() + ": " + e.getMessage();
  }

  private static String describe(@Nullable Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Object[] a) {
      return Arrays.deepToString(a);
    }
    if (v instanceof int[] a) {
      return Arrays.toString(a);
    }
    return v.getClass().getName() + " " + v;
  }

  /**
   * Calls name on fresh targets with random arguments through a group and through the
   * reference; every few calls a new runtime's group (its kept shapes empty again) and a new
   * small pool of values, so that shapes repeat with other values while they are kept.
   */
  private void assertSameAsReference(Supplier<Object> targets, String name, int calls, long seed) {
    Random random = new Random(seed);
    Object first = targets.get();
    MethodGroup group = null;
    Object[] pool = VALUES;
    int maxArity = 0;
    List<Object[]> seen = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      if (group == null || i % 40 == 0) {
        group = Objects.requireNonNull(new HostMembers(converter).methodGroup(first, name), name);
        maxArity = group.candidates().stream().mapToInt(java.lang.reflect.Method::getParameterCount).max().orElse(0);
        pool = new Object[6];
        for (int k = 0; k < pool.length; k++) {
          pool[k] = randomArgs(random, 1)[0];
        }
        seen.clear();
      }
      Object[] args;
      if (!seen.isEmpty() && random.nextInt(4) == 0) {
        args = seen.get(random.nextInt(seen.size()));
      } else {
        args = new Object[random.nextInt(maxArity + 2)];
        for (int k = 0; k < args.length; k++) {
          args[k] = random.nextInt(5) == 0 ? randomArgs(random, 1)[0] : pool[random.nextInt(pool.length)];
        }
        seen.add(args);
      }
      MethodGroup g = group;
      List<java.lang.reflect.Method> candidates = g.candidates();
      Object referenceTarget = targets.get();
      Object groupTarget = targets.get();
      String expected =
          outcome(() -> reference.invokeBest(candidates, referenceTarget, args.clone(), name), referenceTarget);
      String actual = outcome(() -> g.invoke(groupTarget, args.clone()), groupTarget);
      int call = i;
      assertEquals(
          expected,
          actual,
          () -> name + Arrays.deepToString(args) + " on " + first.getClass().getName() + " (seed " + seed + ", call " + call + ")");
    }
  }

  @Tag("slow-under-emulation") // binding-independent volume: the x86-64 suites run it
  @Test
  void overloadedTestMethodsChooseAsTheUncachedPathDoesForRandomArguments() {
    for (String name : List.of("m", "n", "v", "e", "w", "c", "a", "only", "record", "fail")) {
      for (long seed = 1; seed <= 4; seed++) {
        assertSameAsReference(Overloaded::new, name, 3000, seed * 31 + name.hashCode());
      }
    }
  }

  @Tag("slow-under-emulation") // binding-independent volume: the x86-64 suites run it
  @Test
  void overloadedJdkMethodsChooseAsTheUncachedPathDoesForRandomArguments() {
    Map<String, Supplier<Object>> targets = new LinkedHashMap<>();
    targets.put("append insert indexOf lastIndexOf charAt deleteCharAt replace substring",
        () -> new StringBuilder("hello"));
    targets.put("add remove get set indexOf contains subList addAll size",
        () -> new ArrayList<Object>(List.of("a", 1, 2.5, "b", 3)));
    targets.put("get put getOrDefault containsKey remove putIfAbsent",
        () -> new HashMap<Object, Object>(Map.of("a", 1, 1, "one")));
    targets.put("indexOf substring charAt startsWith replace split regionMatches equals compareTo",
        () -> "hello world");
    targets.put("add multiply compareTo max toString",
        () -> new BigDecimal("12.5"));
    targets.put("compareTo equals", () -> 42);
    for (Map.Entry<String, Supplier<Object>> e : targets.entrySet()) {
      for (String name : e.getKey().split(" ")) {
        if (members.methodGroup(e.getValue().get(), name) == null) {
          continue; // e.g. BigDecimal has no shiftLeft
        }
        for (long seed = 1; seed <= 3; seed++) {
          assertSameAsReference(e.getValue(), name, 1500, seed * 17 + name.hashCode());
        }
      }
    }
  }

  @Test
  void aCallShapeSeenAgainReusesItsOverloadForNewValues() {
    Overloaded o = new Overloaded();
    MethodGroup w = Objects.requireNonNull(members.methodGroup(o, "w"));
    assertEquals("w(int 1)", w.invoke(o, new Object[] {1}));
    assertEquals(1, w.shapesKept());
    assertEquals("w(int 2)", w.invoke(o, new Object[] {2}));
    assertEquals(1, w.shapesKept());
    // a whole double and a fractional one are different shapes: int for one, float for the other
    assertEquals("w(int 3)", w.invoke(o, new Object[] {3.0}));
    assertEquals("w(float 3.5)", w.invoke(o, new Object[] {3.5}));
    assertEquals("w(float 4.5)", w.invoke(o, new Object[] {4.5}));
    assertEquals(3, w.shapesKept());
    // beyond an int's range
    assertEquals("w(long 3000000000)", w.invoke(o, new Object[] {3e9}));
    assertEquals("w(int 7)", w.invoke(o, new Object[] {7.0}));
    // one character or more
    MethodGroup c = Objects.requireNonNull(members.methodGroup(o, "c"));
    assertEquals("c(char x)", c.invoke(o, new Object[] {"x"}));
    assertEquals("c(Object xy)", c.invoke(o, new Object[] {"xy"}));
    assertEquals("c(char y)", c.invoke(o, new Object[] {"y"}));
    assertEquals(2, c.shapesKept());
  }

  @Test
  void keptShapesAreBoundedAndLaterShapesStillChooseRight() {
    Overloaded o = new Overloaded();
    MethodGroup m = Objects.requireNonNull(members.methodGroup(o, "m"));
    Object[] distinct = {1, 1.5, "x", "xy", 3e9, 1e19, true, List.of(), 'c', 5L, BigInteger.TEN, Map.of()};
    for (Object v : distinct) {
      m.invoke(o, new Object[] {v});
    }
    assertEquals(MethodGroup.MAX_SHAPES, m.shapesKept());
    assertEquals("m(Object {})", m.invoke(o, new Object[] {Map.of()}));
    assertEquals("m(int 9)", m.invoke(o, new Object[] {9}));
  }

  @Test
  void aStringForAnEnumOverloadIsChosenByItsValueEveryTime() {
    Overloaded o = new Overloaded();
    MethodGroup e = Objects.requireNonNull(members.methodGroup(o, "e"));
    assertEquals("e(Color RED)", e.invoke(o, new Object[] {"RED"}));
    assertEquals("e(Object BLUE)", e.invoke(o, new Object[] {"BLUE"}));
    assertEquals("e(Color GREEN)", e.invoke(o, new Object[] {"GREEN"}));
    assertEquals(0, e.shapesKept());
  }

  @Test
  void overloadsWithArrayVarargsChooseEveryTimeAsLayingOutTheirArgumentsCanFail() {
    Overloaded o = new Overloaded();
    MethodGroup a = Objects.requireNonNull(members.methodGroup(o, "a"));
    assertEquals("a(List, List [1], [2])", a.invoke(o, new Object[] {List.of(1), List.of(2)}));
    // the reference lays out a(int[]...) too, and a list of strings is no int[]
    HostMembers.Refusal refusal =
        assertThrows(HostMembers.Refusal.class, () -> a.invoke(o, new Object[] {List.of("z"), List.of(2)}));
    assertEquals("element 0 (String) cannot be a int", refusal.getMessage());
    assertEquals(0, a.shapesKept());
  }

  @Test
  void theOnlyMethodOfAnArityStillRefusesAFractionAsTheUncachedPathDoes() {
    ArrayList<Object> list = new ArrayList<>(List.of("a", "b"));
    MethodGroup get = Objects.requireNonNull(members.methodGroup(list, "get"));
    HostMembers.Refusal refusal = assertThrows(HostMembers.Refusal.class, () -> get.invoke(list, new Object[] {1.5}));
    assertEquals(
        "no overload of 'get' accepts (Double) (get(int)): argument 1 of get: 1.5 is not a whole number, so it "
            + "cannot be a Java int (convert explicitly: Math.trunc(x), Math.round(x) or Math.floor(x))",
        refusal.getMessage());
    assertEquals("b", get.invoke(list, new Object[] {1.0}));
    assertEquals(0, get.shapesKept());
  }

  @Test
  void exceptionsOfTheMethodComeOutAsWithReflection() {
    Overloaded o = new Overloaded();
    MethodGroup fail = Objects.requireNonNull(members.methodGroup(o, "fail"));
    HostMembers.HostCallException checked =
        assertThrows(HostMembers.HostCallException.class, () -> fail.invoke(o, new Object[] {"checked"}));
    assertInstanceOf(IOException.class, checked.getCause());
    assertEquals("checked failure", checked.getMessage());
    assertEquals("runtime failure",
        assertThrows(IllegalStateException.class, () -> fail.invoke(o, new Object[] {"runtime"})).getMessage());
    assertEquals("error failure",
        assertThrows(AssertionError.class, () -> fail.invoke(o, new Object[] {"error"})).getMessage());
  }

  @Test
  void aVoidMethodReturnsVoidAndRunsThroughAHandle() {
    Overloaded o = new Overloaded();
    MethodGroup record = Objects.requireNonNull(members.methodGroup(o, "record"));
    assertSame(HostMembers.VOID, record.invoke(o, new Object[] {"x"}));
    assertEquals("Overloadedx", o.toString());
    for (Class<?> type : List.of(Overloaded.class, ArrayList.class, HashMap.class, List.of(1, 2).getClass())) {
      for (java.lang.reflect.Method method : type.getMethods()) {
        if (method.getDeclaringClass() == type && java.lang.reflect.Modifier.isPublic(type.getModifiers())) {
          assertTrue(new HostMethod(method).hasHandle(), method::toString);
        }
      }
    }
  }

  @Test
  void aMethodOfAHiddenImplementationClassIsCalledThroughItsPublicInterface() {
    List<Integer> immutable = List.of(1, 2, 3);
    MethodGroup size = Objects.requireNonNull(members.methodGroup(immutable, "size"));
    assertEquals(3, size.invoke(immutable, new Object[0]));
    Map<String, Integer> map = Map.of("a", 1);
    assertEquals(1, Objects.requireNonNull(members.methodGroup(map, "get")).invoke(map, new Object[] {"a"}));
  }

  @Test
  void methodGroupIsMadeOncePerClassAndNameAndOnlyForPlainObjects() {
    ArrayList<Object> a = new ArrayList<>();
    MethodGroup size = members.methodGroup(a, "size");
    assertNotNull(size);
    assertSame(size, members.methodGroup(new ArrayList<>(), "size"));
    assertEquals("size", size.name());
    assertNull(members.methodGroup(a, "noSuchMethod"));
    assertNull(members.methodGroup(a, "getClass"));
    assertNull(members.methodGroup(new int[] {1}, "toString"));
    assertNull(members.methodGroup(new HostMembers.StaticClass(ArrayList.class), "size"));
    assertNull(members.methodGroup(new JavaGlobal(n -> true), "type"));
    assertNull(members.methodGroup(Thread.currentThread(), "getName"));
    assertThrows(IllegalArgumentException.class, () -> size.invoke(new java.util.LinkedList<>(), new Object[0]));
  }

  @Test
  void invokeByNameGoesThroughTheGroup() {
    Overloaded o = new Overloaded();
    assertEquals("m(int 5)", members.invoke(o, "m", new Object[] {5}));
    assertEquals(1, Objects.requireNonNull(members.methodGroup(o, "m")).shapesKept());
    assertEquals("'getClass' is not accessible to scripts",
        assertThrows(HostMembers.Refusal.class, () -> members.invoke(o, "getClass", new Object[0])).getMessage());
  }
}
