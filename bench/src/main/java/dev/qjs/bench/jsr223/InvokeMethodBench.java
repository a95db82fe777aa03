package dev.qjs.bench.jsr223;

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
 * {@code Invocable.invokeMethod(calc, "add", 1, 2)} on a JS object that {@code eval} returned:
 * the cost of one small method call from Java into JS (the object passed back in each time).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class InvokeMethodBench {
  @Param({"quickjs"})
  public String engine;

  private ScriptEngine js;
  private Invocable invocable;
  private Object calc;
  private Object last;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    js = Engines.create(engine);
    // `this.base` makes the call depend on its receiver: a wrong `this` fails the check
    calc = js.eval("var calc = { base: 0, add: function (a, b) { return this.base + a + b } }; calc");
    if (calc == null) {
      throw new IllegalStateException("eval returned no object for calc");
    }
    invocable = (Invocable) js;
    Engines.check("calc.add(1, 2)", invocable.invokeMethod(calc, "add", 1, 2), 3);
  }

  @Benchmark
  public Object invokeMethodAdd() throws Exception {
    return last = invocable.invokeMethod(calc, "add", 1, 2);
  }

  @TearDown(Level.Iteration)
  public void checkLast() {
    Engines.check("calc.add(1, 2) while measuring", last, 3);
    last = null;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    Engines.close(js);
  }
}
