package dev.qjs.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.qjs.Bytecode;
import dev.qjs.BytecodeKey;
import dev.qjs.InvalidBytecodeException;
import dev.qjs.JsObject;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.internal.bytecode.BytecodeFormat;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;

/**
 * Jazzer target for the loader of saved bytecode ({@link Bytecode#fromBytes}), the one place
 * bytes from outside reach QuickJS's bytecode reader, which trusts its input. Each input is one
 * of: arbitrary bytes; a valid saved blob (a script or a module) with fuzzed bytes written over
 * it, inserted or cut; or a blob tagged with the right key whose header fields are fuzzed (what a
 * future or past version of this library could write). Whatever it is, loading gives an {@link
 * InvalidBytecodeException} or, only for bytes identical to what this version writes, bytecode
 * that runs as compiled; never another exception, never a crash; the engine keeps working.
 */
// replays the whole corpus: emulation stretches it, so native-libs/test-emulated.sh leaves it out
@Tag("slow-under-emulation")
class SavedBytecodeFuzzTest {
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final BytecodeKey KEY = BytecodeKey.of(SECRET);
  private static final byte[] SCRIPT;
  private static final byte[] MODULE;

  static {
    try {
      SCRIPT = Bytecode.compileScript("function f(a) { return [a, a * 2].join('-') } f(21)", "f.js").toBytes(KEY);
      MODULE = Bytecode.compileModule("export const v = 'mod'; export default v + 1;", "m.mjs").toBytes(KEY);
    } catch (javax.script.ScriptException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void savedBytecodeLoadsOnlyAsWritten(FuzzedDataProvider data) throws Exception {
    int mode = data.consumeInt(0, 2);
    byte[] input;
    if (mode == 0) {
      input = data.consumeRemainingAsBytes();
    } else if (mode == 1) {
      byte[] blob = data.consumeBoolean() ? SCRIPT : MODULE;
      input = mutate(blob, data);
    } else {
      input = reheadered(data);
    }
    Bytecode code;
    try {
      code = Bytecode.fromBytes(input, KEY);
    } catch (InvalidBytecodeException refused) {
      return;
    }
    // accepted: only what this version wrote, byte for byte
    if (!Arrays.equals(input, SCRIPT) && !Arrays.equals(input, MODULE)) {
      throw new AssertionError("accepted bytes this version never wrote: " + Arrays.toString(Arrays.copyOf(input, 64)));
    }
    try (QuickJsScriptEngine engine = EvalFuzzTest.newEngine()) {
      Object value = engine.eval(code);
      if (code.isModule()) {
        assertEquals("mod1", ((JsObject) value).get("default"));
      } else {
        assertEquals("21-42", value);
      }
      assertEquals(2, engine.eval("1 + 1"), "the engine works after the input");
    }
  }

  private static byte[] mutate(byte[] blob, FuzzedDataProvider data) {
    byte[] out = blob.clone();
    int edits = data.consumeInt(1, 4);
    for (int i = 0; i < edits && data.remainingBytes() > 0; i++) {
      switch (data.consumeInt(0, 2)) {
        case 0 -> {
          if (out.length > 0) {
            out[data.consumeInt(0, out.length - 1)] = data.consumeByte();
          }
        }
        case 1 -> out = Arrays.copyOf(out, data.consumeInt(0, out.length));
        default -> {
          int at = data.consumeInt(0, out.length);
          byte[] extra = data.consumeBytes(data.consumeInt(1, 16));
          byte[] grown = new byte[out.length + extra.length];
          System.arraycopy(out, 0, grown, 0, at);
          System.arraycopy(extra, 0, grown, at, extra.length);
          System.arraycopy(out, at, grown, at + extra.length, out.length - at);
          out = grown;
        }
      }
    }
    return out;
  }

  /** A blob with the right tag and fuzzed header fields over a valid or fuzzed payload. */
  private static byte[] reheadered(FuzzedDataProvider data) throws InvalidBytecodeException {
    boolean module = data.consumeBoolean();
    BytecodeFormat.Decoded valid = BytecodeFormat.decode(module ? MODULE : SCRIPT, SECRET, current(module));
    BytecodeFormat.Header h = valid.header();
    BytecodeFormat.Header fuzzed = new BytecodeFormat.Header(
        data.consumeBoolean() ? h.formatVersion() : data.consumeInt(0, 0xFFFF),
        data.consumeBoolean() ? h.libraryVersion() : data.consumeString(20),
        data.consumeBoolean() ? h.quickJsVersion() : data.consumeString(20),
        data.consumeBoolean() ? h.bytecodeVersion() : data.consumeInt(0, 255),
        data.consumeBoolean() ? h.module() : !h.module(),
        data.consumeBoolean() ? h.name() : data.consumeString(40));
    byte[] payload = data.consumeBoolean() ? valid.payload() : data.consumeRemainingAsBytes();
    if (payload.length == 0) {
      payload = valid.payload();
    }
    byte[] blob = BytecodeFormat.encode(fuzzed, payload, SECRET);
    if (!fuzzed.equals(h) || !Arrays.equals(payload, valid.payload())) {
      // a header or payload this version did not write must be refused before QuickJS reads it,
      // except a changed name or kind over a valid payload, which only the key's holder can make
      // (the tag does not protect against them; see docs/bytecode.md)
      boolean versionsMatch = fuzzed.formatVersion() == h.formatVersion() && fuzzed.libraryVersion().equals(h.libraryVersion())
          && fuzzed.quickJsVersion().equals(h.quickJsVersion()) && fuzzed.bytecodeVersion() == h.bytecodeVersion();
      if (!versionsMatch) {
        assertThrows(InvalidBytecodeException.class, () -> Bytecode.fromBytes(blob, KEY), fuzzed.toString());
      }
      return new byte[0]; // refused as garbage by the caller; the check above is the property
    }
    return blob;
  }

  private static BytecodeFormat.Header current(boolean module) {
    return new BytecodeFormat.Header(BytecodeFormat.FORMAT_VERSION, BytecodeFormat.libraryVersion(),
        "2025-04-26", BytecodeFormat.QUICKJS_BYTECODE_VERSION, module, "");
  }
}
