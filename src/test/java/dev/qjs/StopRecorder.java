package dev.qjs;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.qjs.internal.debug.EngineDebugger;
import dev.qjs.internal.debug.LineBreakpoint;
import dev.qjs.internal.debug.PausedEngine;
import dev.qjs.internal.debug.StopListener;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A debugger's listener for tests: records stops and breakpoint changes into queues (the test
 * resumes the stops), and counts resumes and ends.
 */
public final class StopRecorder implements StopListener {
  /** How long a test waits for a stop or a change. */
  public static final long WAIT_SECONDS = 10;

  /** A source's breakpoints as an engine resolved them anew. */
  public record Change(String source, List<LineBreakpoint> breakpoints) {}

  public final BlockingQueue<PausedEngine> stops = new LinkedBlockingQueue<>();
  public final BlockingQueue<Change> changes = new LinkedBlockingQueue<>();
  public final AtomicInteger resumed = new AtomicInteger();
  public final AtomicInteger ended = new AtomicInteger();

  /** A recorder attached to an engine's debugger. */
  public static StopRecorder attachedTo(QuickJsScriptEngine engine) {
    StopRecorder r = new StopRecorder();
    engine.debugger().attach(r);
    return r;
  }

  @Override
  public void stopped(EngineDebugger engine, PausedEngine paused) {
    stops.add(paused);
  }

  @Override
  public void resumed(EngineDebugger engine) {
    resumed.incrementAndGet();
  }

  @Override
  public void breakpointsChanged(EngineDebugger engine, String source, List<LineBreakpoint> list) {
    changes.add(new Change(source, list));
  }

  @Override
  public void ended(EngineDebugger engine) {
    ended.incrementAndGet();
  }

  /** The next stop; fails when none comes in time. */
  public PausedEngine next() throws InterruptedException {
    PausedEngine p = stops.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(p, "the engine did not stop");
    return p;
  }

  /** The next change of breakpoints; fails when none comes in time. */
  public Change nextChange() throws InterruptedException {
    Change c = changes.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(c, "no breakpoint changed");
    return c;
  }

  /** Fails if the engine stops within 200 ms. */
  public void noMoreStops() throws InterruptedException {
    assertNull(stops.poll(200, TimeUnit.MILLISECONDS), "an unexpected stop");
  }
}
