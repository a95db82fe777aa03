package dev.qjs.internal.debug;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.qjs.internal.bridge.Mailbox;
import dev.qjs.internal.bridge.QuickJsNative;
import dev.qjs.internal.diagnostics.PositionMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The debugger of one engine over the shim's statement hook (QuickJS patch 11, {@code
 * qjs_debug.c}): the control word in the mailbox ({@code QJS_MB_DEBUG}: attached, pause,
 * exception stops, breakpoint generation) is written from any thread; the shim asks for a
 * function's breakpoint lines the first time it runs while attached ({@code QJS_STOP_AT_LINES})
 * and stops the engine in a host call ({@code QJS_OP_DEBUG_STOP}) that waits in {@link
 * #onStop}. While stopped, the engine's time limit is pushed back by the time paused, and its
 * instruction budget and CPU-time limit do not run.
 */
public final class RuntimeDebugger implements EngineDebugger {
  private static final AtomicInteger NUMBERS = new AtomicInteger();

  private final String name;
  private final DebuggedRuntime runtime;
  private final Mailbox mailbox;
  /** Guards sources, attaching and detaching. */
  private final Object lock = new Object();
  private final Map<String, SourceBreakpoints> sources = new HashMap<>();
  /** The hook operation's one input byte; made at the first attach (most engines never are). */
  private @Nullable Memory hookInput;
  private volatile @Nullable StopListener listener;
  private volatile @Nullable Stop current;
  private volatile boolean ended;
  /**
   * The last stop shown, when the runtime has source maps: steps through compiled code skip
   * what shows as the same original line. Written and read by the engine's calls, which may run
   * on different threads one after the other.
   */
  private volatile LastStop last = new LastStop(null, 0, -1);

  /**
   * A stop as shown: its top frame, how many frames it had, and how it was resumed.
   *
   * @param top the innermost frame, or null when the frames were not read
   * @param depth the frames' count
   * @param resume the QJS_RESUME_* that ended it
   */
  private record LastStop(@Nullable DebugFrame top, int depth, int resume) {}

  /**
   * Creates the debugger of a runtime; nothing is attached.
   *
   * @param runtime the runtime
   */
  public RuntimeDebugger(DebuggedRuntime runtime) {
    this.runtime = runtime;
    this.mailbox = runtime.mailbox();
    this.name = "quickjs-" + NUMBERS.incrementAndGet();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void attach(StopListener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (lock) {
      if (ended) {
        return;
      }
      this.listener = listener;
      mailbox.setBits(QuickJsNative.MB_DEBUG, QuickJsNative.DEBUG_ATTACHED);
      hook(true);
    }
  }

  @Override
  public void detach() {
    Stop stop;
    synchronized (lock) {
      if (listener == null) {
        return;
      }
      listener = null;
      sources.values().forEach(s -> s.set(List.of()));
      mailbox.clearBits(QuickJsNative.MB_DEBUG, QuickJsNative.DEBUG_ATTACHED | QuickJsNative.DEBUG_PAUSE
          | QuickJsNative.DEBUG_EXCEPTIONS_ALL | QuickJsNative.DEBUG_EXCEPTIONS_UNCAUGHT);
      mailbox.add(QuickJsNative.MB_DEBUG, QuickJsNative.DEBUG_GENERATION);
      hook(false);
      stop = current;
    }
    if (stop != null) {
      stop.end(QuickJsNative.RESUME_CONTINUE);
    }
  }

  @Override
  public boolean isAttached() {
    return listener != null;
  }

  @Override
  public List<LineBreakpoint> setBreakpoints(String source, List<Integer> lines) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(lines, "lines");
    source = SourceNames.canonical(source);
    synchronized (lock) {
      List<LineBreakpoint> result = sources.computeIfAbsent(source, s -> new SourceBreakpoints()).set(lines);
      mailbox.add(QuickJsNative.MB_DEBUG, QuickJsNative.DEBUG_GENERATION);
      return result;
    }
  }

  @Override
  public void setExceptionStops(boolean all, boolean uncaught) {
    synchronized (lock) {
      mailbox.clearBits(QuickJsNative.MB_DEBUG,
          QuickJsNative.DEBUG_EXCEPTIONS_ALL | QuickJsNative.DEBUG_EXCEPTIONS_UNCAUGHT);
      mailbox.setBits(QuickJsNative.MB_DEBUG, (all ? QuickJsNative.DEBUG_EXCEPTIONS_ALL : 0)
          | (uncaught ? QuickJsNative.DEBUG_EXCEPTIONS_UNCAUGHT : 0));
    }
  }

  @Override
  public void requestPause() {
    if (listener != null) {
      mailbox.setBits(QuickJsNative.MB_DEBUG, QuickJsNative.DEBUG_PAUSE);
    }
  }

  @Override
  public @Nullable String sourceText(String source) {
    PositionMapper maps = runtime.positions();
    return maps == null ? null : maps.originalText(Objects.requireNonNull(source, "source"));
  }

  /** Counts this runtime among the attached ones (the interpreter goes through the hook). */
  private void hook(boolean on) {
    long rt = runtime.nativeRuntime();
    Memory input = hookInput;
    if (input == null) {
      if (!on) {
        return; // never hooked
      }
      input = new Memory(1);
      hookInput = input;
    }
    if (rt != 0) {
      input.setByte(0, (byte) (on ? 1 : 0));
      QuickJsNative.qjs_debug(rt, QuickJsNative.DEBUGOP_HOOK, Pointer.nativeValue(input), 1);
    }
  }

  /**
   * The runtime is about to be freed (under its lock): the listener hears {@link
   * StopListener#ended} and nothing more.
   */
  public void runtimeEnded() {
    StopListener l;
    synchronized (lock) {
      ended = true;
      l = listener;
      listener = null;
      mailbox.clearBits(QuickJsNative.MB_DEBUG, QuickJsNative.DEBUG_ATTACHED | QuickJsNative.DEBUG_PAUSE);
      hook(false);
    }
    if (l != null) {
      try {
        l.ended(this);
      } catch (RuntimeException ignored) {
        // the listener's failure is no failure of the engine's close
      }
    }
  }

  /**
   * QJS_OP_DEBUG_STOP, on the engine's thread inside a host call: a function's breakpoint lines
   * ({@code a} = QJS_STOP_AT_LINES), or a stop that waits until it ends.
   *
   * @param reason the QJS_STOP_AT_* of the host call
   * @param args its arguments, read before anything runs (a nested host call reuses them)
   * @return the reply's i32 values: the QJS_RESUME_* of a stop; for the lines, their count and
   *     the breakpoint lines (written by the caller once the stop is over: the host calls of
   *     evaluations during the stop reuse the reply buffer)
   */
  public int[] onStop(int reason, ByteBuffer args) {
    if (reason == QuickJsNative.STOP_AT_LINES) {
      return lines(args);
    }
    String thrown = args.get() != 0 ? text(args) : null;
    StopListener l = listener;
    if (l == null) {
      return new int[] {QuickJsNative.RESUME_CONTINUE};
    }
    Stop stop = new Stop(runtime, reasonOf(reason), thrown);
    List<DebugFrame> frames = runtime.positions() == null ? List.of() : framesOf(stop);
    if (reason == QuickJsNative.STOP_AT_STEP) {
      int again = stepsOn(frames);
      if (again >= 0) {
        return new int[] {again};
      }
    }
    long[] limits = suspendLimits();
    int resume;
    current = stop;
    try {
      try {
        l.stopped(this, stop);
      } catch (RuntimeException e) {
        stop.end(QuickJsNative.RESUME_CONTINUE); // a listener that fails cannot resume us
      }
      resume = stop.await();
    } finally {
      current = null;
      restoreLimits(limits);
    }
    last = new LastStop(frames.isEmpty() ? null : frames.get(0), frames.size(), resume);
    try {
      l.resumed(this);
    } catch (RuntimeException ignored) {
      // the engine goes on
    }
    return new int[] {resume};
  }

  private int[] lines(ByteBuffer args) {
    String generated = text(args);
    String source = SourceNames.canonical(generated);
    int n = args.getInt();
    int[] lines = new int[n];
    for (int i = 0; i < n; i++) {
      lines[i] = args.getInt();
    }
    // a script compiled with a source map also stops at the breakpoints of its originals
    Map<String, NavigableMap<Integer, Integer>> originals =
        OriginalPositions.codeLines(runtime.positions(), generated, lines);
    Map<String, List<LineBreakpoint>> changed = new LinkedHashMap<>();
    NavigableSet<Integer> stops = new TreeSet<>();
    StopListener l;
    synchronized (lock) {
      for (int line : addCodeLines(source, lines, changed).stopLines()) {
        stops.add(line);
      }
      for (Map.Entry<String, NavigableMap<Integer, Integer>> o : originals.entrySet()) {
        NavigableMap<Integer, Integer> generatedLineOf = o.getValue();
        int[] originalLines = generatedLineOf.keySet().stream().mapToInt(Integer::intValue).toArray();
        for (int line : addCodeLines(o.getKey(), originalLines, changed).stopLines()) {
          Integer at = generatedLineOf.get(line);
          if (at != null) {
            stops.add(at);
          }
        }
      }
      if (!changed.isEmpty()) {
        mailbox.add(QuickJsNative.MB_DEBUG, QuickJsNative.DEBUG_GENERATION);
      }
      l = listener;
    }
    if (l != null) {
      for (Map.Entry<String, List<LineBreakpoint>> c : changed.entrySet()) {
        try {
          l.breakpointsChanged(this, c.getKey(), c.getValue());
        } catch (RuntimeException ignored) {
          // the engine goes on
        }
      }
    }
    int[] reply = new int[stops.size() + 1];
    reply[0] = stops.size();
    int i = 1;
    for (int line : stops) {
      reply[i++] = line;
    }
    return reply;
  }

  private static List<DebugFrame> framesOf(Stop stop) {
    try {
      return stop.frames();
    } catch (RuntimeException e) {
      return List.of(); // shown as the engine reports it
    }
  }

  /**
   * Whether a step through compiled code goes on without stopping, and how: a step that lands on
   * the original line it left, in the same frame (the compiler made several lines of it), or in
   * code of the compiler's own that maps to no original line (a helper), is not shown.
   *
   * @param frames the stop's frames, as the maps show them
   * @return the QJS_RESUME_* to go on with, or -1 to stop
   */
  private int stepsOn(List<DebugFrame> frames) {
    LastStop before = last;
    int resumed = before.resume();
    PositionMapper maps = runtime.positions();
    boolean stepping = resumed == QuickJsNative.RESUME_OVER || resumed == QuickJsNative.RESUME_IN
        || resumed == QuickJsNative.RESUME_OUT;
    if (maps == null || frames.isEmpty() || !stepping) {
      return -1;
    }
    DebugFrame top = frames.get(0);
    DebugFrame shown = before.top();
    if (!top.mapped()) {
      if (shown == null || !shown.mapped() || !maps.maps(top.generatedSource())) {
        return -1; // a step that began in generated code stays in it
      }
      // out of a helper is over its lines, until code with an original runs
      return resumed == QuickJsNative.RESUME_OUT ? QuickJsNative.RESUME_OVER : resumed;
    }
    boolean sameLine = shown != null && frames.size() == before.depth()
        && shown.source().equals(top.source()) && shown.line() == top.line();
    return sameLine && resumed != QuickJsNative.RESUME_OUT ? resumed : -1;
  }

  /**
   * Notes a source's lines of loaded code; its breakpoints go to {@code changed} if they moved.
   *
   * @return the source's breakpoints
   */
  private SourceBreakpoints addCodeLines(String source, int[] lines,
      Map<String, List<LineBreakpoint>> changed) {
    SourceBreakpoints s = sources.computeIfAbsent(source, k -> new SourceBreakpoints());
    if (s.addCodeLines(lines)) {
      changed.put(source, s.resolved());
    }
    return s;
  }

  private static StopReason reasonOf(int reason) {
    return switch (reason) {
      case QuickJsNative.STOP_AT_BREAKPOINT -> StopReason.BREAKPOINT;
      case QuickJsNative.STOP_AT_STEP -> StopReason.STEP;
      case QuickJsNative.STOP_AT_DEBUGGER -> StopReason.DEBUGGER_STATEMENT;
      case QuickJsNative.STOP_AT_EXCEPTION -> StopReason.EXCEPTION;
      default -> StopReason.PAUSE;
    };
  }

  /**
   * Lifts the limits for the pause: [deadline, instruction limit, instructions counted, CPU
   * limit, CPU deadline, pause start ns]. The thread's CPU clock hardly runs while it waits.
   */
  private long[] suspendLimits() {
    long[] saved = {
      mailbox.getVolatile(QuickJsNative.MB_DEADLINE),
      mailbox.getVolatile(QuickJsNative.MB_INSTRUCTION_LIMIT),
      mailbox.getVolatile(QuickJsNative.MB_INSTRUCTIONS),
      mailbox.getVolatile(QuickJsNative.MB_CPU_LIMIT),
      mailbox.getVolatile(QuickJsNative.MB_CPU_DEADLINE),
      System.nanoTime()
    };
    mailbox.setVolatile(QuickJsNative.MB_DEADLINE, 0L);
    if (saved[1] != 0) {
      mailbox.setVolatile(QuickJsNative.MB_INSTRUCTION_LIMIT, -1L);
    }
    mailbox.setVolatile(QuickJsNative.MB_CPU_LIMIT, 0L);
    mailbox.setVolatile(QuickJsNative.MB_CPU_DEADLINE, 0L);
    return saved;
  }

  private void restoreLimits(long[] saved) {
    if (saved[0] != 0) {
      mailbox.setVolatile(QuickJsNative.MB_DEADLINE, saved[0] + (System.nanoTime() - saved[5]));
    }
    mailbox.setVolatile(QuickJsNative.MB_INSTRUCTION_LIMIT, saved[1]);
    mailbox.setVolatile(QuickJsNative.MB_INSTRUCTIONS, saved[2]);
    mailbox.setVolatile(QuickJsNative.MB_CPU_LIMIT, saved[3]);
    if (saved[4] != 0) {
      mailbox.setVolatile(QuickJsNative.MB_CPU_DEADLINE, saved[4]);
    }
  }

  private static String text(ByteBuffer in) {
    byte[] b = new byte[in.getInt()];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
