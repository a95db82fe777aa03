package dev.qjs;

import dev.qjs.internal.runtime.ExceptionReader;
import dev.qjs.internal.runtime.JsHandle;
import dev.qjs.internal.runtime.MirrorFactory;
import dev.qjs.internal.runtime.MirrorFactory.ErrorDetails;
import dev.qjs.internal.runtime.Realm;
import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/** Makes the public mirrors and exceptions for the runtime; helpers the mirrors share. */
final class Mirrors implements MirrorFactory {
  static final Mirrors INSTANCE = new Mirrors();
  private static final Object[] NO_ARGS = {};

  private Mirrors() {}

  @Override
  public Object object(JsHandle handle) {
    return new JsObject(handle);
  }

  @Override
  public Object array(JsHandle handle) {
    return new JsArray(handle);
  }

  @Override
  public Object function(JsHandle handle) {
    return new JsFunction(handle);
  }

  @Override
  public Object symbol(JsHandle handle) {
    return new JsSymbol(handle);
  }

  @Override
  public @Nullable JsHandle handleOf(@Nullable Object mirror) {
    if (mirror instanceof JsObject o) {
      return o.handle;
    }
    if (mirror instanceof JsArray a) {
      return a.handle;
    }
    if (mirror instanceof JsSymbol s) {
      return s.handle;
    }
    return null;
  }

  @Override
  public ScriptException exception(
      String message,
      @Nullable String fileName,
      int line,
      int column,
      @Nullable String errorName,
      @Nullable String jsStack,
      @Nullable Object thrown,
      @Nullable Throwable cause,
      int kind,
      ErrorDetails details) {
    JsException e =
        switch (kind) {
          case ExceptionReader.KIND_TIMEOUT ->
              new JsTimeoutException(message, fileName, line, column, errorName, jsStack, thrown);
          case ExceptionReader.KIND_INSTRUCTIONS ->
              new JsInstructionLimitException(message, fileName, line, column, errorName, jsStack, thrown);
          case ExceptionReader.KIND_CPU_TIME ->
              new JsCpuTimeLimitException(message, fileName, line, column, errorName, jsStack, thrown);
          case ExceptionReader.KIND_INTERRUPTED ->
              new JsInterruptedException(message, fileName, line, column, errorName, jsStack, thrown);
          case ExceptionReader.KIND_MEMORY ->
              new JsMemoryLimitException(message, fileName, line, column, errorName, jsStack, thrown);
          case ExceptionReader.KIND_STACK_OVERFLOW ->
              new JsStackOverflowException(message, fileName, line, column, errorName, jsStack, thrown);
          default -> new JsException(message, fileName, line, column, errorName, jsStack, thrown);
        };
    if (cause != null) {
      e.initCause(cause);
    }
    e.details(details.frames(), details.codeFrame(), details.variables());
    return e;
  }

  static Realm realm(JsHandle handle) {
    return handle.realm();
  }

  static Object[] args(Object[] args) {
    return args == null ? NO_ARGS : args;
  }

  static JsException typeError(String message) {
    return new JsException("TypeError: " + message, null, -1, -1, "TypeError", null, null);
  }

  static boolean sameValue(JsHandle a, JsHandle b) {
    return a.runtime() == b.runtime() && a.identity() == b.identity() && a.identity() != 0;
  }

  static String jsToString(JsHandle handle, Object mirror) {
    try {
      return handle.runtime().toJsString(handle.realm(), mirror);
    } catch (ScriptException | RuntimeException e) {
      return "[JavaScript value: " + e.getMessage() + "]";
    }
  }
}
