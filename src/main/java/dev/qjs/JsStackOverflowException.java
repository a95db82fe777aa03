package dev.qjs;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when the script recursed deeper than the stack allows (the thread's real stack, or {@code quickjs.maxStackSize}).
 * The engine is still usable afterwards and keeps its globals.
 *
 * <pre>{@code
 * engine.eval("function f() { return f() } f()"); // JsStackOverflowException
 * }</pre>
 */
public final class JsStackOverflowException extends JsException {
  private static final long serialVersionUID = 1L;

  JsStackOverflowException(
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
