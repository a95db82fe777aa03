package dev.qjs;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *   e.getJsFrames();    // [at <eval> (<eval>:1:1)]
 * }
 * }</pre>
 *
 * <p>Its Java stack trace ({@link #getStackTrace()}) shows the JavaScript frames (class
 * {@code <js>}, the function as the method) above the Java frames that called the script, and
 * in nested calls (JavaScript calling Java calling JavaScript) the two interleave in the order
 * they ran, so a logger prints where the script was. A source map, when the script has one,
 * makes every position the original source's. In debug mode ({@code quickjs.debug}) the
 * exception also carries a code frame and the failing frame's variables, and its message shows
 * both.
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
  /** The JavaScript frames, innermost first; empty when the error had no stack. */
  private List<JsStackFrame> jsFrames = List.of();
  /** Debug mode's code frame; null outside debug mode or when the source was not known. */
  private @Nullable String codeFrame;
  /** Debug mode's variables of the failing frame, name to rendered value, in order. */
  private Map<String, String> variables = Map.of();

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

  /** Sets what the engine read besides the message (once, as the exception is made). */
  void details(List<JsStackFrame> frames, @Nullable String codeFrame, Map<String, String> variables) {
    this.jsFrames = List.copyOf(frames);
    this.codeFrame = codeFrame;
    this.variables = variables.isEmpty() ? Map.of() : new LinkedHashMap<>(variables);
  }

  /**
   * The JavaScript frames of the failure, innermost first, source-mapped when a map exists.
   *
   * @return the frames; empty when the error has no stack (a thrown non-error)
   */
  public List<JsStackFrame> getJsFrames() {
    return jsFrames;
  }

  /**
   * In debug mode, the failing line with a caret under the failing column and two lines around
   * it, in the original source when a source map carries it.
   *
   * @return the code frame; null outside debug mode or when the source is not known
   */
  public @Nullable String getCodeFrame() {
    return codeFrame;
  }

  /**
   * In debug mode, the arguments and variables of the function that failed, rendered safely
   * (two levels deep, a few hundred characters each, no getter run, a Java object by its class).
   *
   * @return name to rendered value, arguments first; empty outside debug mode
   */
  public Map<String, String> getVariables() {
    return Collections.unmodifiableMap(variables);
  }

  /** The message, and in debug mode the code frame and the failing frame's variables after it. */
  @Override
  public @Nullable String getMessage() {
    String m = super.getMessage();
    if (m == null || codeFrame == null && variables.isEmpty()) {
      return m;
    }
    StringBuilder s = new StringBuilder(m);
    if (codeFrame != null) {
      s.append('\n').append(codeFrame.stripTrailing());
    }
    if (!variables.isEmpty()) {
      s.append("\nvariables:");
      variables.forEach((k, v) -> s.append("\n  ").append(k).append(" = ").append(v));
    }
    return s.toString();
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
