package dev.qjs.internal.debug;

import com.sun.jna.Memory;
import dev.qjs.internal.bridge.Mailbox;
import dev.qjs.internal.bridge.QuickJsNative;
import dev.qjs.internal.diagnostics.PositionMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One stop of an engine: the engine's thread waits in {@link #await} and runs the inspection
 * that other threads hand it, each a {@code qjs_debug} call made from inside the stop's host
 * call, until a resume, an interruption, the engine's closing or a detach ends the stop.
 */
final class Stop implements PausedEngine {
  private static final long POLL_MILLIS = 10;
  /** System property: how long one evaluation in a paused engine may run, in milliseconds. */
  static final String EVALUATION_LIMIT_KEY = "quickjs.debug.evaluationLimit";
  private static final int TEXT_MAX = 1000;

  private final DebuggedRuntime runtime;
  private final StopReason reason;
  private final @Nullable String exceptionText;
  private final Thread engineThread;
  private final BlockingQueue<FutureTask<?>> tasks = new LinkedBlockingQueue<>();
  /** The QJS_RESUME_* that ends the stop, or -1 while it waits. */
  private volatile int resume = -1;
  private volatile boolean over;

  Stop(DebuggedRuntime runtime, StopReason reason, @Nullable String exceptionText) {
    this.runtime = runtime;
    this.reason = reason;
    this.exceptionText = exceptionText;
    this.engineThread = Thread.currentThread();
  }

  /** Waits on the engine's thread until the stop ends; the QJS_RESUME_* to go on with. */
  int await() {
    try {
      while (true) {
        int r = resume;
        if (r >= 0) {
          return r;
        }
        if (runtime.stopRequested()) {
          return QuickJsNative.RESUME_STOPPED;
        }
        FutureTask<?> task;
        try {
          task = tasks.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          // the engine's thread was interrupted: the script ends as by the engine's interrupt()
          Thread.currentThread().interrupt();
          runtime.mailbox().setVolatile(QuickJsNative.MB_INTERRUPT, 1L);
          return QuickJsNative.RESUME_STOPPED;
        }
        if (task != null) {
          task.run();
        }
      }
    } finally {
      over = true;
      for (FutureTask<?> t; (t = tasks.poll()) != null; ) {
        t.cancel(false);
      }
    }
  }

  /** Ends the stop from any thread (a detach): the engine goes on as by {@code how}. */
  void end(int how) {
    if (resume < 0) {
      resume = how;
    }
  }

  @Override
  public StopReason reason() {
    return reason;
  }

  @Override
  public @Nullable String exceptionText() {
    return exceptionText;
  }

  @Override
  public List<DebugFrame> frames() {
    return onEngine(() -> {
      ByteBuffer out = call(QuickJsNative.DEBUGOP_FRAMES, null);
      int n = out.getInt();
      List<DebugFrame> frames = new ArrayList<>(n);
      PositionMapper maps = runtime.positions();
      boolean atLineStart = reason == StopReason.BREAKPOINT || reason == StopReason.STEP;
      for (int i = 0; i < n; i++) {
        frames.add(OriginalPositions.frame(maps, i, text(out), text(out), out.getInt(), out.getInt(),
            i == 0 && atLineStart));
      }
      return List.copyOf(frames);
    });
  }

