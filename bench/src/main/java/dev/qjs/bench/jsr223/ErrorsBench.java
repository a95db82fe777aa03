package dev.qjs.bench.jsr223;

import java.util.concurrent.TimeUnit;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import javax.script.ScriptException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Workload 17: what failures cost, µs per operation. {@code throwAndCatchInScript}: 100 errors
 * thrown 10 frames deep and caught in JavaScript (each builds its stack text);
 * {@code failureReachesJava}: one error 10 frames deep reaching Java as a ScriptException
 * (stack, frames, the Java stack trace with the script's frames in it). Measures that
 * diagnostics cost nothing when they are off.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ErrorsBench {
  @Param({"quickjs"})
  public String engine;

  private ScriptEngine js;
  private Invocable invocable;

  private static final String SCRIPT = String.join("\n",
      "function deep(n) { if (n === 0) throw new Error('no ' + n); return deep(n - 1) + 1; }",
      "function hundred() {",
      "  var caught = 0;",
      "  for (var i = 0; i < 100; i++) { try { deep(10); } catch (e) { caught += e.stack.length > 0 ? 1 : 0; } }",
      "  return caught;",
      "}");

  @Setup
  public void setUp() throws Exception {
    js = Engines.create(engine);
    Engines.eval(js, "errors.js", SCRIPT);
    invocable = (Invocable) js;
    Engines.check("hundred()", invocable.invokeFunction("hundred"), 100);
  }

  @Benchmark
  public Object throwAndCatchInScript() throws Exception {
    return invocable.invokeFunction("hundred");
  }

  @Benchmark
  public Object failureReachesJava() throws Exception {
    try {
      return invocable.invokeFunction("deep", 10);
    } catch (ScriptException e) {
      return e.getStackTrace().length;
    }
  }

  @TearDown
  public void tearDown() throws Exception {
    Engines.close(js);
  }
}
