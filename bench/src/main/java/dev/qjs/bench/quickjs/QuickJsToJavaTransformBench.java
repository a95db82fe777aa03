package dev.qjs.bench.quickjs;

import dev.qjs.JsObject;
import dev.qjs.bench.jsr223.Engines;
import dev.qjs.bench.jsr223.MapTransformBench;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * QUICKJS ONLY (uses {@code dev.qjs.JsObject}): the same round trip as {@link MapTransformBench},
 * but the result is read through {@code ((JsObject) r).toJava()}, a deep copy to a plain
 * {@code Map} in one native crossing, instead of the mirror's {@code entrySet()}. Other engines'
 * columns exclude this package ({@code dev.qjs.bench.quickjs}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class QuickJsToJavaTransformBench {
  private ScriptEngine js;
  private Invocable invocable;
  private Map<String, Object> input;
  private double last;

  private static Map<String, Object> copy(Object result) {
    if (!(result instanceof JsObject o)) {
      throw new IllegalStateException("transform returned " + result + ", not a JsObject");
    }
    return o.toJava();
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    js = Engines.create("quickjs");
    js.eval(MapTransformBench.SCRIPT);
    invocable = (Invocable) js;
    input = MapTransformBench.input();
    Object r = copy(invocable.invokeFunction("transform", input));
    if (r instanceof JsObject) {
      throw new IllegalStateException("toJava() returned a mirror");
    }
    Engines.check("transform(m).toJava()", MapTransformBench.readAll(r),
        MapTransformBench.EXPECTED_SUM);
  }

  @Benchmark
  public double transformReadToJava() throws Exception {
    return last = MapTransformBench.readAll(copy(invocable.invokeFunction("transform", input)));
  }

  @TearDown(Level.Iteration)
  public void checkLast() {
    Engines.check("transform(m).toJava() while measuring", last, MapTransformBench.EXPECTED_SUM);
    last = 0;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    Engines.close(js);
  }
}
