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
 * Workload 10: a 10 MB Java string (10 * 2^20 chars, one non-Latin-1 char every 1,000) into
 * {@code echo(s)}, which reads its length and returns it, and back to Java; ms per round trip.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class StringRoundTripBench {
  static final int LENGTH = 10 << 20;

  @Param({"quickjs"})
  public String engine;

  private ScriptEngine js;
  private Invocable invocable;
  private String input;
  private Object last;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    StringBuilder b = new StringBuilder(LENGTH);
    for (int i = 0; i < LENGTH; i++) {
      b.append(i % 1000 == 999 ? '\u20ac' : (char) ('a' + i % 26));
    }
    input = b.toString();
    js = Engines.create(engine);
    js.eval("function echo(s) { if (s.length !== " + LENGTH + ") throw new Error('length ' + s.length); return s }");
    invocable = (Invocable) js;
    check(invocable.invokeFunction("echo", input));
  }

  void check(Object r) {
    if (!(r instanceof String s) || s.length() != LENGTH || s.charAt(999) != '\u20ac'
        || s.charAt(LENGTH - 1) != input.charAt(LENGTH - 1) || s.hashCode() != input.hashCode()) {
      throw new IllegalStateException("echo(s) did not return the 10 MB string");
    }
  }

  @Benchmark
  public Object roundTrip() throws Exception {
    return last = invocable.invokeFunction("echo", input);
  }

  @TearDown(Level.Iteration)
  public void checkLast() {
    check(last);
    last = null;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    Engines.close(js);
  }
}
