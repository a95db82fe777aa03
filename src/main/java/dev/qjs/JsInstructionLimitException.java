package dev.qjs;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a call used up its instruction budget ({@code quickjs.instructionLimit},
 * {@link QuickJsOptions.Builder#instructionLimit}): it passed more poll points (function calls
 * and bytecode jumps) than it may. The same script under the same budget stops at the same place
 * on every run, whatever the machine's load. The engine is still usable afterwards and keeps its
 * globals.
 *
 * <pre>{@code
 * engine.put("quickjs.instructionLimit", 1_000_000);
 * try {
 *   engine.eval("var i = 0; for (;;) i++;");
 * } catch (JsInstructionLimitException e) {
 *   engine.get("i");   // the same number on every run
 * }
 * }</pre>
 */
public final class JsInstructionLimitException extends JsException {
  private static final long serialVersionUID = 1L;

  JsInstructionLimitException(
      String message,
      @Nullable String fileName,
      int lineNumber,
      int columnNumber,
      @Nullable String errorName,
      @Nullable String jsStack,
      @Nullable Object thrownValue) {
    super(message, fileName, lineNumber, columnNumber, errorName, jsStack, thrownValue);
  }
}
