package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.internal.runtime.JsRuntime;
import java.io.IOException;
import java.io.StringReader;
import java.io.Writer;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.script.Bindings;
import javax.script.CompiledScript;
import javax.script.Invocable;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.SimpleBindings;
import javax.script.SimpleScriptContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Closing engines, using them after close, and freeing engines and mirrors nobody closes. */
class LifecycleTest {
  private static final Duration GENEROUS = Duration.ofSeconds(60);

  private ScriptEngine engine;

  @BeforeEach
  void setUp() {
    engine = new ScriptEngineManager().getEngineByName("quickjs");
  }

  @AfterEach
  void tearDown() throws Exception {
    ((AutoCloseable) engine).close();
  }

  private static void assertClosedError(Executable use) {
    IllegalStateException e = assertThrows(IllegalStateException.class, use);
    assertTrue(
        String.valueOf(e.getMessage()).toLowerCase().contains("closed"),
        "the message does not say the engine is closed: " + e.getMessage());
  }

  private static void closeEngine(ScriptEngine e) throws Exception {
    ((AutoCloseable) e).close();
  }

  public interface Greeter {
    String greet(String who);
  }

  // ------------------------------------------------------------------ close

  @Nested
  class Closing {
    @Test
    void anEngineIsAutoCloseableAndWorksInTryWithResources() throws Exception {
      assertInstanceOf(AutoCloseable.class, engine);
      ScriptEngine kept;
      try (QuickJsScriptEngine e =
          (QuickJsScriptEngine) new ScriptEngineManager().getEngineByName("quickjs")) {
        assertEquals(2, e.eval("1 + 1"));
        kept = e;
      }
      assertClosedError(() -> kept.eval("1"));
    }

    @Test
    void closeIsIdempotent() throws Exception {
      closeEngine(engine);
      assertDoesNotThrow(() -> closeEngine(engine));
      assertDoesNotThrow(() -> closeEngine(engine));
      assertClosedError(() -> engine.eval("1"));
    }

    @Test
    void everyUseAfterCloseIsAnIllegalStateExceptionSayingSo() throws Exception {
      engine.eval("function f() { return 1 } var greet = n => 'hi ' + n");
      Invocable inv = (Invocable) engine;
      JsObject obj = (JsObject) engine.eval("({a: 1, m() { return 2 }})");
      JsArray arr = (JsArray) engine.eval("[1, 2, 3]");
      JsFunction fn = (JsFunction) engine.eval("(x => x)");
      CompiledScript compiled = ((javax.script.Compilable) engine).compile("1 + 1");
      Greeter proxy = inv.getInterface(Greeter.class);
      Bindings engineScope = engine.getBindings(ScriptContext.ENGINE_SCOPE);
      Bindings created = engine.createBindings();
      assertNotNull(proxy);

      closeEngine(engine);

      assertClosedError(() -> engine.eval("1"));
      assertClosedError(() -> engine.eval(new StringReader("1")));
      assertClosedError(() -> engine.eval("1", new SimpleBindings()));
      assertClosedError(() -> engine.eval("1", created));
      assertClosedError(() -> engine.put("x", 1));
      assertClosedError(() -> engine.get("x"));
      assertClosedError(() -> inv.invokeFunction("f"));
      assertClosedError(() -> inv.invokeMethod(obj, "m"));
      assertClosedError(() -> inv.getInterface(Greeter.class));
      assertClosedError(() -> inv.getInterface(obj, Runnable.class));
      assertClosedError(() -> proxy.greet("x"));
      assertClosedError(() -> ((javax.script.Compilable) engine).compile("2"));
      assertClosedError(() -> ((javax.script.Compilable) engine).compile(new StringReader("2")));
      assertClosedError(compiled::eval);
      assertClosedError(() -> compiled.eval(new SimpleBindings()));
      assertClosedError(() -> obj.get("a"));
      assertClosedError(() -> obj.put("b", 2));
      assertClosedError(() -> obj.callMember("m"));
      assertClosedError(obj::size);
      assertClosedError(() -> arr.get(0));
      assertClosedError(arr::size);
      assertClosedError(() -> fn.call(1));
      assertClosedError(() -> engineScope.get("greet"));
      assertClosedError(() -> engineScope.put("y", 1));
      assertClosedError(() -> engineScope.containsKey("greet"));
      assertClosedError(engineScope::keySet);
      assertClosedError(() -> created.get("anything"));
      assertClosedError(engine::createBindings);
      // harmless, non-script calls still answer
      assertNotNull(engine.getFactory());
      assertNotNull(engine.getContext());
      assertDoesNotThrow(obj::toString);
    }

