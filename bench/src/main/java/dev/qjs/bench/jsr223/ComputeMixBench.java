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
 * Workload 5: {@code computeMix()} of js/compute.js (ES5: recursion, allocation, strings,
 * sorting, objects as maps, polymorphic calls), ms per run; its checksum is checked. run.sh
 * runs the same file in raw {@code qjs} (js/qjs-driver.js) for the physical limit.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ComputeMixBench {
  @Param({"quickjs"})
  public String engine;

  private ScriptEngine js;
  private Invocable invocable;
  private double checksum;
  private Object last;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    js = Engines.create(engine);
    Engines.eval(js, "compute.js", Engines.resource("compute.js"));
    invocable = (Invocable) js;
    checksum = ((Number) js.get("COMPUTE_MIX_CHECKSUM")).doubleValue();
    Engines.check("computeMix()", invocable.invokeFunction("computeMix"), checksum);
  }

  @Benchmark
  public Object computeMix() throws Exception {
    return last = invocable.invokeFunction("computeMix");
  }

  @TearDown(Level.Iteration)
  public void checkLast() {
    Engines.check("computeMix() while measuring", last, checksum);
    last = null;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    Engines.close(js);
  }
}
