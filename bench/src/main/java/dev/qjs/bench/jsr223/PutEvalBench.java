package dev.qjs.bench.jsr223;

import java.util.concurrent.TimeUnit;
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
 * {@code put("x", 41)} then {@code eval("x + 1")}: a binding written from Java and a short script
 * evaluated from source each time (as templating and rule engines do), in operations per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PutEvalBench {
  @Param({"quickjs"})
  public String engine;

  private ScriptEngine js;
  private Object last;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    js = Engines.create(engine);
    js.put("x", 41);
    Engines.check("x + 1", js.eval("x + 1"), 42);
  }

  @Benchmark
  public Object putEval() throws Exception {
    js.put("x", 41);
    return last = js.eval("x + 1");
  }

  @TearDown(Level.Iteration)
  public void checkLast() {
    Engines.check("x + 1 while measuring", last, 42);
    last = null;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    Engines.close(js);
  }
}
