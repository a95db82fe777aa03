package dev.qjs.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.qjs.JsArray;
import dev.qjs.JsException;
import dev.qjs.JsObject;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Tag;

/**
 * Jazzer targets for value conversions both ways. {@link #roundTrip}: a nested value built from
 * the input (maps, lists, strings with lone surrogates and NULs, ints, longs, doubles with -0, NaN
 * and infinities, BigIntegers, byte arrays) goes into JavaScript as a binding and as an argument,
 * is deep-copied there and comes back with {@link JsObject#toJava()} equal; written as JavaScript
 * source it evaluates to the same; written as JSON and read back it is the same. {@link
 * #jsonText}: any text given to {@code parseJson} is a value or a {@link JsException}, and JSON
 * written from the value reads back to the same JSON.
 */
// replays the whole fuzz corpus: emulation (qemu-user) stretches it to tens of
// minutes, so native-libs/test-emulated.sh leaves it out
@Tag("slow-under-emulation")
class ValueConversionFuzzTest {
  /** JS side of the round trip: copies host lists, maps and arrays into plain JS values. */
  static final String DEEP_COPY =
      """
      function __deepCopy(v) {
        if (v === null || typeof v !== 'object') return v;
        if (ArrayBuffer.isView(v)) return v;
        if (Array.isArray(v)) {
          const out = [];
          for (let i = 0; i < v.length; i++) out.push(__deepCopy(v[i]));
          return out;
        }
        const out = {};
        for (const k of Object.keys(v)) {
          Object.defineProperty(out, k,
              {value: __deepCopy(v[k]), enumerable: true, writable: true, configurable: true});
        }
        return out;
      }
      function __id(v) { return v; }
      """;

  /** The first byte picks JSON-safe values (all three ways) or exotic ones (no JSON). */
  @FuzzTest(maxDuration = "30s")
  void roundTrip(FuzzedDataProvider data) throws Exception {
    boolean exotic = data.consumeBoolean();
    Object value = randomValue(new FuzzedRandom(data), 0, exotic);
    try (QuickJsScriptEngine engine =
        (QuickJsScriptEngine) new QuickJsScriptEngineFactory().getScriptEngine()) {
      engine.eval(DEEP_COPY);
      javaToJsAndBack(engine, value);
      jsSourceToJava(engine, value);
      if (!exotic) {
        jsonBothWays(engine, value);
      }
      assertEquals(2, engine.eval("1 + 1"), "the engine works after the input");
    }
  }

  @FuzzTest(maxDuration = "30s")
  void jsonText(FuzzedDataProvider data) throws Exception {
    try (QuickJsScriptEngine engine = EvalFuzzTest.newEngine()) {
      parseJsonOnce(engine, data.consumeRemainingAsString());
    }
  }

  static void javaToJsAndBack(QuickJsScriptEngine engine, Object v) throws Exception {
    Object expected = normalize(v);
    engine.put("__v", v);
    Object direct = engine.eval("__v");
    if (!(v instanceof Map || v instanceof List)) {
      assertSame(expected, direct, "a primitive through a binding");
      assertSame(expected, engine.invokeFunction("__id", v), "a primitive as an argument");
    }
    assertSame(expected, toJava(engine.eval("__deepCopy(__v)")), "a deep copy made in JS");
    engine.put("__v", null);
  }

  static void jsSourceToJava(QuickJsScriptEngine engine, Object v) throws Exception {
    String src = "(" + jsSource(v) + ")";
    assertSame(normalize(v), toJava(engine.eval(src)), "eval of " + abbreviate(src));
  }

  static void jsonBothWays(QuickJsScriptEngine engine, Object v) throws Exception {
    String json = engine.toJson(v);
    Object back = toJava(engine.parseJson(Objects.requireNonNull(json)));
    // JSON writes -0 as 0
    assertSame(normalize(minusZeroToZero(v)), back, "JSON " + abbreviate(json));
  }

