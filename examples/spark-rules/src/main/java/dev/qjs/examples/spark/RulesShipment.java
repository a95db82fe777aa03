package dev.qjs.examples.spark;

import dev.qjs.Bytecode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import javax.script.ScriptException;

/**
 * The rules as the driver ships them to the executors: one {@code byte[]}, put in a Spark
 * broadcast variable and turned back into loaded engines by {@link ExecutorRules}. The bytes are
 * the rules compiled once, here on the driver, and authenticated with {@link RulesKey}: no
 * executor parses them, and an executor refuses bytes that were changed on the way or signed
 * with another key before QuickJS reads them.
 *
 * <pre>{@code
 * Broadcast<byte[]> rules = jsc.broadcast(RulesShipment.prepare());
 * }</pre>
 */
public final class RulesShipment {

  /** The rules' file name: the script's {@code FILENAME}, seen in stack traces. */
  public static final String FILE_NAME = "order-rules.js";

  private RulesShipment() {}

  /** The rules' JavaScript source, read from this jar. */
  public static String source() {
    try (InputStream in = RulesShipment.class.getResourceAsStream(FILE_NAME)) {
      if (in == null) {
        throw new IllegalStateException(FILE_NAME + " is missing from the example's jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + FILE_NAME, e);
    }
  }

  /** On the driver: the bytes to broadcast (the rules of this jar, compiled and signed). */
  public static byte[] prepare() {
    return prepare(source());
  }

  /**
   * On the driver: the given rules compiled and signed with {@link RulesKey}. The functions keep
   * their line numbers (a failing rule names its line on the executor) but not their source text,
   * which nobody prints there and which would make the broadcast several times larger.
   *
   * @throws IllegalArgumentException when the rules do not compile (the message is the script's
   *     error, with its line)
   */
  public static byte[] prepare(String rulesSource) {
    try {
      return Bytecode.compileScript(rulesSource, FILE_NAME, Bytecode.DebugInfo.LINE_NUMBERS)
          .toBytes(RulesKey.load());
    } catch (ScriptException e) {
      throw new IllegalArgumentException("the rules do not compile: " + e.getMessage(), e);
    }
  }
}
