package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** How values cross between Java and JavaScript, both ways. */
class ValuesTest {
  private ScriptEngine engine;

  @BeforeEach
  void setUp() {
    engine = new ScriptEngineManager().getEngineByName("quickjs");
  }

  @AfterEach
  void tearDown() throws Exception {
    ((AutoCloseable) engine).close();
  }

  private Object eval(String s) throws ScriptException {
    return engine.eval(s);
  }

  /** Puts v as {@code v} and returns what JS says about it. */
  private Object probe(Object v, String expr) throws ScriptException {
    engine.put("v", v);
    return engine.eval(expr);
  }

  private boolean jsSame(Object a, Object b) throws Exception {
    engine.eval("function __same(a, b) { return a === b }");
    return (Boolean) ((Invocable) engine).invokeFunction("__same", a, b);
  }

  @Nested
  class Numbers {
    @Test
    void integralNumbersThatFitBecomeInteger() throws ScriptException {
      assertEquals(Integer.valueOf(1), eval("1"));
      assertEquals(Integer.valueOf(0), eval("0"));
      assertEquals(Integer.valueOf(Integer.MAX_VALUE), eval("2**31 - 1"));
      assertEquals(Integer.valueOf(Integer.MIN_VALUE), eval("-(2**31)"));
      assertEquals(Integer.valueOf(5), eval("10 / 2"));
      assertEquals(Integer.valueOf(4), eval("4.0"));
      assertEquals(Integer.valueOf(3), eval("Math.sqrt(9)"));
    }

    @Test
    void fractionalOrOutOfRangeNumbersBecomeDouble() throws ScriptException {
      assertEquals(Double.valueOf(1.5), eval("1.5"));
      assertEquals(Double.valueOf(0.1 + 0.2), eval("0.1 + 0.2"));
      assertEquals(Double.valueOf(2147483648.0), eval("2**31"));
      assertEquals(Double.valueOf(-2147483649.0), eval("-(2**31) - 1"));
      assertEquals(Double.valueOf(9007199254740992.0), eval("2**53"));
      assertEquals(Double.valueOf(Double.MAX_VALUE), eval("Number.MAX_VALUE"));
      assertEquals(Double.valueOf(Double.MIN_VALUE), eval("Number.MIN_VALUE"));
    }

