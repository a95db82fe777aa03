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

/** {@code Invocable.invokeFunction("add", 1, 2)}: the cost of one small call from Java into JS. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class InvokeFunctionBench {
  @Param({"quickjs"})
  public String engine;

  private ScriptEngine js;
  private Invocable invocable;
  private Object last;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    js = Engines.create(engine);
    js.eval("function add(a, b) { return a + b }");
    invocable = (Invocable) js;
    Engines.check("add(1, 2)", invocable.invokeFunction("add", 1, 2), 3);
  }

  @Benchmark
  public Object invokeAdd() throws Exception {
    return last = invocable.invokeFunction("add", 1, 2);
  }

  /** The values produced while measuring are checked too, so a broken engine cannot win. */
  @TearDown(Level.Iteration)
  public void checkLast() {
    Engines.check("add(1, 2) while measuring", last, 3);
    last = null;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    Engines.close(js);
  }
}