    @Test
    void closingOneEngineDoesNotAffectAnother() throws Exception {
      ScriptEngine other = new ScriptEngineManager().getEngineByName("quickjs");
      try {
        engine.eval("var where = 'first'");
        other.eval("var where = 'second'; function twice(x) { return 2 * x }");
        JsObject otherObj = (JsObject) other.eval("({k: 'v'})");
        JsObject mine = (JsObject) engine.eval("({k: 'mine'})");
        closeEngine(engine);
        assertClosedError(() -> mine.get("k"));
        assertEquals("second", other.eval("where"));
        assertEquals("v", otherObj.get("k"));
        assertEquals(8, ((Invocable) other).invokeFunction("twice", 4));
        assertEquals("second", other.get("where"));
      } finally {
        closeEngine(other);
      }
    }

    @Test
    void closingLeavesOtherEnginesOfTheSameThreadAndOtherThreadsWorking() throws Exception {
      List<ScriptEngine> many = new ArrayList<>();
      ScriptEngineManager m = new ScriptEngineManager();
      for (int i = 0; i < 20; i++) {
        ScriptEngine e = m.getEngineByName("quickjs");
        e.put("i", i);
        many.add(e);
      }
      for (int i = 0; i < 20; i += 2) {
        closeEngine(many.get(i));
      }
      for (int i = 1; i < 20; i += 2) {
        assertEquals(i * 2, many.get(i).eval("i * 2"));
        closeEngine(many.get(i));
      }
    }

