package dev.qjs;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a time limit stopped the script: the call ran longer than it may.
 * The engine is still usable afterwards and keeps its globals.
 *
 * <pre>{@code
 * engine.put("quickjs.timeout", Duration.ofMillis(100));
 * engine.eval("while (true) {}");   // throws JsTimeoutException within the limit + 50 ms
 * }</pre>
 */
public final class JsTimeoutException extends JsException {
  private static final long serialVersionUID = 1L;

  JsTimeoutException(
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
