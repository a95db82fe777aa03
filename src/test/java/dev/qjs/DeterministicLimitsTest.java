package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.script.ScriptContext;
import javax.script.ScriptException;
import javax.script.SimpleBindings;
import javax.script.SimpleScriptContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The instruction budget ({@code quickjs.instructionLimit}) and the CPU-time limit
 * ({@code quickjs.cpuTimeLimit}): the budget stops the same script at the same place whatever the
 * machine's load and whichever binding (this class runs in the JNA stage too, against the same
 * constants); the CPU limit counts the calling thread's CPU time, not time spent waiting.
 */
@Tag("slow-under-emulation")
class DeterministicLimitsTest {
  private static final String BUDGET = "quickjs.instructionLimit";
  private static final String CPU = "quickjs.cpuTimeLimit";
  private static final String TIMEOUT = "quickjs.timeout";

  /**
   * {@code var i = 0; for (;;) i++;} under a budget of 1,000,000 poll points stops with this
   * {@code i}: the call of the script is poll point 1, the jump back at the end of iteration k is
   * poll point k + 1, so poll point 1,000,001 (the first past the budget) ends iteration
   * 1,000,000. It must not change from run to run, machine to machine, or between JNI and JNA; a
   * new QuickJS release may change it.
   */
  static final int LOOP_STOPS_AT = 1_000_000;

  static final String COUNTING_LOOP = "var i = 0; for (;;) i++;";

  private static final QuickJsScriptEngineFactory FACTORY = new QuickJsScriptEngineFactory();
  /**
   * ThreadMXBean.getCurrentThreadCpuTime, reached by reflection: the tests compile inside module
   * dev.qjs, which does not read java.management (they run on the class path, which does).
   */
  private static final Method CPU_TIME;
  private static final Object THREADS;

