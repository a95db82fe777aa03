package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.internal.bridge.QuickJsNative;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.script.Bindings;
import javax.script.Invocable;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Promises and Java futures in both directions, timers, queueMicrotask, uncaught errors and a
 * module's top-level await. Waiting is bounded generously ({@link #WAIT}); a test that checks
 * that nothing more happens waits a short, fixed {@link #QUIET} time.
 */
class AsyncTest {
  /** The longest a test waits for something that should happen. */
  private static final long WAIT = 30;
  /** How long a test waits to see that something does not happen. */
  private static final long QUIET = 300;

  /** For getInterface: JavaScript functions returning promises. */
  public interface AsyncApi {
    CompletableFuture<Object> fetch(String s);

    java.util.concurrent.CompletionStage<Object> stage(String s);
  }

  private final List<ScriptEngine> engines = new ArrayList<>();
  /** What scripts send with report(x), in order. */
  private final BlockingQueue<Object> reports = new LinkedBlockingQueue<>();
  private final Consumer<Object> report = v -> reports.add(v == null ? "null" : v);
  /** What the uncaught-error handler of handled() engines received. */
  private final BlockingQueue<JsException> uncaught = new LinkedBlockingQueue<>();

  private QuickJsScriptEngine engine(QuickJsOptions options) {
    QuickJsScriptEngine e = new QuickJsScriptEngineFactory().getScriptEngine(options);
    e.put("report", report);
    engines.add(e);
    return e;
  }

  private QuickJsScriptEngine engine() {
    return engine(QuickJsOptions.defaults());
  }

  /** An engine whose uncaught errors go to {@link #uncaught}. */
  private QuickJsScriptEngine handled() {
    return engine(QuickJsOptions.builder().uncaughtErrorHandler(uncaught::add).build());
  }

  @AfterEach
  void closeEngines() throws Exception {
    for (ScriptEngine e : engines) {
      ((AutoCloseable) e).close();
    }
  }

  private static CompletableFuture<?> future(Object value) {
    return assertInstanceOf(CompletableFuture.class, value, "a promise reaches Java as a future");
  }

  private static Object await(Object promise) throws Exception {
    return future(promise).get(WAIT, TimeUnit.SECONDS);
  }

  /** The exception a rejected promise's future completes with. */
  private static Throwable failure(Object promise) throws Exception {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> future(promise).get(WAIT, TimeUnit.SECONDS));
    return e.getCause();
  }

  private Object nextReport() throws InterruptedException {
    Object v = reports.poll(WAIT, TimeUnit.SECONDS);
    assertNotNull(v, "nothing was reported within " + WAIT + " s");
    return v;
  }

  private List<Object> nextReports(int n) throws InterruptedException {
    List<Object> got = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      got.add(nextReport());
    }
    return got;
  }

  private void assertNoMoreReports() throws InterruptedException {
    Object extra = reports.poll(QUIET, TimeUnit.MILLISECONDS);
    assertNull(extra, "nothing more should have been reported");
  }

  private JsException nextUncaught() throws InterruptedException {
    JsException e = uncaught.poll(WAIT, TimeUnit.SECONDS);
    assertNotNull(e, "no uncaught error was reported within " + WAIT + " s");
    return e;
  }

  // ------------------------------------------------------------------ JS promises seen by Java

  @Nested
  class PromisesBecomeFutures {
    @Test
    void aResolvedPromiseIsACompletedFutureWithTheConvertedValue() throws Exception {
      Object p = engine().eval("Promise.resolve({a: 1, b: 'two'})");
      assertTrue(future(p).isDone(), "settled before eval returned, so done when it returns");
      JsObject value = assertInstanceOf(JsObject.class, await(p));
      assertEquals(1, value.get("a"));
      assertEquals("two", value.get("b"));
    }

    @Test
    void aRejectionWithAnErrorIsAJsExceptionWithNameMessageAndStack() throws Exception {
      Object p = engine().eval("function fail() { return Promise.reject(new RangeError('out of range')) }\nfail()");
      JsException e = assertInstanceOf(JsException.class, failure(p));
      assertEquals("RangeError", e.getErrorName());
      assertTrue(e.getMessage().startsWith("RangeError: out of range"), e.getMessage());
      assertNotNull(e.getJsStack());
      assertTrue(e.getJsStack().contains("fail"), e.getJsStack());
      assertEquals(1, e.getLineNumber());
      assertInstanceOf(JsObject.class, e.getThrownValue());
    }

    @Test
    void aRejectionWithANonErrorValueKeepsTheValue() throws Exception {
      JsException e = assertInstanceOf(JsException.class, failure(engine().eval("Promise.reject(42)")));
      assertEquals(42, e.getThrownValue());
      assertNull(e.getErrorName());
      assertTrue(e.getMessage().startsWith("42"), e.getMessage());

      JsException s = assertInstanceOf(JsException.class, failure(engine().eval("Promise.reject('nope')")));
      assertEquals("nope", s.getThrownValue());

      JsException o = assertInstanceOf(JsException.class, failure(engine().eval("Promise.reject({code: 7})")));
      assertEquals(7, assertInstanceOf(JsObject.class, o.getThrownValue()).get("code"));
    }

    @Test
    void aRejectionWithUndefinedIsStillAFailure() throws Exception {
      JsException e = assertInstanceOf(JsException.class, failure(engine().eval("Promise.reject(undefined)")));
      assertNull(e.getThrownValue());
      assertTrue(e.getMessage().startsWith("undefined"), e.getMessage());
      JsException n = assertInstanceOf(JsException.class, failure(engine().eval("Promise.reject(null)")));
      assertNull(n.getThrownValue());
      assertTrue(n.getMessage().startsWith("null"), n.getMessage());
    }

    @Test
    void aPendingPromiseCompletesWhenATimerSettlesIt() throws Exception {
      Object p = engine().eval("new Promise(resolve => setTimeout(() => resolve('later'), 20))");
      assertEquals("later", await(p));
    }

    @Test
    void aPendingPromiseRejectedByATimerFailsTheFuture() throws Exception {
      Object p = engine().eval("new Promise((_, reject) => setTimeout(() => reject(new TypeError('late')), 20))");
      JsException e = assertInstanceOf(JsException.class, failure(p));
      assertEquals("TypeError", e.getErrorName());
    }

    @Test
    void aPromiseWaitingOnAJavaFutureCompletesWhenTheJavaFutureDoes() throws Exception {
      ScriptEngine e = engine();
      CompletableFuture<Integer> java = new CompletableFuture<>();
      e.put("java", java);
      Object p = e.eval("(async () => (await java) * 2)()");
      assertFalse(future(p).isDone());
      java.complete(21);
      assertEquals(42, await(p));
    }

    @Test
    void promisesInsideAnObjectOrArrayResultAreFuturesToo() throws Exception {
      JsObject o = (JsObject) engine().eval(
          "({p: Promise.resolve(1), list: [Promise.resolve(2), new Promise(r => setTimeout(() => r(3), 5))]})");
      assertEquals(1, await(o.get("p")));
      List<?> list = assertInstanceOf(List.class, o.get("list"));
      assertEquals(2, await(list.get(0)));
      assertEquals(3, await(list.get(1)));
    }

    @Test
    void aPromiseReadAsAMirrorPropertyIsAFuture() throws Exception {
      ScriptEngine e = engine();
      JsObject holder = (JsObject) e.eval("var holder = {}; holder");
      e.eval("holder.p = new Promise(r => setTimeout(() => r('prop'), 5))");
      assertEquals("prop", await(holder.get("p")));
      assertEquals("prop", await(holder.getMember("p")));
    }

    @Test
    void invokeFunctionOfAnAsyncFunctionGivesAFuture() throws Exception {
      ScriptEngine e = engine();
      e.eval("async function slowSquare(x) { await new Promise(r => setTimeout(r, 5)); return x * x }\n"
          + "async function failing() { await null; throw new SyntaxError('bad') }");
      assertEquals(49, await(((Invocable) e).invokeFunction("slowSquare", 7)));
      JsException err = assertInstanceOf(JsException.class, failure(((Invocable) e).invokeFunction("failing")));
      assertEquals("SyntaxError", err.getErrorName());
    }

    @Test
    void aPromiseGivenToAHostCallbackIsAFuture() throws Exception {
      ScriptEngine e = engine();
      e.eval("report(new Promise(r => setTimeout(() => r('from callback'), 5)))");
      assertEquals("from callback", await(nextReport()));
    }

    @Test
    void handingTheFutureBackToJavaScriptGivesTheSamePromise() throws Exception {
      ScriptEngine e = engine();
      Object p = e.eval("var original = new Promise(() => {}); original");
      e.eval("function same(x) { return x === original }");
      assertEquals(true, ((Invocable) e).invokeFunction("same", p));
      e.put("back", p);
      assertEquals(true, e.eval("back === original"));
      assertEquals(true, e.eval("back instanceof Promise"));
    }

    @Test
    void theSamePromiseReadTwiceMayBeTwoFuturesButBothComplete() throws Exception {
      ScriptEngine e = engine();
      e.eval("var resolveIt; var p = new Promise(r => resolveIt = r)");
      Object a = e.eval("p");
      Object b = e.eval("p");
      e.eval("resolveIt('done')");
      assertEquals("done", await(a));
      assertEquals("done", await(b));
    }

    @Test
    void tenThousandPromisesAllComplete() throws Exception {
      ScriptEngine e = engine();
      List<?> list = (List<?>) e.eval(
          "var resolvers = []; var ps = [];"
              + "for (let i = 0; i < 10000; i++) ps.push(new Promise(r => resolvers.push(r))); ps");
      List<Object> futures = new ArrayList<>(list);
      assertEquals(10000, futures.size());
      e.eval("resolvers.forEach((r, i) => r(i))");
      long sum = 0;
      for (Object f : futures) {
        sum += (Integer) await(f);
      }
      assertEquals(10000L * 9999 / 2, sum);
    }

    @Test
    void dependentStagesRunOutsideTheEngineAndMayCallIt() throws Exception {
      ScriptEngine e = engine();
      CompletableFuture<?> f = future(e.eval("new Promise(r => setTimeout(() => r(20), 5))"));
      CompletableFuture<Object> chained = f.thenApply(v -> {
        try {
          return e.eval(v + " + 22"); // a continuation may use the engine: it is not inside a call
        } catch (ScriptException x) {
          throw new CompletionException(x);
        }
      });
      assertEquals(42, chained.get(WAIT, TimeUnit.SECONDS));
    }

    @Test
    void aDependentStageThatBlocksOnAnotherPromiseOfTheEngineDoesNotStallIt() throws Exception {
      ScriptEngine e = engine();
      CompletableFuture<?> first = future(e.eval("new Promise(r => setTimeout(() => r(1), 5))"));
      CompletableFuture<?> second = future(e.eval("new Promise(r => setTimeout(() => r(2), 100))"));
      // runs where `first` completes: a thread of the engine's timers, which must keep going
      CompletableFuture<Object> both = first.thenApply(a -> (Integer) a + (Integer) second.join());
      assertEquals(3, both.get(WAIT, TimeUnit.SECONDS));
    }

    @Test
    void aJavaWaitOnAPendingPromiseDoesNotBlockTheEngine() throws Exception {
      ScriptEngine e = engine();
      CompletableFuture<?> f = future(e.eval("var release; new Promise(r => release = r)"));
      assertThrows(TimeoutException.class, () -> f.get(50, TimeUnit.MILLISECONDS));
      assertEquals(2, e.eval("1 + 1"));
      e.eval("release('free')");
      assertEquals("free", f.get(WAIT, TimeUnit.SECONDS));
    }

    @Test
    void anInterfaceMethodReturningAFutureGetsThePromise() throws Exception {
      ScriptEngine e = engine();
      e.eval("async function fetch(s) { await new Promise(r => setTimeout(r, 5)); return s + '!' }"
          + " function stage(s) { return fetch(s) }");
      AsyncApi api = ((Invocable) e).getInterface(AsyncApi.class);
      assertEquals("a!", api.fetch("a").get(WAIT, TimeUnit.SECONDS));
      assertEquals("b!", api.stage("b").toCompletableFuture().get(WAIT, TimeUnit.SECONDS));
    }

    @Test
    void aFutureOfOneEngineIsAPromiseInAnother() throws Exception {
      ScriptEngine a = engine();
      ScriptEngine b = engine();
      b.put("fromA", a.eval("new Promise(r => setTimeout(() => r('from A'), 10))"));
      assertEquals("B got from A", await(b.eval("fromA.then(v => 'B got ' + v)")));
    }

    @Test
    void closingTheEngineFailsPendingFuturesWithIllegalStateException() throws Exception {
      ScriptEngine e = engine();
      CompletableFuture<?> f = future(e.eval("new Promise(() => {})"));
      ((AutoCloseable) e).close();
      ExecutionException x = assertThrows(ExecutionException.class, () -> f.get(WAIT, TimeUnit.SECONDS));
      assertInstanceOf(IllegalStateException.class, x.getCause());
      assertTrue(x.getCause().getMessage().contains("closed"), x.getCause().getMessage());
    }
  }

  // ------------------------------------------------------------------ Java futures seen by JS

  @Nested
  class FuturesBecomePromises {
    @Test
    void aFutureCompletedBeforeItIsHandedOverIsAFulfilledPromise() throws Exception {
      ScriptEngine e = engine();
      e.put("done", CompletableFuture.completedFuture(5));
      assertEquals(true, e.eval("done instanceof Promise"));
      assertEquals(10, await(e.eval("done.then(v => v * 2)")));
    }

    @Test
    void aFutureCompletedLaterSettlesThePromiseLater() throws Exception {
      ScriptEngine e = engine();
      CompletableFuture<String> later = new CompletableFuture<>();
      e.put("later", later);
      Object p = e.eval("var seen = 'not yet'; later.then(v => seen = v)");
      assertEquals("not yet", e.get("seen"));
      later.complete("now");
      assertEquals("now", await(p));
      assertEquals("now", e.get("seen"));
    }

    @Test
    void aFailedFutureRejectsWithAnErrorCarryingTheJavaException() throws Exception {
      ScriptEngine e = engine();
      IOException cause = new IOException("disk on fire");
      e.put("failed", CompletableFuture.failedFuture(cause));
      JsArray r = (JsArray) await(e.eval(
          "failed.then(() => 'fulfilled?', err => [err instanceof Error, err.message, err.javaException])"));
      assertEquals(true, r.get(0));
      assertEquals("disk on fire", r.get(1));
      assertSame(cause, r.get(2), "javaException is the Java throwable itself");
    }

    @Test
    void aCompletionExceptionIsUnwrappedToItsCause() throws Exception {
      ScriptEngine e = engine();
      IllegalArgumentException cause = new IllegalArgumentException("bad argument");
      e.put("failed", CompletableFuture.supplyAsync(() -> { throw cause; }));
      Object javaException = await(e.eval("failed.catch(err => err.javaException)"));
      assertSame(cause, javaException);
    }

    @Test
    void anAwaitedFailedFutureSurfacesInJavaWithTheThrowableAsCause() throws Exception {
      ScriptEngine e = engine();
      IOException cause = new IOException("gone");
      e.put("failed", CompletableFuture.failedFuture(cause));
      JsException js = assertInstanceOf(JsException.class, failure(e.eval("(async () => await failed)()")));
      assertSame(cause, js.getCause());
      assertTrue(js.getMessage().contains("gone"), js.getMessage());
    }

    @Test
    void aFutureCompletedOnAnotherThreadSettlesThePromise() throws Exception {
      ScriptEngine e = engine();
      CompletableFuture<String> later = new CompletableFuture<>();
      e.put("later", later);
      Object p = e.eval("later.then(v => v + '!')");
      Thread t = new Thread(() -> later.complete("elsewhere"));
      t.start();
      t.join();
      assertEquals("elsewhere!", await(p));
    }

    @Test
    void javaScriptNeverRunsOnTheThreadThatCompletesTheFuture() throws Exception {
      ScriptEngine e = engine();
      e.put("threadName", (java.util.function.Supplier<String>) () -> Thread.currentThread().getName());
      CompletableFuture<String> later = new CompletableFuture<>();
      e.put("later", later);
      Object p = e.eval("later.then(() => threadName())");
      Thread t = new Thread(() -> later.complete("x"), "the-completer");
      t.start();
      t.join();
      assertFalse("the-completer".equals(await(p)));
    }

    @Test
    void aFutureOfAMapIsAPromiseOfTheLiveMap() throws Exception {
      ScriptEngine e = engine();
      Map<String, Object> map = new java.util.HashMap<>(Map.of("k", "v"));
      e.put("f", CompletableFuture.completedFuture(map));
      assertEquals("v", await(e.eval("f.then(m => { m.added = 1; return m.k })")));
      assertEquals(1, map.get("added"), "the script saw the live Map");
    }

    @Test
    void aFutureOfAListIsAPromiseOfAnArrayLikeList() throws Exception {
      ScriptEngine e = engine();
      e.put("f", CompletableFuture.completedFuture(List.of(1, 2, 3)));
      assertEquals(6, await(e.eval("f.then(l => l.reduce((a, b) => a + b, 0))")));
    }

    @Test
    void aFutureOfAMirrorGivesBackTheSameJavaScriptObject() throws Exception {
      ScriptEngine e = engine();
      JsObject obj = (JsObject) e.eval("var original = {tag: 'me'}; original");
      CompletableFuture<JsObject> f = new CompletableFuture<>();
      e.put("f", f);
      Object p = e.eval("f.then(o => o === original)");
      f.complete(obj);
      assertEquals(true, await(p));
    }

    @Test
    void aFutureThatNeverCompletesLeavesThePromisePendingAndTheEngineUsable() throws Exception {
      ScriptEngine e = engine();
      e.put("never", new CompletableFuture<>());
      CompletableFuture<?> p = future(e.eval("never.then(() => 'impossible')"));
      assertThrows(TimeoutException.class, () -> p.get(100, TimeUnit.MILLISECONDS));
      assertEquals(3, e.eval("1 + 2"));
    }

    @Test
    void completingAFutureAfterTheEngineClosedIsHarmless() throws Exception {
      ScriptEngine e = engine();
      CompletableFuture<String> later = new CompletableFuture<>();
      e.put("later", later);
      CompletableFuture<?> p = future(e.eval("later.then(v => v)"));
      ((AutoCloseable) e).close();
      assertTrue(later.complete("too late"), "the completing thread sees no exception");
      ExecutionException x = assertThrows(ExecutionException.class, () -> p.get(WAIT, TimeUnit.SECONDS));
      assertInstanceOf(IllegalStateException.class, x.getCause());
      // other engines are unaffected
      assertEquals(2, engine().eval("1 + 1"));
    }

    @Test
    void eightThreadsCompletingAThousandFuturesSettleEveryPromise() throws Exception {
      ScriptEngine e = engine();
      List<CompletableFuture<Integer>> futures = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        futures.add(new CompletableFuture<>());
      }
      e.put("futures", futures);
      Object all = e.eval("Promise.all(Array.from(futures)).then(vs => vs.reduce((a, b) => a + b, 0))");
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int first = t;
          done.add(pool.submit(() -> {
            start.await();
            for (int i = first; i < 1000; i += 8) {
              futures.get(i).complete(i);
            }
            return null;
          }));
        }
        // the engine is used meanwhile from this thread too
        start.countDown();
        for (int i = 0; i < 50; i++) {
          assertEquals(i + 1, e.eval(i + " + 1"));
        }
        for (Future<?> f : done) {
          f.get(WAIT, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(999 * 1000 / 2, await(all));
    }

    @Test
    void aJavaScriptRejectionPassedThroughAJavaFutureKeepsTheOriginalError() throws Exception {
      ScriptEngine e = engine();
      Object rejected = e.eval("var original = new TypeError('from JS'); Promise.reject(original)");
      JsException js = assertInstanceOf(JsException.class, failure(rejected));
      CompletableFuture<Object> relay = new CompletableFuture<>();
      e.put("relay", relay);
      Object p = e.eval("relay.then(() => 'fulfilled?', err => err === original && err.name === 'TypeError')");
      relay.completeExceptionally(js);
      assertEquals(true, await(p));
    }

    @Test
    void aFutureInAMapIsAPromiseWhenTheScriptReadsIt() throws Exception {
      ScriptEngine e = engine();
      e.put("box", Map.of("f", CompletableFuture.completedFuture("in a map")));
      assertEquals("in a map", await(e.eval("box.f.then(v => v)")));
    }

    @Test
    void aFutureReadTwiceFromAMapIsTheSamePromise() throws Exception {
      ScriptEngine e = engine();
      CompletableFuture<String> pending = new CompletableFuture<>();
      e.put("box", Map.of("f", pending));
      assertEquals(true, e.eval("box.f === box.f"));
      e.eval("for (let i = 0; i < 10000; i++) box.f");
      assertTrue(pending.getNumberOfDependents() < 10, "dependents: " + pending.getNumberOfDependents());
    }

    @Test
    void aFutureReturnedByAHostMethodIsAPromise() throws Exception {
      ScriptEngine e = engine();
      e.put("fetch", (java.util.function.Function<String, CompletableFuture<String>>)
          s -> CompletableFuture.supplyAsync(s::toUpperCase));
      assertEquals("HELLO", await(e.eval("(async () => await fetch('hello'))()")));
    }

    @Test
    void aFutureAsAnInvokeFunctionArgumentIsAPromise() throws Exception {
      ScriptEngine e = engine();
      e.eval("async function plusOne(p) { return (await p) + 1 }");
      CompletableFuture<Integer> arg = new CompletableFuture<>();
      Object p = ((Invocable) e).invokeFunction("plusOne", arg);
      arg.complete(41);
      assertEquals(42, await(p));
    }

    @Test
    void aFutureUsedByAClosedRealmIsHarmless() throws Exception {
      QuickJsScriptEngine e = engine();
      Bindings realm = e.createBindings();
      CompletableFuture<Integer> later = new CompletableFuture<>();
      realm.put("later", later);
      e.eval("later.then(v => globalThis.got = v)", realm);
      realm = null;
      for (int i = 0; i < 3; i++) {
        System.gc();
      }
      later.complete(1);
      assertEquals(2, e.eval("1 + 1"));
    }
  }

  // ------------------------------------------------------------------ closing under load

  @Nested
  class ClosingUnderLoad {
    @Test
    void closingWhileTimersFireAndFuturesCompleteOnOtherThreadsIsClean() throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        for (int round = 0; round < 20; round++) {
          QuickJsScriptEngine e = engine();
          List<CompletableFuture<Integer>> futures = new ArrayList<>();
          for (int i = 0; i < 200; i++) {
            futures.add(new CompletableFuture<>());
          }
          e.put("futures", futures);
          e.eval("var n = 0; setInterval(() => n++, 1); for (const f of futures) f.then(v => n += v);"
              + " for (let i = 0; i < 50; i++) setTimeout(() => Promise.reject(new Error('x')).catch(() => {}), i % 5)");
          CompletableFuture<?> pending = future(e.eval("new Promise(r => setTimeout(r, 100000))"));
          CountDownLatch go = new CountDownLatch(1);
          List<Future<?>> completers = new ArrayList<>();
          for (int t = 0; t < 4; t++) {
            int first = t;
            completers.add(pool.submit(() -> {
              go.await();
              for (int i = first; i < futures.size(); i += 4) {
                futures.get(i).complete(i);
              }
              return null;
            }));
          }
          go.countDown();
          Thread.sleep(round % 5);
          e.close();
          for (Future<?> c : completers) {
            c.get(WAIT, TimeUnit.SECONDS);
          }
          ExecutionException x = assertThrows(ExecutionException.class, () -> pending.get(WAIT, TimeUnit.SECONDS));
          assertInstanceOf(IllegalStateException.class, x.getCause());
          assertThrows(IllegalStateException.class, () -> e.eval("n"));
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(2, engine().eval("1 + 1"));
    }
  }

  // ------------------------------------------------------------------ timers

  @Nested
  class Timers {
    @Test
    void shorterDelaysFireFirst() throws Exception {
      engine().eval(
          "setTimeout(() => report('slow'), 300);"
              + "setTimeout(() => report('fast'), 0);"
              + "setTimeout(() => report('medium'), 50)");
      assertEquals(List.of("fast", "medium", "slow"), nextReports(3));
    }

    @Test
    void equalDelaysFireInTheOrderTheyWereSet() throws Exception {
      engine().eval("for (let i = 0; i < 20; i++) setTimeout(() => report(i), 10)");
      List<Object> expected = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        expected.add(i);
      }
      assertEquals(expected, nextReports(20));
    }

    @Test
    void extraArgumentsArePassedToTheCallback() throws Exception {
      engine().eval("setTimeout((a, b, c) => report(a + '|' + b + '|' + c), 0, 'x', 2, undefined)");
      assertEquals("x|2|undefined", nextReport());
      engine().eval("var id = setInterval((n, s) => { report(n + s); clearInterval(id) }, 1, 7, 'a')");
      assertEquals("7a", nextReport());
    }

    @Test
    void timersReturnDistinctPositiveIds() throws Exception {
      JsArray ids = (JsArray) engine().eval("[setTimeout(() => {}, 1000), setTimeout(() => {}, 1000), setInterval(() => {}, 1000)]");
      assertEquals(3, new java.util.HashSet<>(ids).size());
      for (Object id : ids) {
        assertTrue(((Number) id).longValue() > 0, "id " + id);
      }
    }

    @Test
    void clearTimeoutBeforeItFiresCancelsIt() throws Exception {
      engine().eval(
          "const id = setTimeout(() => report('cancelled one fired'), 20); clearTimeout(id);"
              + "setTimeout(() => report('kept'), 40)");
      assertEquals("kept", nextReport());
      assertNoMoreReports();
    }

    @Test
    void clearTimeoutFromALaterCallCancelsIt() throws Exception {
      ScriptEngine e = engine();
      Object id = e.eval("setTimeout(() => report('should not fire'), 200)");
      ((Invocable) e).invokeFunction("clearTimeout", id);
      Thread.sleep(400);
      assertNoMoreReports();
    }

    @Test
    void clearIntervalInsideItsOwnCallbackStopsIt() throws Exception {
      engine().eval("let n = 0; const id = setInterval(() => { n++; report(n); if (n === 3) clearInterval(id) }, 1)");
      assertEquals(List.of(1, 2, 3), nextReports(3));
      assertNoMoreReports();
    }

    @Test
    void clearTimeoutAlsoClearsAnInterval() throws Exception {
      engine().eval("let k = 0; const iv = setInterval(() => { report(++k); if (k === 2) clearTimeout(iv) }, 1)");
      assertEquals(List.of(1, 2), nextReports(2));
      assertNoMoreReports();
    }

    @Test
    void anIntervalRepeatsUntilCleared() throws Exception {
      ScriptEngine e = engine();
      e.eval("var ticks = 0; var iv = setInterval(() => { if (++ticks === 5) report('five') }, 2)");
      assertEquals("five", nextReport());
      e.eval("clearInterval(iv)");
      int after = (Integer) e.eval("ticks");
      Thread.sleep(QUIET);
      assertEquals(after, e.eval("ticks"), "no tick after clearInterval");
      assertTrue(after >= 5);
    }

    @Test
    void aNonFunctionCallbackIsATypeError() throws Exception {
      ScriptEngine e = engine();
      for (String bad : List.of("'report(1)'", "undefined", "null", "42", "{}", "")) {
        for (String fn : List.of("setTimeout", "setInterval")) {
          JsException x = assertThrows(JsException.class, () -> e.eval(fn + "(" + bad + ")"), fn + "(" + bad + ")");
          assertEquals("TypeError", x.getErrorName(), x.getMessage());
        }
      }
      JsException q = assertThrows(JsException.class, () -> e.eval("queueMicrotask('x')"));
      assertEquals("TypeError", q.getErrorName());
      assertNoMoreReports();
      assertEquals(2, e.eval("1 + 1"));
    }

    @Test
    void garbageGivenToClearTimeoutIsIgnored() throws Exception {
      ScriptEngine e = engine();
      e.eval("setTimeout(() => report('survivor'), 30)");
      e.eval(
          "for (const g of [undefined, null, -1, 0, 1e300, -1e300, NaN, Infinity, 2**53, 'abc', {}, [], Symbol('s'),"
              + " () => 1, 123456789, 10n])"
              + " { clearTimeout(g); clearInterval(g) }"
              + "clearTimeout(); clearInterval()");
      assertEquals("survivor", nextReport());
    }

    @Test
    void clearTimeoutWithAnIdOfAnotherRealmDoesNotCancelThisRealmsTimer() throws Exception {
      QuickJsScriptEngine e = engine();
      Object id = e.eval("setTimeout(() => report('main realm'), 50)");
      Bindings other = e.createBindings();
      other.put("id", id);
      e.eval("clearTimeout(id)", other);
      assertEquals("main realm", nextReport());
    }

    @Test
    void oddDelaysAreTreatedAsZeroOrOne() throws Exception {
      engine().eval(
          "for (const d of [NaN, -5, -Infinity, undefined, null, '', 'abc', {}, 2**31, 2**53, Infinity, 1e300, 0.5, '3'])"
              + " setTimeout(() => report(String(d)), d)");
      List<Object> fired = nextReports(14);
      assertEquals(14, fired.size());
    }

    @Test
    void aDelayThatCannotBeConvertedThrows() throws Exception {
      ScriptEngine e = engine();
      JsException x = assertThrows(JsException.class, () -> e.eval("setTimeout(() => report('no'), Symbol('d'))"));
      assertEquals("TypeError", x.getErrorName());
      JsException y = assertThrows(JsException.class,
          () -> e.eval("setTimeout(() => report('no'), {valueOf() { throw new Error('valueOf') }})"));
      assertTrue(y.getMessage().contains("valueOf"), y.getMessage());
      assertNoMoreReports();
    }

    @Test
    void tenThousandTimersAllFire() throws Exception {
      ScriptEngine e = engine();
      e.eval("var fired = 0; for (let i = 0; i < 10000; i++) setTimeout(() => { if (++fired === 10000) report('all') }, i % 7)");
      assertEquals("all", nextReport());
      assertEquals(10000, e.eval("fired"));
    }

    @Test
    void timersInACreateBindingsRealmRunInThatRealm() throws Exception {
      QuickJsScriptEngine e = engine();
      e.put("where", "engine scope");
      Bindings realm = e.createBindings();
      realm.put("where", "the other realm");
      realm.put("report", report);
      e.eval("setTimeout(() => report(where), 5)", realm);
      assertEquals("the other realm", nextReport());
      e.eval("setTimeout(() => report(where), 5)");
      assertEquals("engine scope", nextReport());
    }

    @Test
    void aTimerCallbackSeesGlobalsSetAfterItWasScheduled() throws Exception {
      ScriptEngine e = engine();
      e.eval("setTimeout(() => report(message), 100)");
      e.put("message", "put later");
      assertEquals("put later", nextReport());
    }

    @Test
    void anIntervalInBindingsNobodyHoldsStopsOnceTheyAreCollected() throws Exception {
      QuickJsScriptEngine e = engine();
      java.util.concurrent.atomic.AtomicInteger ticks = new java.util.concurrent.atomic.AtomicInteger();
      intervalInBindingsThatAreDropped(e, ticks);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      int seen = -1;
      boolean stopped = false;
      while (System.nanoTime() < deadline && !stopped) {
        System.gc();
        e.eval("0"); // an engine call frees the realms the cleaner queued
        Thread.sleep(100);
        int now = ticks.get();
        stopped = now > 0 && now == seen;
        seen = now;
      }
      assertTrue(stopped, "the interval of dropped bindings still ticks: " + ticks.get());
      assertEquals(3, e.eval("1 + 2"));
    }

    private void intervalInBindingsThatAreDropped(
        QuickJsScriptEngine e, java.util.concurrent.atomic.AtomicInteger ticks) throws Exception {
      Bindings dropped = e.createBindings();
      dropped.put("tick", (Runnable) ticks::incrementAndGet);
      e.eval("setInterval(tick, 1)", dropped);
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (ticks.get() == 0 && System.nanoTime() < until) {
        Thread.sleep(5);
      }
      assertTrue(ticks.get() > 0, "the interval never ticked");
    }

    @Test
    void closeCancelsPendingTimersAndNothingFiresAfterIt() throws Exception {
      ScriptEngine e = engine();
      e.eval("setTimeout(() => report('timeout after close'), 50); setInterval(() => report('interval after close'), 10)");
      ((AutoCloseable) e).close();
      Thread.sleep(QUIET);
      assertTrue(reports.isEmpty(), "fired after close: " + reports);
    }

    @Test
    void closingFromInsideATimerCallbackStopsEverything() throws Exception {
      QuickJsScriptEngine e = engine();
      e.put("closeEngine", (Runnable) e::close);
      e.eval("setInterval(() => { report('tick'); closeEngine() }, 1)");
      assertEquals("tick", nextReport());
      assertNoMoreReports();
      assertThrows(IllegalStateException.class, () -> e.eval("1"));
    }

    @Test
    void anEngineDroppedWithARunningIntervalIsCollected() throws Exception {
      WeakReference<ScriptEngine> ref = droppedEngineWithInterval();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
      while (ref.get() != null && System.nanoTime() < deadline) {
        System.gc();
        Thread.sleep(20);
      }
      assertNull(ref.get(), "a pending setInterval kept an unused engine alive");
    }

    private WeakReference<ScriptEngine> droppedEngineWithInterval() throws ScriptException {
      ScriptEngine e = new QuickJsScriptEngineFactory().getScriptEngine(QuickJsOptions.defaults());
      e.eval("var n = 0; setInterval(() => n++, 1); setTimeout(() => n++, 100000)");
      return new WeakReference<>(e);
    }

    @Test
    void aRunawayTimerCallbackIsStoppedByTheTimeLimitAndTheEngineKeepsWorking() throws Exception {
      QuickJsScriptEngine e = engine(QuickJsOptions.builder()
          .timeLimit(Duration.ofMillis(200))
          .uncaughtErrorHandler(uncaught::add)
          .build());
      e.eval("setTimeout(() => { while (true) {} }, 0)");
      JsException stopped = nextUncaught();
      assertInstanceOf(JsTimeoutException.class, stopped, stopped.getMessage());
      assertEquals(2, e.eval("1 + 1"));
      e.eval("setTimeout(() => report('still ticking'), 0)");
      assertEquals("still ticking", nextReport());
    }

    @Test
    void aRunawayIntervalIsStoppedEachTimeAndCanBeCleared() throws Exception {
      QuickJsScriptEngine e = engine(QuickJsOptions.builder()
          .timeLimit(Duration.ofMillis(100))
          .uncaughtErrorHandler(uncaught::add)
          .build());
      e.eval("var iv = setInterval(() => { while (true) {} }, 1)");
      assertInstanceOf(JsTimeoutException.class, nextUncaught());
      assertInstanceOf(JsTimeoutException.class, nextUncaught());
      e.eval("clearInterval(iv)");
      uncaught.clear();
      Thread.sleep(QUIET);
      assertTrue(uncaught.size() <= 1, "at most a firing already in flight: " + uncaught);
    }

    @Test
    void aTimerCallbackCanScheduleMoreTimers() throws Exception {
      engine().eval("let depth = 0; function again() { if (++depth < 50) setTimeout(again, 0); else report(depth) } setTimeout(again, 0)");
      assertEquals(50, nextReport());
    }

    @Test
    void promiseJobsOfATimerCallbackRunWithIt() throws Exception {
      engine().eval("setTimeout(() => { Promise.resolve('job').then(report); report('callback') }, 0)");
      assertEquals(List.of("callback", "job"), nextReports(2));
    }

    @Test
    void timersFromManyThreadsOnOneEngineAllFire() throws Exception {
      ScriptEngine e = engine();
      e.eval("var count = 0");
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          done.add(pool.submit(() -> {
            for (int i = 0; i < 100; i++) {
              e.eval("setTimeout(() => { if (++count === 800) report('800') }, 0)");
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(WAIT, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals("800", nextReport());
    }
  }

  // ------------------------------------------------------------------ microtasks

  @Nested
  class Microtasks {
    @Test
    void queueMicrotaskInterleavesWithPromiseJobsInQueueOrder() throws Exception {
      ScriptEngine e = engine();
      e.eval(
          "var log = [];"
              + "queueMicrotask(() => log.push('m1'));"
              + "Promise.resolve().then(() => { log.push('p1'); queueMicrotask(() => log.push('m3')) });"
              + "queueMicrotask(() => log.push('m2'));"
              + "Promise.resolve().then(() => log.push('p2'));"
              + "log.push('sync')");
      assertEquals(List.of("sync", "m1", "p1", "m2", "p2", "m3"), new ArrayList<>((List<?>) e.eval("log")));
    }

    @Test
    void microtasksRunBeforeTimers() throws Exception {
      engine().eval("setTimeout(() => report('timer'), 0); queueMicrotask(() => report('microtask'))");
      assertEquals(List.of("microtask", "timer"), nextReports(2));
    }

    @Test
    void microtasksRunBeforeEvalReturns() throws Exception {
      ScriptEngine e = engine();
      assertEquals("before", e.eval("var state = 'before'; queueMicrotask(() => state = 'after'); state"));
      assertEquals("after", e.get("state"));
    }

    @Test
    void aThrowingMicrotaskIsReportedAndTheOthersStillRun() throws Exception {
      ScriptEngine e = handled();
      e.eval("var ran = []; queueMicrotask(() => { throw new Error('micro boom') }); queueMicrotask(() => ran.push(2))");
      assertEquals(List.of(2), new ArrayList<>((List<?>) e.eval("ran")));
      JsException x = nextUncaught();
      assertTrue(x.getMessage().contains("micro boom"), x.getMessage());
    }

    @Test
    void manyMicrotasksRun() throws Exception {
      ScriptEngine e = engine();
      e.eval("var n = 0; for (let i = 0; i < 100000; i++) queueMicrotask(() => n++)");
      assertEquals(100000, e.eval("n"));
    }
  }

  // ------------------------------------------------------------------ uncaught errors

  @Nested
  class UncaughtErrors {
    @Test
    void theHandlerReceivesAnUnhandledRejectionWithMessageAndStack() throws Exception {
      ScriptEngine e = handled();
      assertEquals(1, e.eval("function reject() { Promise.reject(new Error('nobody listens')) }\nreject(); 1"));
      JsException x = nextUncaught();
      assertEquals("Error", x.getErrorName());
      assertTrue(x.getMessage().startsWith("Error: nobody listens"), x.getMessage());
      assertNotNull(x.getJsStack());
      assertTrue(x.getJsStack().contains("reject"), x.getJsStack());
      assertTrue(uncaught.isEmpty(), "reported once: " + uncaught);
    }

    @Test
    void theHandlerIsCalledBeforeTheCallReturns() throws Exception {
      ScriptEngine e = handled();
      e.eval("(async () => { throw new TypeError('async fail') })(); 0");
      JsException x = uncaught.poll();
      assertNotNull(x, "reported at the end of the call, before eval returned");
      assertEquals("TypeError", x.getErrorName());
    }

    @Test
    void withoutAHandlerTheContextsErrorWriterGetsIt() throws Exception {
      ScriptEngine e = engine();
      StringWriter err = new StringWriter();
      e.getContext().setErrorWriter(err);
      e.eval("Promise.reject(new Error('printed')); 0");
      String text = err.toString();
      assertTrue(text.startsWith("Uncaught (in promise) Error: printed"), text);
    }

    @Test
    void aTimerCallbacksErrorGoesToTheHandler() throws Exception {
      ScriptEngine e = handled();
      e.eval("setTimeout(function tick() { throw new RangeError('in a timer') }, 0)");
      JsException x = nextUncaught();
      assertEquals("RangeError", x.getErrorName());
      assertTrue(x.getJsStack().contains("tick"), x.getJsStack());
    }

    @Test
    void aTimerCallbacksErrorGoesToTheErrorWriterWithoutAHandler() throws Exception {
      ScriptEngine e = engine();
      StringWriter err = new StringWriter();
      e.getContext().setErrorWriter(err);
      e.eval("setTimeout(() => { throw new Error('timer boom') }, 0); setTimeout(() => report('after'), 20)");
      assertEquals("after", nextReport());
      assertTrue(err.toString().contains("Uncaught") && err.toString().contains("timer boom"), err.toString());
    }

    @Test
    void aRejectionInsideATimerCallbackIsReported() throws Exception {
      ScriptEngine e = handled();
      e.eval("setTimeout(() => { Promise.reject(new Error('rejected in timer')) }, 0)");
      assertTrue(nextUncaught().getMessage().contains("rejected in timer"));
    }

    @Test
    void aRejectionHandledLaterInTheSameCallIsNotReported() throws Exception {
      ScriptEngine e = handled();
      e.eval("var p = Promise.reject(new Error('handled later'));"
          + "Promise.resolve().then(() => Promise.resolve()).then(() => p.catch(() => {}))");
      e.eval("(async () => { const q = Promise.reject(new Error('awaited later')); await null; await null; try { await q } catch (x) {} })()");
      assertTrue(uncaught.isEmpty(), "reported: " + uncaught);
    }

    @Test
    void aRejectionHandedToJavaIsNotReported() throws Exception {
      ScriptEngine e = handled();
      Object p = e.eval("Promise.reject(new Error('java takes it'))");
      assertInstanceOf(JsException.class, failure(p));
      e.eval("report(Promise.reject(new Error('java takes this too')))");
      assertInstanceOf(JsException.class, failure(nextReport()));
      assertTrue(uncaught.isEmpty(), "reported: " + uncaught);
    }

    @Test
    void aRejectionInAnotherRealmIsReported() throws Exception {
      QuickJsScriptEngine e = handled();
      e.eval("Promise.reject(new Error('other realm')); 0", e.createBindings());
      assertTrue(nextUncaught().getMessage().contains("other realm"));
    }

    @Test
    void aRejectionIsReportedEvenWhenTheCallThrows() throws Exception {
      ScriptEngine e = handled();
      JsException thrown = assertThrows(JsException.class,
          () -> e.eval("Promise.reject(new Error('lost')); throw new Error('thrown')"));
      assertTrue(thrown.getMessage().contains("thrown"));
      assertTrue(nextUncaught().getMessage().contains("lost"));
    }

    @Test
    void eachUnhandledRejectionIsReportedOnce() throws Exception {
      ScriptEngine e = handled();
      e.eval("for (let i = 0; i < 5; i++) Promise.reject(new Error('r' + i)); 0");
      assertEquals(5, uncaught.size());
      e.eval("1");
      assertEquals(5, uncaught.size(), "nothing reported twice");
      for (int i = 0; i < 5; i++) {
        assertTrue(nextUncaught().getMessage().startsWith("Error: r" + i), "in the order they were rejected");
      }
    }

    @Test
    void aFloodOfRejectionsIsReportedAsTheFirstOnesAndACount() throws Exception {
      ScriptEngine e = handled();
      e.eval("for (let i = 0; i < 100000; i++) (async () => { throw new Error('r' + i) })(); 0");
      List<String> messages = new ArrayList<>();
      uncaught.forEach(x -> messages.add(x.getMessage()));
      assertEquals(QuickJsNative.UNHANDLED_SHOWN_MAX + 1, messages.size(), "" + messages);
      for (int i = 0; i < QuickJsNative.UNHANDLED_SHOWN_MAX; i++) {
        assertTrue(messages.get(i).startsWith("Error: r" + i), messages.get(i));
      }
      assertTrue(messages.get(QuickJsNative.UNHANDLED_SHOWN_MAX).contains("99,990 more rejections"),
          messages.get(QuickJsNative.UNHANDLED_SHOWN_MAX));
      uncaught.clear();
      e.eval("Promise.reject(new Error('the next call')); 0");
      assertTrue(nextUncaught().getMessage().startsWith("Error: the next call"), "the count starts again");
    }

    @Test
    void aFloodOfRejectionsPrintsAFewLinesToTheErrorWriter() throws Exception {
      ScriptEngine e = engine();
      StringWriter err = new StringWriter();
      e.getContext().setErrorWriter(err);
      e.eval("for (let i = 0; i < 50000; i++) Promise.reject(new Error('r' + i)); 0");
      List<String> reports = err.toString().lines().filter(l -> l.startsWith("Uncaught")).toList();
      assertEquals(QuickJsNative.UNHANDLED_SHOWN_MAX + 1, reports.size(), err.toString());
      assertTrue(reports.get(reports.size() - 1).contains("49,990 more"), reports.toString());
    }

    @Test
    void aRejectionInACallStoppedByItsTimeLimitIsNotReportedAsTheTimeLimit() throws Exception {
      ScriptEngine e = engine(QuickJsOptions.builder()
          .uncaughtErrorHandler(uncaught::add)
          .timeLimit(Duration.ofMillis(50))
          .build());
      JsException stopped = assertThrows(JsException.class,
          () -> e.eval("Promise.reject(new ReferenceError('a is not defined')); for (;;) {}"));
      assertTrue(stopped.getMessage().contains("time limit"), stopped.getMessage());
      JsException rejection = nextUncaught();
      assertTrue(rejection.getMessage().startsWith("ReferenceError: a is not defined"), rejection.getMessage());
      assertFalse(rejection.getMessage().contains("limit"), rejection.getMessage());
      assertEquals("ReferenceError", rejection.getErrorName());
    }

    @Test
    void reasonsWhoseGettersHandleAndRejectPromisesWhileReportedLeaveTheEngineWhole() throws Exception {
      ScriptEngine e = handled();
      e.eval("""
          globalThis.kept = [];
          for (let i = 0; i < 30; i++) {
            const reason = new Error('r' + i);
            Object.defineProperty(reason, 'message', { get() {
              // while the engine reads this reason: handle every other rejection, and make a new one
              for (const p of kept) p.catch(() => {});
              Promise.reject(new Error('made while reporting ' + i));
              return 'r' + i;
            } });
            const p = Promise.reject(reason);
            kept.push(p);
          }
          0""");
      int first = uncaught.size();
      assertTrue(first >= 1 && first <= QuickJsNative.UNHANDLED_SHOWN_MAX + 1, "" + first);
      uncaught.clear();
      e.eval("kept.length = 0; 0");
      assertTrue(uncaught.stream().allMatch(x -> x.getMessage().contains("made while reporting")),
          "the rejections made by the getters are reported by the next call: " + uncaught);
      assertEquals(2, e.eval("1 + 1"));
    }

    @Test
    void aThrowingHandlerDoesNotBreakTheEngine() throws Exception {
      List<String> seen = Collections.synchronizedList(new ArrayList<>());
      ScriptEngine e = engine(QuickJsOptions.builder()
          .uncaughtErrorHandler(x -> {
            seen.add(x.getMessage());
            throw new IllegalStateException("handler failure");
          })
          .build());
      assertEquals(5, e.eval("Promise.reject(new Error('one')); Promise.reject(new Error('two')); 5"));
      assertEquals(2, seen.size(), "every error reaches the handler even when it throws: " + seen);
      assertEquals(6, e.eval("6"));
      e.eval("setTimeout(() => { throw new Error('three') }, 0); setTimeout(() => report('alive'), 10)");
      assertEquals("alive", nextReport());
      assertEquals(3, seen.size());
    }

    @Test
    void aFailingErrorWriterDoesNotBreakTheEngine() throws Exception {
      ScriptEngine e = engine();
      e.getContext().setErrorWriter(new java.io.Writer() {
        @Override
        public void write(char[] cbuf, int off, int len) throws IOException {
          throw new IOException("broken writer");
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      });
      assertEquals(1, e.eval("Promise.reject(new Error('x')); 1"));
    }

    @Test
    void aRejectionWhoseReasonHasHostileGettersIsStillReported() throws Exception {
      ScriptEngine e = engine(QuickJsOptions.builder()
          .timeLimit(Duration.ofMillis(300))
          .uncaughtErrorHandler(uncaught::add)
          .build());
      e.eval("const r = new Error('hostile');"
          + "Object.defineProperty(r, 'message', {get() { throw new Error('getter') }});"
          + "Object.defineProperty(r, 'stack', {get() { while (true) {} }});"
          + "Promise.reject(r); Promise.reject(Object.create(null)); Promise.reject(Symbol('s')); 0");
      assertEquals(3, uncaught.size());
    }
  }

  // ------------------------------------------------------------------ module top-level await

  @Nested
  class TopLevelAwait {
    private Object evalModule(ScriptEngine e, String source) throws ScriptException {
      e.getContext().setAttribute("quickjs.module", Boolean.TRUE, ScriptContext.ENGINE_SCOPE);
      try {
        return e.eval(source);
      } finally {
        e.getContext().removeAttribute("quickjs.module", ScriptContext.ENGINE_SCOPE);
      }
    }

    @Test
    void aModuleAwaitingAJavaFutureGivesAFutureOfItsNamespace() throws Exception {
      ScriptEngine e = engine();
      CompletableFuture<String> config = new CompletableFuture<>();
      e.put("config", config);
      Object result = evalModule(e, "export const before = 1; export const value = await config; export const after = value + '!'");
      CompletableFuture<?> f = future(result);
      assertFalse(f.isDone());
      new Thread(() -> config.complete("loaded")).start();
      JsObject ns = assertInstanceOf(JsObject.class, f.get(WAIT, TimeUnit.SECONDS));
      assertEquals("loaded", ns.get("value"));
      assertEquals("loaded!", ns.get("after"));
      assertEquals(1, ns.get("before"));
    }

    @Test
    void aModuleWithoutPendingAwaitGivesItsNamespaceAtOnce() throws Exception {
      ScriptEngine e = engine();
      Object result = evalModule(e, "export const x = await Promise.resolve(3)");
      JsObject ns = assertInstanceOf(JsObject.class, result);
      assertEquals(3, ns.get("x"));
    }

    @Test
    void aModuleWhoseAwaitFailsGivesAFailedFuture() throws Exception {
      ScriptEngine e = engine();
      CompletableFuture<String> config = new CompletableFuture<>();
      e.put("config", config);
      CompletableFuture<?> f = future(evalModule(e, "export const value = await config"));
      IOException cause = new IOException("config missing");
      config.completeExceptionally(cause);
      ExecutionException x = assertThrows(ExecutionException.class, () -> f.get(WAIT, TimeUnit.SECONDS));
      JsException js = assertInstanceOf(JsException.class, x.getCause());
      assertSame(cause, js.getCause());
    }

    @Test
    void aModuleAwaitingATimerFinishesLater() throws Exception {
      ScriptEngine e = engine();
      CompletableFuture<?> f = future(evalModule(e,
          "await new Promise(r => setTimeout(r, 20)); export const done = true"));
      JsObject ns = (JsObject) f.get(WAIT, TimeUnit.SECONDS);
      assertEquals(true, ns.get("done"));
    }

    @Test
    void closingTheEngineFailsAModuleStillAwaiting() throws Exception {
      ScriptEngine e = engine();
      e.put("never", new CompletableFuture<>());
      CompletableFuture<?> f = future(evalModule(e, "await never; export const x = 1"));
      ((AutoCloseable) e).close();
      ExecutionException x = assertThrows(ExecutionException.class, () -> f.get(WAIT, TimeUnit.SECONDS));
      assertInstanceOf(IllegalStateException.class, x.getCause());
    }
  }
}
