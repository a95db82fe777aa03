package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import javax.script.Bindings;
import javax.script.Compilable;
import javax.script.CompiledScript;
import javax.script.ScriptContext;
import javax.script.ScriptException;
import javax.script.SimpleBindings;
import javax.script.SimpleScriptContext;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** QuickJsEnginePool: leasing, pre-warming, the return policy, closing, hostile use. */
@Timeout(120)
class EnginePoolTest {

  /** Waits up to 10 s for a condition another thread makes true. */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(5);
    }
  }

  static boolean isClosed(QuickJsScriptEngine engine) {
    try {
      engine.eval("1");
      return false;
    } catch (IllegalStateException e) {
      return true;
    } catch (ScriptException e) {
      throw new AssertionError(e);
    }
  }

  static void assertAddsUp(PoolMetrics m) {
    assertEquals(m.size(), m.idle() + m.leased(), m.toString());
    assertEquals(m.creations() - m.discards(), m.size(), m.toString());
  }

  /** The example of docs/engine-pools.md (DocumentedSnippetsTest keeps the two the same). */
  @Test
  void theDocumentedPoolLeasesAnEngineWithTheHelpersLoaded() throws Exception {
    // snippet
    QuickJsEnginePool pool = QuickJsEnginePool.builder()
        .script("function total(order) { return order.qty * order.price }", "helpers.js")
        .minIdle(2).maxSize(4)
        .leaseTimeout(Duration.ofSeconds(5))
        .build();
    Object total;
    try (QuickJsEnginePool.Lease lease = pool.lease()) {
      total = lease.engine().invokeFunction("total", java.util.Map.of("qty", 3, "price", 7));
    }
    // end
    assertEquals(21, total);
    pool.close();
    assertEquals(0, pool.metrics().size());
  }

  @Nested
  class Leasing {
    @Test
    void aLeaseGetsAnEngineTheInitializerPrepared() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder()
          .script("function greet(n) { return 'hello, ' + n }", "helpers.js")
          .initializer(engine -> engine.put("suffix", "!"))
          .script("var shout = n => greet(n) + suffix", "later.js")
          .build()) {
        try (QuickJsEnginePool.Lease lease = pool.lease()) {
          QuickJsScriptEngine engine = lease.engine();
          assertEquals("hello, ada!", engine.invokeFunction("shout", "ada"));
          CompiledScript c = ((Compilable) engine).compile("greet('bob')");
          assertEquals("hello, bob", c.eval());
          assertNull(engine.get(javax.script.ScriptEngine.FILENAME), "the step's file name is not left set");
        }
        PoolMetrics m = pool.metrics();
        assertEquals(1, m.leases());
        assertEquals(1, m.creations());
        assertEquals(1, m.idle());
        assertAddsUp(m);
      }
    }

    @Test
    void bytecodeCompiledOnceIsReadyInEveryFreshEngine() throws Exception {
      Bytecode helpers = Bytecode.compileScript(
          "var loads = (globalThis.loads || 0) + 1; function area(r) { return Math.round(Math.PI * r * r) }",
          "helpers.js");
      Bytecode module = Bytecode.compileModule("globalThis.fromModule = 'yes'; export const unit = 'cm2'", "units.mjs");
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder()
          .bytecode(helpers).bytecode(module).freshEnginePerLease(true).maxSize(2).build()) {
        for (int i = 0; i < 4; i++) {
          try (QuickJsEnginePool.Lease lease = pool.lease()) {
            QuickJsScriptEngine engine = lease.engine();
            assertEquals(314, engine.invokeFunction("area", 10));
            assertEquals(1, engine.eval("loads"), "each engine ran the library once");
            assertEquals("yes", engine.eval("fromModule"));
          }
        }
        assertEquals(4, pool.metrics().leases());
        assertTrue(pool.metrics().creations() >= 4, pool.metrics().toString());
      }
    }

    @Test
    void theInitializersFileNameIsInItsStackTraces() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder()
          .script("function boom() { throw new Error('x') }", "lib/boom.js").build();
          QuickJsEnginePool.Lease lease = pool.lease()) {
        ScriptException e = assertThrows(ScriptException.class, () -> lease.engine().invokeFunction("boom"));
        assertEquals("lib/boom.js", e.getFileName());
      }
    }

    @Test
    void anIdleEngineIsReusedAndCountedWithoutAWait() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder().minIdle(1).maxSize(1).build()) {
        await("one engine is ready", () -> pool.metrics().idle() == 1);
        QuickJsScriptEngine first;
        try (QuickJsEnginePool.Lease lease = pool.lease()) {
          first = lease.engine();
        }
        try (QuickJsEnginePool.Lease lease = pool.lease()) {
          assertSame(first, lease.engine());
        }
        PoolMetrics m = pool.metrics();
        assertEquals(2, m.leases());
        assertEquals(0, m.waits());
        assertEquals(1, m.creations());
      }
    }

    @Test
    void aFullPoolTimesOutNamingItsMaxSizeAndTheWait() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder().maxSize(2).build();
          QuickJsEnginePool.Lease a = pool.lease();
          QuickJsEnginePool.Lease b = pool.lease()) {
        long start = System.nanoTime();
        TimeoutException e = assertThrows(TimeoutException.class, () -> pool.lease(Duration.ofMillis(200)));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(190), "it waited");
        assertTrue(e.getMessage().contains("within 200 ms"), e.getMessage());
        assertTrue(e.getMessage().contains("maximum size is 2 engines"), e.getMessage());
        assertNotSame(a.engine(), b.engine());
        assertEquals(2, pool.metrics().leased());
      }
    }

    @Test
    void aLeaseNeverClosedGivesItsPlaceBackOnceUnreachableAndItsEngineStillWorks() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder().maxSize(1).build();
          LoggedMessages log = LoggedMessages.of("dev.qjs.pool")) {
        QuickJsScriptEngine kept = pool.lease().engine(); // the lease itself is dropped at once
        QuickJsEnginePool.Lease next = null;
        for (int i = 0; i < 100 && next == null; i++) {
          System.gc();
          try {
            next = pool.lease(Duration.ofMillis(100));
          } catch (TimeoutException stillCounted) {
            // the cleaner has not seen the dropped lease yet
          }
        }
        assertNotNull(next, "the dropped lease's place in the pool never came back");
        try (QuickJsEnginePool.Lease lease = next) {
          assertNotSame(kept, lease.engine());
          assertEquals(2, lease.engine().eval("1 + 1"));
        }
        assertEquals(3, kept.eval("1 + 2"), "the engine was closed under the code that kept it");
        assertTrue(log.messages().stream().anyMatch(m -> m.contains("never closed")),
            log.messages().toString());
        kept.close();
      }
    }

    @Test
    void aZeroTimeoutTakesOnlyAnIdleEngine() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder().maxSize(1).build()) {
        assertThrows(TimeoutException.class, () -> pool.lease(Duration.ZERO));
        await("the engine started for that lease is idle", () -> pool.metrics().idle() == 1);
        try (QuickJsEnginePool.Lease lease = pool.lease(Duration.ZERO)) {
          assertEquals(2, lease.engine().eval("1 + 1"));
        }
      }
    }

    @Test
    void aWaitingLeaseGetsTheEngineAnotherLeaseGivesBack() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder().maxSize(1).build()) {
        QuickJsEnginePool.Lease held = pool.lease();
        QuickJsScriptEngine engine = held.engine();
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
          Future<QuickJsScriptEngine> waiting = other.submit(() -> {
            try (QuickJsEnginePool.Lease lease = pool.lease(Duration.ofSeconds(20))) {
              return lease.engine();
            }
          });
          Thread.sleep(100);
          assertFalse(waiting.isDone(), "it waits while the only engine is leased");
          held.close();
          assertSame(engine, waiting.get(20, TimeUnit.SECONDS));
        } finally {
          other.shutdownNow();
        }
        // both waited: the first for its engine to be made, the second for the first to return
        assertEquals(2, pool.metrics().waits());
        assertEquals(2, pool.metrics().leases());
        assertEquals(1, pool.metrics().creations());
      }
    }

    @Test
    void waitingLeasesAreServedInArrivalOrder() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder().maxSize(1).build()) {
        QuickJsEnginePool.Lease held = pool.lease();
        List<Integer> served = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          int n = i;
          Thread t = new Thread(() -> {
            try (QuickJsEnginePool.Lease lease = pool.lease(Duration.ofSeconds(30))) {
              served.add(n);
              lease.engine().eval("1");
            } catch (Exception e) {
              served.add(-1);
            }
          });
          threads.add(t);
          t.start();
          await("lease " + n + " waits", () -> t.getState() == Thread.State.TIMED_WAITING);
        }
        held.close();
        for (Thread t : threads) {
          t.join(30_000);
        }
        assertEquals(List.of(0, 1, 2, 3, 4), served);
      }
    }

    @Test
    void aWaitingLeaseIsInterruptibleAndLosesNoEngine() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder().maxSize(1).build()) {
        QuickJsEnginePool.Lease held = pool.lease();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
          try {
            pool.lease(Duration.ofSeconds(30)).close();
          } catch (Throwable e) {
            thrown.set(e);
          }
        });
        t.start();
        await("the lease waits", () -> t.getState() == Thread.State.TIMED_WAITING);
        t.interrupt();
        t.join(10_000);
        assertInstanceOf(InterruptedException.class, thrown.get());
        held.close();
        try (QuickJsEnginePool.Lease again = pool.lease(Duration.ofSeconds(5))) {
          assertEquals(1, pool.metrics().size());
        }
      }
    }

    @Test
    void minIdleEnginesAreMadeAheadOfDemandOnNamedDaemonThreads() throws Exception {
      Set<String> threads = ConcurrentHashMap.newKeySet();
      AtomicInteger daemons = new AtomicInteger();
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder()
          .initializer(engine -> {
            threads.add(Thread.currentThread().getName());
            if (Thread.currentThread().isDaemon()) {
              daemons.incrementAndGet();
            }
          })
          .minIdle(3).maxSize(4).build()) {
        await("three engines are ready", () -> pool.metrics().idle() == 3);
        assertEquals(3, pool.metrics().creations());
        assertEquals(3, daemons.get());
        assertTrue(threads.stream().allMatch(n -> n.startsWith("quickjs-pool-warmer-")), threads.toString());
        try (QuickJsEnginePool.Lease a = pool.lease(Duration.ZERO)) {
          // one leased: another is made so that three stay idle
          await("the pool tops up to minIdle", () -> pool.metrics().idle() == 3);
          assertEquals(4, pool.metrics().size());
        }
      }
    }

    @Test
    void underSteadyLoadALeaseNeverWaitsForAnInitializer() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder()
          .initializer(engine -> engine.eval("var lib = Array.from({length: 2000}, (_, i) => i)"))
          .minIdle(2).maxSize(4).build()) {
        await("two engines are ready", () -> pool.metrics().idle() == 2);
        for (int i = 0; i < 200; i++) {
          try (QuickJsEnginePool.Lease lease = pool.lease(Duration.ZERO)) {
            assertEquals(2000, lease.engine().eval("lib.length"));
          }
        }
        assertEquals(0, pool.metrics().waits());
      }
    }

    @Test
    void aFailingInitializerFailsTheLeaseWithItsScriptExceptionAndDoesNotSpin() throws Exception {
      AtomicInteger runs = new AtomicInteger();
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder()
          .initializer(engine -> runs.incrementAndGet())
          .script("throw new TypeError('library broken')", "lib.js")
          .minIdle(1).maxSize(2).build()) {
        UncheckedScriptException e = assertThrows(UncheckedScriptException.class, () -> pool.lease(Duration.ofSeconds(20)));
        assertTrue(e.getCause().getMessage().contains("library broken"), e.getCause().getMessage());
        assertEquals("lib.js", e.getCause().getFileName());
        Thread.sleep(300);
        int made = runs.get();
        assertTrue(made <= 6, "the warmer backs off after failures instead of spinning: " + made + " engines");
        PoolMetrics m = pool.metrics();
        assertEquals(0, m.size());
        assertEquals(m.creations(), m.discards());
        assertTrue(m.discards() >= 1);
      }
    }

    @Test
    void aTimeoutAfterFailedInitializersCarriesTheFailure() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder()
          .script("throw new Error('no')", "lib.js").minIdle(1).maxSize(1).build()) {
        await("the warmer's engine failed", () -> pool.metrics().discards() >= 1);
        // a lease made before the back-off ends: its own engine fails and it gets that failure
        Throwable e = assertThrows(RuntimeException.class, () -> pool.lease(Duration.ofSeconds(10)));
        assertInstanceOf(ScriptException.class, e.getCause());
      }
    }

    @Test
    void enginesAreMadeWithTheContextClassLoaderOfTheThreadThatBuiltThePool() throws Exception {
      ClassLoader mine = new ClassLoader(getClass().getClassLoader()) {};
      AtomicReference<ClassLoader> seen = new AtomicReference<>();
      ClassLoader before = Thread.currentThread().getContextClassLoader();
      QuickJsEnginePool pool;
      Thread.currentThread().setContextClassLoader(mine);
      try {
        pool = QuickJsEnginePool.builder()
            .initializer(engine -> seen.set(Thread.currentThread().getContextClassLoader()))
            .maxSize(1).build();
      } finally {
        Thread.currentThread().setContextClassLoader(before);
      }
      try (pool; QuickJsEnginePool.Lease lease = pool.lease()) {
        assertSame(mine, seen.get());
      }
    }

    @Test
    void theBuilderRefusesImpossibleSettings() {
      assertThrows(IllegalArgumentException.class, () -> QuickJsEnginePool.builder().maxSize(0));
      assertThrows(IllegalArgumentException.class, () -> QuickJsEnginePool.builder().minIdle(-1));
      assertThrows(IllegalArgumentException.class, () -> QuickJsEnginePool.builder().maxLeasesPerEngine(0));
      assertThrows(IllegalArgumentException.class, () -> QuickJsEnginePool.builder().leaseTimeout(Duration.ofMillis(-1)));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> QuickJsEnginePool.builder().minIdle(3).maxSize(2).build());
      assertTrue(e.getMessage().contains("minIdle (3)"), e.getMessage());
      assertThrows(NullPointerException.class, () -> QuickJsEnginePool.builder().script(null, "x.js"));
      assertThrows(NullPointerException.class, () -> QuickJsEnginePool.builder().options(null));
    }

    @Test
    void aNegativeLeaseTimeoutIsRefused() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder().maxSize(1).build()) {
        assertThrows(IllegalArgumentException.class, () -> pool.lease(Duration.ofSeconds(-1)));
        assertEquals(0, pool.metrics().leases());
      }
    }
  }

  @Nested
  class ReturnPolicy {
    /** Leases once, lets the lease do something, returns; whether the next lease gets the same engine. */
    boolean reusedAfter(QuickJsEnginePool pool, LeaseAction action) throws Exception {
      QuickJsScriptEngine first;
      try (QuickJsEnginePool.Lease lease = pool.lease()) {
        first = lease.engine();
        action.run(first);
      }
      boolean reused;
      try (QuickJsEnginePool.Lease lease = pool.lease()) {
        reused = lease.engine() == first;
      }
      if (!reused) {
        await("the discarded engine is closed", () -> isClosed(first));
      }
      assertAddsUp(pool.metrics());
      return reused;
    }

    interface LeaseAction {
      void run(QuickJsScriptEngine engine) throws Exception;
    }

    QuickJsEnginePool onePool() {
      return QuickJsEnginePool.builder().maxSize(1).build();
    }

    @Test
    void aScriptsOwnErrorKeepsTheEngine() throws Exception {
      try (QuickJsEnginePool pool = onePool()) {
        assertTrue(reusedAfter(pool, e -> assertThrows(ScriptException.class, () -> e.eval("null.x"))));
        assertEquals(0, pool.metrics().discards());
      }
    }

    @Test
    void anInterruptWhileNothingRunsKeepsTheEngine() throws Exception {
      try (QuickJsEnginePool pool = onePool()) {
        assertTrue(reusedAfter(pool, e -> {
          e.interrupt();
          assertEquals(2, e.eval("1 + 1"));
        }));
      }
    }

    @Test
    void anEngineThatHitItsTimeLimitIsDiscarded() throws Exception {
      try (QuickJsEnginePool pool = onePool()) {
        assertFalse(reusedAfter(pool, e -> {
          e.put("quickjs.timeout", 50);
          assertThrows(JsTimeoutException.class, () -> e.eval("while (true) {}"));
        }));
        assertEquals(1, pool.metrics().discards());
      }
    }

    @Test
    void anEngineThatHitItsInstructionLimitIsDiscarded() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder().maxSize(1)
          .options(QuickJsOptions.builder().instructionLimit(100_000).build()).build()) {
        assertFalse(reusedAfter(pool,
            e -> assertThrows(JsInstructionLimitException.class, () -> e.eval("for (;;) {}"))));
      }
    }

    @Test
    void anEngineThatHitItsMemoryLimitIsDiscarded() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder().maxSize(1)
          .options(QuickJsOptions.builder().memoryLimit(8L << 20).build()).build()) {
        assertFalse(reusedAfter(pool, e -> assertThrows(JsMemoryLimitException.class,
            () -> e.eval("const a = []; for (;;) a.push('x'.repeat(1000) + a.length)"))));
      }
    }

    @Test
    void anEngineThatHitItsCpuTimeLimitIsDiscarded() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder().maxSize(1)
          .options(QuickJsOptions.builder().cpuTimeLimit(Duration.ofMillis(50)).build()).build()) {
        assertFalse(reusedAfter(pool,
            e -> assertThrows(JsCpuTimeLimitException.class, () -> e.eval("while (true) {}"))));
      }
    }

    @Test
    void anEngineWhoseStackOverflowedIsDiscarded() throws Exception {
      try (QuickJsEnginePool pool = onePool()) {
        assertFalse(reusedAfter(pool, e -> assertThrows(JsStackOverflowException.class,
            () -> e.eval("function f(n) { return f(n + 1) + 1 } f(0)"))));
      }
    }

    @Test
    void anEngineInterruptedDuringTheLeaseIsDiscarded() throws Exception {
      try (QuickJsEnginePool pool = onePool()) {
        assertFalse(reusedAfter(pool, e -> {
          Thread stopper = new Thread(() -> {
            try {
              Thread.sleep(100);
            } catch (InterruptedException ignored) {
              return;
            }
            e.interrupt();
          });
          stopper.start();
          assertThrows(JsInterruptedException.class, () -> e.eval("while (true) {}"));
          stopper.join();
        }));
      }
    }

    @Test
    void aTimeLimitAScriptTriesToCatchStillDiscardsTheEngine() throws Exception {
      try (QuickJsEnginePool pool = onePool()) {
        assertFalse(reusedAfter(pool, e -> {
          e.put("quickjs.timeout", 50);
          assertThrows(JsTimeoutException.class,
              () -> e.eval("for (;;) { try { while (true) {} } catch (e) { } finally { } }"));
        }));
      }
    }

    @Test
    void discardClosesTheEngineAndEndsTheLease() throws Exception {
      try (QuickJsEnginePool pool = onePool()) {
        QuickJsEnginePool.Lease lease = pool.lease();
        QuickJsScriptEngine engine = lease.engine();
        lease.discard();
        lease.close(); // does nothing
        assertThrows(IllegalStateException.class, lease::engine);
        await("the engine is closed", () -> isClosed(engine));
        try (QuickJsEnginePool.Lease next = pool.lease()) {
          assertNotSame(engine, next.engine());
        }
        PoolMetrics m = pool.metrics();
        assertEquals(2, m.creations());
        assertEquals(1, m.discards());
        assertAddsUp(m);
      }
    }

    @Test
    void anEngineIsReplacedAfterMaxLeasesPerEngine() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder().maxSize(1).maxLeasesPerEngine(3).build()) {
        List<QuickJsScriptEngine> seen = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
          try (QuickJsEnginePool.Lease lease = pool.lease()) {
            seen.add(lease.engine());
          }
        }
        assertSame(seen.get(0), seen.get(2));
        assertNotSame(seen.get(2), seen.get(3));
        assertSame(seen.get(3), seen.get(5));
        assertNotSame(seen.get(5), seen.get(6));
        assertEquals(3, pool.metrics().creations());
        assertEquals(2, pool.metrics().discards());
      }
    }

    @Test
    void aFreshEnginePerLeaseNeverSeesAPreviousLeasesGlobals() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder()
          .script("var counter = 0; function bump() { return ++counter }", "lib.js")
          .freshEnginePerLease(true).minIdle(2).maxSize(3).build()) {
        for (int i = 0; i < 6; i++) {
          try (QuickJsEnginePool.Lease lease = pool.lease()) {
            QuickJsScriptEngine e = lease.engine();
            assertEquals(1, e.invokeFunction("bump"), "a never-used engine");
            assertEquals("undefined", e.eval("typeof leftover"));
            e.eval("globalThis.leftover = 'secret'; Object.prototype.polluted = true; Math.max = () => 0");
          }
        }
        await("the warmer keeps fresh engines ready", () -> pool.metrics().idle() == 2);
        PoolMetrics m = pool.metrics();
        assertEquals(6, m.discards());
        assertAddsUp(m);
      }
    }

    @Test
    void whatALeaseChangedInTheContextIsResetForTheNextLease() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder()
          .script("var libraryName = 'lib'; function render(m) { return 'hi ' + m.name }", "lib.js")
          .maxSize(1).build()) {
        StringWriter out = new StringWriter();
        try (QuickJsEnginePool.Lease lease = pool.lease()) {
          QuickJsScriptEngine e = lease.engine();
          e.getContext().setWriter(out);
          e.put("model", java.util.Map.of("name", "Ada"));
          e.put("quickjs.timeout", 1);
          e.eval("var perRequest = 42; print('to the lease writer')");
          assertEquals("hi Ada", e.eval("render(model)"));
        }
        assertTrue(out.toString().contains("to the lease writer"));
        try (QuickJsEnginePool.Lease lease = pool.lease()) {
          QuickJsScriptEngine e = lease.engine();
          assertNotSame(out, e.getContext().getWriter());
          assertNull(e.get("model"), "a name the lease put is gone");
          assertNull(e.get("quickjs.timeout"), "a setting the lease made is gone");
          assertEquals("undefined", e.eval("typeof perRequest"), "a var the lease declared is undefined");
          assertEquals("lib", e.get("libraryName"), "the initializer's names stay");
          StringWriter next = new StringWriter();
          e.getContext().setWriter(next);
          e.eval("print('not to the old writer')");
          assertTrue(next.toString().contains("not to the old writer"));
          // the 1 ms time limit would stop this loop had it stayed
          assertEquals(300000, e.eval("let n = 0; for (let i = 0; i < 300000; i++) n++; n"));
        }
        assertFalse(out.toString().contains("old writer"));
        assertEquals(0, pool.metrics().discards());
      }
    }

    @Test
    void aContextOrBindingsTheLeaseReplacedArePutBack() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder()
          .script("var x = 'mine'", "lib.js").maxSize(1).build()) {
        ScriptContext original;
        Bindings originalScope;
        try (QuickJsEnginePool.Lease lease = pool.lease()) {
          QuickJsScriptEngine e = lease.engine();
          original = e.getContext();
          originalScope = e.getBindings(ScriptContext.ENGINE_SCOPE);
          e.setBindings(new SimpleBindings(), ScriptContext.GLOBAL_SCOPE);
          e.setBindings(e.createBindings(), ScriptContext.ENGINE_SCOPE);
          assertEquals("undefined", e.eval("typeof x"));
          e.setContext(new SimpleScriptContext());
        }
        try (QuickJsEnginePool.Lease lease = pool.lease()) {
          QuickJsScriptEngine e = lease.engine();
          assertSame(original, e.getContext());
          assertSame(originalScope, e.getBindings(ScriptContext.ENGINE_SCOPE));
          assertNull(e.getBindings(ScriptContext.GLOBAL_SCOPE));
          assertEquals("mine", e.eval("x"));
        }
      }
    }
  }

  @Nested
  class HostileUse {
    @Test
    void aLeaseClosedTwiceReturnsItsEngineOnce() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder().maxSize(2).build()) {
        QuickJsEnginePool.Lease lease = pool.lease();
        lease.close();
        lease.close();
        PoolMetrics m = pool.metrics();
        assertEquals(0, m.leased());
        assertEquals(1, m.idle());
        try (QuickJsEnginePool.Lease a = pool.lease(); QuickJsEnginePool.Lease b = pool.lease()) {
          assertNotSame(a.engine(), b.engine(), "the one engine is not handed out twice");
        }
      }
    }

    @Test
    void aLeaseUsedAfterCloseThrows() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder().maxSize(1).build()) {
        QuickJsEnginePool.Lease lease = pool.lease();
        lease.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, lease::engine);
        assertTrue(e.getMessage().contains("lease again"), e.getMessage());
        assertThrows(IllegalStateException.class, lease::discard);
        assertEquals(1, pool.metrics().idle(), "discard after close did not discard the returned engine");
      }
    }

    @Test
    void anEngineClosedByItsUserWhileLeasedIsDiscarded() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder().maxSize(1).build()) {
        QuickJsScriptEngine closed;
        try (QuickJsEnginePool.Lease lease = pool.lease()) {
          closed = lease.engine();
          closed.close();
        }
        try (QuickJsEnginePool.Lease lease = pool.lease()) {
          assertNotSame(closed, lease.engine());
          assertEquals(3, lease.engine().eval("1 + 2"));
        }
        PoolMetrics m = pool.metrics();
        assertEquals(1, m.discards());
        assertAddsUp(m);
      }
    }

    @Test
    void aLeasedEngineWorksFromAnotherThread() throws Exception {
      try (QuickJsEnginePool pool = QuickJsEnginePool.builder()
          .script("function twice(x) { return x * 2 }", "lib.js").maxSize(1).build();
          QuickJsEnginePool.Lease lease = pool.lease()) {
        ExecutorService other = Executors.newFixedThreadPool(2);
        try {
          List<Future<Object>> results = new ArrayList<>();
          for (int i = 0; i < 20; i++) {
            int n = i;
            results.add(other.submit(() -> lease.engine().invokeFunction("twice", n)));
          }
          for (int i = 0; i < 20; i++) {
            assertEquals(i * 2, results.get(i).get(20, TimeUnit.SECONDS));
          }
        } finally {
          other.shutdownNow();
        }
      }
    }

    @Test
    void manyThreadsHammeringLeasesWithDiscardsAndLimitsLeakNoEngine() throws Exception {
      int threads = 8;
      int rounds = 60;
      QuickJsEnginePool pool = QuickJsEnginePool.builder()
          .script("function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s }", "lib.js")
          .minIdle(1).maxSize(3).maxLeasesPerEngine(7).leaseTimeout(Duration.ofSeconds(60)).build();
      Set<QuickJsScriptEngine> leasedNow = ConcurrentHashMap.newKeySet();
      AtomicInteger doubleLeases = new AtomicInteger();
      ExecutorService exec = Executors.newFixedThreadPool(threads);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          done.add(exec.submit(() -> {
            start.await();
            ThreadLocalRandom r = ThreadLocalRandom.current();
            for (int i = 0; i < rounds; i++) {
              QuickJsEnginePool.Lease lease = pool.lease();
              QuickJsScriptEngine e = lease.engine();
              if (!leasedNow.add(e)) {
                doubleLeases.incrementAndGet();
              }
              try {
                switch (r.nextInt(6)) {
                  case 0 -> {
                    e.put("quickjs.instructionLimit", 1000);
                    assertThrows(JsInstructionLimitException.class, () -> e.eval("for (;;) {}"));
                  }
                  case 1 -> assertThrows(ScriptException.class, () -> e.eval("null.x"));
                  case 2 -> e.put("scratch" + r.nextInt(3), i);
                  default -> assertEquals(4950, e.invokeFunction("work", 100));
                }
              } finally {
                leasedNow.remove(e);
                if (r.nextInt(10) == 0) {
                  lease.discard();
                } else {
                  lease.close();
                }
              }
            }
            return null;
          }));
        }
        start.countDown();
        for (Future<?> f : done) {
          f.get(120, TimeUnit.SECONDS);
        }
      } finally {
        exec.shutdownNow();
      }
      assertEquals(0, doubleLeases.get(), "an engine was leased to two callers at once");
      await("the pool settles", () -> pool.metrics().idle() >= 1 && pool.metrics().leased() == 0);
      PoolMetrics m = pool.metrics();
      assertEquals(threads * rounds, m.leases());
      assertEquals(0, m.leased());
      assertTrue(m.size() <= 3, m.toString());
      assertTrue(m.discards() > 0, m.toString());
      assertAddsUp(m);
      pool.close();
      PoolMetrics after = pool.metrics();
      assertEquals(0, after.size(), after.toString());
      assertEquals(after.creations(), after.discards(), after.toString());
    }

    @Test
    void closeRacingLeasesLeavesNoEngineOpen() throws Exception {
      for (int round = 0; round < 5; round++) {
        QuickJsEnginePool pool = QuickJsEnginePool.builder().minIdle(2).maxSize(3).build();
        Set<QuickJsScriptEngine> seen = ConcurrentHashMap.newKeySet();
        ExecutorService exec = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          done.add(exec.submit(() -> {
            start.await();
            for (int i = 0; i < 50; i++) {
              try (QuickJsEnginePool.Lease lease = pool.lease(Duration.ofSeconds(20))) {
                seen.add(lease.engine());
                lease.engine().eval("1 + 1");
              } catch (IllegalStateException closed) {
                assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
                return null;
              }
            }
            return null;
          }));
        }
        start.countDown();
        Thread.sleep(ThreadLocalRandom.current().nextInt(1, 30));
        pool.close();
        for (Future<?> f : done) {
          f.get(60, TimeUnit.SECONDS);
        }
        exec.shutdownNow();
        await("every engine of the pool is closed", () -> seen.stream().allMatch(EnginePoolTest::isClosed));
        await("the counts settle", () -> pool.metrics().size() == 0
            && pool.metrics().creations() == pool.metrics().discards());
        assertThrows(IllegalStateException.class, pool::lease);
      }
    }
  }

  @Nested
  class Closing {
    @Test
    void closeClosesIdleEnginesNowAndLeasedOnesWhenTheyReturn() throws Exception {
      QuickJsEnginePool pool = QuickJsEnginePool.builder().minIdle(2).maxSize(3).build();
      await("two engines are ready", () -> pool.metrics().idle() == 2);
      QuickJsEnginePool.Lease lease = pool.lease();
      QuickJsScriptEngine leased = lease.engine();
      await("the pool tops up", () -> pool.metrics().idle() == 2);
      pool.close();
      pool.close(); // idempotent
      assertEquals(1, pool.metrics().size());
      assertEquals(42, leased.eval("42"), "a leased engine works until its lease ends");
      IllegalStateException e = assertThrows(IllegalStateException.class, pool::lease);
      assertTrue(e.getMessage().contains("closed"), e.getMessage());
      lease.close();
      await("the leased engine is closed on return", () -> isClosed(leased));
      PoolMetrics m = pool.metrics();
      assertEquals(0, m.size());
      assertEquals(m.creations(), m.discards());
    }

    @Test
    void aLeaseWaitingWhenThePoolClosesFails() throws Exception {
      QuickJsEnginePool pool = QuickJsEnginePool.builder().maxSize(1).build();
      QuickJsEnginePool.Lease held = pool.lease();
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      Thread t = new Thread(() -> {
        try {
          pool.lease(Duration.ofSeconds(30));
        } catch (Throwable e) {
          thrown.set(e);
        }
      });
      t.start();
      await("the lease waits", () -> t.getState() == Thread.State.TIMED_WAITING);
      pool.close();
      t.join(10_000);
      assertInstanceOf(IllegalStateException.class, thrown.get());
      held.close();
      assertEquals(0, pool.metrics().size());
    }
  }
}