  static {
    Method m = null;
    Object bean = null;
    try {
      bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
      m = Class.forName("java.lang.management.ThreadMXBean").getMethod("getCurrentThreadCpuTime");
      if ((long) m.invoke(bean) < 0) {
        m = null;
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      m = null;
    }
    CPU_TIME = m;
    THREADS = bean;
  }

  static boolean threadCpuTimeMeasurable() {
    return CPU_TIME != null;
  }

  /** The calling thread's CPU time in ms, as the JVM reports it. */
  static long threadCpuMs() {
    try {
      return TimeUnit.NANOSECONDS.toMillis((long) CPU_TIME.invoke(THREADS));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private final List<QuickJsScriptEngine> engines = new ArrayList<>();

  @AfterEach
  void closeEngines() {
    engines.forEach(QuickJsScriptEngine::close);
    engines.clear();
    System.clearProperty(BUDGET);
    System.clearProperty(CPU);
  }

  QuickJsScriptEngine engine() {
    QuickJsScriptEngine e = FACTORY.getScriptEngine(QuickJsOptions.defaults());
    engines.add(e);
    return e;
  }

  QuickJsScriptEngine engine(QuickJsOptions.Builder options) {
    QuickJsScriptEngine e = FACTORY.getScriptEngine(options.build());
    engines.add(e);
    return e;
  }

  /** An engine with the given budget and a time limit as a safety net (a broken budget fails, not hangs). */
  QuickJsScriptEngine budgeted(long pollPoints) {
    QuickJsScriptEngine e = engine();
    e.put(BUDGET, pollPoints);
    e.put(TIMEOUT, Duration.ofSeconds(20));
    return e;
  }

  /** Where the counting loop stopped under the engine's budget. */
  static int loopStop(QuickJsScriptEngine engine) throws ScriptException {
    JsInstructionLimitException e =
        assertThrows(JsInstructionLimitException.class, () -> engine.eval(COUNTING_LOOP));
    assertTrue(e.getMessage().contains("instruction limit of"), e.getMessage());
    return ((Number) engine.get("i")).intValue();
  }

  /** Threads that keep every core busy until closed. */
  static final class Load implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    volatile long sink;

    Load(int perCore) {
      int n = Runtime.getRuntime().availableProcessors() * perCore;
      for (int t = 0; t < n; t++) {
        Thread th = new Thread(() -> {
          long x = 0;
          while (!stop.get()) {
            for (int k = 0; k < 100_000; k++) {
              x = x * 31 + k;
            }
          }
          sink = x;
        }, "busy-" + t);
        th.setDaemon(true);
        th.start();
        threads.add(th);
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join(10_000);
      }
    }
  }

  /** Calls back into the engine from Java: on the calling thread, on another, or sleeps. */
  public static final class Hook {
    private final QuickJsScriptEngine engine;

    Hook(QuickJsScriptEngine engine) {
      this.engine = engine;
    }

    /** JS → Java → JS on the same thread. */
    public Object inner(int n) throws Exception {
      return engine.invokeFunction("spin", n);
    }

    /** JS → Java → JS on another thread, this one parked meanwhile (it lends the engine). */
    public Object onOtherThread(JsFunction f, int n) {
      try {
        return CompletableFuture.supplyAsync(() -> f.call(n)).join();
      } catch (CompletionException e) {
        throw (RuntimeException) e.getCause();
      }
    }

    public void sleep(int ms) throws InterruptedException {
      Thread.sleep(ms);
    }
  }

  /** {@code spin(n)}: n iterations of a counting loop, two poll points each (the test and the jump). */
  static final String SPIN = "function spin(n) { let k = 0; while (k < n) k++; return k; }";

  @Nested
  class TheBudgetIsDeterministic {
    @Test
    void theSameScriptStopsAtTheSameIterationOnEveryRunAndBinding() throws ScriptException {
      QuickJsScriptEngine engine = budgeted(1_000_000);
      for (int run = 0; run < 5; run++) {
        assertEquals(LOOP_STOPS_AT, loopStop(engine), "run " + run + " in one engine");
        assertEquals(LOOP_STOPS_AT, loopStop(budgeted(1_000_000)), "run " + run + " in a new engine");
      }
    }

    @Test
    void aLoadedMachineStopsItAtTheSameIteration() throws Exception {
      try (Load load = new Load(2)) {
        for (int run = 0; run < 5; run++) {
          assertEquals(LOOP_STOPS_AT, loopStop(budgeted(1_000_000)), "run " + run + " under load");
        }
      }
    }

    @Test
    void theBudgetIsExactToOnePollPoint() throws ScriptException {
      // one poll point per iteration: a budget one larger runs one more iteration, including
      // across the shim's counting chunks (9,999 poll points) and realms armed apart
      int base = loopStop(budgeted(1_000_000));
      for (long extra : new long[] {1, 2, 9_998, 9_999, 10_000, 123_457}) {
        assertEquals(base + extra, loopStop(budgeted(1_000_000 + extra)), "budget +" + extra);
      }
      assertEquals(100 - (1_000_000 - LOOP_STOPS_AT), loopStop(budgeted(100)), "a budget of 100");
    }

    @Test
    void aFunctionOfAnotherRealmCountsExactlyAsOneOfTheCallersRealm() throws ScriptException {
      // the same loop, calling g defined in the caller's global object or in the global object
      // of other bindings of the same engine (another realm, counted by its own counter)
      String g = "function g(o) { let k = 0; while (k < 3) { k++; o.n++; } }";
      String loop = "var o = {n: 0}; for (;;) g(o);";
      QuickJsScriptEngine same = budgeted(1_000_000);
      same.eval(g);
      QuickJsScriptEngine other = budgeted(1_000_000);
      ScriptContext elsewhere = new SimpleScriptContext();
      elsewhere.setBindings(other.createBindings(), ScriptContext.ENGINE_SCOPE);
      other.eval(g, elsewhere);
      other.put("g", elsewhere.getAttribute("g"));
      assertEquals(false, other.eval("g.constructor === Function"), "g is not the other realm's");
      for (long budget : new long[] {1_000_000, 1_000_001, 1_000_002, 1_009_999, 1_234_567}) {
        same.put(BUDGET, budget);
        other.put(BUDGET, budget);
        assertThrows(JsInstructionLimitException.class, () -> same.eval(loop));
        assertThrows(JsInstructionLimitException.class, () -> other.eval(loop));
        assertEquals(same.eval("o.n"), other.eval("o.n"), "budget " + budget);
      }
    }

    @Test
    void eachCallCostsOnePollPointMore() throws ScriptException {
      QuickJsScriptEngine engine = budgeted(1_000_000);
      engine.eval("function f() {}");
      assertThrows(JsInstructionLimitException.class, () -> engine.eval("var i = 0; for (;;) { f(); i++; }"));
      int withCalls = ((Number) engine.get("i")).intValue();
      // two poll points an iteration (the call and the jump back) instead of one
      assertTrue(Math.abs(withCalls - LOOP_STOPS_AT / 2) <= 2, "stopped at " + withCalls);
    }

    @Test
    void aRegularExpressionCountsItsSteps() {
      // a match polls the handler every 10,000 steps: each such poll counts 10,000
      QuickJsScriptEngine engine = budgeted(1_000_000);
      long t0 = System.nanoTime();
      assertThrows(JsInstructionLimitException.class,
          () -> engine.eval(LimitsTest.Runaway.CATASTROPHIC_REGEX.source));
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
    }
  }

  @Nested
  class TheBudgetIsPerCall {
    @Test
    void twoCallsEachWithinTheBudgetBothComplete() throws ScriptException {
      QuickJsScriptEngine engine = budgeted(1_000_000);
      engine.eval(SPIN);
      assertEquals(300_000, engine.eval("spin(300000)"));
      assertEquals(300_000, engine.eval("spin(300000)"));
      assertThrows(JsInstructionLimitException.class, () -> engine.eval("spin(300000) + spin(300000)"));
    }

    @Test
    void theEngineKeepsWorkingAndKeepsItsGlobalsAfterAStop() throws ScriptException {
      QuickJsScriptEngine engine = budgeted(1_000_000);
      engine.eval("var kept = {answer: 42}");
      loopStop(engine);
      LimitsTest.assertWorksAndKeptState(engine);
      assertEquals(LOOP_STOPS_AT, loopStop(engine), "the next call has its whole budget again");
    }

    @Test
    void invokeFunctionInvokeMethodAndJsFunctionCallAreLimited() throws Exception {
      QuickJsScriptEngine engine = budgeted(1_000_000);
      engine.eval(SPIN + "; var o = {spin}; var forever = () => { for (;;); };");
      assertEquals(300_000, engine.invokeFunction("spin", 300_000));
      assertThrows(JsInstructionLimitException.class, () -> engine.invokeFunction("spin", 600_000));
      assertEquals(300_000, engine.invokeMethod(engine.get("o"), "spin", 300_000));
      assertThrows(JsInstructionLimitException.class, () -> engine.invokeMethod(engine.get("o"), "spin", 600_000));
      JsFunction forever = (JsFunction) engine.get("forever");
      UncheckedScriptException u = assertThrows(UncheckedScriptException.class, () -> forever.call());
      assertInstanceOf(JsInstructionLimitException.class, u.getCause());
      assertEquals(3, engine.eval("1 + 2"));
    }

    @Test
    void aNestedCallFromJavaSharesTheOuterCallsBudget() throws ScriptException {
      QuickJsScriptEngine engine = budgeted(1_000_000);
      engine.put("hook", new Hook(engine));
      engine.eval(SPIN);
      assertEquals(300_000, engine.eval("hook.inner(300000)"), "the nested call alone fits");
      assertEquals(300_000, engine.eval("spin(300000)"), "the outer loop alone fits");
      assertThrows(JsInstructionLimitException.class, () -> engine.eval("spin(300000); hook.inner(300000)"));
      assertThrows(JsInstructionLimitException.class,
          () -> engine.eval("hook.inner(300000); spin(300000)"),
          "the nested call's poll points were not counted for the outer call");
    }

    @Test
    void aCallbackOnAnotherThreadCountsOnTheLendersBudget() throws ScriptException {
      QuickJsScriptEngine engine = budgeted(1_000_000);
      engine.put("hook", new Hook(engine));
      engine.eval(SPIN);
      assertEquals(300_000, engine.eval("hook.onOtherThread(spin, 300000)"));
      assertThrows(JsInstructionLimitException.class,
          () -> engine.eval("spin(300000); hook.onOtherThread(spin, 300000)"));
      assertThrows(JsInstructionLimitException.class,
          () -> engine.eval("hook.onOtherThread(spin, 300000); spin(300000)"));
    }

    @Test
    void promiseJobsTheCallRunsAreCounted() throws ScriptException {
      QuickJsScriptEngine engine = budgeted(1_000_000);
      engine.eval(SPIN);
      assertThrows(JsInstructionLimitException.class,
          () -> engine.eval("spin(300000); Promise.resolve().then(() => spin(300000)); 1"));
      assertThrows(JsInstructionLimitException.class,
          () -> engine.eval("var j = 0; Promise.resolve().then(() => { for (;;) j++; }); 'queued'"));
      int first = ((Number) engine.get("j")).intValue();
      assertThrows(JsInstructionLimitException.class,
          () -> engine.eval("var j = 0; Promise.resolve().then(() => { for (;;) j++; }); 'queued'"));
      assertEquals(first, ((Number) engine.get("j")).intValue(), "a job stopped at another place");
      assertEquals(3, engine.eval("1 + 2"));
    }

    @ParameterizedTest(name = "{0} stops with JsInstructionLimitException")
    @EnumSource(LimitsTest.Runaway.class)
    void everyRunawayScriptIsStoppedByTheBudget(LimitsTest.Runaway script) throws ScriptException {
      // small enough that the string loop's growing copies stay quick on a sanitized library
      QuickJsScriptEngine engine = budgeted(200_000);
      engine.eval("var kept = {answer: 42}");
      assertThrows(JsInstructionLimitException.class, () -> engine.eval(script.source));
      LimitsTest.assertWorksAndKeptState(engine);
    }

    @Test
    void makingTheGlobalObjectOfNewBindingsIsNotCounted() throws ScriptException {
      // the realm of bindings the engine has not seen is made inside the call, under its limits
      QuickJsScriptEngine engine = engine();
      ScriptContext limited = new SimpleScriptContext();
      SimpleBindings bindings = new SimpleBindings();
      bindings.put(BUDGET, 1_000_000);
      limited.setBindings(bindings, ScriptContext.ENGINE_SCOPE);
      assertThrows(JsInstructionLimitException.class, () -> engine.eval(COUNTING_LOOP, limited));
      assertEquals(LOOP_STOPS_AT, ((Number) engine.eval("i", limited)).intValue(),
          "making the context's global object was counted");
      assertEquals(2_000_000, engine.eval("var n = 0; while (n < 2000000) n++; n"),
          "the engine's own context has no budget");
    }
  }

  @Nested
  class TheCpuTimeLimit {
    static final long LIMIT_MS = 100;

    long cpuMs() {
      return threadCpuMs();
    }

    @Test
    void aBusyLoopStopsAfterItsCpuTime() throws ScriptException {
      Assumptions.assumeTrue(threadCpuTimeMeasurable(), "the JVM measures no thread CPU time");
      QuickJsScriptEngine engine = engine();
      engine.put(CPU, Duration.ofMillis(LIMIT_MS));
      engine.eval("var kept = {answer: 42}");
      long c0 = cpuMs();
      JsCpuTimeLimitException e =
          assertThrows(JsCpuTimeLimitException.class, () -> engine.eval("while (true) {}"));
      long used = cpuMs() - c0;
      assertTrue(e.getMessage().contains("CPU time limit of 100 ms"), e.getMessage());
      // Windows counts CPU time in scheduler ticks (about 16 ms)
      assertTrue(used >= LIMIT_MS - 20, "stopped after " + used + " ms of CPU time");
      assertTrue(used < LIMIT_MS + LimitsTest.SLACK_MS, "stopped after " + used + " ms of CPU time");
      LimitsTest.assertWorksAndKeptState(engine);
    }

    @Test
    void aHostCallThatSleepsIsNotCounted() throws ScriptException {
      QuickJsScriptEngine engine = engine(QuickJsOptions.builder().cpuTimeLimit(Duration.ofMillis(LIMIT_MS)));
      engine.put("hook", new Hook(engine));
      long t0 = System.nanoTime();
      assertEquals("awake", engine.eval("hook.sleep(300); hook.sleep(300); 'awake'"));
      assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(600));
      assertThrows(JsCpuTimeLimitException.class, () -> engine.eval("hook.sleep(300); while (true) {}"));
    }

    @Test
    void waitingForTheEngineIsNotCounted() throws Exception {
      QuickJsScriptEngine engine = engine();
      engine.put("hook", new Hook(engine));
      CountDownLatch inside = new CountDownLatch(1);
      engine.put("inside", inside);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<Object> holder = pool.submit(() -> engine.eval("inside.countDown(); hook.sleep(400); 'held'"));
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        engine.put(CPU, LIMIT_MS); // milliseconds as a Number; applies to the next call
        long t0 = System.nanoTime();
        assertEquals(1000, engine.eval("var s = 0; for (let k = 0; k < 1000; k++) s++; s"));
        assertTrue(System.nanoTime() - t0 > TimeUnit.MILLISECONDS.toNanos(LIMIT_MS),
            "the call did not wait for the engine");
        assertEquals("held", holder.get(10, TimeUnit.SECONDS));
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    void aLoadedMachineDoesNotStopAScriptThatUsesLessCpuThanTheLimit() throws Exception {
      Assumptions.assumeTrue(threadCpuTimeMeasurable(), "the JVM measures no thread CPU time");
      QuickJsScriptEngine engine = engine();
      engine.eval(SPIN);
      // calibrate: a piece of work of about 60 ms of CPU time on this machine, unloaded
      int n = 1_000_000;
      long c0 = cpuMs();
      engine.eval("spin(" + n + ")");
      long per = Math.max(1, cpuMs() - c0);
      n = (int) Math.min(200_000_000L, (long) n * 60 / per);
      long limit = 200;
      engine.put(CPU, Duration.ofMillis(limit));
      try (Load load = new Load(4)) {
        Thread.sleep(50);
        long t0 = System.nanoTime();
        long c1 = cpuMs();
        assertEquals(n, engine.eval("spin(" + n + ")"), "stopped although it used less CPU than its limit");
        long wall = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        long cpu = cpuMs() - c1;
        System.out.println("[DeterministicLimitsTest] under load: " + cpu + " ms CPU, " + wall
            + " ms wall, CPU limit " + limit + " ms");
        assertTrue(cpu < limit, "the work took " + cpu + " ms of CPU time");
      }
      assertThrows(JsCpuTimeLimitException.class, () -> engine.eval("while (true) {}"));
    }

    @ParameterizedTest(name = "{0} stops with JsCpuTimeLimitException")
    @EnumSource(LimitsTest.Runaway.class)
    void everyRunawayScriptIsStoppedByTheCpuLimit(LimitsTest.Runaway script) throws ScriptException {
      QuickJsScriptEngine engine = engine();
      engine.put(CPU, Duration.ofMillis(LIMIT_MS));
      engine.put(TIMEOUT, Duration.ofSeconds(20));
      engine.eval("var kept = {answer: 42}");
      long t0 = System.nanoTime();
      assertThrows(JsCpuTimeLimitException.class, () -> engine.eval(script.source));
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
      LimitsTest.assertWorksAndKeptState(engine);
    }

    @Test
    void aCallbackOnAnotherThreadIsLimitedOnItsOwnThreadsClock() {
      // the lender is parked (its CPU clock stands still): the callback's own thread is measured
      QuickJsScriptEngine engine = engine();
      engine.put(CPU, Duration.ofMillis(LIMIT_MS));
      engine.put(TIMEOUT, Duration.ofSeconds(20));
      engine.put("hook", new Hook(engine));
      long t0 = System.nanoTime();
      assertThrows(JsCpuTimeLimitException.class,
          () -> engine.eval("hook.onOtherThread(function () { for (;;); }, 0)"));
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "stopped by the safety net");
    }
  }

  @Nested
  class Settings {
    @Test
    void badValuesAreRefusedWhereTheyArePutNamingTheKey() {
      QuickJsScriptEngine engine = engine();
      for (Object bad : new Object[] {-1L, -1, Double.NaN, Double.POSITIVE_INFINITY, 1.5, "abc", "",
          new Object(), new BigInteger("99999999999999999999"), true}) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> engine.put(BUDGET, bad), "budget " + bad);
        assertTrue(e.getMessage().startsWith(BUDGET + " must be a whole number of poll points"), e.getMessage());
      }
      for (Object bad : new Object[] {-1L, Double.NaN, "abc", Duration.ofMillis(-1), new Object(), true}) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> engine.put(CPU, bad), "CPU " + bad);
        assertTrue(e.getMessage().startsWith(CPU + " must be a java.time.Duration"), e.getMessage());
      }
      assertNull(engine.get(BUDGET), "a refused value was kept");
      assertNull(engine.get(CPU), "a refused value was kept");
    }

    @Test
    void goodValuesInEveryFormAreTaken() throws ScriptException {
      for (Object ok : new Object[] {1_000_000, 1_000_000L, 1e6, "1000000", " 1000000 ", new BigInteger("1000000")}) {
        QuickJsScriptEngine engine = engine();
        engine.put(BUDGET, ok);
        assertEquals(LOOP_STOPS_AT, loopStop(engine), "budget given as " + ok + " (" + ok.getClass().getSimpleName() + ")");
      }
      for (Object none : new Object[] {0, 0L, "0", null}) {
        QuickJsScriptEngine engine = engine();
        engine.put(BUDGET, none);
        assertEquals(2_000_000, engine.eval("var n = 0; while (n < 2000000) n++; n"), "no budget as " + none);
      }
      for (Object ok : new Object[] {Duration.ofMillis(50), 50, 50L, 50.0, "50", "PT0.05S"}) {
        QuickJsScriptEngine engine = engine();
        engine.put(CPU, ok);
        engine.put(TIMEOUT, Duration.ofSeconds(20));
        assertThrows(JsCpuTimeLimitException.class, () -> engine.eval("while (true) {}"), "CPU limit as " + ok);
      }
    }

    @Test
    void systemPropertiesAreProcessWideDefaults() throws ScriptException {
      System.setProperty(BUDGET, "1000000");
      // a CPU limit the budget's 1,000,000 polls stay far below, even on a slow (sanitized,
      // emulated, loaded) machine: which limit stops the loop must not depend on the machine
      System.setProperty(CPU, "1000");
      QuickJsScriptEngine engine;
      try {
        engine = engine();
      } finally {
        System.clearProperty(BUDGET);
        System.clearProperty(CPU);
      }
      assertEquals(LOOP_STOPS_AT, loopStop(engine));
      engine.put(BUDGET, 0);
      assertThrows(JsCpuTimeLimitException.class, () -> engine.eval("while (true) {}"));
    }

    @Test
    void badSystemPropertiesAreRefusedWhenAnEngineIsMade() {
      System.setProperty(BUDGET, "lots");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> engine());
      assertTrue(e.getMessage().contains(BUDGET), e.getMessage());
      System.clearProperty(BUDGET);
      System.setProperty(CPU, "-3");
      e = assertThrows(IllegalArgumentException.class, () -> engine());
      assertTrue(e.getMessage().contains(CPU), e.getMessage());
    }

    @Test
    void theOptionsBuilderValidatesAndTheOptionsAreUsed() throws ScriptException {
      assertThrows(IllegalArgumentException.class, () -> QuickJsOptions.builder().instructionLimit(0));
      assertThrows(IllegalArgumentException.class, () -> QuickJsOptions.builder().instructionLimit(-5));
      assertThrows(IllegalArgumentException.class, () -> QuickJsOptions.builder().cpuTimeLimit(Duration.ZERO));
      assertThrows(IllegalArgumentException.class, () -> QuickJsOptions.builder().cpuTimeLimit(Duration.ofMillis(-1)));
      assertThrows(NullPointerException.class, () -> QuickJsOptions.builder().cpuTimeLimit(null));
      QuickJsOptions o = QuickJsOptions.builder().instructionLimit(1_000_000).cpuTimeLimit(Duration.ofSeconds(3)).build();
      assertEquals(1_000_000, o.instructionLimit());
      assertEquals(Duration.ofSeconds(3), o.cpuTimeLimit());
      assertEquals(0, QuickJsOptions.defaults().instructionLimit());
      assertNull(QuickJsOptions.defaults().cpuTimeLimit());
      QuickJsScriptEngine engine = engine(QuickJsOptions.builder().instructionLimit(1_000_000));
      assertEquals(LOOP_STOPS_AT, loopStop(engine));
      engine.put(BUDGET, 1_000_001);
      assertEquals(LOOP_STOPS_AT + 1, loopStop(engine), "an ENGINE_SCOPE entry beats the options");
    }

    @Test
    void theHugestBudgetDoesNotOverflow() throws ScriptException {
      QuickJsScriptEngine engine = engine();
      engine.put(BUDGET, Long.MAX_VALUE);
      engine.put("hook", new Hook(engine));
      engine.eval(SPIN);
      assertEquals(3_000_000, engine.eval("spin(3000000)"));
      assertEquals(1000, engine.eval("hook.inner(1000)"));
      assertEquals(1000, engine.eval("hook.onOtherThread(spin, 1000)"));
      engine.put(BUDGET, String.valueOf(Long.MAX_VALUE));
      assertEquals(1000, engine.eval("spin(1000)"));
    }
  }

  @Nested
  class LimitsTogether {
    @Test
    void whicheverLimitComesFirstGivesItsOwnException() throws ScriptException {
      QuickJsScriptEngine engine = engine();
      engine.put(BUDGET, Long.MAX_VALUE);
      engine.put(TIMEOUT, 150);
      assertThrows(JsTimeoutException.class, () -> engine.eval("while (true) {}"));
      engine.put(BUDGET, 1_000_000);
      engine.put(TIMEOUT, Duration.ofSeconds(20));
      assertEquals(LOOP_STOPS_AT, loopStop(engine));
      engine.put(BUDGET, Long.MAX_VALUE);
      engine.put(CPU, 100);
      assertThrows(JsCpuTimeLimitException.class, () -> engine.eval("while (true) {}"));
      engine.put(BUDGET, 1_000_000);
      engine.put(CPU, Duration.ofSeconds(20));
      assertEquals(LOOP_STOPS_AT, loopStop(engine));
      engine.put(BUDGET, 0);
      engine.put(CPU, 0);
      engine.put(TIMEOUT, 100);
      assertThrows(JsTimeoutException.class, () -> engine.eval("while (true) {}"));
    }

    @Test
    void interruptStillStopsABudgetedCall() throws Exception {
      QuickJsScriptEngine engine = engine();
      engine.put(BUDGET, Long.MAX_VALUE);
      engine.put(CPU, Duration.ofSeconds(60));
      CountDownLatch started = new CountDownLatch(1);
      engine.put("started", started);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<Throwable> call = pool.submit(() -> {
          try {
            engine.eval("started.countDown(); while (true) {}");
            return null;
          } catch (Throwable t) {
            return t;
          }
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        Thread.sleep(50);
        engine.interrupt();
        assertInstanceOf(JsInterruptedException.class, call.get(10, TimeUnit.SECONDS));
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
