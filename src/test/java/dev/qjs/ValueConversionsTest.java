package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import javax.script.Invocable;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The value conversions of dates, byte arrays, big integers, characters, enums and records, and
 * the deep copies of {@link JsObject#toJava()} and {@link JsArray#toJava()}.
 */
public class ValueConversionsTest {
  private QuickJsScriptEngine engine;

  @BeforeEach
  void setUp() throws ScriptException {
    engine = (QuickJsScriptEngine) new ScriptEngineManager().getEngineByName("quickjs");
    engine.put("probe", new Probe());
    engine.eval("function id(x) { return x }");
  }

  @AfterEach
  void tearDown() {
    engine.close();
  }

  private Object eval(String script) throws ScriptException {
    return engine.eval(script);
  }

  private Object invoke(String name, Object... args) throws Exception {
    return ((Invocable) engine).invokeFunction(name, args);
  }

  /** Java methods scripts call to see what a value became on the Java side. */
  public static class Probe {
    public String typeOf(Object o) {
      return o == null ? "null" : o.getClass().getName();
    }

    public Object echo(Object o) {
      return o;
    }

    public Instant when() {
      return Instant.ofEpochMilli(86_400_000L);
    }

    public byte[] bytes() {
      return new byte[] {7, 8, 9};
    }

    public int length(byte[] b) {
      return b.length;
    }

    public long bigLong() {
      return Long.MAX_VALUE;
    }

    public long plusOne(long x) {
      return x + 1;
    }

    public char letter() {
      return 'q';
    }

    public int code(char c) {
      return c;
    }

    public String colorName(Color c) {
      return c.name();
    }
  }

  public enum Color {
    RED,
    GREEN
  }

  /** Constants with bodies are instances of anonymous, non-public subclasses. */
  public enum Op {
    PLUS {
      @Override
      public int apply(int a, int b) {
        return a + b;
      }
    };

    public abstract int apply(int a, int b);
  }

  public record Point(int x, int y) {}

  public record Line(Point from, Point to) {}

  public record Event(String name, Instant at, List<Integer> tags) {}

  // ------------------------------------------------------------------ dates

  @Nested
  class Dates {
    @Test
    void instantBecomesJsDateWithTheSameEpochMillis() throws ScriptException {
      Instant t = Instant.ofEpochMilli(1_700_000_000_123L);
      engine.put("t", t);
      assertEquals(true, eval("t instanceof Date"));
      assertEquals(1_700_000_000_123L, ((Number) eval("t.getTime()")).longValue());
      assertEquals(t.toString(), eval("t.toISOString()"));
    }

    @Test
    void instantBeforeTheEpochKeepsItsNegativeMillis() throws ScriptException {
      engine.put("t", Instant.ofEpochMilli(-86_400_001L));
      assertEquals(-86_400_001L, ((Number) eval("t.getTime()")).longValue());
    }

    @Test
    void subMillisecondPartOfAnInstantIsDropped() throws ScriptException {
      engine.put("t", Instant.ofEpochSecond(10, 999_999));
      assertEquals(10_000L, ((Number) eval("t.getTime()")).longValue());
    }

    @Test
    void utilDateBecomesJsDateWithTheSameEpochMillis() throws ScriptException {
      engine.put("d", new Date(42L));
      assertEquals(true, eval("d instanceof Date && d.getTime() === 42"));
    }

    @Test
    void instantReturnedByAJavaMethodIsAJsDate() throws ScriptException {
      assertEquals(true, eval("const w = probe.when(); w instanceof Date && w.getTime() === 86400000"));
    }

    @Test
    void jsDateBecomesInstant() throws ScriptException {
      assertEquals(
          Instant.parse("2024-01-02T03:04:05.678Z"),
          eval("new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))"));
      assertEquals(Instant.ofEpochMilli(-1), eval("new Date(-1)"));
    }

    @Test
    void jsDatesAtTheEdgesOfTheirRangeBecomeInstants() throws ScriptException {
      assertEquals(Instant.ofEpochMilli(8_640_000_000_000_000L), eval("new Date(8.64e15)"));
      assertEquals(Instant.ofEpochMilli(-8_640_000_000_000_000L), eval("new Date(-8.64e15)"));
    }

    @Test
    void jsDateArgumentOfAJavaMethodIsAnInstant() throws ScriptException {
      assertEquals("java.time.Instant", eval("probe.typeOf(new Date(0))"));
      assertEquals(true, eval("const e = probe.echo(new Date(7)); e instanceof Date && e.getTime() === 7"));
    }

    @Test
    void instantRoundTripsThroughAFunction() throws Exception {
      Instant t = Instant.parse("1999-12-31T23:59:59.999Z");
      assertEquals(t, invoke("id", t));
    }

    @Test
    void invalidDateStaysAJsObjectMirrorOfTheSameDate() throws Exception {
      Object invalid = eval("new Date(NaN)");
      assertInstanceOf(JsObject.class, invalid);
      engine.eval("function isInvalidDate(d) { return d instanceof Date && isNaN(d.getTime()) }");
      assertEquals(true, invoke("isInvalidDate", invalid));
      assertEquals("dev.qjs.JsObject", eval("probe.typeOf(new Date(NaN))"));
    }
  }

  // ------------------------------------------------------------------ byte arrays

  @Nested
  class ByteArrays {
    @Test
    void byteArrayBecomesUint8ArrayWithUnsignedValues() throws ScriptException {
      engine.put("b", new byte[] {1, -1, 127, -128, 0});
      assertEquals(true, eval("b instanceof Uint8Array"));
      assertEquals("1,255,127,128,0", eval("Array.from(b).join()"));
    }

    @Test
    void writesInJavaScriptDoNotChangeTheJavaArray() throws ScriptException {
      byte[] data = {1, 2, 3};
      engine.put("b", data);
      assertEquals(99, eval("b[0] = 99; b[0]"));
      assertEquals(1, data[0]);
    }

    @Test
    void writesInJavaAfterThePutDoNotShowInJavaScript() throws ScriptException {
      byte[] data = {1, 2, 3};
      engine.put("b", data);
      data[1] = 50;
      assertEquals(2, eval("b[1]"));
    }

    @Test
    void uint8ArrayBecomesByteArray() throws ScriptException {
      assertArrayEquals(new byte[] {1, 2, -1, -128}, (byte[]) eval("new Uint8Array([1, 2, 255, 128])"));
    }

    @Test
    void byteArrayFromJavaScriptIsACopy() throws ScriptException {
      byte[] copy = (byte[]) eval("var u = new Uint8Array([1, 2, 3]); u");
      copy[0] = 9;
      assertEquals(1, eval("u[0]"));
      eval("u[1] = 42");
      assertEquals(2, copy[1]);
    }

    @Test
    void viewsCopyOnlyTheirOwnWindowOfTheBuffer() throws ScriptException {
      assertArrayEquals(new byte[] {2, 3}, (byte[]) eval("new Uint8Array([0, 1, 2, 3, 4, 5]).subarray(2, 4)"));
      assertArrayEquals(
          new byte[] {8, 7}, (byte[]) eval("new Uint8Array(new Uint8Array([9, 8, 7, 6]).buffer, 1, 2)"));
    }

    @Test
    void emptyArraysCrossBothWays() throws ScriptException {
      engine.put("b", new byte[0]);
      assertEquals(true, eval("b instanceof Uint8Array && b.length === 0"));
      assertArrayEquals(new byte[0], (byte[]) eval("new Uint8Array(0)"));
    }

    @Test
    void otherTypedArraysAndDataViewsStayMirrors() throws ScriptException {
      for (String ctor :
          List.of(
              "Int8Array", "Uint8ClampedArray", "Uint16Array", "Int32Array", "Float32Array",
              "Float64Array", "BigInt64Array")) {
        Object v = eval("new " + ctor + "(2)");
        assertInstanceOf(JsObject.class, v, ctor);
        assertEquals("dev.qjs.JsObject", eval("probe.typeOf(new " + ctor + "(2))"), ctor);
      }
      assertInstanceOf(JsObject.class, eval("new DataView(new ArrayBuffer(2))"));
    }

    @Test
    void javaMethodsTakeAndReturnByteArraysAsUint8Arrays() throws ScriptException {
      assertEquals(5, eval("probe.length(new Uint8Array(5))"));
      assertEquals(true, eval("const r = probe.bytes(); r instanceof Uint8Array && r.join() === '7,8,9'"));
    }

    @Test
    void eightMegabytesRoundTripUnchanged() throws Exception {
      byte[] big = new byte[8 << 20];
      new Random(42).nextBytes(big);
      engine.put("big", big);
      assertEquals(big.length, eval("big.length"));
      assertArrayEquals(big, (byte[]) invoke("id", big));
    }
  }

  // ------------------------------------------------------------------ longs and big integers

  @Nested
  class LongsAndBigIntegers {
    @Test
    void longsBeyondTwoToThe53BecomeBigInts() throws ScriptException {
      for (long n :
          new long[] {
            Long.MAX_VALUE, Long.MIN_VALUE, (1L << 53) + 1, -(1L << 53) - 1, 1234567890123456789L
          }) {
        engine.put("n", n);
        assertEquals("bigint", eval("typeof n"), Long.toString(n));
        assertEquals(Long.toString(n), eval("String(n)"));
      }
    }

    @Test
    void longsWithinTwoToThe53StayExactNumbers() throws ScriptException {
      for (long n : new long[] {1L << 53, -(1L << 53), (1L << 53) - 1, 1L << 40, 5L}) {
        engine.put("n", n);
        assertEquals("number", eval("typeof n"), Long.toString(n));
        assertEquals(Long.toString(n), eval("String(n)"));
      }
    }

    @Test
    void bigIntsComeBackAsBigIntegers() throws ScriptException {
      assertEquals(new BigInteger("18446744073709551617"), eval("2n ** 64n + 1n"));
      assertEquals(BigInteger.valueOf(Long.MIN_VALUE), eval("-(2n ** 63n)"));
      assertEquals(BigInteger.valueOf(5), eval("5n"));
    }

    @Test
    void longsRoundTripWithoutLosingPrecision() throws Exception {
      for (long n : new long[] {Long.MAX_VALUE - 1, Long.MIN_VALUE + 1, (1L << 53) + 1}) {
        assertEquals(BigInteger.valueOf(n), invoke("id", n));
      }
      engine.put("n", Long.MAX_VALUE);
      assertEquals(BigInteger.valueOf(Long.MAX_VALUE - 1), eval("n - 1n"));
      assertEquals(BigInteger.ONE.shiftLeft(63), eval("n + 1n"));
    }

    @Test
    void longReturnedByAJavaMethodIsAnExactBigInt() throws ScriptException {
      assertEquals(true, eval("probe.bigLong() === 9223372036854775807n"));
    }

    @Test
    void bigIntArgumentFillsALongParameterExactly() throws ScriptException {
      assertEquals(BigInteger.valueOf((1L << 62) + 1), eval("probe.plusOne(2n ** 62n)"));
    }

    @Test
    void hugeBigIntegerRoundTrips() throws Exception {
      BigInteger huge = BigInteger.TWO.pow(200).negate();
      engine.put("h", huge);
      assertEquals("bigint", eval("typeof h"));
      assertEquals(huge.subtract(BigInteger.ONE), eval("h - 1n"));
      assertEquals(huge, invoke("id", huge));
    }
  }

  // ------------------------------------------------------------------ characters

  @Nested
  class Characters {
    @Test
    void characterBecomesAOneCharacterString() throws ScriptException {
      engine.put("c", 'x');
      assertEquals(true, eval("typeof c === 'string' && c.length === 1 && c === 'x'"));
      engine.put("c", '\u00e9');
      assertEquals(true, eval("c === '\\u00e9'"));
      engine.put("c", '\uD83D');
      assertEquals(0xD83D, eval("c.length === 1 ? c.charCodeAt(0) : -1"));
    }

    @Test
    void charReturnedByAJavaMethodIsAString() throws ScriptException {
      assertEquals(true, eval("probe.letter() === 'q'"));
    }

    @Test
    void oneCharacterStringFillsACharParameter() throws ScriptException {
      assertEquals(65, eval("probe.code('A')"));
    }
  }

  // ------------------------------------------------------------------ enums

  @Nested
  class Enums {
    @Test
    void enumCrossesAsTheJavaObjectItself() throws Exception {
      engine.put("c", Color.RED);
      assertEquals("object", eval("typeof c"));
      assertSame(Color.RED, eval("c"));
      assertSame(Color.GREEN, invoke("id", Color.GREEN));
    }

    @Test
    void stringOfAnEnumIsItsName() throws ScriptException {
      engine.put("c", Color.RED);
      assertEquals("RED", eval("String(c)"));
      assertEquals("RED!", eval("`${c}!`"));
      assertEquals("RED", eval("c.name()"));
      assertEquals(0, eval("c.ordinal()"));
    }

    @Test
    void looseEqualityWithTheNameHoldsThroughToString() throws ScriptException {
      engine.put("c", Color.RED);
      assertEquals(true, eval("c == 'RED'"));
      assertEquals(false, eval("c == 'GREEN'"));
      assertEquals(false, eval("c === 'RED'"));
    }

    @Test
    void constantWithABodyStillShowsThePublicEnumMethods() throws ScriptException {
      engine.put("op", Op.PLUS);
      assertEquals("PLUS", eval("op.name()"));
      assertEquals(5, eval("op.apply(2, 3)"));
    }

    @Test
    void nameOrConstantFillsAnEnumParameter() throws ScriptException {
      engine.put("c", Color.RED);
      assertEquals("GREEN", eval("probe.colorName('GREEN')"));
      assertEquals("RED", eval("probe.colorName(c)"));
    }
  }

  // ------------------------------------------------------------------ records

  @Nested
  class Records {
    @Test
    void componentsAreProperties() throws ScriptException {
      engine.put("p", new Point(1, 2));
      assertEquals(true, eval("p.x === 1 && p.y === 2"));
      assertEquals("x,y", eval("Object.keys(p).join()"));
    }

    @Test
    void jsonStringifyShowsTheComponents() throws ScriptException {
      engine.put("p", new Point(1, 2));
      assertEquals("{\"x\":1,\"y\":2}", eval("JSON.stringify(p)"));
    }

    @Test
    void nestedRecordsDatesAndListsStringifyDeeply() throws ScriptException {
      engine.put("line", new Line(new Point(1, 2), new Point(3, 4)));
      assertEquals(
          "{\"from\":{\"x\":1,\"y\":2},\"to\":{\"x\":3,\"y\":4}}", eval("JSON.stringify(line)"));
      engine.put("ev", new Event("launch", Instant.ofEpochMilli(1000), List.of(1, 2)));
      assertEquals(
          "{\"name\":\"launch\",\"at\":\"1970-01-01T00:00:01.000Z\",\"tags\":[1,2]}",
          eval("JSON.stringify(ev)"));
    }

    @Test
    void recordComesBackAsTheSameObject() throws Exception {
      Point p = new Point(5, 6);
      assertSame(p, invoke("id", p));
    }

    @Test
    void componentsCannotBeAssigned() throws ScriptException {
      engine.put("p", new Point(1, 2));
      JsException e = assertThrows(JsException.class, () -> eval("p.x = 5"));
      assertEquals("TypeError", e.getErrorName());
      assertEquals(1, eval("p.x"));
    }
  }

  // ------------------------------------------------------------------ deep copies

  @Nested
  class DeepCopies {
    private Map<String, Object> copy(String script) throws ScriptException {
      return ((JsObject) eval(script)).toJava();
    }

    @Test
    void nestedObjectsBecomeLinkedHashMapsAndArraysArrayLists() throws ScriptException {
      Map<String, Object> m = copy("({z: 1, a: {b: [1, 2.5, 'x', null, true, [false]]}, m: 2})");
      assertInstanceOf(LinkedHashMap.class, m);
      assertEquals(List.of("z", "a", "m"), new ArrayList<>(m.keySet()));
      Map<?, ?> a = assertInstanceOf(LinkedHashMap.class, m.get("a"));
      List<?> b = assertInstanceOf(ArrayList.class, a.get("b"));
      assertEquals(java.util.Arrays.asList(1, 2.5, "x", null, true, List.of(false)), b);
      assertInstanceOf(ArrayList.class, b.get(5));
      assertEquals(1, m.get("z"));
    }

    @Test
    void arrayMirrorCopiesToAnArrayList() throws ScriptException {
      List<Object> l = ((JsArray) eval("[1, {a: [2]}, 'three']")).toJava();
      assertInstanceOf(ArrayList.class, l);
      assertEquals(List.of(1, Map.of("a", List.of(2)), "three"), l);
      assertInstanceOf(LinkedHashMap.class, l.get(1));
    }

    @Test
    void datesBytesAndBigIntsBecomeJavaValues() throws ScriptException {
      Map<String, Object> m =
          copy("({d: new Date(5), u: new Uint8Array([1, 255]), n: 2n ** 70n, in: [new Date(6)]})");
      assertEquals(Instant.ofEpochMilli(5), m.get("d"));
      assertArrayEquals(new byte[] {1, -1}, (byte[]) m.get("u"));
      assertEquals(BigInteger.TWO.pow(70), m.get("n"));
      assertEquals(List.of(Instant.ofEpochMilli(6)), m.get("in"));
    }

    @Test
    void functionsStayCallableJsFunctions() throws ScriptException {
      Map<String, Object> m = copy("({f: function (x) { return x + 1 }, nested: {g: () => 'g'}})");
      JsFunction f = assertInstanceOf(JsFunction.class, m.get("f"));
      assertEquals(3, f.call(2));
      @SuppressWarnings("unchecked")
      Map<String, Object> nested = (Map<String, Object>) m.get("nested");
      assertEquals("g", ((JsFunction) nested.get("g")).call());
    }

    @Test
    void javaObjectsStayThemselves() throws ScriptException {
      List<String> javaList = new ArrayList<>(List.of("a"));
      Probe probe = new Probe();
      engine.put("jl", javaList);
      engine.put("jp", probe);
      Map<String, Object> m = copy("({jl, deeper: {jp}, c: probe})");
      assertSame(javaList, m.get("jl"));
      assertSame(probe, ((Map<?, ?>) m.get("deeper")).get("jp"));
      assertInstanceOf(Probe.class, m.get("c"));
    }

    @Test
    void symbolsStaySymbols() throws ScriptException {
      assertInstanceOf(JsSymbol.class, copy("({s: Symbol('s')})").get("s"));
    }

    @Test
    void sharedSubObjectsAreTheSameJavaObject() throws ScriptException {
      Map<String, Object> m = copy("var s = {v: 1}; var l = [1]; ({a: s, b: s, arr: [s, l], l})");
      assertSame(m.get("a"), m.get("b"));
      List<?> arr = (List<?>) m.get("arr");
      assertSame(m.get("a"), arr.get(0));
      assertSame(m.get("l"), arr.get(1));
      assertEquals(Map.of("v", 1), m.get("a"));
    }

    @Test
    void cyclesArePreserved() throws ScriptException {
      Map<String, Object> m = copy("var o = {x: 1}; o.self = o; o.kid = {parent: o}; o");
      assertSame(m, m.get("self"));
      assertSame(m, ((Map<?, ?>) m.get("kid")).get("parent"));
      assertEquals(1, m.get("x"));
    }

    @Test
    void arrayCyclesArePreserved() throws ScriptException {
      List<Object> l = ((JsArray) eval("var a = [1]; a.push(a); a.push({back: a}); a")).toJava();
      assertEquals(3, l.size());
      assertSame(l, l.get(1));
      assertSame(l, ((Map<?, ?>) l.get(2)).get("back"));
    }

    @Test
    void gettersRunOnceDuringTheCopy() throws ScriptException {
      Map<String, Object> m = copy("var reads = 0; ({get v() { reads++; return 42 }})");
      assertEquals(42, m.get("v"));
      assertEquals(1, eval("reads"));
    }

    @Test
    void freshObjectsFromGettersAreCopiedEachInTurn() throws ScriptException {
      Map<String, Object> m =
          copy("({get a() { return {x: 1} }, get b() { return {y: 2} }, get c() { return [3] }})");
      assertEquals(Map.of("x", 1), m.get("a"));
      assertEquals(Map.of("y", 2), m.get("b"));
      assertEquals(List.of(3), m.get("c"));
      Map<String, Object> p =
          copy(
              "new Proxy({}, {ownKeys: () => ['a', 'b'],"
                  + " getOwnPropertyDescriptor: () => ({value: 0, enumerable: true, configurable: true}),"
                  + " get: (t, k) => ({k})})");
      assertEquals(Map.of("k", "a"), p.get("a"));
      assertEquals(Map.of("k", "b"), p.get("b"));
    }

    @Test
    void throwingGetterIsAnUncheckedScriptExceptionWithTheJsMessage() throws ScriptException {
      JsObject o = (JsObject) eval("({ok: 1, get boom() { throw new RangeError('getter failed') }})");
      UncheckedScriptException e = assertThrows(UncheckedScriptException.class, o::toJava);
      assertTrue(e.getMessage().contains("getter failed"), e.getMessage());
      JsException js = assertInstanceOf(JsException.class, e.getCause());
      assertEquals("RangeError", js.getErrorName());
      assertEquals(2, eval("1 + 1"), "the engine stays usable");
    }

    @Test
    void throwingProxyTrapIsAnUncheckedScriptException() throws ScriptException {
      JsObject o = (JsObject) eval("({p: new Proxy({}, {ownKeys() { throw new Error('trap') }})})");
      UncheckedScriptException e = assertThrows(UncheckedScriptException.class, o::toJava);
      assertTrue(e.getMessage().contains("trap"), e.getMessage());
    }

    @Test
    void onlyOwnEnumerableStringKeysAreCopied() throws ScriptException {
      Map<String, Object> m =
          copy(
              "const o = Object.create({inherited: 1}); o.own = 2; o[Symbol('s')] = 3;"
                  + " Object.defineProperty(o, 'hidden', {value: 4, enumerable: false}); o");
      assertEquals(Map.of("own", 2), m);
    }

    @Test
    void arrayHolesBecomeNullAndNamedArrayPropertiesAreDropped() throws ScriptException {
      List<Object> l = ((JsArray) eval("const h = [1, , 3]; h.extra = 'x'; h")).toJava();
      assertEquals(java.util.Arrays.asList(1, null, 3), l);
    }

    @Test
    void theCopyIsDetachedFromTheScript() throws ScriptException {
      JsObject o = (JsObject) eval("var live = {a: {b: 1}}; live");
      Map<String, Object> m = o.toJava();
      eval("live.a.b = 2");
      assertEquals(1, ((Map<?, ?>) m.get("a")).get("b"));
      @SuppressWarnings("unchecked")
      Map<String, Object> a = (Map<String, Object>) m.get("a");
      a.put("b", 3);
      assertEquals(2, eval("live.a.b"));
    }

    @Test
    void millionDeepObjectNestingIsACleanRangeError() throws ScriptException {
      JsObject o =
          (JsObject) eval("let o2 = {}; for (let i = 0; i < 1000000; i++) o2 = {c: o2}; ({o2})");
      UncheckedScriptException e = assertThrows(UncheckedScriptException.class, o::toJava);
      assertTrue(e.getMessage().startsWith("RangeError: too deeply nested to copy"), e.getMessage());
      assertEquals(2, eval("1 + 1"), "the engine stays usable");
    }

    @Test
    void millionDeepArrayNestingIsACleanRangeError() throws ScriptException {
      JsArray a = (JsArray) eval("let a2 = []; for (let i = 0; i < 1000000; i++) a2 = [a2]; a2");
      UncheckedScriptException e = assertThrows(UncheckedScriptException.class, a::toJava);
      assertTrue(e.getMessage().startsWith("RangeError: too deeply nested to copy"), e.getMessage());
      assertEquals(2, eval("1 + 1"), "the engine stays usable");
    }

    @Test
    void aThousandLevelsCopyAndOneMoreIsARangeError() throws Exception {
      engine.eval("function chain(n) { let a = []; for (let i = 1; i < n; i++) a = [a]; return a }");
      List<?> copy = ((JsArray) invoke("chain", 1000)).toJava();
      int depth = 1;
      for (List<?> l = copy; !l.isEmpty(); l = (List<?>) l.get(0)) {
        depth++;
      }
      assertEquals(1000, depth);
      JsArray tooDeep = (JsArray) invoke("chain", 1001);
      assertThrows(UncheckedScriptException.class, tooDeep::toJava);
    }

    /**
     * Every depth either copies or fails with UncheckedScriptException; a thread with the JVM's
     * default 1 MB stack must never see a StackOverflowError from the copy.
     */
    @Test
    void nestingJustBelowTheNativeLimitNeverOverflowsTheJavaStack() throws Exception {
      engine.eval("function nest(n) { let o = {}; for (let i = 0; i < n; i++) o = {c: o}; return o }");
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread t =
          new Thread(
              null,
              () -> {
                for (int depth = 2000; depth <= 8000; depth += 100) {
                  try {
                    ((JsObject) invoke("nest", depth)).toJava();
                  } catch (UncheckedScriptException expected) {
                    // a clean stack overflow from the native side
                  } catch (Throwable other) {
                    failure.set(new AssertionError("depth " + depth + ": " + other, other));
                    return;
                  }
                }
              },
              "one-megabyte-stack",
              1 << 20);
      t.start();
      t.join();
      if (failure.get() != null) {
        fail(failure.get());
      }
    }

    @Test
    void arrayLengthBeyondAJavaListIsARangeError() throws ScriptException {
      JsObject o = (JsObject) eval("var huge = []; huge.length = 2 ** 32 - 1; ({huge})");
      UncheckedScriptException e = assertThrows(UncheckedScriptException.class, o::toJava);
      assertEquals("RangeError", ((JsException) e.getCause()).getErrorName());
    }

    @Test
    void hundredThousandObjectsCopyCorrectly() throws ScriptException {
      List<Object> l =
          ((JsArray)
                  eval("Array.from({length: 100000}, (_, i) => ({i, name: 'n' + i, tags: [i % 7]}))"))
              .toJava();
      assertEquals(100_000, l.size());
      for (int i : new int[] {0, 1, 49_999, 99_999}) {
        Map<?, ?> e = assertInstanceOf(LinkedHashMap.class, l.get(i));
        assertEquals(i, e.get("i"));
        assertEquals("n" + i, e.get("name"));
        assertEquals(List.of(i % 7), e.get("tags"));
      }
      assertNotNull(l.get(99_999));
    }

    @Test
    void emptyObjectCopiesToAnEmptyMap() throws ScriptException {
      Map<String, Object> m = copy("({})");
      assertEquals(Map.of(), m);
      assertNull(m.get("missing"));
    }
  }
}
