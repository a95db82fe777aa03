package dev.qjs.internal.runtime;

import dev.qjs.JsStackFrame;
import dev.qjs.ModuleNotFoundException;
import dev.qjs.internal.bridge.QuickJsNative;
import dev.qjs.internal.codec.ValueReader;
import dev.qjs.internal.diagnostics.ScriptDiagnostics;
import dev.qjs.internal.diagnostics.StackInterleaving;
import dev.qjs.internal.diagnostics.StackText;
import dev.qjs.internal.interop.HostObjects;
import dev.qjs.internal.modules.ModuleRegistry;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/**
 * Reads a failure the shim reports (see qjs_shim.h, QJS_EXCEPTION: the thrown value, its name,
 * message and stack, the stop reason, the causes) into the {@link ScriptException} the caller
 * gets, and is the one place that classifies it ({@link #kindOf}): a script error, an
 * interruption, a time limit, an instruction budget, a CPU-time limit, a full heap or a stack
 * overflow. Used under the runtime's lock.
 */
public final class ExceptionReader {
  /** What kind of failure an exception reports; see {@link #kindOf}. */
  public static final int KIND_ERROR = 0;
  public static final int KIND_INTERRUPTED = 1;
  public static final int KIND_TIMEOUT = 2;
  public static final int KIND_MEMORY = 3;
  public static final int KIND_STACK_OVERFLOW = 4;
  public static final int KIND_INSTRUCTIONS = 5;
  public static final int KIND_CPU_TIME = 6;

  private static final int MAX_STACK_FRAMES = 100;

  private final JsRuntime runtime;
  private final RuntimeEntry entry;
  private final ValueReader values;
  private final HostObjects hosts;
  private final MirrorFactory mirrors;
  private final ModuleRegistry modules;
  private final ScriptDiagnostics diagnostics;

  ExceptionReader(
      JsRuntime runtime, RuntimeEntry entry, ValueReader values, HostObjects hosts, MirrorFactory mirrors,
      ModuleRegistry modules, ScriptDiagnostics diagnostics) {
    this.diagnostics = diagnostics;
    this.runtime = runtime;
    this.entry = entry;
    this.values = values;
    this.hosts = hosts;
    this.mirrors = mirrors;
    this.modules = modules;
  }

  /**
   * The one place that classifies a failure: the shim's stop reason (interrupt, deadline, full
   * heap, instruction budget, CPU time) first, then QuickJS's own messages for exhausted resources, compared exactly:
   * "out of memory", and "stack overflow", which deep recursion raises as an InternalError and
   * the parsers of source code and of {@code JSON.parse} raise as a SyntaxError.
   */
  static int kindOf(@Nullable String errorName, @Nullable String message, int stopReason) {
    switch (stopReason) {
      case QuickJsNative.STOP_INTERRUPTED:
        return KIND_INTERRUPTED;
      case QuickJsNative.STOP_DEADLINE:
        return KIND_TIMEOUT;
      case QuickJsNative.STOP_MEMORY:
        return KIND_MEMORY;
      case QuickJsNative.STOP_INSTRUCTIONS:
        return KIND_INSTRUCTIONS;
      case QuickJsNative.STOP_CPU_TIME:
        return KIND_CPU_TIME;
      default:
        break;
    }
    if (errorName == null) {
      return KIND_ERROR;
    }
    boolean engineError = "InternalError".equals(errorName) || "RangeError".equals(errorName);
    if (engineError && "out of memory".equals(message)) {
      return KIND_MEMORY;
    }
    if ((engineError || "SyntaxError".equals(errorName)) && "stack overflow".equals(message)) {
      return KIND_STACK_OVERFLOW;
    }
    return KIND_ERROR;
  }

  /** One thrown value or cause as the shim encodes it: see qjs_shim.h, QJS_EXCEPTION. */
  private record ErrorParts(
      @Nullable Object thrown, @Nullable String errorName, @Nullable String message, @Nullable String jsStack,
      int hostId, @Nullable String variables) {
    /** "TypeError: x", the message alone for a thrown non-error. */
    String text() {
      String msg = message == null ? "" : message;
      if (errorName == null) {
        return msg;
      }
      return msg.isEmpty() ? errorName : errorName + ": " + msg;
    }
  }

  private ErrorParts readParts(ByteBuffer b, @Nullable Realm realm) {
    Object thrown = values.read(b, realm);
    Object name = values.read(b, realm);
    Object message = values.read(b, realm);
    Object stack = values.read(b, realm);
    int hostId = b.getInt();
    Object variables = values.read(b, realm);
    return new ErrorParts(
        thrown,
        name instanceof String s ? s : null,
        message == null ? null : message.toString(),
        stack instanceof String s ? trimStack(s) : null,
        hostId,
        variables instanceof String s ? s : null);
  }

  /** The Java exception a host call threw, which the error wraps; null when none. */
  private @Nullable Throwable hostThrowable(ErrorParts parts) {
    if (parts.hostId() >= 0 && hosts.get(parts.hostId()) instanceof Throwable t) {
      return t;
    }
    return parts.thrown() instanceof Throwable t ? t : null; // a Java exception thrown as it is
  }

  /** Reads one encoded exception; fileName is where the failing source came from, if known. */
  public ScriptException read(ByteBuffer b, @Nullable Realm realm, @Nullable String fileName) {
    return read(b, realm, fileName, true);
  }

  /**
   * Reads a rejection that no handler took: a value the script rejected with, which a stop of
   * the call (if any) did not cause, so it is classified by itself alone.
   */
  public ScriptException readRejection(ByteBuffer b, @Nullable Realm realm) {
    return read(b, realm, null, false);
  }

