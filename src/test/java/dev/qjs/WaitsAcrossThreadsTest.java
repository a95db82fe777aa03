package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import javax.script.ScriptException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The Java↔JS boundary never hangs: a Java API that runs a script's callbacks on its own threads
 * and waits for them (parallel streams, executors, futures), two engines that hold each other's
 * objects, and calls stopped while they wait all end — with the result, within the time limit, or
 * with a clear error.
 */
class WaitsAcrossThreadsTest {
  private static final Duration NEVER_HANG = Duration.ofSeconds(60);
  private static final QuickJsScriptEngineFactory FACTORY = new QuickJsScriptEngineFactory();

  private final List<QuickJsScriptEngine> engines = new ArrayList<>();
  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
    for (QuickJsScriptEngine e : engines) {
      e.close();
    }
  }

  private QuickJsScriptEngine engine(QuickJsOptions.Builder options) {
    QuickJsScriptEngine e = (QuickJsScriptEngine) FACTORY.getScriptEngine(options.build());
    engines.add(e);
    return e;
  }

  private QuickJsScriptEngine engine() {
    return engine(QuickJsOptions.builder());
  }

  private QuickJsScriptEngine limited(long millis) {
    return engine(QuickJsOptions.builder().timeLimit(Duration.ofMillis(millis)));
  }

  /** Runs a supplier on another thread and waits for it: what many Java APIs do with callbacks. */
  public static final class OtherThread {
    private final ExecutorService pool;

    OtherThread(ExecutorService pool) {
      this.pool = pool;
    }

    public Object run(Supplier<Object> work) throws Exception {
      return pool.submit(work::get).get();
    }

    public Object supplyAsyncJoin(Supplier<Object> work) {
      return CompletableFuture.supplyAsync(work).join();
    }

    public Object runAll(Supplier<Object> work, int times) throws Exception {
      List<Future<Object>> futures = new ArrayList<>();
      for (int i = 0; i < times; i++) {
        futures.add(pool.submit(work::get));
      }
      List<Object> results = new ArrayList<>();
      for (Future<Object> f : futures) {
        results.add(f.get());
      }
      return results;
    }
  }

  @Nested
  class CallbacksOnOtherThreads {
    @Test
    void aParallelStreamOverAJavaListRunsTheScriptLambdaAndReturns() throws Exception {
      for (QuickJsScriptEngine e : List.of(engine(), limited(20_000))) {
        List<Integer> list = IntStream.rangeClosed(1, 2000).boxed().collect(Collectors.toList());
        e.put("l", list);
        Object sum = assertTimeoutPreemptively(NEVER_HANG, () ->
            e.eval("l.parallelStream().map(x => x * 2).reduce(0, (a, b) => a + b)"));
        assertEquals(2000 * 2001, ((Number) sum).intValue());
      }
    }

    @Test
    void theCommonPoolKeepsItsWorkersAfterParallelStreams() throws Exception {
      QuickJsScriptEngine e = engine();
      e.put("l", IntStream.range(0, 500).boxed().collect(Collectors.toList()));
      for (int i = 0; i < 5; i++) {
        assertTimeoutPreemptively(NEVER_HANG, () ->
            e.eval("l.parallelStream().filter(x => x % 2 == 0).count()"));
      }
      // a plain parallel stream with no script still gets the pool's workers
      long n = assertTimeoutPreemptively(NEVER_HANG, () ->
          IntStream.range(0, 100_000).parallel().filter(x -> x % 3 == 0).count());
      assertEquals(33_334, n);
    }

    @Test
    void aCompletableFutureOfAScriptFunctionJoinedByJavaCodeReturns() throws Exception {
      QuickJsScriptEngine e = engine();
      e.put("other", new OtherThread(pool));
      Object v = assertTimeoutPreemptively(NEVER_HANG, () -> e.eval("other.supplyAsyncJoin(() => 6 * 7)"));
      assertEquals(42, v);
    }

    @Test
    void aCompletableFutureOfAScriptFunctionMadeThroughJavaTypeIsAwaited() throws Exception {
      QuickJsScriptEngine e =
          engine(QuickJsOptions.builder().classFilter(name -> name.equals("java.util.concurrent.CompletableFuture")));
      Object v = assertTimeoutPreemptively(NEVER_HANG, () -> e.eval(
          "const CF = Java.type('java.util.concurrent.CompletableFuture');\n"
              + "CF.supplyAsync(() => 6 * 7)"));
      assertEquals(42, assertTimeoutPreemptively(NEVER_HANG, () -> ((CompletableFuture<?>) v).get()));
    }

    @Test
    void anExecutorRunningScriptCallbacksWhileTheScriptWaitsReturnsEveryResult() throws Exception {
      QuickJsScriptEngine e = engine();
      e.put("other", new OtherThread(pool));
      Object v = assertTimeoutPreemptively(NEVER_HANG, () -> e.eval(
          "let n = 0;\n"
              + "const r = other.runAll(() => ++n, 20);\n"
              + "[r.size(), n, other.run(() => 'ran on ' + typeof n)]"));
      assertEquals(List.of(20, 20, "ran on number"), ((JsArray) v).toJava());
    }

    @Test
    void anInvocableInterfaceCalledFromAThreadTheScriptWaitsForReturns() throws Exception {
      QuickJsScriptEngine e = engine();
      e.eval("function getAsInt() { return 9 }");
      IntSupplier proxy = ((Invocable) e).getInterface(IntSupplier.class);
      e.put("callProxyElsewhere", (Supplier<Object>) () -> {
        try {
          return pool.submit(proxy::getAsInt).get();
        } catch (Exception ex) {
          throw new IllegalStateException(ex);
        }
      });
      assertEquals(9, assertTimeoutPreemptively(NEVER_HANG, () -> e.eval("callProxyElsewhere.get()")));
    }

    @Test
    void aJsFunctionCalledFromAThreadTheScriptWaitsForReturns() throws Exception {
      QuickJsScriptEngine e = engine();
      JsFunction f = (JsFunction) e.eval("(a, b) => a + b");
      e.put("callElsewhere", (Supplier<Object>) () -> {
        try {
          return pool.submit(() -> f.call(20, 22)).get();
        } catch (Exception ex) {
          throw new IllegalStateException(ex);
        }
      });
      assertEquals(42, assertTimeoutPreemptively(NEVER_HANG, () -> e.eval("callElsewhere.get()")));
    }

    @Test
    void aCallbackThatNeverEndsOnTheOtherThreadIsStoppedByTheTimeLimit() {
      QuickJsScriptEngine e = limited(300);
      e.put("other", new OtherThread(pool));
      Throwable t = assertTimeoutPreemptively(NEVER_HANG, () -> assertThrows(ScriptException.class,
          () -> e.eval("other.run(() => { while (true) {} })")));
      assertInstanceOf(JsTimeoutException.class, t, t.toString());
    }

    @Test
    void aCallbackOnTheOtherThreadIsStoppedByInterrupt() throws Exception {
      QuickJsScriptEngine e = engine();
      e.put("other", new OtherThread(pool));
      CountDownLatch running = new CountDownLatch(1);
      e.put("running", running);
      Future<Throwable> call = Executors.newSingleThreadExecutor().submit(() -> {
        try {
          e.eval("other.run(() => { running.countDown(); while (true) {} })");
          return null;
        } catch (Throwable t) {
          return t;
        }
      });
      assertTrue(running.await(30, TimeUnit.SECONDS));
      e.interrupt();
      Throwable t = call.get(30, TimeUnit.SECONDS);
      assertInstanceOf(JsInterruptedException.class, t, String.valueOf(t));
      assertEquals(2, e.eval("1 + 1"), "the engine works on after the interrupt");
    }

    @Test
    void recursionOnTheBorrowingThreadIsAStackErrorAndTheWaitingCallKeepsItsOwnStack()
        throws Exception {
      QuickJsScriptEngine e = engine();
      ExecutorService small = Executors.newSingleThreadExecutor(
          r -> new Thread(null, r, "small-stack", 256 * 1024));
      try {
        e.put("other", new OtherThread(small));
        Object v = assertTimeoutPreemptively(NEVER_HANG, () -> e.eval(
            "function down(n) { return down(n + 1) + 1 }\n"
                + "function depth(n) { try { return depth(n + 1) } catch (e) { return n } }\n"
                + "const there = other.run(() => { try { down(0) } catch (e) { return e.message } });\n"
                + "[there, depth(0) > 100]"));
        assertEquals(List.of("stack overflow", true), ((JsArray) v).toJava());
      } finally {
        small.shutdownNow();
      }
    }

    @Test
    void aBorrowingCallWithoutALimitIsStillBoundByTheWaitingCallsLimit() throws Exception {
      QuickJsScriptEngine e = limited(300);
      QuickJsScriptEngine unlimited = engine();
      // the callback is a function of the limited engine, run by another thread: the limited
      // call is waiting for it, so its deadline holds for the callback too
      e.put("other", new OtherThread(pool));
      Throwable t = assertTimeoutPreemptively(NEVER_HANG, () -> assertThrows(ScriptException.class,
          () -> e.eval("other.run(() => { for (;;) {} })")));
      assertInstanceOf(JsTimeoutException.class, t);
      assertEquals(1, unlimited.eval("1"));
    }
  }

  @Nested
  class TwoEngines {
    private void holdEachOther(QuickJsScriptEngine a, QuickJsScriptEngine b) throws Exception {
      Object objA = a.eval("({a: 1})");
      Object objB = b.eval("({a: 2})");
      a.put("other", objB);
      b.put("other", objA);
      String loop = "function readOther(n) { let s = 0; for (let i = 0; i < n; i++) s += other.a; return s }";
      a.eval(loop);
      b.eval(loop);
    }

    @Test
    void twoEnginesReadingEachOthersObjectsOnTwoThreadsBothFinish() throws Exception {
      for (boolean withLimits : new boolean[] {false, true}) {
        QuickJsScriptEngine a = withLimits ? limited(30_000) : engine();
        QuickJsScriptEngine b = withLimits ? limited(30_000) : engine();
        holdEachOther(a, b);
        Future<Object> fa = pool.submit(() -> ((Invocable) a).invokeFunction("readOther", 3000));
        Future<Object> fb = pool.submit(() -> ((Invocable) b).invokeFunction("readOther", 3000));
        assertEquals(6000, fa.get(60, TimeUnit.SECONDS));
        assertEquals(3000, fb.get(60, TimeUnit.SECONDS));
      }
    }

    @Test
    void aCallWaitingForAnotherEngineEndsWithItsTimeLimit() throws Exception {
      QuickJsScriptEngine busy = engine();
      QuickJsScriptEngine waiting = limited(300);
      busy.eval("var o = {a: 1}; function spin() { for (;;) {} }");
      waiting.put("other", busy.eval("o"));
      Future<Object> spinning = pool.submit(() -> ((Invocable) busy).invokeFunction("spin"));
      waitUntilLocked(busy);
      try {
        Throwable t = assertTimeoutPreemptively(NEVER_HANG,
            () -> assertThrows(ScriptException.class, () -> waiting.eval("other.a")));
        assertInstanceOf(JsTimeoutException.class, t, t.toString());
      } finally {
        busy.interrupt();
      }
      assertThrows(Exception.class, () -> spinning.get(30, TimeUnit.SECONDS));
    }

    @Test
    void aCallWaitingForAnotherEngineEndsWithInterruptAndWithClose() throws Exception {
      for (boolean close : new boolean[] {false, true}) {
        QuickJsScriptEngine busy = engine();
        QuickJsScriptEngine waiting = engine();
        busy.eval("var o = {a: 1}; function spin() { for (;;) {} }");
        waiting.put("other", busy.eval("o"));
        Future<Object> spinning = pool.submit(() -> ((Invocable) busy).invokeFunction("spin"));
        waitUntilLocked(busy);
        CountDownLatch entered = new CountDownLatch(1);
        waiting.put("entered", entered);
        Future<Throwable> call = pool.submit(() -> {
          try {
            waiting.eval("entered.countDown(); other.a");
            return null;
          } catch (Throwable t) {
            return t;
          }
        });
        assertTrue(entered.await(30, TimeUnit.SECONDS));
        Thread.sleep(50);
        if (close) {
          waiting.close();
        } else {
          waiting.interrupt();
        }
        Throwable t = call.get(30, TimeUnit.SECONDS);
        assertInstanceOf(JsInterruptedException.class, t, String.valueOf(t));
        busy.interrupt();
        assertThrows(Exception.class, () -> spinning.get(30, TimeUnit.SECONDS));
        assertEquals(3, busy.eval("1 + 2"), "the other engine works on");
      }
    }

    private void waitUntilLocked(QuickJsScriptEngine busy) throws InterruptedException {
      // the spinning call has entered once a probe from this thread has to wait for it
      for (int i = 0; i < 100; i++) {
        Future<Object> probe = pool.submit(() -> busy.eval("0"));
        try {
          probe.get(50, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException stillRunning) {
          probe.cancel(true);
          return;
        } catch (java.util.concurrent.ExecutionException e) {
          throw new AssertionError(e);
        }
        Thread.sleep(20);
      }
    }
  }

  @Nested
  class StoppingFromInside {
    @Test
    void closeCalledFromTheScriptsOwnCallbackStopsTheScript() {
      QuickJsScriptEngine e = engine();
      e.put("closer", (Runnable) e::close);
      Throwable t = assertTimeoutPreemptively(NEVER_HANG, () -> assertThrows(ScriptException.class,
          () -> e.eval("closer.run(); let n = 0; while (true) { n++ }")));
      assertTrue(t.getMessage().contains("closed"), t.getMessage());
      IllegalStateException closed = assertThrows(IllegalStateException.class, () -> e.eval("1"));
      assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }

    @Test
    void aStackOverflowErrorFromHostCodeEndsTheCallInsteadOfBeingCaught() throws Exception {
      QuickJsScriptEngine e = engine();
      e.put("deep", (Runnable) () -> {
        throw new StackOverflowError("from host code");
      });
      StackOverflowError t = assertThrows(StackOverflowError.class,
          () -> e.eval("let caught = 'no'; try { deep.run() } catch (x) { caught = 'yes' }; "
              + "for (let i = 0; i < 1e9; i++) {} caught"));
      assertEquals("from host code", t.getMessage());
      assertEquals(2, e.eval("1 + 1"), "the engine works on");
    }

    @Test
    void anOutOfMemoryErrorFromHostCodeReachesTheCallerThroughNestedCalls() throws Exception {
      QuickJsScriptEngine e = engine();
      e.put("oom", (Runnable) () -> {
        throw new OutOfMemoryError("host heap");
      });
      AtomicReference<Object> inner = new AtomicReference<>();
      e.put("reenter", (Supplier<Object>) () -> {
        try {
          return e.eval("try { oom.run(); 'caught inside' } catch (x) { 'caught' }");
        } catch (ScriptException ex) {
          inner.set(ex);
          return "script exception";
        }
      });
      assertThrows(OutOfMemoryError.class, () -> e.eval("try { reenter.get() } catch (x) { 'outer caught' }"));
      assertEquals(null, inner.get());
      assertEquals(Map.of("a", 1), ((JsObject) e.eval("({a: 1})")).toJava());
    }
  }

  @Test
  void aFutureCompletedByAnotherEngineOnAnotherThreadIsAwaited() throws Exception {
    QuickJsScriptEngine a = engine();
    QuickJsScriptEngine b = engine();
    b.eval("function twice(x) { return 2 * x }");
    CompletableFuture<Object> f = CompletableFuture.supplyAsync(() -> {
      try {
        return ((Invocable) b).invokeFunction("twice", 21);
      } catch (Exception ex) {
        throw new IllegalStateException(ex);
      }
    }, pool);
    a.put("join", (Supplier<Object>) f::join);
    Object v = assertTimeoutPreemptively(NEVER_HANG, () -> a.eval("join.get()"));
    assertEquals(42, v);
  }
}
