package dev.qjs.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.qjs.JsArray;
import dev.qjs.JsException;
import dev.qjs.JsMemoryLimitException;
import dev.qjs.JsObject;
import dev.qjs.QuickJsOptions;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import dev.qjs.UncheckedScriptException;
import java.time.Duration;
import org.junit.jupiter.api.Tag;

/**
 * Jazzer targets for {@code eval} of arbitrary source under a time limit, a memory limit and a
 * small stack: every input gives a value or a {@link JsException} (syntax error, thrown value,
 * limit hit), never another exception and never a crash, and the engine answers {@code 1 + 1}
 * afterwards ({@link #assertAnswers}). A value that comes out is deep-copied to Java, which must
 * work as well.
 *
 * <p>In a plain build these replay the inputs in {@code EvalFuzzTestInputs/<method>/} (the seed
 * corpus and every saved finding); {@code src/test/fuzz.sh} fuzzes them. Each input gets a fresh
 * engine (a quarter of a millisecond), so a finding replays on its own.
 */
// replays the whole fuzz corpus: emulation (qemu-user) stretches it to tens of
// minutes, so native-libs/test-emulated.sh leaves it out
@Tag("slow-under-emulation")
class EvalFuzzTest {
  static final Duration TIME_LIMIT = Duration.ofMillis(100);
  static final long MEMORY_LIMIT = 32L << 20;
  static final long STACK = 256L << 10;

  static QuickJsScriptEngine newEngine() {
    return new QuickJsScriptEngineFactory()
        .getScriptEngine(
            QuickJsOptions.builder()
                .timeLimit(TIME_LIMIT)
                .memoryLimit(MEMORY_LIMIT)
                .maxStackSize(STACK)
                .build());
  }

  /** Source text as it comes; the seeds are readable scripts, fuzz.sh adds javascript.dict. */
  @FuzzTest(maxDuration = "30s")
  void evalSource(FuzzedDataProvider data) throws Exception {
    evalOnce(data.consumeRemainingAsString());
  }

  /** Programs from {@link JsGrammar}, every choice read from the input: mostly valid syntax. */
  @FuzzTest(maxDuration = "30s")
  void evalGeneratedProgram(FuzzedDataProvider data) throws Exception {
    evalOnce(JsGrammar.program(new FuzzedRandom(data)));
  }

  /** The property: a value or a JsException, and the engine still works afterwards. */
  static void evalOnce(String source) throws Exception {
    try (QuickJsScriptEngine engine = newEngine()) {
      try {
        deepCopy(engine.eval(source));
      } catch (JsException expected) {
        // syntax errors, thrown values and limit hits are all fine
      }
      assertAnswers(engine);
    }
  }

  /**
   * The engine answers {@code 1 + 1} after an input. A script may keep the memory it filled (in
   * a global), and then the answer may be a JsMemoryLimitException, which is the limit working.
   */
  static void assertAnswers(QuickJsScriptEngine engine) throws Exception {
    try {
      assertEquals(2, engine.eval("1 + 1"), "the engine works after the input");
    } catch (JsMemoryLimitException stillFull) {
      // the input's globals hold the memory
    }
  }

  /** A deep copy of a mirror; it may fail only as a script would (a throwing getter, a limit). */
  static void deepCopy(Object result) {
    try {
      if (result instanceof JsObject o) {
        o.toJava();
      } else if (result instanceof JsArray a) {
        a.toJava();
      }
    } catch (UncheckedScriptException e) {
      assertInstanceOf(JsException.class, e.getCause(), "the cause of an UncheckedScriptException");
    }
  }
}
