package dev.qjs;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a call used more CPU time than it may ({@code quickjs.cpuTimeLimit},
 * {@link QuickJsOptions.Builder#cpuTimeLimit}): the calling thread's CPU time, in the script and
 * in the Java methods it called, passed the limit. Time spent waiting does not count. The engine
 * is still usable afterwards and keeps its globals.
 *
 * <pre>{@code
 * engine.put("quickjs.cpuTimeLimit", Duration.ofMillis(100));
 * engine.eval("while (true) {}");   // throws JsCpuTimeLimitException after 100 ms of CPU time
 * }</pre>
 */
public final class JsCpuTimeLimitException extends JsException {
  private static final long serialVersionUID = 1L;

  JsCpuTimeLimitException(
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