    @Test
    void negativeZeroStaysANegativeDouble() throws ScriptException {
      Object z = eval("-0");
      assertInstanceOf(Double.class, z);
      assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) z));
      assertInstanceOf(Double.class, eval("0 * -1"));
      assertEquals(true, probe(-0.0, "Object.is(v, -0)"));
      assertEquals(true, probe(0.0, "Object.is(v, 0)"));
    }

    @Test
    void nanAndInfinitiesAreKept() throws ScriptException {
      assertTrue(((Double) eval("NaN")).isNaN());
      assertEquals(Double.POSITIVE_INFINITY, eval("Infinity"));
      assertEquals(Double.NEGATIVE_INFINITY, eval("-Infinity"));
      assertEquals(Double.POSITIVE_INFINITY, eval("1e308 * 10"));
      assertEquals(true, probe(Double.NaN, "Number.isNaN(v)"));
      assertEquals(true, probe(Double.POSITIVE_INFINITY, "v === Infinity"));
      assertEquals(true, probe(Float.NEGATIVE_INFINITY, "v === -Infinity"));
    }

    @Test
    void javaNumbersArriveAsJsNumbers() throws ScriptException {
      assertEquals("number 7", probe(7, "typeof v + ' ' + v"));
      assertEquals("number 7", probe((short) 7, "typeof v + ' ' + v"));
      assertEquals("number -7", probe((byte) -7, "typeof v + ' ' + v"));
      assertEquals("number 1.5", probe(1.5f, "typeof v + ' ' + v"));
      assertEquals("number 2.25", probe(2.25, "typeof v + ' ' + v"));
      assertEquals("number 0.5", probe(new BigDecimal("0.5"), "typeof v + ' ' + v"));
      assertEquals("number 3", probe(new java.util.concurrent.atomic.AtomicInteger(3), "typeof v + ' ' + v"));
    }

    @Test
    void doubleThatIsIntegralComesBackAsInteger() throws ScriptException {
      engine.put("d", 3.0);
      assertEquals(Integer.valueOf(3), eval("d"));
    }

    @Test
    void longWithinSafeRangeIsANumber() throws ScriptException {
      assertEquals("number", probe(5L, "typeof v"));
      assertEquals(true, probe(5L, "v === 5"));
      assertEquals("number", probe(1L << 53, "typeof v"));
      assertEquals(true, probe(1L << 53, "v === 2**53"));
      assertEquals(true, probe(-(1L << 53), "v === -(2**53)"));
      assertEquals(true, probe(3_000_000_000L, "v === 3e9"));
    }

    @Test
    void longBeyondSafeRangeIsABigIntWithoutPrecisionLoss() throws ScriptException {
      assertEquals("bigint", probe(Long.MAX_VALUE, "typeof v"));
      assertEquals(true, probe(Long.MAX_VALUE, "v === 9223372036854775807n"));
      assertEquals(true, probe(Long.MIN_VALUE, "v === -9223372036854775808n"));
      assertEquals(true, probe((1L << 53) + 1, "v === 9007199254740993n"));
      assertEquals(BigInteger.valueOf(Long.MAX_VALUE), probe(Long.MAX_VALUE, "v"));
      assertEquals(BigInteger.valueOf((1L << 53) + 1), probe((1L << 53) + 1, "v"));
    }
  }

  @Nested
  class BigInts {
    @Test
    void bigIntBecomesBigInteger() throws ScriptException {
      assertEquals(BigInteger.valueOf(123), eval("123n"));
      assertEquals(BigInteger.ZERO, eval("0n"));
      assertEquals(BigInteger.valueOf(-5), eval("-5n"));
    }

    @Test
    void hugeAndNegativeBigIntsAreExact() throws ScriptException {
      assertEquals(BigInteger.TWO.pow(1000).negate(), eval("-(2n ** 1000n)"));
      assertEquals(BigInteger.TEN.pow(5000).add(BigInteger.ONE), eval("10n ** 5000n + 1n"));
    }

    @Test
    void bigIntegerBecomesBigInt() throws ScriptException {
      BigInteger huge = BigInteger.TEN.pow(1000).negate().subtract(BigInteger.valueOf(7));
      assertEquals("bigint", probe(huge, "typeof v"));
      assertEquals(huge.add(BigInteger.ONE), probe(huge, "v + 1n"));
      assertEquals(huge, probe(huge, "v"));
      assertEquals(true, probe(BigInteger.ZERO, "v === 0n"));
      assertEquals(true, probe(BigInteger.valueOf(-1), "v === -1n"));
    }
  }

  @Nested
  class Booleans {
    @Test
    void booleansCrossBothWays() throws ScriptException {
      assertEquals(Boolean.TRUE, eval("true"));
      assertEquals(Boolean.FALSE, eval("1 > 2"));
      assertEquals("boolean false", probe(false, "typeof v + ' ' + v"));
      assertEquals(true, probe(true, "v === true"));
    }
  }

  @Nested
  class Strings {
    @Test
    void stringsCrossExactly() throws ScriptException {
      assertEquals("", eval("''"));
      assertEquals("h\u00e9llo", eval("'h\\u00e9llo'"));
      assertEquals("\u65e5\u672c", eval("'\\u65e5\\u672c'"));
      assertEquals("\uD83D\uDE00", eval("'\\u{1F600}'"));
      assertEquals("", probe("", "v"));
      assertEquals("string 0", probe("", "typeof v + ' ' + v.length"));
    }

    @Test
    void loneSurrogatesCrossBothWays() throws ScriptException {
      assertEquals("\uD800", eval("'\\uD800'"));
      assertEquals("\uDC00", eval("'\\uDC00'"));
      assertEquals("a\uDBFFb", eval("'a' + String.fromCharCode(0xDBFF) + 'b'"));
      assertEquals("55296", probe("\uD800", "String(v.charCodeAt(0))"));
      assertEquals("56320", probe("\uDC00", "String(v.charCodeAt(0))"));
      assertEquals("2 56320 55296", probe("\uDC00\uD800", "v.length + ' ' + v.charCodeAt(0) + ' ' + v.charCodeAt(1)"));
      assertEquals("\uDC00\uD800", probe("\uDC00\uD800", "v"));
    }

    @Test
    void nulCharsCrossBothWays() throws ScriptException {
      assertEquals("a\0b", eval("'a\\0b'"));
      assertEquals("3 0", probe("a\0b", "v.length + ' ' + v.charCodeAt(1)"));
      assertEquals("\0\0", probe("\0\0", "v"));
      assertEquals("x\0\u20ac", probe("x\0\u20ac", "v"));
    }

    @Test
    void everyUtf16CodeUnitRoundTrips() throws ScriptException {
      StringBuilder sb = new StringBuilder(0x10000);
      for (int c = 0; c <= 0xFFFF; c++) {
        sb.append((char) c);
      }
      String all = sb.toString();
      engine.put("all", all);
      assertEquals(0x10000, eval("all.length"));
      assertEquals(true, eval("[...Array(65536).keys()].every(i => all.charCodeAt(i) === i)"));
      assertEquals(all, eval("all"));
      assertEquals(all, eval("all.split('').join('')"));
    }

    @Test
    void latin1OnlyStringsRoundTrip() throws ScriptException {
      StringBuilder sb = new StringBuilder();
      for (int c = 0; c <= 0xFF; c++) {
        sb.append((char) c);
      }
      assertEquals(sb.toString(), probe(sb.toString(), "v"));
      assertEquals(sb.toString(), eval("Array.from({length: 256}, (_, i) => String.fromCharCode(i)).join('')"));
    }

    @Test
    void tenMegabyteStringRoundTrips() throws ScriptException {
      String big = "ab\u00e9\u65e5\uD83D\uDE00\0\uD800".repeat(1_250_000); // 10 M chars, wide
      assertEquals(10_000_000, big.length());
      engine.put("s", big);
      assertEquals(10_000_000, eval("s.length"));
      assertEquals(big, eval("s"));
    }

    @Test
    void tenMegabyteLatin1StringRoundTrips() throws ScriptException {
      String big = "0123456789".repeat(1_000_000);
      engine.put("s", big);
      assertEquals(10_000_000, eval("s.length"));
      assertEquals(big, eval("s"));
    }

    @Test
    void tenMegabyteStringMadeInJsArrives() throws ScriptException {
      Object s = eval("'\\u00e9\\u65e5'.repeat(5_000_000)");
      assertEquals("\u00e9\u65e5".repeat(5_000_000), s);
    }

    @Test
    void charSequencesBecomeStrings() throws ScriptException {
      assertEquals("string abc", probe(new StringBuilder("abc"), "typeof v + ' ' + v"));
    }

    @Test
    void characterBecomesAOneCharString() throws ScriptException {
      assertEquals(true, probe('x', "typeof v === 'string' && v === 'x'"));
      assertEquals(true, probe('\u65e5', "v === '\\u65e5'"));
      assertEquals(true, probe('\uD800', "v.length === 1 && v.charCodeAt(0) === 0xD800"));
      assertEquals(true, probe('\0', "v === '\\0'"));
      assertEquals("x", probe('x', "v"));
    }

    @Test
    void stringsInsideObjectsAndArraysCrossExactly() throws ScriptException {
      JsObject o = (JsObject) eval("({ s: '\\uD800\\u0000\\uD83D\\uDE00' })");
      assertEquals("\uD800\0\uD83D\uDE00", o.get("s"));
      JsArray a = (JsArray) eval("['\\uDC00', '']");
      assertEquals(List.of("\uDC00", ""), new ArrayList<>(a));
    }
  }

  @Nested
  class Objects {
    @Test
    void objectBecomesALiveMap() throws ScriptException {
      Object v = eval("var o = { a: 1, b: 'two' }; o");
      JsObject o = assertInstanceOf(JsObject.class, v);
      assertInstanceOf(Map.class, o);
      assertEquals(1, o.get("a"));
      assertEquals("two", o.get("b"));
      assertEquals(2, o.size());
      assertEquals(List.of("a", "b"), new ArrayList<>(o.keySet()));
    }

    @Test
    void javaWritesAreVisibleInJs() throws ScriptException {
      JsObject o = (JsObject) eval("var o = { a: 1 }; o");
      assertEquals(1, o.put("a", 10));
      o.put("c", "new");
      o.setMember("d", 4);
      assertEquals("10 new 4", eval("o.a + ' ' + o.c + ' ' + o.d"));
      o.remove("a");
      assertEquals(false, eval("'a' in o"));
      assertNull(o.get("a"));
    }

    @Test
    void jsWritesAreVisibleInJava() throws ScriptException {
      JsObject o = (JsObject) eval("var o = {}; o");
      eval("o.later = 'set in JS'; o.n = 2");
      assertEquals("set in JS", o.get("later"));
      assertTrue(o.containsKey("n"));
      assertEquals(2, o.size());
      eval("delete o.n");
      assertFalse(o.containsKey("n"));
    }

    @Test
    void entrySetValueAndIteratorRemoveWriteThrough() throws ScriptException {
      JsObject o = (JsObject) eval("var o = { x: 1, y: 2 }; o");
      for (Iterator<Map.Entry<String, Object>> it = o.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Object> e = it.next();
        if (e.getKey().equals("x")) {
          e.setValue(100);
        } else {
          it.remove();
        }
      }
      assertEquals("100 false", eval("o.x + ' ' + ('y' in o)"));
    }

    @Test
    void nestedObjectsAreMirrorsToo() throws ScriptException {
      JsObject o = (JsObject) eval("({ inner: { deep: [1, { x: 'y' }] } })");
      JsObject inner = (JsObject) o.get("inner");
      JsArray deep = (JsArray) inner.get("deep");
      assertEquals("y", ((JsObject) deep.get(1)).get("x"));
    }

    @Test
    void memberHelpersWork() throws ScriptException {
      JsObject o = (JsObject) eval("({ n: 2, times(k) { return this.n * k } })");
      assertEquals(6, o.callMember("times", 3));
      assertTrue(o.hasMember("toString"));
      assertFalse(o.containsKey("toString"));
      assertThrows(UncheckedScriptException.class, () -> o.callMember("nope"));
    }

    @Test
    void throwingGetterIsAnUncheckedScriptException() throws ScriptException {
      JsObject o = (JsObject) eval("({ get bad() { throw new TypeError('getter says no') } })");
      UncheckedScriptException e = assertThrows(UncheckedScriptException.class, () -> o.get("bad"));
      assertTrue(e.getMessage().startsWith("TypeError: getter says no"), e.getMessage());
      assertInstanceOf(JsException.class, e.getCause());
    }

    @Test
    void hostileProxyFailsCleanly() throws ScriptException {
      JsObject p =
          (JsObject)
              eval("new Proxy({}, { ownKeys() { throw new Error('no keys') }, get() { throw new Error('no get') } })");
      assertThrows(UncheckedScriptException.class, p::keySet);
      assertThrows(UncheckedScriptException.class, () -> p.get("x"));
      assertEquals(2, eval("1 + 1"));
    }

    @Test
    void toStringIsJsToString() throws ScriptException {
      assertEquals("[object Object]", eval("({})").toString());
      assertEquals("custom", eval("({ toString() { return 'custom' } })").toString());
    }
  }

  @Nested
  class Arrays {
    @Test
    void arrayBecomesALiveList() throws ScriptException {
      JsArray a = assertInstanceOf(JsArray.class, eval("var arr = [1, 'two', 3.5]; arr"));
      assertInstanceOf(List.class, a);
      assertEquals(3, a.size());
      assertEquals(1, a.get(0));
      assertEquals("two", a.get(1));
      assertEquals(3.5, a.get(2));
    }

    @Test
    void setAddRemoveWriteThrough() throws ScriptException {
      JsArray a = (JsArray) eval("var arr = [1, 2, 3]; arr");
      assertEquals(2, a.set(1, "zwei"));
      assertTrue(a.add(4));
      a.add(0, "first");
      assertEquals("first,1,zwei,3,4", eval("arr.join()"));
      assertEquals("first", a.remove(0));
      assertEquals(4, a.remove(3));
      assertEquals("1,zwei,3", eval("arr.join()"));
      assertEquals(3, a.size());
    }

    @Test
    void jsChangesAreVisibleInJava() throws ScriptException {
      JsArray a = (JsArray) eval("var arr = []; arr");
      eval("arr.push('a', 'b'); arr[5] = 'f'");
      assertEquals(6, a.size());
      assertEquals("f", a.get(5));
      assertNull(a.get(3)); // a hole
    }

    @Test
    void iterationAndToArraySeeAllElements() throws ScriptException {
      JsArray a = (JsArray) eval("[10, 'x', null, true, , 2.5]");
      List<Object> seen = new ArrayList<>();
      for (Object o : a) {
        seen.add(o);
      }
      assertEquals(java.util.Arrays.asList(10, "x", null, true, null, 2.5), seen);
      assertArrayEquals(new Object[] {10, "x", null, true, null, 2.5}, a.toArray());
      assertArrayEquals(new Object[] {10, "x", null, true, null, 2.5}, a.toArray(new Object[0]));
    }

    @Test
    void outOfRangeIndexesThrow() throws ScriptException {
      JsArray a = (JsArray) eval("[1]");
      assertThrows(IndexOutOfBoundsException.class, () -> a.get(1));
      assertThrows(IndexOutOfBoundsException.class, () -> a.get(-1));
      assertThrows(IndexOutOfBoundsException.class, () -> a.set(5, 0));
      assertThrows(IndexOutOfBoundsException.class, () -> a.add(3, 0));
      assertThrows(IndexOutOfBoundsException.class, () -> a.remove(1));
      assertEquals(1, a.size());
    }

    @Test
    void clearEmptiesTheJsArray() throws ScriptException {
      JsArray a = (JsArray) eval("var arr = [1, 2, 3]; arr");
      a.clear();
      assertEquals(0, eval("arr.length"));
      assertTrue(a.isEmpty());
    }

    @Test
    void collectionsSortWritesThrough() throws ScriptException {
      @SuppressWarnings({"unchecked", "rawtypes"})
      List<Comparable> a = (List<Comparable>) (List) eval("var arr = [3, 1, 2]; arr");
      Collections.sort(a);
      assertEquals("1,2,3", eval("arr.join()"));
    }

    @Test
    void largeArrayCrosses() throws ScriptException {
      JsArray a = (JsArray) eval("Array.from({ length: 100000 }, (_, i) => i)");
      assertEquals(100000, a.size());
      Object[] all = a.toArray();
      assertEquals(99999, all[99999]);
    }

    @Test
    void toStringJoinsTheElements() throws ScriptException {
      assertEquals("1,2,3", eval("[1, 2, 3]").toString());
    }
  }

  @Nested
  class Functions {
    @Test
    void functionBecomesACallableMirror() throws ScriptException {
      JsFunction add = assertInstanceOf(JsFunction.class, eval("(a, b) => a + b"));
      assertEquals(3, add.call(1, 2));
      assertEquals("ab", add.call("a", "b"));
      assertEquals(2, add.getMember("length"));
    }

    @Test
    void callOnBindsThis() throws ScriptException {
      JsFunction f = (JsFunction) eval("(function (k) { return this.n * k })");
      JsObject thiz = (JsObject) eval("({ n: 7 })");
      assertEquals(14, f.callOn(thiz, 2));
    }

    @Test
    void callWithoutArgumentsPassesNone() throws ScriptException {
      JsFunction f = (JsFunction) eval("(function () { return arguments.length })");
      assertEquals(0, f.call());
      assertEquals(0, f.call((Object[]) null));
      assertEquals(1, f.call((Object) null));
    }

    @Test
    void throwingFunctionIsAnUncheckedScriptException() throws ScriptException {
      JsFunction f = (JsFunction) eval("() => { throw new RangeError('out') }");
      UncheckedScriptException e = assertThrows(UncheckedScriptException.class, f::call);
      JsException cause = assertInstanceOf(JsException.class, e.getCause());
      assertEquals("RangeError", cause.getErrorName());
    }

    @Test
    void callbackCanReenterTheEngine() throws ScriptException {
      JsFunction f = (JsFunction) eval("(x) => x * 2");
      engine.put("f", f);
      assertEquals(42, eval("f(21)"));
    }

    @Test
    void functionOfAClosedEngineFailsCleanly() throws Exception {
      ScriptEngine other = new ScriptEngineManager().getEngineByName("quickjs");
      JsFunction f = (JsFunction) other.eval("() => 1");
      ((AutoCloseable) other).close();
      assertThrows(IllegalStateException.class, f::call);
    }
  }

  @Nested
  class Symbols {
    @Test
    void symbolBecomesJsSymbol() throws ScriptException {
      JsSymbol s = assertInstanceOf(JsSymbol.class, eval("Symbol('id')"));
      assertEquals("Symbol(id)", s.toString());
    }

    @Test
    void symbolPassedBackIsTheSameSymbol() throws Exception {
      JsSymbol s = (JsSymbol) eval("var s1 = Symbol('k'); s1");
      engine.put("s2", s);
      assertEquals(true, eval("s1 === s2"));
      assertTrue(jsSame(s, eval("s1")));
    }

    @Test
    void registeredSymbolsAreEqual() throws ScriptException {
      assertEquals(eval("Symbol.for('shared')"), eval("Symbol.for('shared')"));
      assertNotEquals(eval("Symbol('a')"), eval("Symbol('a')"));
    }
  }

  @Nested
  class Identity {
    @Test
    void mirrorsPassedBackAreTheSameValue() throws Exception {
      JsObject o = (JsObject) eval("var o = {}; o");
      JsArray a = (JsArray) eval("var a = []; a");
      JsFunction f = (JsFunction) eval("var f = function () {}; f");
      engine.put("o2", o);
      engine.put("a2", a);
      engine.put("f2", f);
      assertEquals(true, eval("o === o2 && a === a2 && f === f2"));
      assertTrue(jsSame(o, eval("o")));
      assertTrue(jsSame(a, eval("a")));
      assertTrue(jsSame(f, eval("f")));
      assertFalse(jsSame(o, eval("({})")));
    }

    @Test
    void equalMirrorsEqualEachOther() throws ScriptException {
      JsObject o1 = (JsObject) eval("var o = {}; o");
      JsObject o2 = (JsObject) eval("o");
      assertEquals(o1, o2);
      assertEquals(o1.hashCode(), o2.hashCode());
      assertEquals(eval("var arr = [1]; arr"), eval("arr"));
      assertEquals(eval("var fn = () => 1; fn"), eval("fn"));
      assertNotEquals(eval("({})"), eval("({})"));
      assertNotEquals(o1, eval("[]"));
    }

    @Test
    void mirrorsOfDifferentEnginesAreNeverEqual() throws Exception {
      ScriptEngine other = new ScriptEngineManager().getEngineByName("quickjs");
      try {
        Object mine = eval("globalThis");
        Object theirs = other.eval("globalThis");
        assertNotEquals(mine, theirs);
      } finally {
        ((AutoCloseable) other).close();
      }
    }

    @Test
    void mirrorOfAnotherEngineComesBackAsItself() throws Exception {
      ScriptEngine other = new ScriptEngineManager().getEngineByName("quickjs");
      try {
        JsObject theirs = (JsObject) other.eval("({ owner: 'other' })");
        engine.put("foreign", theirs);
        assertSame(theirs, eval("foreign"));
      } finally {
        ((AutoCloseable) other).close();
      }
    }

    @Test
    void javaObjectComesBackAsTheSameObject() throws Exception {
      Object token = new Object();
      List<String> list = new ArrayList<>(List.of("x"));
      engine.put("token", token);
      engine.put("list", list);
      assertSame(token, eval("token"));
      assertSame(list, eval("list"));
      assertSame(token, ((JsFunction) eval("(x) => x")).call(token));
      assertSame(token, ((Invocable) engine).invokeFunction("eval", "token"));
      JsArray both = (JsArray) eval("[token, token]");
      assertSame(token, both.get(0));
      assertSame(token, both.get(1));
      JsObject holder = (JsObject) eval("({ held: token })");
      assertSame(token, holder.get("held"));
    }

    @Test
    void javaArraysAndCollectionsAreHeldNotCopied() throws ScriptException {
      int[] ints = {1, 2, 3};
      Map<String, Integer> map = new java.util.HashMap<>(Map.of("a", 1));
      engine.put("ints", ints);
      engine.put("map", map);
      assertSame(ints, eval("ints"));
      assertSame(map, eval("map"));
      assertEquals("object", eval("typeof ints"));
      assertEquals("{a=1}", eval("String(map)"));
    }

    @Test
    void mirrorFromAnotherGlobalOfTheSameEngineIsTheSameObject() throws ScriptException {
      javax.script.Bindings other = engine.createBindings();
      JsObject o = (JsObject) engine.eval("var made = { a: 1 }; made", other);
      engine.put("borrowed", o);
      assertEquals(1, eval("borrowed.a"));
      eval("borrowed.b = 2");
      assertEquals(2, engine.eval("made.b", other));
      assertEquals(o, eval("borrowed"));
    }

    @Test
    void javaObjectToStringIsItsJsString() throws ScriptException {
      Object custom =
          new Object() {
            @Override
            public String toString() {
              return "custom \u00e9 \uD83D\uDE00";
            }
          };
      engine.put("h", custom);
      assertEquals("custom \u00e9 \uD83D\uDE00", eval("String(h)"));
      assertEquals("<custom \u00e9 \uD83D\uDE00>", eval("`<${h}>`"));
      assertEquals("object", eval("typeof h"));
    }

    @Test
    void sameJavaObjectIsTheSameJsValue() throws ScriptException {
      Object token = new Object();
      engine.put("h1", token);
      engine.put("h2", token);
      assertEquals(true, eval("h1 === h2"));
    }

    @Test
    void javaObjectWithNullToStringGivesNull() throws ScriptException {
      engine.put(
          "h",
          new Object() {
            @Override
            public String toString() {
              return null;
            }
          });
      assertEquals("null", eval("String(h)"));
    }
  }
}