  /**
   * The JSON text property: a value or a JsException; the value survives a deep copy to Java,
   * and writing it and reading it back is stable: toJson(parse(toJson(parse(x)))) ==
   * toJson(parse(x)).
   */
  static void parseJsonOnce(QuickJsScriptEngine engine, String text) throws Exception {
    Object parsed;
    try {
      parsed = engine.parseJson(text);
    } catch (JsException expected) {
      assertEquals(2, engine.eval("1 + 1"), "the engine works after a JSON syntax error");
      return;
    }
    toJava(parsed);
    String once = engine.toJson(parsed);
    if (once != null) {
      String twice = engine.toJson(engine.parseJson(once));
      assertEquals(once, twice, "JSON written, read and written again changed");
    }
  }

  static Object toJava(Object o) {
    if (o instanceof JsObject j) {
      return j.toJava();
    }
    if (o instanceof JsArray a) {
      return a.toJava();
    }
    return o;
  }

  // ------------------------------------------------------------- generator ---

  /** A random value; {@code exotic}: also BigIntegers, byte[], NaN and infinities. */
  static Object randomValue(Random r, int depth, boolean exotic) {
    int k = r.nextInt(depth > 4 ? 8 : 11);
    switch (k) {
      case 0:
        return null;
      case 1:
        return r.nextBoolean();
      case 2:
        return r.nextInt(4) == 0 ? new int[] {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE}[
            r.nextInt(5)] : r.nextInt();
      case 3:
        {
          long[] edges = {
            (1L << 53) - 1, -(1L << 53) + 1, 1L << 53, -(1L << 53), Long.MAX_VALUE, Long.MIN_VALUE,
            1L << 31, -(1L << 31) - 1, 0
          };
          long l = r.nextBoolean() ? edges[r.nextInt(edges.length)] : r.nextLong() >> r.nextInt(64);
          // JSON has no BigInt: keep longs in the range that becomes a number
          return exotic ? l : Math.max(-(1L << 53), Math.min(1L << 53, l));
        }
      case 4:
        {
          double[] edges = {0.0, -0.0, 0.5, -1e-300, Double.MIN_VALUE, Double.MAX_VALUE, 1e21,
            2147483648.0, -2147483649.0, 9007199254740993.0, 3.0, 0.1 + 0.2};
          double[] exotics = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
          if (exotic && r.nextInt(8) == 0) {
            return exotics[r.nextInt(exotics.length)];
          }
          return r.nextBoolean() ? edges[r.nextInt(edges.length)]
              : r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20);
        }
      case 5:
      case 6:
        return JsGrammar.randomString(r, r.nextInt(4) == 0 ? 200 : 12);
      case 7:
        if (!exotic) {
          return JsGrammar.randomString(r, 3);
        }
        if (r.nextBoolean()) {
          byte[] b = new byte[r.nextInt(40)];
          r.nextBytes(b);
          return b;
        }
        {
          BigInteger b = new BigInteger(1 + r.nextInt(r.nextBoolean() ? 70 : 600), r);
          return r.nextBoolean() ? b.negate() : b;
        }
      case 8:
      case 9:
        {
          int n = r.nextInt(6);
          List<Object> l = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            l.add(randomValue(r, depth + 1, exotic));
          }
          return l;
        }
      default:
        {
          int n = r.nextInt(6);
          Map<String, Object> m = new LinkedHashMap<>();
          for (int i = 0; i < n; i++) {
            String key = r.nextInt(4) == 0
                ? new String[] {"0", "1", "4294967295", "__proto__", "constructor", "", "-1",
                  "toString", "length", "\uD800"}[r.nextInt(10)]
                : JsGrammar.randomString(r, 6);
            m.put(key, randomValue(r, depth + 1, exotic));
          }
          return m;
        }
    }
  }

  /** What a Java value is expected to come back as from JavaScript. */
  static Object normalize(Object v) {
    if (v instanceof Long l) {
      // the engine's rule: |l| <= 2^53 is a number, beyond that a BigInt
      if (l >= -(1L << 53) && l <= (1L << 53)) {
        return number((double) l);
      }
      return BigInteger.valueOf(l);
    }
    if (v instanceof Double d) {
      return number(d);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object o : l) {
        out.add(normalize(o));
      }
      return out;
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new HashMap<>();
      m.forEach((k, x) -> out.put((String) k, normalize(x)));
      return out;
    }
    return v;
  }

  static Object minusZeroToZero(Object v) {
    if (v instanceof Double d && d == 0) {
      return 0.0;
    }
    if (v instanceof List<?> l) {
      return l.stream().map(ValueConversionFuzzTest::minusZeroToZero).toList();
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new HashMap<>();
      m.forEach((k, x) -> out.put((String) k, minusZeroToZero(x)));
      return out;
    }
    return v;
  }

  static Object number(double d) {
    if (d == Math.rint(d) && !(d == 0 && 1 / d < 0) && d >= Integer.MIN_VALUE
        && d <= Integer.MAX_VALUE) {
      return (int) d;
    }
    return d;
  }

  /** JavaScript source for a value: the other way into the engine. */
  static String jsSource(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return "'" + JsGrammar.jsEscape(s) + "'";
    }
    if (v instanceof Double d) {
      if (d.isNaN()) {
        return "NaN";
      }
      if (d.isInfinite()) {
        return d > 0 ? "Infinity" : "-Infinity";
      }
      return d == 0 && 1 / d < 0 ? "-0" : "(" + d + ")";
    }
    if (v instanceof Long l) {
      return normalize(l) instanceof BigInteger ? "(" + l + "n)" : "(" + l + ")";
    }
    if (v instanceof BigInteger b) {
      return "(" + b + "n)";
    }
    if (v instanceof byte[] b) {
      StringBuilder sb = new StringBuilder("new Uint8Array([");
      for (byte x : b) {
        sb.append(x & 0xff).append(',');
      }
      return sb.append("])").toString();
    }
    if (v instanceof List<?> l) {
      StringBuilder sb = new StringBuilder("[");
      for (Object o : l) {
        sb.append(jsSource(o)).append(", ");
      }
      return sb.append("]").toString();
    }
    if (v instanceof Map<?, ?> m) {
      // computed keys: "__proto__" as a plain own property, like the Java map's entry
      StringBuilder sb = new StringBuilder("{");
      m.forEach((k, x) -> sb.append("['").append(JsGrammar.jsEscape((String) k))
          .append("']: ").append(jsSource(x)).append(", "));
      return sb.append("}").toString();
    }
    return "(" + v + ")";
  }

  // ------------------------------------------------------------ comparison ---

  static void assertSame(Object expected, Object actual, String what) {
    assertTrue(deepEquals(expected, actual),
        () -> what + ": expected " + show(expected) + " but got " + show(actual));
  }

  static boolean deepEquals(Object a, Object b) {
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.equals(x, y);
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!deepEquals(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        if (!y.containsKey(e.getKey()) || !deepEquals(e.getValue(), y.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    return Objects.equals(a, b); // Double.equals: NaN equals NaN, -0.0 differs from 0.0
  }

  static String show(Object o) {
    if (o == null) {
      return "null";
    }
    if (o instanceof byte[] b) {
      return "byte[]" + Arrays.toString(b);
    }
    if (o instanceof String s) {
      StringBuilder sb = new StringBuilder("\"");
      s.chars().forEach(c -> sb.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c)
          : String.valueOf((char) c)));
      return sb.append('"').toString();
    }
    if (o instanceof List<?> l) {
      return l.stream().map(ValueConversionFuzzTest::show).toList().toString();
    }
    if (o instanceof Map<?, ?> m) {
      StringBuilder sb = new StringBuilder("{");
      m.forEach((k, v) -> sb.append(show(k)).append('=').append(show(v)).append(", "));
      return sb.append('}').toString();
    }
    return o + " (" + o.getClass().getSimpleName() + ")";
  }

  static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
