package dev.qjs.examples.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The rules as the driver ships them to the executors: one {@code byte[]}, put in a Spark
 * broadcast variable and turned back into loaded engines by {@link ExecutorRules}.
 *
 * <p>Today the bytes are the script's UTF-8 source, parsed once by every engine an executor makes.
 * With the library's {@code Bytecode} they become the rules compiled once here, on the driver, and
 * authenticated: {@code Bytecode.compileScript(source(), FILE_NAME).toBytes(key)}; only
 * {@link #prepare()} and {@link ExecutorRules}'s loading change.
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

  /** On the driver: the bytes to broadcast. */
  public static byte[] prepare() {
    return source().getBytes(StandardCharsets.UTF_8);
  }
}
