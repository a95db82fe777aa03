package dev.qjs;

import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/**
 * A script failed: every error a script throws, and every value it throws that is not an error,
 * reaches Java as this exception. It carries the file, line and column where the error was
 * raised, the JavaScript error name ({@code TypeError}, {@code SyntaxError}, …), the JavaScript
 * stack, and the thrown value itself. Its message starts with the JavaScript form
 * ({@code TypeError: x is not a function}); a Java exception thrown by host code is its cause.
 *
 * <pre>{@code
 * try {
 *   engine.eval("null.x");
 * } catch (JsException e) {
 *   e.getErrorName();   // "TypeError"
 *   e.getLineNumber();  // 1
 *   e.getJsStack();     // "    at <eval> (<eval>:1:1)\n"
 * }
 * }</pre>
 */
public sealed class JsException extends ScriptException
    permits JsTimeoutException, JsInstructionLimitException, JsCpuTimeLimitException,
        JsInterruptedException, JsMemoryLimitException, JsStackOverflowException {
  private static final long serialVersionUID = 1L;

  /** The JavaScript error's name; null when a non-error was thrown. */
  private final @Nullable String errorName;
  /** The JavaScript stack trace; null when there is none. */
  private final @Nullable String jsStack;
  private final transient @Nullable Object thrownValue;

  JsException(
      String message,
      @Nullable String fileName,
      int lineNumber,
      int columnNumber,
      @Nullable String errorName,
      @Nullable String jsStack,
      @Nullable Object thrownValue) {
    super(message, fileName, lineNumber, columnNumber);
    this.errorName = errorName;
    this.jsStack = jsStack;
    this.thrownValue = thrownValue;
  }

  /**
   * The JavaScript error's name, such as {@code RangeError}.
   *
   * @return the error's {@code name}; null when a non-error was thrown
   */
  public @Nullable String getErrorName() {
    return errorName;
  }

  /**
   * The JavaScript stack trace, one {@code at} line per frame.
   *
   * @return the error's {@code stack}, cut after 100 frames; null when there is none
   */
  public @Nullable String getJsStack() {
    return jsStack;
  }

  /**
   * The value the script threw, converted like any other value: a {@link JsObject} for an error
   * object, a {@code String} for {@code throw 'x'}, null for {@code throw null}.
   *
   * @return the thrown value; null for {@code null} or {@code undefined}, and always null once
   *     the exception has been serialized and read back
   */
  public @Nullable Object getThrownValue() {
    return thrownValue;
  }
}
