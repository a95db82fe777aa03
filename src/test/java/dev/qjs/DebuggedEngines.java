package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.script.ScriptEngine;

/**
 * The engines of a debugger test: made here, their scripts run on threads of their own (a
 * paused engine holds its thread while the test inspects it), all detached and closed at the
 * end.
 *
 * <pre>{@code
 * DebuggedEngines engines = new DebuggedEngines();      // a field of the test
 * QuickJsScriptEngine e = engines.engine(QuickJsOptions.defaults());
 * Future<Object> done = engines.run(e, "calc.js", script);
 * engines.close();                                       // in @AfterEach
 * }</pre>
 */
public final class DebuggedEngines implements AutoCloseable {
  private final List<QuickJsScriptEngine> engines = new ArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "engine-thread");
    t.setDaemon(true);
    return t;
  });

  /** A new engine, closed with the others. */
  public QuickJsScriptEngine engine(QuickJsOptions options) {
    QuickJsScriptEngine e = new QuickJsScriptEngineFactory().getScriptEngine(options);
    engines.add(e);
    return e;
  }

  /** Runs a script under a file name on an engine thread. */
  public Future<Object> run(ScriptEngine e, String file, String script) {
    return threads.submit(() -> {
      e.put(ScriptEngine.FILENAME, file);
      return e.eval(script);
    });
  }

  /** Runs any call on an engine thread (a call that may stop in the debugger). */
  public <T> Future<T> submit(java.util.concurrent.Callable<T> call) {
    return threads.submit(call);
  }

  /** What a run returned, waiting at most {@link StopRecorder#WAIT_SECONDS}. */
  public static Object result(Future<Object> run) throws Exception {
    return run.get(StopRecorder.WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    for (QuickJsScriptEngine e : engines) {
      e.debugger().detach();
      e.close();
    }
    threads.shutdownNow();
    assertTrue(threads.awaitTermination(StopRecorder.WAIT_SECONDS, TimeUnit.SECONDS));
  }
}
