package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.script.CompiledScript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Many threads on one engine, many engines on many threads, limit hits in loops, and interrupts
 * and closes racing with calls: right results, no deadlock, no crash, no leak.
 */
// stress loops: emulation (qemu-user) stretches them to tens of
// minutes, so native-libs/test-emulated.sh leaves it out
@Tag("slow-under-emulation")
class StressTest {
  static final QuickJsScriptEngineFactory FACTORY = new QuickJsScriptEngineFactory();

  /** Numbers worth reporting (times, RSS), printed after the class. */
  static final Map<String, Long> NUMBERS = new ConcurrentHashMap<>();

  private final List<ExecutorService> pools = new ArrayList<>();
  private final List<QuickJsScriptEngine> engines = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    pools.forEach(ExecutorService::shutdownNow);
    pools.clear();
    engines.forEach(QuickJsScriptEngine::close);
    engines.clear();
  }

  @AfterAll
  static void printNumbers() {
    StringBuilder sb = new StringBuilder("[StressTest] numbers:");
    new java.util.TreeMap<>(NUMBERS).forEach((k, v) -> sb.append("\n  ").append(k).append(" = ").append(v));
    System.out.println(sb);
  }

  ExecutorService pool(int threads) {
    ExecutorService p = Executors.newFixedThreadPool(threads);
    pools.add(p);
    return p;
  }

  QuickJsScriptEngine engine(QuickJsOptions options) {
    QuickJsScriptEngine e = FACTORY.getScriptEngine(options);
    engines.add(e);
    return e;
  }

  /** Waits for every task; a task still running after the deadline fails the test with a thread dump. */
  static void awaitAll(List<? extends Future<?>> tasks, Duration deadline) throws Exception {
    long end = System.nanoTime() + deadline.toNanos();
    for (Future<?> f : tasks) {
      try {
        f.get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        fail("no progress after " + deadline + " (deadlock?):\n" + threadDump());
      } catch (java.util.concurrent.ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Error err) {
          throw err;
        }
        throw (Exception) cause;
      }
    }
  }

  static String threadDump() {
    StringBuilder sb = new StringBuilder();
    Thread.getAllStackTraces().forEach((thread, frames) -> {
      sb.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
      for (StackTraceElement f : frames) {
        sb.append("    at ").append(f).append('\n');
      }
    });
    return sb.toString();
  }

  static long millisSince(long t0) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  static long num(Object o) {
    assertInstanceOf(Number.class, o);
    return ((Number) o).longValue();
  }

  /** VmRSS after a collection (and a moment for the cleaner), in bytes. */
  static long settledRss() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return LimitsTest.rssBytes();
  }

  // ------------------------------------------------------------------ one shared engine

  @Nested
  class OneSharedEngine {
    @Test
    void eightThreadsTimesTenThousandMixedCallsGiveRightResultsWithoutDeadlock() throws Exception {
      int threads = 8;
      int calls = 10_000;
      QuickJsScriptEngine engine = engine(QuickJsOptions.defaults());
      engine.eval("function add(a, b) { return a + b }");
      for (int t = 0; t < threads; t++) {
        engine.eval("var o" + t + " = {count: 0, twice(x) { return 2 * x }}");
      }
      ExecutorService pool = pool(threads);
      CountDownLatch go = new CountDownLatch(1);
      AtomicLong done = new AtomicLong();
      List<Future<?>> tasks = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int me = t;
        tasks.add(
            pool.submit(
                () -> {
                  JsObject mine = (JsObject) engine.get("o" + me);
                  String v = "v" + me;
                  go.await();
                  for (int k = 0; k < calls; k++) {
                    switch (k % 6) {
                      case 0 -> assertEquals(k + me, num(engine.eval("add(" + k + ", " + me + ")")));
                      case 1 -> {
                        engine.put(v, k);
                        assertEquals(k, num(engine.get(v)), "put/get");
                        assertEquals(k + 1, num(engine.eval(v + " + 1")), "a put seen by a script");
                      }
                      case 2 -> assertEquals(k + me, num(engine.invokeFunction("add", k, me)));
                      case 3 -> {
                        mine.put("count", k);
                        assertEquals(k, num(mine.get("count")), "mirror set/get");
                        assertEquals(k, num(engine.eval("o" + me + ".count")), "a mirror set seen by a script");
                      }
                      case 4 -> {
                        CompiledScript cs = engine.compile("add(" + k + ", 2 * " + me + ")");
                        assertEquals(k + 2L * me, num(cs.eval()));
                      }
                      default -> assertEquals(2L * k, num(engine.invokeMethod(mine, "twice", k)));
                    }
                    done.incrementAndGet();
                  }
                  return null;
                }));
      }
      long t0 = System.nanoTime();
      go.countDown();
      awaitAll(tasks, Duration.ofSeconds(120));
      long ms = millisSince(t0);
      NUMBERS.put("shared-engine/8x10000-mixed-calls-ms", ms);
      assertEquals((long) threads * calls, done.get());
      int lastMirrorWrite = (calls - 1) - ((calls - 1 - 3) % 6);
      for (int t = 0; t < threads; t++) {
        assertEquals(lastMirrorWrite, num(engine.eval("o" + t + ".count")), "the last mirror write of thread " + t);
        assertEquals(calls - 1 - ((calls - 1 - 1) % 6), num(engine.get("v" + t)), "the last put of thread " + t);
      }
    }
  }

  // ------------------------------------------------------------------ many engines

  @Nested
  class ManyEngines {
    @Test
    void enginesCreatedUsedAndDroppedOnManyThreadsWithAndWithoutClose() throws Exception {
      int threads = 4;
      // the same threads for both rounds: the C library keeps an arena per thread and does not
      // give freed memory back, so fresh threads would raise RSS without any leak (measured:
      // 135 -> 450 MB over 10 rounds with new threads, flat at 172 MB with MALLOC_ARENA_MAX=1)
      ExecutorService pool = pool(threads);
      // a first round of the same size warms up the JIT, those arenas and the cleaner: dropped
      // engines are freed after a collection, so RSS follows the peak
      runEngines(pool, threads, 500);
      long before = settledRss();
      long t0 = System.nanoTime();
      int[] closedAndDropped = runEngines(pool, threads, 500);
      long ms = millisSince(t0);
      long after = settledRss();
      NUMBERS.put("many-engines/4x500-ms", ms);
      NUMBERS.put("many-engines/rss-growth-KiB", (after - before) / 1024);
      assertEquals(threads * 500 / 2, closedAndDropped[0]);
      assertEquals(threads * 500 / 2, closedAndDropped[1]);
      if (before > 0) {
        assertTrue(after - before < LimitsTest.rssAllowance(64L << 20),
            "RSS grew by " + (after - before) / 1024 + " KiB after 2,000 engines were closed or dropped");
      }
    }

    /** Each thread makes perThread engines, uses them, closes half and drops the others. */
    private int[] runEngines(ExecutorService pool, int threads, int perThread) throws Exception {
      AtomicInteger closed = new AtomicInteger();
      AtomicInteger dropped = new AtomicInteger();
      List<Future<?>> tasks = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int me = t;
        tasks.add(
            pool.submit(
                () -> {
                  List<JsObject> outliving = new ArrayList<>();
                  for (int i = 0; i < perThread; i++) {
                    QuickJsScriptEngine e = FACTORY.getScriptEngine(QuickJsOptions.defaults());
                    e.put("seed", i);
                    assertEquals(2L * i + me, num(e.eval("function f(x) { return 2 * x + " + me + " } f(seed)")));
                    assertEquals(me, num(e.invokeFunction("f", 0)));
                    JsObject o = (JsObject) e.eval("({i: seed, s: 'x'.repeat(1000)})");
                    assertEquals(i, num(o.get("i")));
                    if (i % 2 == 0) {
                      e.close();
                      closed.incrementAndGet();
                    } else {
                      dropped.incrementAndGet();
                      if (i % 50 == 1) {
                        outliving.add(o); // a mirror keeps its dropped engine alive
                      }
                    }
                  }
                  for (JsObject o : outliving) {
                    assertEquals(1000, ((String) o.get("s")).length());
                  }
                  return null;
                }));
      }
      awaitAll(tasks, Duration.ofSeconds(120));
      return new int[] {closed.get(), dropped.get()};
    }
  }

  // ------------------------------------------------------------------ limit hits in loops

  @Nested
  class LimitHitsInLoops {
    @Test
    void twoHundredTimeoutsOfFiveMillisecondsEachStopInTimeAndLeakNothing() throws Exception {
      QuickJsScriptEngine engine =
          engine(QuickJsOptions.builder().timeLimit(Duration.ofMillis(5)).build());
      engine.eval("var kept = {answer: 42}");
      LimitsTest.Runaway[] scripts = LimitsTest.Runaway.values();
      for (int i = 0; i < 20; i++) { // warm-up
        int n = i;
        assertThrows(JsTimeoutException.class, () -> engine.eval(scripts[n % scripts.length].source));
      }
      long before = settledRss();
      long worst = 0;
      long t0 = System.nanoTime();
      for (int i = 0; i < 200; i++) {
        LimitsTest.Runaway script = scripts[i % scripts.length];
        long c0 = System.nanoTime();
        assertThrows(JsTimeoutException.class, () -> engine.eval(script.source), script.toString());
        worst = Math.max(worst, millisSince(c0));
      }
      long ms = millisSince(t0);
      long after = settledRss();
      NUMBERS.put("timeouts/200x5ms-total-ms", ms);
      NUMBERS.put("timeouts/200x5ms-worst-call-ms", worst);
      NUMBERS.put("timeouts/200x5ms-rss-growth-KiB", (after - before) / 1024);
      assertTrue(worst < 5 + LimitsTest.SLACK_MS, "a 5 ms limit stopped a call only after " + worst + " ms");
      if (before > 0) {
        assertTrue(after - before < LimitsTest.rssAllowance(30L << 20), "RSS grew by " + (after - before) / 1024 + " KiB");
      }
      assertEquals(42, engine.eval("kept.answer"));
    }

    @Test
    void aThousandMemoryLimitHitsLeakNothing() throws Exception {
      QuickJsScriptEngine engine = engine(QuickJsOptions.builder().memoryLimit(2 << 20).build());
      engine.eval("var kept = {answer: 42}");
      // one allocation past the limit each: hits that fill the heap gradually can crash the JVM
      // (see LimitsTest.MemoryLimitHitsLeakNothing)
      String[] hogs = {"new ArrayBuffer(4 << 20)", "'x'.repeat(3 << 20)", "new Float64Array(1 << 19)"};
      for (int i = 0; i < 200; i++) {
        int n = i;
        assertThrows(JsMemoryLimitException.class, () -> engine.eval(hogs[n % hogs.length]));
      }
      long before = settledRss();
      long t0 = System.nanoTime();
      for (int i = 0; i < 1_000; i++) {
        int n = i;
        assertThrows(JsMemoryLimitException.class, () -> engine.eval(hogs[n % hogs.length]));
        if (i % 100 == 0) {
          assertEquals(42, engine.eval("kept.answer"));
        }
      }
      long ms = millisSince(t0);
      long after = settledRss();
      NUMBERS.put("memory/1000-hits-ms", ms);
      NUMBERS.put("memory/1000-hits-rss-growth-KiB", (after - before) / 1024);
      if (before > 0) {
        assertTrue(after - before < LimitsTest.rssAllowance(30L << 20), "RSS grew by " + (after - before) / 1024 + " KiB");
      }
      assertTrue(engine.memoryUsage().mallocSize() < 1 << 20, engine.memoryUsage().toString());
    }
  }

  // ------------------------------------------------------------------ races

  @Nested
  class Races {
    @Test
    void interruptsRacingWithShortCallsNeverGiveAWrongResult() throws Exception {
      QuickJsScriptEngine engine = engine(QuickJsOptions.defaults());
      engine.eval("function add(a, b) { return a + b }");
      ExecutorService pool = pool(2);
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger interrupted = new AtomicInteger();
      AtomicInteger ok = new AtomicInteger();
      Future<?> caller =
          pool.submit(
              () -> {
                try {
                  for (int k = 0; k < 20_000; k++) {
                    try {
                      Object r = (k & 1) == 0
                          ? engine.invokeFunction("add", k, 1)
                          : engine.eval("(() => { let s = 0; for (let i = 0; i < 5000; i++) s += i; return s + " + k + " })()");
                      assertEquals((k & 1) == 0 ? k + 1 : 12_497_500 + k, num(r));
                      ok.incrementAndGet();
                    } catch (JsInterruptedException e) {
                      interrupted.incrementAndGet();
                    }
                  }
                } finally {
                  running.set(false);
                }
                return null;
              });
      Future<?> interrupter =
          pool.submit(
              () -> {
                while (running.get()) {
                  engine.interrupt();
                  Thread.onSpinWait();
                }
                return null;
              });
      awaitAll(List.of(caller, interrupter), Duration.ofSeconds(60));
      NUMBERS.put("races/interrupt-storm-ok", (long) ok.get());
      NUMBERS.put("races/interrupt-storm-interrupted", (long) interrupted.get());
      assertEquals(20_000, ok.get() + interrupted.get());
      assertEquals(3, num(engine.eval("add(1, 2)")), "the engine does not work after the storm");
    }

    @Test
    void closeRacingWithCallsOnManyThreadsEndsEveryCallCleanly() throws Exception {
      ExecutorService pool = pool(4);
      Map<String, Integer> outcomes = new ConcurrentHashMap<>();
      for (int round = 0; round < 20; round++) {
        QuickJsScriptEngine engine = FACTORY.getScriptEngine(QuickJsOptions.defaults());
        engine.eval("function add(a, b) { return a + b } var o = {n: 1}");
        JsObject o = (JsObject) engine.get("o");
        CountDownLatch started = new CountDownLatch(4);
        List<Future<?>> tasks = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int me = t;
          tasks.add(
              pool.submit(
                  () -> {
                    started.countDown();
                    for (int k = 0; ; k++) {
                      try {
                        Object r = switch ((k + me) % 4) {
                          case 0 -> engine.eval("add(" + k + ", 1)");
                          case 1 -> engine.invokeFunction("add", k, 1);
                          case 2 -> engine.eval("(() => { let s = 0; for (let i = 0; i < 1e5; i++) s++; return add(s - 1e5, " + (k + 1) + ") })()");
                          default -> {
                            o.put("n" + me, k + 1);
                            yield o.get("n" + me);
                          }
                        };
                        assertEquals(k + 1L, num(r));
                        outcomes.merge("result", 1, Integer::sum);
                      } catch (JsInterruptedException e) {
                        assertTrue(e.getMessage().contains("closed"), e.getMessage());
                        outcomes.merge("JsInterruptedException", 1, Integer::sum);
                      } catch (IllegalStateException e) {
                        assertTrue(e.getMessage().contains("closed"), e.getMessage());
                        outcomes.merge("IllegalStateException", 1, Integer::sum);
                        return null; // closed: every later call fails the same way
                      }
                    }
                  }));
        }
        assertTrue(started.await(10, TimeUnit.SECONDS));
        Thread.sleep(5 + round % 7);
        engine.close();
        awaitAll(tasks, Duration.ofSeconds(30));
      }
      NUMBERS.put("races/close-results", (long) outcomes.getOrDefault("result", 0));
      NUMBERS.put("races/close-interrupted", (long) outcomes.getOrDefault("JsInterruptedException", 0));
      NUMBERS.put("races/close-illegal-state", (long) outcomes.getOrDefault("IllegalStateException", 0));
      assertEquals(80, outcomes.get("IllegalStateException"), "every thread sees the engine closed");
    }

    @Test
    void manyThreadsWaitingOnALimitedEngineEachGetTheirOwnLimit() throws Exception {
      QuickJsScriptEngine engine =
          engine(QuickJsOptions.builder().timeLimit(Duration.ofMillis(50)).build());
      ExecutorService pool = pool(4);
      List<Future<Long>> tasks = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        tasks.add(
            pool.submit(
                () -> {
                  long worst = 0;
                  for (int i = 0; i < 5; i++) {
                    long c0 = System.nanoTime();
                    assertThrows(JsTimeoutException.class, () -> engine.eval("while (true) {}"));
                    worst = Math.max(worst, millisSince(c0));
                  }
                  return worst;
                }));
      }
      awaitAll(tasks, Duration.ofSeconds(60));
      long worst = 0;
      for (Future<Long> f : tasks) {
        worst = Math.max(worst, f.get());
      }
      NUMBERS.put("races/4-threads-50ms-limit-worst-wall-ms", worst);
      // a call's deadline starts when it holds the engine, not while it waits for it
      assertTrue(worst >= 50, "a call stopped before its limit: " + worst + " ms");
      assertEquals(2, num(engine.eval("1 + 1")));
    }
  }
}
