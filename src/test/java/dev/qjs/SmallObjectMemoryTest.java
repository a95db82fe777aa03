package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.internal.runtime.JsRuntime;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.script.ScriptException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The runtime's own allocator (native-libs/src/qjs_alloc.c): QuickJS's blocks of up to 512 bytes
 * come from slabs of 64 KiB per size class, larger ones from the C library. What a script sees
 * must not change: contents survive every growth and shrinking across the classes, strings
 * appended in place (which asks the allocator for a block's usable size) stay right, the memory
 * limit and the counters hold, memory comes back after a peak and when engines close, and
 * runtimes on many threads share the process's pool of free slabs safely.
 */
class SmallObjectMemoryTest {
  private static final QuickJsScriptEngineFactory FACTORY = new QuickJsScriptEngineFactory();
  private final List<QuickJsScriptEngine> engines = new ArrayList<>();

  @AfterEach
  void close() {
    engines.forEach(QuickJsScriptEngine::close);
  }

  private QuickJsScriptEngine engine(QuickJsOptions.Builder options) {
    QuickJsScriptEngine e = FACTORY.getScriptEngine(options.build());
    engines.add(e);
    return e;
  }

  private QuickJsScriptEngine engine() {
    return engine(QuickJsOptions.builder());
  }

  @Test
  void arraysObjectsAndStringsKeepTheirContentsWhileGrowingAndShrinkingThroughEverySize()
      throws ScriptException {
    // every length from 0 to 200 crosses each small size class (16..512 bytes) and the step to
    // the C library's blocks, growing one element at a time and shrinking again
    Object result =
        engine()
            .eval(
                """
                var bad = [];
                for (var n = 0; n <= 200; n++) {
                  var a = [], o = {}, s = '';
                  for (var i = 0; i < n; i++) { a.push(i * 3); o['p' + i] = i; s += String.fromCharCode(97 + i % 26); }
                  for (var i = 0; i < n; i++) {
                    if (a[i] !== i * 3 || o['p' + i] !== i || s.charCodeAt(i) !== 97 + i % 26) { bad.push(n); break; }
                  }
                  while (a.length > n / 2) a.pop();
                  for (var i = 0; i < a.length; i++) if (a[i] !== i * 3) { bad.push(-n); break; }
                  for (var i = 0; i < n; i += 2) delete o['p' + i];
                  for (var i = 1; i < n; i += 2) if (o['p' + i] !== i) { bad.push(1000 + n); break; }
                  if (Object.keys(o).length !== (n >> 1)) bad.push(2000 + n);
                }
                bad.join()
                """);
    assertEquals("", result, "lengths whose contents were lost");
  }

  @Test
  void stringsAppendedInPlaceAreRightAtEveryLengthInBothWidths() throws ScriptException {
    // QuickJS appends to a string it holds alone when its block has room, asking the allocator
    // for the block's usable size: a wrong answer would write past the block or lose text
    Object result =
        engine()
            .eval(
                """
                var bad = [];
                for (var wide = 0; wide < 2; wide++) {
                  var s = wide ? '\\u0100' : 'a', expect = [s];
                  for (var i = 1; i < 1200; i++) {
                    var c = String.fromCharCode((wide ? 0x100 : 0x61) + i % 23);
                    s += c;
                    expect.push(c);
                    if (s.length !== i + 1 || s.charCodeAt(i) !== c.charCodeAt(0)) { bad.push(wide + ':' + i); break; }
                  }
                  if (s !== expect.join('')) bad.push(wide + ':whole');
                }
                bad.join()
                """);
    assertEquals("", result);
  }

  @Test
  void theCountersFollowSmallObjectsAndGoBackWhenTheyAreFreed() throws Exception {
    QuickJsScriptEngine e = engine();
    e.eval("var keep = null");
    MemoryUsage before = e.memoryUsage();
    e.eval("keep = []; for (var i = 0; i < 10000; i++) keep.push({ a: i, b: 'x' + i })");
    MemoryUsage held = e.memoryUsage();
    long perObject = (held.mallocSize() - before.mallocSize()) / 10_000;
    // an object (its header and its properties' array) and a short string, each a block of a
    // small class: at least 64 bytes, and far below what one C library block per object would be
    assertTrue(perObject >= 64 && perObject <= 400, "bytes counted per small object: " + perObject);
    assertTrue(held.mallocCount() - before.mallocCount() >= 20_000, "blocks counted: " + held);
    e.eval("keep = null");
    collectGarbage(e);
    MemoryUsage after = e.memoryUsage();
    assertTrue(
        after.mallocSize() - before.mallocSize() < 64 * 1024,
        "bytes still counted after the objects were freed: " + (after.mallocSize() - before.mallocSize()));
  }

  @Test
  void theMemoryLimitStopsAFloodOfSmallObjectsAndTheEngineThenWorksAsBefore() throws Exception {
    QuickJsScriptEngine e = engine(QuickJsOptions.builder().memoryLimit(16L << 20));
    e.eval("var kept = 'state'");
    JsMemoryLimitException x =
        assertThrows(
            JsMemoryLimitException.class,
            () -> e.eval("(function () { var all = []; for (;;) all.push({ i: all.length, s: 'n' + all.length }) })()"));
    assertTrue(x.getMessage().contains("memory limit"), x.getMessage());
    collectGarbage(e);
    assertTrue(e.memoryUsage().mallocSize() < 16L << 20, "still over the limit: " + e.memoryUsage());
    assertEquals("state", e.eval("kept"));
    assertEquals(50_000, e.eval("var b = []; for (var i = 0; i < 50000; i++) b.push({ i }); b.length"));
  }

  @Tag("slow-under-emulation") // RSS of a peak: the x86-64 suites run it
  @Test
  void aRuntimeGivesBackTheMemoryOfAPeakOfSmallObjects() throws Exception {
    Assumptions.assumeTrue(
        System.getProperty("os.name").toLowerCase().contains("linux")
            && Files.isReadable(Path.of("/proc/self/status")),
        "RSS is read from /proc/self/status (Linux only)");
    Assumptions.assumeFalse(
        LimitsTest.UNDER_SANITIZER,
        "the sanitizer build gives every block to AddressSanitizer's allocator, which keeps freed memory");
    QuickJsScriptEngine e = engine();
    e.eval("var peak = null");
    long before = rss();
    // about 2 million small blocks: objects, their property arrays and strings
    e.eval("peak = []; for (var i = 0; i < 700000; i++) peak.push({ i: i, s: 'k' + i })");
    long atPeak = rss();
    e.eval("peak = null");
    collectGarbage(e);
    long after = rss();
    System.out.printf(
        "[SmallObjectMemoryTest] RSS %d MB -> peak %d MB -> %d MB%n", before >> 20, atPeak >> 20, after >> 20);
    assertTrue(atPeak - before > 60L << 20, "the peak did not show in RSS: " + ((atPeak - before) >> 20) + " MB");
    assertTrue(
        after - before < (atPeak - before) / 4,
        "RSS kept " + ((after - before) >> 20) + " MB of a peak of " + ((atPeak - before) >> 20) + " MB");
    assertEquals(3, e.eval("[1, 2, 3].length"));
  }

  @Test
  void enginesMadeUsedAndClosedOnManyThreadsAtOnceEachComputeTheirOwnResult() throws Exception {
    // runtimes take slabs from, and give them back to, one pool for the whole process
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int seed = t;
        results.add(
            pool.submit(
                () -> {
                  int sum = 0;
                  for (int round = 0; round < 40; round++) {
                    try (QuickJsScriptEngine e = FACTORY.getScriptEngine(QuickJsOptions.builder().build())) {
                      Object n =
                          e.eval(
                              "var o = []; for (var i = 0; i < 3000; i++) o.push({ v: i % "
                                  + (seed + 7)
                                  + ", s: 'x' + i }); o.reduce(function (a, b) { return a + b.v; }, 0)");
                      sum += ((Number) n).intValue();
                    }
                  }
                  return sum;
                }));
      }
      for (int t = 0; t < 8; t++) {
        int m = t + 7, one = 0;
        for (int i = 0; i < 3000; i++) {
          one += i % m;
        }
        assertEquals(40 * one, results.get(t).get(), "thread " + t);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** QuickJS's cycle collection, which memoryUsage() does not run. */
  private static void collectGarbage(QuickJsScriptEngine e) throws Exception {
    Field f = QuickJsScriptEngine.class.getDeclaredField("runtime");
    f.setAccessible(true);
    ((JsRuntime) f.get(e)).collectGarbage();
  }

  private static long rss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.trim().split("\\s+")[1]) * 1024L;
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