    @Test
    void closeStopsACallRunningOnAnotherThreadAndThenFreesTheEngine() throws Exception {
      CountDownLatch started = new CountDownLatch(1);
      AtomicReference<Object> result = new AtomicReference<>();
      Writer signal =
          new Writer() {
            @Override
            public void write(char[] c, int off, int len) {
              started.countDown();
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
          };
      engine.getContext().setWriter(signal);
      Thread runner =
          new Thread(
              () -> {
                try {
                  result.set(engine.eval("print('in'); for (;;) {}"));
                } catch (Throwable t) {
                  result.set(t);
                }
              });
      runner.start();
      assertTrue(started.await(30, TimeUnit.SECONDS));
      assertTimeoutPreemptively(GENEROUS, () -> closeEngine(engine));
      runner.join(60_000);
      JsInterruptedException stopped =
          assertInstanceOf(JsInterruptedException.class, result.get(), "the running call was stopped");
      assertTrue(stopped.getMessage().contains("closed"), stopped.getMessage());
      assertClosedError(() -> engine.eval("1"));
    }

    @Test
    void closingWhileManyThreadsHammerTheEngineNeverCrashes() throws Exception {
      engine.eval("function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s }");
      int threads = 6;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<String>> futures = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
          futures.add(
              pool.submit(
                  () -> {
                    go.await();
                    int ok = 0;
                    for (int i = 0; i < 100_000; i++) {
                      try {
                        Object r = ((Invocable) engine).invokeFunction("work", 100);
                        if (!Integer.valueOf(4950).equals(r)) {
                          return "wrong result " + r;
                        }
                        JsObject o = (JsObject) engine.eval("({n: " + (i % 10) + "})");
                        o.get("n");
                        ok++;
                      } catch (IllegalStateException closed) {
                        return closed.getMessage().contains("closed") ? "closed after " + ok : "bad: " + closed;
                      }
                    }
                    return "never closed";
                  }));
        }
        go.countDown();
        Thread.sleep(150);
        closeEngine(engine);
        assertTimeoutPreemptively(
            GENEROUS,
            () -> {
              for (Future<String> f : futures) {
                String outcome = f.get();
                assertTrue(outcome.startsWith("closed after"), outcome);
              }
            });
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    void closingFromInsideAWriterCallbackDoesNotCrash() throws Exception {
      Writer closer =
          new Writer() {
            @Override
            public void write(char[] c, int off, int len) throws IOException {
              try {
                closeEngine(engine);
              } catch (Exception e) {
                throw new IOException(e);
              }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
          };
      engine.getContext().setWriter(closer);
      Object r = engine.eval("var s = 0; print('closing now'); for (let i = 0; i < 1000; i++) s += i; [s, {x: 1}]");
      assertInstanceOf(JsArray.class, r, "the running call completes");
      assertClosedError(() -> engine.eval("1"));
      assertClosedError(() -> ((JsArray) r).get(0));
      assertDoesNotThrow(() -> closeEngine(engine));
    }

    @Test
    void aNestedCallAfterCloseFromACallbackIsRefused() throws Exception {
      List<Object> nested = new ArrayList<>();
      Writer closer =
          new Writer() {
            @Override
            public void write(char[] c, int off, int len) {
              try {
                closeEngine(engine);
                nested.add(engine.eval("'nested'"));
              } catch (Throwable t) {
                nested.add(t);
              }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
          };
      engine.getContext().setWriter(closer);
      engine.eval("print('x'); print('y'); 'done'");
      assertEquals(2, nested.size());
      for (Object o : nested) {
        assertInstanceOf(IllegalStateException.class, o);
      }
    }

    @Test
    void closingFromInsideAGlobalScopeLookupDoesNotCrash() throws Exception {
      Bindings global =
          new SimpleBindings() {
            @Override
            public boolean containsKey(Object key) {
              return "closeNow".equals(key) || super.containsKey(key);
            }

            @Override
            public Object get(Object key) {
              if ("closeNow".equals(key)) {
                try {
                  closeEngine(engine);
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
                return "closed";
              }
              return super.get(key);
            }
          };
      engine.setBindings(global, ScriptContext.GLOBAL_SCOPE);
      assertEquals("closed!", engine.eval("closeNow + '!'"));
      assertClosedError(() -> engine.eval("1"));
    }

    @Test
    void closingFromInsideForeignBindingsDuringACallDoesNotCrash() throws Exception {
      AtomicReference<Boolean> armed = new AtomicReference<>(false);
      Bindings sneaky =
          new SimpleBindings() {
            @Override
            public Set<Map.Entry<String, Object>> entrySet() {
              if (armed.get()) {
                try {
                  closeEngine(engine);
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              }
              return super.entrySet();
            }
          };
      sneaky.put("v", 1);
      ScriptContext ctx = new SimpleScriptContext();
      ctx.setBindings(sneaky, ScriptContext.ENGINE_SCOPE);
      assertEquals(2, engine.eval("v + 1", ctx));
      armed.set(true);
      assertThrows(IllegalStateException.class, () -> engine.eval("v + 1", ctx));
      assertClosedError(() -> engine.eval("1"));
    }

    @Test
    void mirrorsOfAClosedEngineCanBeDroppedAndCollected() throws Exception {
      List<Object> mirrors = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        mirrors.add(engine.eval("({i: " + i + "})"));
      }
      closeEngine(engine);
      mirrors.clear();
      System.gc();
      Thread.sleep(50);
      // a new engine is unaffected by the queued handles of the closed one
      ScriptEngine fresh = new ScriptEngineManager().getEngineByName("quickjs");
      try {
        assertEquals(3, fresh.eval("1 + 2"));
      } finally {
        closeEngine(fresh);
      }
    }
  }

  // ------------------------------------------------------------------ memory

  /** VmRSS of this process in bytes, read from /proc/self/status. */
  private static long rss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]) * 1024L;
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  private static void assumeLinuxProc() {
    Assumptions.assumeTrue(
        System.getProperty("os.name").toLowerCase().contains("linux")
            && Files.isReadable(Path.of("/proc/self/status")),
        "RSS is read from /proc/self/status (Linux only)");
  }

  /** Collects garbage a few times, giving the cleaner thread time to free native memory. */
  private static void settle() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
    }
  }

  private static long quickJsObjectCount(ScriptEngine e) throws Exception {
    Field f = QuickJsScriptEngine.class.getDeclaredField("runtime");
    f.setAccessible(true);
    JsRuntime rt = (JsRuntime) f.get(e);
    rt.collectGarbage();
    return rt.memoryUsage()[9]; // JSMemoryUsage.obj_count
  }