  /** An exception that no script threw: the engine's own report about scripts (no frames). */
  public ScriptException report(String message) {
    return mirrors.exception(message, null, -1, -1, null, null, null, null, KIND_ERROR,
        new MirrorFactory.ErrorDetails(List.of(), null, Map.of()));
  }

  private ScriptException read(ByteBuffer b, @Nullable Realm realm, @Nullable String fileName, boolean ofTheCall) {
    ErrorParts top = readParts(b, realm);
    int stopReason = b.getInt();
    if (ofTheCall && stopReason == QuickJsNative.STOP_NONE && entry.stopRequested()) {
      // the call is being stopped and ended before QuickJS checked (a host call that waited for
      // another engine gave up because of it): the stop is what ended it
      stopReason = entry.interruptFlagSet()
          ? QuickJsNative.STOP_INTERRUPTED
          : QuickJsNative.STOP_DEADLINE;
    }
    int causeCount = b.getInt();
    ErrorParts[] causes = new ErrorParts[causeCount];
    for (int i = 0; i < causeCount; i++) {
      causes[i] = readParts(b, realm);
    }
    // the cause chain, innermost first: a cause that wraps a Java exception is that exception
    Throwable chain = null;
    for (int i = causeCount - 1; i >= 0; i--) {
      Throwable java = hostThrowable(causes[i]);
      chain = java != null ? java : exception(causes[i], fileName, QuickJsNative.STOP_NONE, chain, false);
    }
    Throwable cause = top.hostId() >= 0 ? hostThrowable(top) : null;
    return exception(top, fileName, stopReason, cause != null ? cause : chain, true);
  }

  private ScriptException exception(
      ErrorParts parts, @Nullable String fileName, int stopReason, @Nullable Throwable cause, boolean outermost) {
    String text = parts.text();
    String errorName = parts.errorName();
    String msg = parts.message() == null ? "" : parts.message();
    String file = fileName;
    int line = -1;
    int column = -1;
    String jsStack = parts.jsStack();
    List<JsStackFrame> frames = StackText.parse(jsStack);
    for (JsStackFrame f : frames) {
      if (!f.isNative() && f.getFileName() != null && f.getLineNumber() > 0
          && !JsRuntime.INTERNAL_FILE.equals(f.getFileName())) {
        file = f.getFileName();
        line = f.getLineNumber();
        column = f.getColumnNumber();
        break;
      }
    }
    if (line < 0 && cause instanceof ModuleNotFoundException missing) {
      // a static import or import() fails where no script frame is running: the statement's place
      String importer = missing.referrer() != null ? missing.referrer() : fileName != null ? fileName : runtime.currentFile();
      int[] site = modules.importSite(importer, missing.specifier());
      if (site != null) {
        file = importer;
        line = site[0];
        column = site[1];
      }
    }
    int kind = kindOf(errorName, msg, stopReason);
    if (kind != KIND_ERROR) {
      entry.countStop();
    }
    if (kind == KIND_TIMEOUT) {
      text += " (time limit of " + java.time.Duration.ofNanos(entry.timeLimitNanos()).toMillis() + " ms exceeded)";
    } else if (kind == KIND_INSTRUCTIONS) {
      text += " (instruction limit of " + entry.instructionLimit() + " poll points exceeded)";
    } else if (kind == KIND_CPU_TIME) {
      text += " (CPU time limit of " + java.time.Duration.ofNanos(entry.cpuTimeLimitNanos()).toMillis()
          + " ms exceeded)";
    } else if (kind == KIND_INTERRUPTED) {
      text += entry.isClosing() ? " (stopped because the engine was closed)" : " (interrupted by QuickJsScriptEngine.interrupt)";
    } else if (kind == KIND_MEMORY) {
      if (!"out of memory".equals(msg)) {
        // the error object itself could not be made: say what happened instead of "null"
        text = "InternalError: out of memory";
        errorName = "InternalError";
      }
      long memoryLimit = entry.memoryLimit();
      if (memoryLimit > 0) {
        text += " (memory limit of " + memoryLimit + " bytes)";
      }
      if (outermost) {
        entry.reclaimAfterMemoryLimit();
      }
    }
    Map<String, String> variables = Map.of();
    String codeFrame = null;
    if (entry.debug()) {
      variables = ScriptDiagnostics.variables(parts.variables(), hosts::get);
      codeFrame = diagnostics.codeFrame(frames);
    }
    ScriptException e = mirrors.exception(text, file, line, column, errorName, jsStack, parts.thrown(), cause, kind,
        new MirrorFactory.ErrorDetails(frames, codeFrame, variables));
    e.setStackTrace(StackInterleaving.merge(frames, e.getStackTrace()));
    return e;
  }

  /**
   * QuickJS records every frame; runaway recursion gives tens of thousands of identical lines.
   * Keep the first frames and say how many were left out, as Java's "... n more" does.
   */
  static String trimStack(String stack) {
    int at = 0;
    for (int i = 0; i < MAX_STACK_FRAMES; i++) {
      int nl = stack.indexOf('\n', at);
      if (nl < 0) {
        return stack;
      }
      at = nl + 1;
    }
    if (at >= stack.length()) {
      return stack;
    }
    int more = 0;
    for (int i = at; i < stack.length(); i++) {
      if (stack.charAt(i) == '\n') {
        more++;
      }
    }
    if (!stack.endsWith("\n")) {
      more++;
    }
    return stack.substring(0, at) + "    ... " + more + " more\n";
  }
}
