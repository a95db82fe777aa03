package dev.qjs.internal.debug.dap;

import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import dev.qjs.internal.debug.DebugEvaluationException;
import dev.qjs.internal.debug.DebugFrame;
import dev.qjs.internal.debug.DebugScope;
import dev.qjs.internal.debug.DebugVariable;
import dev.qjs.internal.debug.EngineDebugger;
import dev.qjs.internal.debug.LineBreakpoint;
import dev.qjs.internal.debug.PausedEngine;
import dev.qjs.internal.debug.Resume;
import dev.qjs.internal.debug.StopListener;
import dev.qjs.internal.debug.StopReason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/**
 * An {@link EngineDebugger} for the protocol server's tests whose "engine thread" is the test's
 * own thread: it reports a statement at a (source, line) with {@link #statement}, and a stop there
 * waits, serving the inspection requests other threads hand it exactly as the contract says,
 * until the protocol side resumes it. Evaluation and variables are real: they run in a real
 * QuickJS engine (the script's globals are the paused frame's locals).
 */
final class HandDrivenDebugger implements EngineDebugger, AutoCloseable {
  private static final AtomicInteger IDS = new AtomicInteger();

  private final String name;
  private final QuickJsScriptEngine engine;
  private final List<String> locals;
  private final Map<String, TreeSet<Integer>> loaded = new HashMap<>();
  private final Map<String, List<LineBreakpoint>> breakpoints = new HashMap<>();
  private volatile @Nullable StopListener listener;
  private volatile boolean pauseRequested;
  private volatile boolean stopOnAll;
  private volatile boolean stopOnUncaught;
  private volatile @Nullable Paused current;

