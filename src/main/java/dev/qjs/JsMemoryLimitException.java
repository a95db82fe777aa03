package dev.qjs;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when the script needed more memory than the engine's memory limit allows.
 * The engine is still usable afterwards and keeps its globals.
 *
 * <pre>{@code
 * engine.put("quickjs.memoryLimit", 16L << 20);
 * engine.eval("let a = []; for (;;) a.push(new Array(1e6))"); // JsMemoryLimitException
 * }</pre>
 */
public final class JsMemoryLimitException extends JsException {
  private static final long serialVersionUID = 1L;

  JsMemoryLimitException(
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