  @Nested
  class Memory {
    @Tag("slow-under-emulation") // binding-independent volume: the x86-64 suites run it
    @Test
    void enginesDroppedWithoutCloseAreFreedAndRssStaysBounded() throws Exception {
      assumeLinuxProc();
      ScriptEngineManager manager = new ScriptEngineManager();
      Supplier<Object> oneEngine =
          () -> {
            ScriptEngine e = manager.getEngineByName("quickjs");
            try {
              return e.eval("var a = new Array(20000).fill(1.5); a.length");
            } catch (Exception x) {
              throw new RuntimeException(x);
            }
          };
      for (int i = 0; i < 200; i++) {
        assertEquals(20000, oneEngine.get());
      }
      settle();
      long before = rss();
      long start = System.nanoTime();
      for (int i = 0; i < 5000; i++) {
        assertEquals(20000, oneEngine.get());
      }
      settle();
      long after = rss();
      long growth = after - before;
      System.out.printf(
          "[LifecycleTest] 5000 unclosed engines (20000-element arrays): RSS %d MB -> %d MB,"
              + " growth %.1f MB, %d ms%n",
          before >> 20, after >> 20, growth / 1048576.0, (System.nanoTime() - start) / 1_000_000);
      assertTrue(
          growth < 100L << 20,
          "RSS grew by " + (growth >> 20) + " MB for 5000 dropped engines (limit 100 MB)");
    }

    @Test
    void droppedMirrorsAreFreedOnTheNextCallAndRssStaysBounded() throws Exception {
      assumeLinuxProc();
      engine.eval("var keep = {}");
      for (int i = 0; i < 5_000; i++) {
        engine.eval("({})");
      }
      settle();
      engine.eval("0"); // frees the handles the cleaner queued
      long objectsBefore = quickJsObjectCount(engine);
      long before = rss();
      long start = System.nanoTime();
      for (int i = 0; i < 100_000; i++) {
        Object o = engine.eval("({})");
        if (!(o instanceof JsObject)) {
          throw new AssertionError("not a mirror: " + o);
        }
      }
      settle();
      engine.eval("0");
      long objectsAfter = quickJsObjectCount(engine);
      long after = rss();
      long growth = after - before;
      System.out.printf(
          "[LifecycleTest] 100000 dropped mirrors: QuickJS objects %d -> %d, RSS %d MB -> %d MB,"
              + " growth %.1f MB, %d ms%n",
          objectsBefore, objectsAfter, before >> 20, after >> 20, growth / 1048576.0,
          (System.nanoTime() - start) / 1_000_000);
      assertTrue(
          objectsAfter - objectsBefore < 1_000,
          "QuickJS still holds " + (objectsAfter - objectsBefore) + " objects of dropped mirrors");
      assertTrue(growth < 64L << 20, "RSS grew by " + (growth >> 20) + " MB for 100000 dropped mirrors");
    }

    @Tag("slow-under-emulation") // binding-independent volume: the x86-64 suites run it
    @Test
    void closedEnginesGiveTheirMemoryBackAtOnce() throws Exception {
      assumeLinuxProc();
      ScriptEngineManager manager = new ScriptEngineManager();
      for (int i = 0; i < 100; i++) {
        try (QuickJsScriptEngine e = (QuickJsScriptEngine) manager.getEngineByName("quickjs")) {
          e.eval("var a = new Array(20000).fill(1.5)");
        }
      }
      settle();
      long before = rss();
      for (int i = 0; i < 2000; i++) {
        try (QuickJsScriptEngine e = (QuickJsScriptEngine) manager.getEngineByName("quickjs")) {
          e.eval("var a = new Array(20000).fill(1.5); var o = {}; for (let k = 0; k < 100; k++) o['k' + k] = [k]");
          e.eval("({})"); // a mirror outliving its engine
        }
      }
      settle();
      long growth = rss() - before;
      System.out.printf("[LifecycleTest] 2000 closed engines: RSS growth %.1f MB%n", growth / 1048576.0);
      assertTrue(growth < 64L << 20, "RSS grew by " + (growth >> 20) + " MB for 2000 closed engines");
    }
  }
}
