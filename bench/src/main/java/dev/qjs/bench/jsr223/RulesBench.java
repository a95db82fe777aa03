package dev.qjs.bench.jsr223;

import dev.qjs.bench.jsr223.model.OrderModel;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * A rules engine's call: {@code invokeFunction("evaluate", order)} runs discount, eligibility and
 * risk rules ({@code js/rules.js}, ES5) over a Java order model and returns a score; the score is
 * the time of one call. Each call makes {@value #HOST_ACCESSES} host accesses, all method calls
 * (bean getters, {@code Map.get}/{@code containsKey}, {@code List.size}/{@code get}), plus
 * arithmetic and string comparisons in JS. {@link #evaluateBeans}: mutable beans with
 * {@code HashMap}/{@code ArrayList} values; {@link #evaluateRecords}: the same data as records
 * with {@code Map.of}/{@code List.of} values, accessors called as methods ({@code o.customer()}).
 * Both results are checked against {@link OrderModel#expectedScore}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RulesBench {
  /** Host accesses per evaluate call (counted in js/rules.js): 9 per line × 8 lines + 30. */
  public static final int HOST_ACCESSES = 102;

  @Param({"quickjs"})
  public String engine;

  private ScriptEngine js;
  private Invocable invocable;
  private OrderModel.Order order;
  private OrderModel.OrderRecord orderRecord;
  private double expected;
  private Object lastBeans;
  private Object lastRecords;

  /** js/rules.js with its `.@name(` accessors as bean getters or as record accessors. */
  static String rules(boolean records) throws Exception {
    String template = Engines.resource("rules.js");
    Matcher m = Pattern.compile("\\.@(\\w)(\\w*)\\(").matcher(template);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String name = records ? m.group(1) + m.group(2) : "get" + m.group(1).toUpperCase() + m.group(2);
      m.appendReplacement(sb, Matcher.quoteReplacement("." + name + "("));
    }
    m.appendTail(sb);
    return sb.toString().replace("function evaluate$(", records ? "function evaluateRecord(" : "function evaluate(");
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    js = Engines.create(engine);
    Engines.eval(js, "rules.js", rules(false));
    Engines.eval(js, "rules-records.js", rules(true));
    invocable = (Invocable) js;
    order = OrderModel.order();
    orderRecord = OrderModel.orderRecord();
    expected = OrderModel.expectedScore(order);
    Engines.check("evaluate(order)", invocable.invokeFunction("evaluate", order), expected);
    Engines.check("evaluateRecord(order)", invocable.invokeFunction("evaluateRecord", orderRecord),
        expected);
  }

  @Benchmark
  public Object evaluateBeans() throws Exception {
    return lastBeans = invocable.invokeFunction("evaluate", order);
  }

  @Benchmark
  public Object evaluateRecords() throws Exception {
    return lastRecords = invocable.invokeFunction("evaluateRecord", orderRecord);
  }

  @TearDown(Level.Iteration)
  public void checkLast() {
    if (lastBeans != null) {
      Engines.check("evaluate(order) while measuring", lastBeans, expected);
    }
    if (lastRecords != null) {
      Engines.check("evaluateRecord(order) while measuring", lastRecords, expected);
    }
    lastBeans = null;
    lastRecords = null;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    Engines.close(js);
  }
}
