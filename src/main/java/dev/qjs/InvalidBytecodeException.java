package dev.qjs;

import java.io.IOException;

/**
 * Saved bytecode that {@link Bytecode#fromBytes} or {@link Bytecode#load} refused before QuickJS
 * saw any of it. The message says why: not saved bytecode at all, truncated, modified after it
 * was written or written with another key (its authentication tag does not match), or written by
 * another version of this library or of QuickJS (compile it again).
 *
 * <pre>{@code
 * try {
 *   Bytecode rules = Bytecode.load(Path.of("rules.qjsc"), key);
 * } catch (InvalidBytecodeException e) {
 *   log.warn("cached bytecode refused, compiling again: {}", e.getMessage());
 *   Bytecode rules = Bytecode.compileModule(Files.readString(source), "rules.mjs");
 * }
 * }</pre>
 */
public final class InvalidBytecodeException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception whose message says what was wrong with the bytes.
   *
   * @param message what was wrong, and what to do
   */
  public InvalidBytecodeException(String message) {
    super(message);
  }
}