  @Override
  public List<DebugScope> scopes(int frame) {
    return onEngine(() -> {
      ByteBuffer out = call(QuickJsNative.DEBUGOP_SCOPES | frame << 8, null);
      int n = out.getInt();
      List<DebugScope> scopes = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String name = text(out);
        scopes.add(new DebugScope(name, out.getLong(), name.equals("Global")));
      }
      return List.copyOf(scopes);
    });
  }

  @Override
  public List<DebugVariable> variables(long reference, int start, int count) {
    return onEngine(() -> {
      ByteBuffer in = input(16).putLong(reference).putInt(Math.max(start, 0)).putInt(Math.max(count, 0));
      // an accessor's reference runs its getter: bounded as an evaluation is (a getter that
      // never returns shows the interruption as its value)
      ByteBuffer out = limited(() -> call(QuickJsNative.DEBUGOP_VARIABLES, in));
      int n = out.getInt();
      List<DebugVariable> vars = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        vars.add(variable(text(out), out));
      }
      return List.copyOf(vars);
    });
  }

  @Override
  public DebugVariable evaluate(int frame, String expression) throws DebugEvaluationException {
    return evaluation(() -> {
      byte[] e = expression.getBytes(StandardCharsets.UTF_8);
      ByteBuffer in = input(4 + e.length).putInt(e.length).put(e);
      return bounded(expression, QuickJsNative.DEBUGOP_EVALUATE | frame << 8, in);
    });
  }

  @Override
  public DebugVariable setVariable(long reference, String name, String expression)
      throws DebugEvaluationException {
    return evaluation(() -> {
      byte[] n = name.getBytes(StandardCharsets.UTF_8);
      byte[] e = expression.getBytes(StandardCharsets.UTF_8);
      ByteBuffer in = input(16 + n.length + e.length).putLong(reference).putInt(n.length).put(n)
          .putInt(e.length).put(e);
      return bounded(name, QuickJsNative.DEBUGOP_SET, in);
    });
  }

  @Override
  public void resume(Resume how) {
    end(switch (how) {
      case CONTINUE -> QuickJsNative.RESUME_CONTINUE;
      case STEP_OVER -> QuickJsNative.RESUME_OVER;
      case STEP_IN -> QuickJsNative.RESUME_IN;
      case STEP_OUT -> QuickJsNative.RESUME_OUT;
    });
  }

  // ------------------------------------------------------------------ on the engine's thread

  /** What an inspection computes on the engine's thread. */
  private interface Inspection<T> {
    T run() throws DebugEvaluationException;
  }

  private DebugVariable evaluation(Inspection<DebugVariable> action) throws DebugEvaluationException {
    try {
      return onEngineChecked(action);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof DebugEvaluationException d) {
        throw d;
      }
      throw unchecked(e);
    }
  }

  private <T> T onEngine(Inspection<T> action) {
    try {
      return onEngineChecked(action);
    } catch (ExecutionException e) {
      throw unchecked(e);
    }
  }

  private static RuntimeException unchecked(ExecutionException e) {
    Throwable c = e.getCause();
    if (c instanceof RuntimeException r) {
      return r;
    }
    if (c instanceof Error err) {
      throw err;
    }
    return new IllegalStateException(c);
  }

  private <T> T onEngineChecked(Inspection<T> action) throws ExecutionException {
    if (over) {
      throw resumed();
    }
    FutureTask<T> task = new FutureTask<>(() -> {
      if (over || resume >= 0) {
        throw resumed();
      }
      return action.run();
    });
    if (Thread.currentThread() == engineThread) {
      task.run(); // the listener inspects from the engine's own thread
    } else {
      tasks.add(task);
      if (over) {
        task.cancel(false); // the stop ended before the task was queued
      }
    }
    try {
      return task.get();
    } catch (CancellationException e) {
      throw resumed();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      task.cancel(false);
      throw new IllegalStateException("interrupted while waiting for the paused engine", e);
    }
  }

  private static IllegalStateException resumed() {
    return new IllegalStateException("the engine is no longer paused");
  }

  private @Nullable Memory scratch;

  private ByteBuffer input(int size) {
    Memory m = scratch;
    if (m == null || m.size() < size) {
      m = new Memory(Math.max(size, 256));
      scratch = m;
    }
    return m.getByteBuffer(0, m.size()).order(ByteOrder.nativeOrder());
  }

  private ByteBuffer call(int opFrame, @Nullable ByteBuffer in) {
    long rt = runtime.nativeRuntime();
    Memory m = scratch;
    long address = in == null || m == null ? 0L : com.sun.jna.Pointer.nativeValue(m);
    int rc = QuickJsNative.qjs_debug(rt, opFrame, address, in == null ? 0 : in.position());
    if (rc == QuickJsNative.OUT_OF_MEMORY) {
      throw new OutOfMemoryError("QuickJS ran out of memory answering the debugger");
    }
    if (rc != QuickJsNative.OK) {
      throw new IllegalArgumentException("no such frame or variables reference in this pause");
    }
    return runtime.mailbox().output();
  }

  /**
   * Runs an evaluation with a time limit of its own (the engine's limits are lifted during the
   * pause): a watch or console expression that never ends must not keep the engine, and the
   * client waiting for the answer, paused forever. What the limit stopped is the expression's
   * failure, not the paused script's.
   */
  private DebugVariable bounded(String name, int opFrame, ByteBuffer in)
      throws DebugEvaluationException {
    ByteBuffer out = limited(() -> call(opFrame, in));
    if (lastCallStopped) {
      throw new DebugEvaluationException("the expression was stopped after "
          + TimeUnit.NANOSECONDS.toMillis(evaluationLimitNanos()) + " ms (" + EVALUATION_LIMIT_KEY + ")");
    }
    return result(name, out);
  }

  /** Whether the evaluation limit stopped the last {@link #limited} call (engine thread only). */
  private boolean lastCallStopped;

  /**
   * Runs a call that may run JavaScript under the evaluation limit (the engine's own limits are
   * lifted during the pause), and notes whether the limit stopped it.
   */
  private ByteBuffer limited(java.util.function.Supplier<ByteBuffer> call) {
    Mailbox mailbox = runtime.mailbox();
    long lifted = mailbox.getVolatile(QuickJsNative.MB_DEADLINE);
    mailbox.setVolatile(QuickJsNative.MB_DEADLINE, System.nanoTime() + evaluationLimitNanos());
    try {
      return call.get();
    } finally {
      mailbox.setVolatile(QuickJsNative.MB_DEADLINE, lifted);
      lastCallStopped =
          mailbox.getVolatile(QuickJsNative.MB_STOP_REASON) == QuickJsNative.STOP_DEADLINE;
      if (lastCallStopped) {
        mailbox.setVolatile(QuickJsNative.MB_STOP_REASON, QuickJsNative.STOP_NONE);
      }
    }
  }

  /** 10 s unless the system property says otherwise. */
  private static long evaluationLimitNanos() {
    String value = System.getProperty(EVALUATION_LIMIT_KEY);
    if (value != null) {
      try {
        long ms = Long.parseLong(value.trim());
        if (ms > 0) {
          return TimeUnit.MILLISECONDS.toNanos(ms);
        }
      } catch (NumberFormatException ignored) {
        // the default
      }
    }
    return TimeUnit.SECONDS.toNanos(10);
  }

  private DebugVariable result(String name, ByteBuffer out) throws DebugEvaluationException {
    boolean threw = out.get() != 0;
    if (threw) {
      throw new DebugEvaluationException(hostObjects(text(out)));
    }
    return variable(name, out);
  }

  private DebugVariable variable(String name, ByteBuffer out) {
    String value = text(out);
    String type = text(out);
    long reference = out.getLong();
    int start = value.indexOf('\u0001');
    int end = value.indexOf('\u0002');
    if (start == 0 && end == value.length() - 1) { // a Java object
      Object o = hostObject(value.substring(1, end));
      if (o != null) {
        return new DebugVariable(name, o.getClass().getName() + " " + bounded(o), o.getClass().getName(), reference);
      }
    }
    return new DebugVariable(name, hostObjects(value), type, reference);
  }

  private @Nullable Object hostObject(String id) {
    try {
      return runtime.hostObject(Integer.parseInt(id));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The text with each host marker (\u0001id\u0002) replaced by the object's class. */
  private String hostObjects(String value) {
    int start = value.indexOf('\u0001');
    if (start < 0) {
      return value;
    }
    StringBuilder sb = new StringBuilder();
    int at = 0;
    while (start >= 0) {
      int end = value.indexOf('\u0002', start);
      if (end < 0) {
        break;
      }
      Object o = hostObject(value.substring(start + 1, end));
      sb.append(value, at, start).append('[').append(o == null ? "Java object" : o.getClass().getName()).append(']');
      at = end + 1;
      start = value.indexOf('\u0001', at);
    }
    return sb.append(value, at, value.length()).toString();
  }

  private static String bounded(Object o) {
    String s;
    try {
      s = String.valueOf(o);
    } catch (RuntimeException e) {
      s = "(toString threw " + e.getClass().getName() + ")";
    }
    return s.length() > TEXT_MAX ? s.substring(0, TEXT_MAX) + "…" : s;
  }

  private static String text(ByteBuffer in) {
    byte[] b = new byte[in.getInt()];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
