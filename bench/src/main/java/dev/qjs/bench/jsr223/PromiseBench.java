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
 * Workload 11 (quickjs and GraalJS, the engines that run promise jobs within {@code eval}):
 * {@code eval} of an async function that awaits 10,000 resolved promises and stores the count
 * (ms per eval), and one {@code await} round trip per {@code eval} (µs per eval). The count is
 * read back with {@code get} and checked.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PromiseBench {
  static final int PROMISES = 10_000;

  static final String TEN_THOUSAND =
      "promiseCount = -1; (async function () { var n = 0;"
          + " for (var i = 0; i < " + PROMISES + "; i++) { await Promise.resolve(i); n++ }"
          + " promiseCount = n })(); 0";

  static final String ONE_AWAIT = "(async function () { await null; awaited++ })(); 0";

  @Param({"quickjs"})
  public String engine;

  private ScriptEngine js;
  private long evals;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    js = Engines.create(engine);
    js.eval("var promiseCount = 0, awaited = 0");
    js.eval(TEN_THOUSAND);
    Engines.check("awaited promises", js.get("promiseCount"), PROMISES);
    js.eval(ONE_AWAIT);
    Engines.check("await round trips", js.get("awaited"), 1);
    js.eval("awaited = 0");
  }

  @Benchmark
  public Object await10kPromises() throws Exception {
    return js.eval(TEN_THOUSAND);
  }

  @Benchmark
  public Object awaitRoundTrip() throws Exception {
    evals++;
    return js.eval(ONE_AWAIT);
  }

  /** Each eval must have completed its awaits before returning (no event loop runs after it). */
  @TearDown(Level.Iteration)
  public void checkCounts() {
    Engines.check("awaited promises while measuring", js.get("promiseCount"), PROMISES);
    Engines.check("await round trips while measuring", js.get("awaited"), evals);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    Engines.close(js);
  }
}
