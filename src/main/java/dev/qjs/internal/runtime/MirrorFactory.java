package dev.qjs.internal.runtime;

import org.jspecify.annotations.Nullable;

/** Makes the public mirror for a JavaScript object, array, function or symbol handle. */
public interface MirrorFactory {
  Object object(JsHandle handle);

  Object array(JsHandle handle);

  Object function(JsHandle handle);

  Object symbol(JsHandle handle);

  /**
   * Makes the exception for a script failure; see {@code JsException}. {@code kind} is one of
   * {@code ExceptionReader.KIND_*}, which chooses the exception's class.
   */
  javax.script.ScriptException exception(
      String message,
      @Nullable String fileName,
      int line,
      int column,
      @Nullable String errorName,
      @Nullable String jsStack,
      @Nullable Object thrown,
      @Nullable Throwable cause,
      int kind,
      ErrorDetails details);

  /**
   * What a failure tells beyond its message: the JavaScript frames (source-mapped), and in debug
   * mode the code frame and the failing frame's variables.
   */
  record ErrorDetails(
      java.util.List<dev.qjs.JsStackFrame> frames, @Nullable String codeFrame, java.util.Map<String, String> variables) {
    public ErrorDetails {
      frames = java.util.List.copyOf(frames);
      variables = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(variables));
    }

    /** No frames, no debug records. */
    public static final ErrorDetails NONE = new ErrorDetails(java.util.List.of(), null, java.util.Map.of());
  }

  /** Returns the handle behind a mirror made by this factory, or null for any other object. */
  @Nullable JsHandle handleOf(@Nullable Object mirror);
}
