package dev.qjs;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when another thread stopped the script with {@link QuickJsScriptEngine#interrupt()}.
 * The engine is still usable afterwards and keeps its globals.
 *
 * <pre>{@code
 * executor.submit(() -> engine.eval("while (true) {}"));
 * engine.interrupt();                // that eval throws JsInterruptedException
 * }</pre>
 */
public final class JsInterruptedException extends JsException {
  private static final long serialVersionUID = 1L;

  JsInterruptedException(
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
