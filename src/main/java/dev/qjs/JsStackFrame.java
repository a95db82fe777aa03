package dev.qjs;

import java.io.Serializable;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One frame of a JavaScript stack: the function that ran, and where, in the original source
 * when a source map says where that is. {@link JsException#getJsFrames()} gives them innermost
 * first; the exception's {@link Throwable#getStackTrace() Java stack trace} shows the same frames
 * above the Java frames that called the script, so every logger prints them.
 *
 * <pre>{@code
 * try {
 *   engine.eval("function total(o) { return o.items.length; }\ntotal({});");
 * } catch (JsException e) {
 *   JsStackFrame top = e.getJsFrames().get(0);
 *   top.getFunctionName(); // "total"
 *   top.getLineNumber();   // 1
 * }
 * }</pre>
 */
public final class JsStackFrame implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The class name a JavaScript frame has in a Java stack trace. */
  public static final String JAVA_CLASS_NAME = "<js>";

  /** The function's name. */
  private final String functionName;
  /** The file; null for a native frame. */
  private final @Nullable String fileName;
  /** The 1-based line, or -1. */
  private final int lineNumber;
  /** The 1-based column, or -1. */
  private final int columnNumber;
  /** What ran in the frame. */
  private final Kind kind;

  /** What ran in a frame. */
  public enum Kind {
    /** A JavaScript function, with its source position. */
    SCRIPT,
    /** A native function: a JavaScript built-in such as {@code Array.prototype.map}. */
    NATIVE,
    /**
     * Java code between two JavaScript frames: a Java method the script called, which called
     * JavaScript again (its Java frames are in the exception's Java stack trace at this place).
     */
    JAVA
  }

  /** The name of a {@link Kind#JAVA} frame, as {@code error.stack} shows it. */
  public static final String JAVA_FUNCTION_NAME = "<java>";

  /**
   * A frame.
   *
   * @param functionName the function's name, {@code <anonymous>} for an unnamed one and
   *     {@code <eval>} for a script's top level
   * @param fileName the script or module file; null for a native function
   * @param lineNumber 1-based, or -1 when unknown
   * @param columnNumber 1-based, or -1 when unknown
   * @param kind what ran: a script function, a native one, or Java code
   */
  public JsStackFrame(
      String functionName, @Nullable String fileName, int lineNumber, int columnNumber, Kind kind) {
    this.functionName = Objects.requireNonNull(functionName, "functionName");
    this.fileName = fileName;
    this.lineNumber = lineNumber;
    this.columnNumber = columnNumber;
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /**
   * What ran in the frame.
   *
   * @return the kind
   */
  public Kind getKind() {
    return kind;
  }

  /**
   * The function's name.
   *
   * @return the name; {@code <anonymous>} or {@code <eval>} when it has none
   */
  public String getFunctionName() {
    return functionName;
  }

  /**
   * The file: the script's {@code FILENAME}, a module's id, or a source map's original source.
   *
   * @return the file; null for a native frame
   */
  public @Nullable String getFileName() {
    return fileName;
  }

  /**
   * The line that ran.
   *
   * @return the 1-based line, or -1 when unknown
   */
  public int getLineNumber() {
    return lineNumber;
  }

  /**
   * The column that ran: in code points for generated positions (as QuickJS counts), in UTF-16
   * units for positions a source map gave.
   *
   * @return the 1-based column, or -1 when unknown
   */
  public int getColumnNumber() {
    return columnNumber;
  }

  /**
   * Whether the frame has no JavaScript source: a built-in or Java code.
   *
   * @return true for a {@link Kind#NATIVE} or {@link Kind#JAVA} frame
   */
  public boolean isNative() {
    return kind != Kind.SCRIPT;
  }

  /**
   * The frame as a Java stack trace element: class {@value #JAVA_CLASS_NAME}, the function as
   * the method.
   *
   * @return the element
   */
  public StackTraceElement toStackTraceElement() {
    return new StackTraceElement(JAVA_CLASS_NAME, functionName, fileName, isNative() ? -2 : lineNumber);
  }

  /** The frame as a line of {@code error.stack}: {@code "at f (file:line:column)"}. */
  @Override
  public String toString() {
    if (isNative()) {
      return "at " + functionName + " (native)";
    }
    StringBuilder s = new StringBuilder("at ").append(functionName).append(" (").append(fileName);
    if (lineNumber > 0) {
      s.append(':').append(lineNumber);
      if (columnNumber > 0) {
        s.append(':').append(columnNumber);
      }
    }
    return s.append(')').toString();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof JsStackFrame f
        && functionName.equals(f.functionName)
        && Objects.equals(fileName, f.fileName)
        && lineNumber == f.lineNumber
        && columnNumber == f.columnNumber
        && kind == f.kind;
  }

  @Override
  public int hashCode() {
    return Objects.hash(functionName, fileName, lineNumber, columnNumber, kind);
  }
}
