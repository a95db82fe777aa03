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
 * Workload 2: a new engine from the thread's {@code ScriptEngineManager}, {@code eval("1+1")},
 * and {@code close()} where the engine is {@code AutoCloseable}; engines per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NewEngineBench {
  @Param({"quickjs"})
  public String engine;

  private Object last;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Engines.check("1+1", newEngineEval(), 2);
  }

  private Object newEngineEval() throws Exception {
    ScriptEngine js = Engines.create(engine);
    Object r = js.eval("1+1");
    Engines.close(js);
    return r;
  }

  @Benchmark
  public Object newEngineTinyEval() throws Exception {
    return last = newEngineEval();
  }

  @TearDown(Level.Iteration)
  public void checkLast() {
    Engines.check("1+1 while measuring", last, 2);
    last = null;
  }
}
