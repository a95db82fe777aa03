package dev.qjs.bench.quickjs;

import dev.qjs.JsFunction;
import dev.qjs.bench.jsr223.Engines;
import java.util.concurrent.TimeUnit;
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
 * QUICKJS ONLY (uses {@code dev.qjs.JsFunction}): {@code add.call(1, 2)} on the mirror of a JS
 * function that {@code eval} returned, the same call as {@code InvokeFunctionBench} without the
 * lookup by name. Other engines' columns exclude this package ({@code dev.qjs.bench.quickjs}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JsFunctionCallBench {
  private ScriptEngine js;
  private JsFunction add;
  private Object last;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    js = Engines.create("quickjs");
    Object f = js.eval("(function add(a, b) { return a + b })");
    if (!(f instanceof JsFunction fn)) {
      throw new IllegalStateException("eval of a function returned " + f + ", not a JsFunction");
    }
    add = fn;
    Engines.check("add.call(1, 2)", add.call(1, 2), 3);
  }

  @Benchmark
  public Object jsFunctionCall() {
    return last = add.call(1, 2);
  }

  @TearDown(Level.Iteration)
  public void checkLast() {
    Engines.check("add.call(1, 2) while measuring", last, 3);
    last = null;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    Engines.close(js);
  }
}