  /**
   * @param name the thread's name
   * @param script run at once in the real engine: its global variables are the locals
   * @param locals the names shown in the Locals scope
   */
  HandDrivenDebugger(String name, String script, String... locals) throws ScriptException {
    this.name = name;
    this.engine = (QuickJsScriptEngine) new QuickJsScriptEngineFactory().getScriptEngine();
    this.locals = List.of(locals);
    engine.eval(script);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void attach(StopListener l) {
    listener = l;
  }

  @Override
  public void detach() {
    listener = null;
    synchronized (breakpoints) {
      breakpoints.clear();
    }
    stopOnAll = false;
    stopOnUncaught = false;
    Paused p = current;
    if (p != null) {
      p.resume(Resume.CONTINUE);
    }
  }

  @Override
  public boolean isAttached() {
    return listener != null;
  }

  @Override
  public List<LineBreakpoint> setBreakpoints(String source, List<Integer> lines) {
    List<LineBreakpoint> list = new ArrayList<>();
    synchronized (breakpoints) {
      for (int line : lines) {
        list.add(resolve(source, IDS.incrementAndGet(), line));
      }
      breakpoints.put(source, list);
    }
    return list;
  }

  private LineBreakpoint resolve(String source, int id, int line) {
    TreeSet<Integer> code = loaded.get(source);
    Integer at = code == null ? null : code.ceiling(line);
    return at == null ? new LineBreakpoint(id, line, line, false) : new LineBreakpoint(id, line, at, true);
  }

  @Override
  public void setExceptionStops(boolean all, boolean uncaught) {
    stopOnAll = all;
    stopOnUncaught = uncaught;
  }

  @Override
  public void requestPause() {
    pauseRequested = true;
  }

  /** A source's code loaded: its unverified breakpoints resolve and the listener hears it. */
  void load(String source, Integer... codeLines) {
    List<LineBreakpoint> now;
    synchronized (breakpoints) {
      loaded.put(source, new TreeSet<>(List.of(codeLines)));
      List<LineBreakpoint> old = breakpoints.get(source);
      if (old == null) {
        return;
      }
      now = new ArrayList<>();
      for (LineBreakpoint b : old) {
        now.add(b.verified() ? b : resolve(source, b.id(), b.requestedLine()));
      }
      breakpoints.put(source, now);
    }
    StopListener l = listener;
    if (l != null) {
      l.breakpointsChanged(this, source, now);
    }
  }

  /**
   * The engine is at a statement of the innermost frame: it stops when a pause was requested or a
   * breakpoint is at this line, and waits there.
   *
   * @return how the client resumed it, or null when it did not stop (or the stop was ended by
   *     {@link #interrupt} or a detach without a resume)
   */
  @Nullable
  Resume statement(DebugFrame... frames) {
    if (listener == null) {
      return null;
    }
    if (pauseRequested) {
      pauseRequested = false;
      return stop(StopReason.PAUSE, null, frames);
    }
    synchronized (breakpoints) {
      List<LineBreakpoint> list = breakpoints.get(frames[0].source());
      if (list == null || list.stream().noneMatch(b -> b.verified() && b.line() == frames[0].line())) {
        return null;
      }
    }
    return stop(StopReason.BREAKPOINT, null, frames);
  }

  /** A throw: stops when the exception stops ask for it. */
  @Nullable
  Resume thrown(boolean caught, String text, DebugFrame... frames) {
    if (stopOnAll || (!caught && stopOnUncaught)) {
      return stop(StopReason.EXCEPTION, text, frames);
    }
    return null;
  }

  /** Stops with a reason of its own (a debugger statement, a step's end). */
  @Nullable
  Resume stop(StopReason reason, @Nullable String exceptionText, DebugFrame... frames) {
    StopListener l = listener;
    if (l == null) {
      return null;
    }
    Paused p = new Paused(reason, exceptionText, List.of(frames));
    current = p;
    l.stopped(this, p);
    Resume how = p.serve();
    current = null;
    StopListener after = listener;
    if (after != null) {
      after.resumed(this);
    }
    return how;
  }

  /** Ends a pause from another thread, as the engine's interrupt() or close() does. */
  void interrupt() {
    Paused p = current;
    if (p != null) {
      p.end(null);
    }
  }

  /** Whether the engine waits in a stop. */
  boolean isPaused() {
    return current != null;
  }

  /** The engine was closed. */
  void end() {
    StopListener l = listener;
    listener = null;
    if (l != null) {
      l.ended(this);
    }
  }

  /** Evaluates in the real engine (on the paused thread). */
  Object eval(String js) throws ScriptException {
    return engine.eval(js);
  }

  @Override
  public void close() {
    engine.close();
  }

  static DebugFrame frame(String function, String source, int line) {
    return new DebugFrame(0, function, source, line, 1);
  }

  static DebugFrame[] frames(DebugFrame... innermostFirst) {
    DebugFrame[] f = new DebugFrame[innermostFirst.length];
    for (int i = 0; i < f.length; i++) {
      DebugFrame d = innermostFirst[i];
      f[i] = new DebugFrame(i, d.function(), d.source(), d.line(), d.column());
    }
    return f;
  }

  /** One stop: the tasks other threads hand it run on the stopped thread. */
  private final class Paused implements PausedEngine {
    private final StopReason reason;
    private final @Nullable String exceptionText;
    private final List<DebugFrame> frames;
    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final Map<Long, String> references = new HashMap<>();
    private volatile boolean over;
    private @Nullable Resume how;

    Paused(StopReason reason, @Nullable String exceptionText, List<DebugFrame> frames) {
      this.reason = reason;
      this.exceptionText = exceptionText;
      this.frames = frames;
    }

    @Nullable
    Resume serve() {
      try {
        while (!over) {
          tasks.take().run();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      over = true;
      for (Runnable r; (r = tasks.poll()) != null; ) {
        r.run(); // the waiting callers' tasks fail: the pause is over
      }
      return how;
    }

    synchronized void end(@Nullable Resume h) {
      if (!over) {
        how = h;
        over = true;
        tasks.add(() -> {});
      }
    }

    private <T> T onEngineThread(Callable<T> task) throws DebugEvaluationException {
      if (over) {
        throw new IllegalStateException("the engine has resumed");
      }
      FutureTask<T> f = new FutureTask<>(() -> {
        if (over) {
          throw new IllegalStateException("the engine has resumed");
        }
        return task.call();
      });
      tasks.add(f);
      try {
        return f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof DebugEvaluationException d) {
          throw d;
        }
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(e.getCause());
      }
    }

    private <T> T inspect(Callable<T> task) {
      try {
        return onEngineThread(task);
      } catch (DebugEvaluationException e) {
        throw new IllegalStateException(e);
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
      return inspect(() -> frames);
    }

    @Override
    public List<DebugScope> scopes(int frame) {
      return inspect(() -> {
        references.put(1L, "");
        return List.of(new DebugScope("Locals", 1, false), new DebugScope("Global", 2, true));
      });
    }

    @Override
    public List<DebugVariable> variables(long reference, int start, int count) {
      return inspect(() -> {
        List<String> names = new ArrayList<>();
        String base = references.get(reference);
        if (reference == 1) {
          names.addAll(locals);
        } else if (base != null) {
          Object keys = engine.eval("JSON.stringify(Object.keys(" + base + "))");
          for (Object k : (List<?>) JsonReader.parse(String.valueOf(keys))) {
            names.add(String.valueOf(k));
          }
        }
        List<DebugVariable> out = new ArrayList<>();
        int end = count == 0 ? names.size() : Math.min(names.size(), start + count);
        for (int i = start; i < end; i++) {
          String n = names.get(i);
          String expr = base == null || base.isEmpty() ? n : base + "[" + JsonWriter.write(n) + "]";
          out.add(render(n, expr));
        }
        return out;
      });
    }

    private DebugVariable render(String label, String expression) throws DebugEvaluationException {
      try {
        engine.put("__expression", expression);
        engine.eval("var __value = (0, eval)(__expression)");
        String type = String.valueOf(engine.eval("typeof __value"));
        String value = String.valueOf(engine.eval(
            "typeof __value === 'string' ? JSON.stringify(__value)"
                + " : Array.isArray(__value) ? 'Array(' + __value.length + ')'"
                + " : __value !== null && typeof __value === 'object' ? 'Object' : String(__value)"));
        long ref = 0;
        if (type.equals("object") && !value.equals("null")) {
          ref = 1000 + references.size();
          references.put(ref, "(" + expression + ")");
        }
        return new DebugVariable(label, value, type, ref);
      } catch (ScriptException e) {
        throw new DebugEvaluationException(String.valueOf(e.getMessage()));
      }
    }

    @Override
    public DebugVariable evaluate(int frame, String expression) throws DebugEvaluationException {
      return onEngineThread(() -> render(expression, expression));
    }

    @Override
    public DebugVariable setVariable(long reference, String variable, String expression)
        throws DebugEvaluationException {
      return onEngineThread(() -> {
        String base = references.get(reference);
        String target = base == null || base.isEmpty() ? variable : base + "[" + JsonWriter.write(variable) + "]";
        render(variable, target + " = (" + expression + ")");
        return render(variable, target);
      });
    }

    @Override
    public void resume(Resume r) {
      end(r);
    }
  }
}
