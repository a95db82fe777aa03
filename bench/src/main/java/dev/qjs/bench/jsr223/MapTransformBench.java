package dev.qjs.bench.jsr223;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A 1,000-entry Java {@code Map<String, Object>} into JS and a JSON-shaped object of 1,000
 * entries back, every entry of the result then read on the Java side through the generic
 * {@code Map} interface ({@code entrySet()} of whatever the engine returns). One operation is the
 * whole round trip. The quickjs-only twin that reads through {@code JsObject.toJava()} is
 * {@code dev.qjs.bench.quickjs.QuickJsToJavaTransformBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MapTransformBench {
  public static final int ENTRIES = 1_000;

  /**
   * ES5, the same for every engine. Host maps differ: quickjs and GraalJS show a {@code Map} as
   * an object with its keys ({@code m[k]}, {@code Object.keys}); Nashorn reads {@code m[k]} but
   * lists keys through {@code keySet()}; Rhino reaches the map's Java methods. The script looks
   * once for a {@code keySet} method and uses the engine's own way.
   */
  public static final String SCRIPT =
      "function transform(m) {"
          + " var r = {}, i, k, keys;"
          + " if (typeof m.keySet === 'function') {"
          + "   keys = m.keySet().toArray();"
          + "   for (i = 0; i < keys.length; i++) { k = keys[i]; r[k] = m.get(k) * 2 }"
          + " } else {"
          + "   keys = Object.keys(m);"
          + "   for (i = 0; i < keys.length; i++) { k = keys[i]; r[k] = m[k] * 2 }"
          + " }"
          + " return r }";

  /** The sum of the result's values: 2 * (0 + 1 + ... + 999). */
  public static final double EXPECTED_SUM = 2.0 * ENTRIES * (ENTRIES - 1) / 2;

  @Param({"quickjs"})
  public String engine;

  private ScriptEngine js;
  private Invocable invocable;
  private Map<String, Object> input;
  private double last;

  /** {@code k0 -> 0 ... k999 -> 999}. */
  public static Map<String, Object> input() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < ENTRIES; i++) {
      m.put("k" + i, i);
    }
    return m;
  }

  /** Reads every entry; throws unless there are 1,000 numeric values; returns their sum. */
  public static double readAll(Object result) {
    if (!(result instanceof Map<?, ?> r)) {
      throw new IllegalStateException("transform returned " + result + ", not a Map");
    }
    double sum = 0;
    int n = 0;
    for (Map.Entry<?, ?> e : r.entrySet()) {
      if (!(e.getKey() instanceof String) || !(e.getValue() instanceof Number v)) {
        throw new IllegalStateException("unexpected entry " + e);
      }
      sum += v.doubleValue();
      n++;
    }
    if (n != ENTRIES) {
      throw new IllegalStateException("transform returned " + n + " entries, not " + ENTRIES);
    }
    return sum;
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    js = Engines.create(engine);
    js.eval(SCRIPT);
    invocable = (Invocable) js;
    input = input();
    Engines.check("transform(m), read back", readAll(invocable.invokeFunction("transform", input)),
        EXPECTED_SUM);
  }

  @Benchmark
  public double transformReadEntrySet() throws Exception {
    return last = readAll(invocable.invokeFunction("transform", input));
  }

  @TearDown(Level.Iteration)
  public void checkLast() {
    Engines.check("transform(m) while measuring", last, EXPECTED_SUM);
    last = 0;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    Engines.close(js);
  }
}
