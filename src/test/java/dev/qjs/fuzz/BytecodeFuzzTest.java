package dev.qjs.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.qjs.JsException;
import dev.qjs.JsInterruptedException;
import dev.qjs.JsMemoryLimitException;
import dev.qjs.JsStackOverflowException;
import dev.qjs.JsTimeoutException;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.internal.runtime.JsRuntime;
import dev.qjs.internal.runtime.PortableProgram;
import dev.qjs.internal.runtime.Realm;
import java.io.Writer;
import java.math.BigInteger;
import java.util.Objects;
import javax.script.CompiledScript;
import javax.script.ScriptContext;
import javax.script.SimpleScriptContext;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Tag;

/**
 * Jazzer targets for bytecode loading. The engine loads bytecode in one place only: a {@link
 * CompiledScript} run against bindings other than the ones it was compiled in is written with
 * {@code JS_WriteObject} and read into that realm with {@code JS_ReadObject}; bytecode from
 * outside comes only through {@code Bytecode.fromBytes}, which authenticates it first (fuzzed by
 * {@link SavedBytecodeFuzzTest}). {@link #compiledScriptRunsAlikeInAnotherRealm} fuzzes the first
 * path with arbitrary source: compiling gives a script or a {@link JsException}; the script run
 * in its own realm and, read from bytes, in a fresh one gives what evaluating the source in a
 * fresh realm gives (whenever that is deterministic and no limit was hit); the engine keeps
 * working.
 *
 * <p>{@link #foreignBytecodeIsRefused} shows why that authentication is needed: QuickJS's reader
 * trusts its input, and mutated bytecode crashes the process inside {@code qjs_bytecode_read}.
 */
// replays the whole fuzz corpus: emulation (qemu-user) stretches it to tens of
// minutes, so native-libs/test-emulated.sh leaves it out
@Tag("slow-under-emulation")
class BytecodeFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void compiledScriptRunsAlikeInAnotherRealm(FuzzedDataProvider data) throws Exception {
    String source = data.consumeRemainingAsString();
    try (QuickJsScriptEngine engine = EvalFuzzTest.newEngine()) {
      engine.getContext().setWriter(Writer.nullWriter());
      engine.getContext().setErrorWriter(Writer.nullWriter());
      CompiledScript compiled;
      try {
        compiled = engine.compile(source);
      } catch (JsException syntaxOrLimit) {
        EvalFuzzTest.assertAnswers(engine);
        return;
      }
      Outcome plain = Outcome.of(() -> engine.eval(source, freshContext(engine)));
      Outcome plainAgain = Outcome.of(() -> engine.eval(source, freshContext(engine)));
      Outcome sameRealm = Outcome.of(compiled::eval);
      Outcome otherRealm = Outcome.of(() -> compiled.eval(freshContext(engine)));
      if (plain.equals(plainAgain) && plain.comparable()) {
        if (sameRealm.comparable()) {
          assertEquals(plain, sameRealm, "the compiled script in its own realm");
        }
        if (otherRealm.comparable()) {
          assertEquals(plain, otherRealm, "the compiled script read into another realm");
        }
      }
      EvalFuzzTest.assertAnswers(engine);
    }
  }

  /**
   * Bytes from outside given to the bytecode reader are refused with a JsException, whatever
   * they are: the seeds are real bytecode written by another runtime, the findings are mutations
   * of it. Disabled because the reader accepts foreign bytecode and crashes on mutated bytecode
   * (the saved finding: SIGSEGV in free_bytecode_atoms under qjs_bytecode_read). Not reachable
   * from the public API; enable it when the engine authenticates what it reads (if the check
   * lands above PortableProgram, call that layer here).
   */
  @Disabled("QuickJS's bytecode reader trusts its input; the public path, Bytecode.fromBytes, authenticates first (SavedBytecodeFuzzTest)")
  @FuzzTest(maxDuration = "30s")
  void foreignBytecodeIsRefused(FuzzedDataProvider data) throws Exception {
    byte[] bytes = data.consumeRemainingAsBytes();
    try (QuickJsScriptEngine engine = EvalFuzzTest.newEngine()) {
      JsRuntime runtime = runtimeOf(engine);
      Realm realm = runtime.newRealm();
      assertThrows(
          JsException.class,
          () -> new PortableProgram(bytes, false, "foreign.js").eval(realm),
          "bytecode this runtime did not write");
      assertEquals(2, engine.eval("1 + 1"), "the engine works after the input");
    }
  }

  private static ScriptContext freshContext(QuickJsScriptEngine engine) {
    ScriptContext ctx = new SimpleScriptContext();
    ctx.setBindings(engine.createBindings(), ScriptContext.ENGINE_SCOPE);
    ctx.setWriter(Writer.nullWriter());
    ctx.setErrorWriter(Writer.nullWriter());
    return ctx;
  }

  static JsRuntime runtimeOf(QuickJsScriptEngine engine) throws ReflectiveOperationException {
    var field = QuickJsScriptEngine.class.getDeclaredField("runtime");
    field.setAccessible(true);
    return (JsRuntime) field.get(engine);
  }

  /**
   * What a run gave, in comparable form: a primitive value itself, an object by its Java mirror
   * type; an error by its JavaScript name and message. A limit hit depends on timing and on what
   * ran before in the runtime, so it compares with nothing.
   */
  record Outcome(String kind, Object value) {
    interface Run {
      Object run() throws Exception;
    }

    static Outcome of(Run run) {
      try {
        Object v = run.run();
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean
            || v instanceof BigInteger) {
          return new Outcome("value", v);
        }
        return new Outcome("object", v.getClass().getSimpleName());
      } catch (JsTimeoutException | JsMemoryLimitException | JsStackOverflowException
          | JsInterruptedException limit) {
        return new Outcome("limit", limit.getClass().getSimpleName());
      } catch (JsException e) {
        return new Outcome("error", e.getErrorName() + ": " + Objects.toString(e.getMessage()));
      } catch (Exception e) {
        throw new AssertionError("neither a value nor a JsException", e);
      }
    }

    boolean comparable() {
      return !kind.equals("limit");
    }
  }
}
