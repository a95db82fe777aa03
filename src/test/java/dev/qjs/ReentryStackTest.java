package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntUnaryOperator;
import javax.script.Invocable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * JS calling Java calling JS, again and again: how deep it goes on a thread's stack, and that
 * running out of stack there is an error the caller gets, never a crash. docs/engine.md gives the
 * measured cost of one crossing.
 */
class ReentryStackTest {
  private QuickJsScriptEngine engine;

  @BeforeEach
  void setUp() throws Exception {
    engine = new QuickJsScriptEngineFactory().getScriptEngine(QuickJsOptions.builder().build());
    Invocable inv = engine;
    // down(n): JS records n, then asks Java, which calls down(n + 1) in JS again
    engine.put("java", (IntUnaryOperator) n -> {
      try {
        return ((Number) inv.invokeFunction("down", n + 1)).intValue();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    engine.eval("var deepest = 0; function down(n) { deepest = n; return java.applyAsInt(n) }");
  }

  @AfterEach
  void tearDown() {
    engine.close();
  }

  private static Object onThread(long stackSize, Callable<Object> work) throws Exception {
    AtomicReference<Object> out = new AtomicReference<>();
    Thread t = new Thread(null, () -> {
      try {
        out.set(work.call());
      } catch (Throwable e) {
        out.set(e);
      }
    }, "reentry", stackSize);
    t.start();
    t.join(TimeUnit.SECONDS.toMillis(60));
    assertTrue(!t.isAlive(), "the thread did not finish");
    return out.get();
  }

  /** The deepest level reached on a thread of stackSize bytes before the stack ran out. */
  private int levels(long stackSize) throws Exception {
    Object r = onThread(stackSize, () -> {
      engine.eval("deepest = 0");
      try {
        engine.invokeFunction("down", 1);
      } catch (Exception | StackOverflowError expected) {
        // the stack ran out somewhere in the chain: what matters is how deep it went
      }
      return engine.eval("deepest");
    });
    if (r instanceof Throwable t) {
      throw new AssertionError(t);
    }
    return ((Number) r).intValue();
  }

  @Nested
  class Depth {
    @Test
    void aDefaultSizedThreadReentersManyLevelsAndSurvivesRunningOut() throws Exception {
      levels(1 << 20); // once first, so that both measurements run the same compiled code
      int oneMb = levels(1 << 20);
      int fourMb = levels(4 << 20);
      long perLevel = (3L << 20) / Math.max(1, fourMb - oneMb);
      System.out.println("[reentry] levels: 1 MB thread " + oneMb + ", 4 MB thread " + fourMb
          + ", about " + perLevel + " bytes of stack per JS -> Java -> JS crossing");
      assertTrue(oneMb >= 40, "a 1 MB thread re-entered only " + oneMb + " levels");
      // no fixed cap on the depth: four times the stack goes more than twice as deep (not
      // exactly four times: frame sizes depend on what the JIT has compiled, most of all in an
      // emulated JVM, where 1 MB reached 254 levels and 4 MB 546)
      assertTrue(fourMb > 2 * oneMb, "4 MB: " + fourMb + " levels, 1 MB: " + oneMb);
      assertEquals(3, engine.eval("1 + 2"), "the engine still works");
    }
  }
}
