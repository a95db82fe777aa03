package dev.qjs.bench.jsr223;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A JS loop reading {@code m.a} from a Java {@code HashMap} {a: 1}: the score is the time of one
 * property read of a host map (one call of {@code sum} makes {@value #READS} reads).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HostMapReadBench {
  static final int READS = 10_000;

  /** ES5; {@code m.a} where the engine shows map keys as properties, else {@code m.get('a')}. */
  static final String SCRIPT =
      "function sum(m, n) { var s = 0, i;"
          + " if (m.a === undefined && typeof m.get === 'function') {"
          + "   for (i = 0; i < n; i++) s += m.get('a') } else { for (i = 0; i < n; i++) s += m.a }"
          + " return s }";

  @Param({"quickjs"})
  public String engine;

  private ScriptEngine js;
  private Invocable invocable;
  private Map<String, Object> map;
  private Object last;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    js = Engines.create(engine);
    js.eval(SCRIPT);
    invocable = (Invocable) js;
    map = new HashMap<>();
    map.put("a", 1);
    Engines.check("sum(m, n)", invocable.invokeFunction("sum", map, READS), READS);
  }

  @Benchmark
  @OperationsPerInvocation(READS)
  public Object readHostMapProperty() throws Exception {
    return last = invocable.invokeFunction("sum", map, READS);
  }

  @TearDown(Level.Iteration)
  public void checkLast() {
    Engines.check("sum(m, n) while measuring", last, READS);
    last = null;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    Engines.close(js);
  }
}
