package dev.qjs.internal.debug.dap;

import dev.qjs.internal.debug.EngineDebugger;
import dev.qjs.internal.debug.LineBreakpoint;
import dev.qjs.internal.debug.StopListener;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.util.List;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The debug ports this process listens on: one {@link DapServer} per port, opened by the first
 * engine that asks for it and kept for the life of the process (a debugger may attach at any
 * time), and the settings that decide whether an engine asks ({@code quickjs.debug.port},
 * {@code quickjs.debug.suspend}).
 */
public final class DebugPorts {
  /** System property of the port: 0–65535 (0: any free port, logged). */
  public static final String PORT_KEY = "quickjs.debug.port";

  /** System property: {@code true} makes each engine's first script wait for a debugger. */
  public static final String SUSPEND_KEY = "quickjs.debug.suspend";

  private static final System.Logger LOG = System.getLogger("dev.qjs.debug");
  private static final Map<Integer, DapServer> OPEN = new HashMap<>();
  /** Ports that could not be opened: asked once, warned about once. */
  private static final java.util.Set<Integer> REFUSED = new java.util.HashSet<>();
  /**
   * Takes an engine that was dropped without {@code close()} off its port. Made with the first
   * port served (a process without one starts no thread for it); the thread is the JDK's own
   * kind, which keeps no application's class loader (see JsRuntime's cleaner).
   */
  private static final class Dropped {
    static final Cleaner CLEANER = Cleaner.create();
  }

  private DebugPorts() {}

  /**
   * The port an engine serves on.
   *
   * @param option the options' port, -1 when they set none
   * @return the port, or -1 when neither the options nor the system property set one
   * @throws IllegalArgumentException when the system property is not a port number
   */
  public static int port(int option) {
    if (option >= 0) {
      return option;
    }
    String value = System.getProperty(PORT_KEY);
    if (value == null || value.isBlank()) {
      return -1;
    }
    try {
      int port = Integer.parseInt(value.trim());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        PORT_KEY + " must be a port number from 0 to 65535, not \"" + value + "\"");
  }

  /**
   * Whether an engine's first script waits for a debugger.
   *
   * @param option the options' setting
   * @return true when the options or the system property ask for it
   * @throws IllegalArgumentException when the system property is neither true nor false
   */
  public static boolean suspend(boolean option) {
    String value = System.getProperty(SUSPEND_KEY);
    if (option || value == null || value.isBlank()) {
      return option;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              SUSPEND_KEY + " must be true or false, not \"" + value + "\"");
    };
  }

  /**
   * Makes an engine one of the threads a debugger on {@code port} sees, opening the port the
   * first time.
   *
   * @param port the port (0: the one free port this process chose for every engine that asked
   *     for 0)
   * @param engine the engine's debugger
   * @param suspend whether {@link Served#awaitDebuggerOnce()} waits
   * @return the engine's place on the port, to close with the engine; null when the port cannot
   *     be opened (in use, say: a warning on logger {@code dev.qjs.debug} says so once)
   */
  public static @Nullable Served serve(int port, EngineDebugger engine, boolean suspend) {
    DapServer server;
    synchronized (OPEN) {
      server = OPEN.get(port);
      if (server == null) {
        if (REFUSED.contains(port)) {
          return null;
        }
        try {
          server = DapServer.listen(port);
        } catch (IOException e) {
          // the program runs on without a debugger rather than fail every engine it makes
          REFUSED.add(port);
          LOG.log(
              System.Logger.Level.WARNING,
              "quickjs debugger: cannot listen on 127.0.0.1:{0} ({1}): {2}; engines run without"
                  + " a debugger",
              Integer.toString(port), PORT_KEY, e.toString());
          return null;
        }
        OPEN.put(port, server);
        LOG.log(
            System.Logger.Level.INFO,
            "quickjs debugger: listening on 127.0.0.1:{0} (Debug Adapter Protocol, attach)",
            Integer.toString(server.port()));
      }
    }
    // the server holds the engine weakly: an engine dropped without close() is still collected
    EngineDebugger weak = new WeaklyHeld(engine);
    server.register(weak);
    DapServer registered = server;
    Dropped.CLEANER.register(engine, () -> registered.unregister(weak));
    return new Served(server, weak, suspend);
  }

  /**
   * The port a server opened for {@code port} listens on (tests ask for port 0).
   *
   * @param port the port asked for
   * @return the port listened on, or -1 when none is open for it
   */
  public static int listening(int port) {
    synchronized (OPEN) {
      @Nullable DapServer server = OPEN.get(port);
      return server == null ? -1 : server.port();
    }
  }

  /** One engine's place on a debug port. */
  public static final class Served implements AutoCloseable {
    private final DapServer server;
    private final EngineDebugger engine;
    private volatile boolean waitPending;

    Served(DapServer server, EngineDebugger engine, boolean suspend) {
      this.server = server;
      this.engine = engine;
      this.waitPending = suspend;
    }

    /**
     * Before the engine's first script when it suspends: waits until a debugger has attached and
     * finished its configuration. Later calls return at once.
     *
     * @throws InterruptedException when the waiting thread is interrupted (the wait is over then)
     */
    public void awaitDebuggerOnce() throws InterruptedException {
      if (!waitPending) {
        return;
      }
      synchronized (this) {
        if (!waitPending) {
          return;
        }
        waitPending = false;
      }
      LOG.log(
          System.Logger.Level.INFO,
          "quickjs debugger: {0} waits for a debugger on 127.0.0.1:{1} ({2})",
          new Object[] {engine.name(), Integer.toString(server.port()), SUSPEND_KEY});
      while (!server.awaitConfigured(Duration.ofSeconds(60))) {
        // wait on: suspend means until a debugger comes
      }
    }

    /** Takes the engine off the port (when it closes). */
    @Override
    public void close() {
      server.unregister(engine);
    }
  }

  /**
   * An engine's debugger as the server holds it: weakly, so that a debug port does not keep
   * engines alive; once the engine is gone it has no breakpoints and never stops.
   */
  private static final class WeaklyHeld implements EngineDebugger {
    private final WeakReference<EngineDebugger> engine;
    private final String name;

    WeaklyHeld(EngineDebugger engine) {
      this.engine = new WeakReference<>(engine);
      this.name = engine.name();
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void attach(StopListener listener) {
      EngineDebugger e = engine.get();
      if (e != null) {
        e.attach(new AsHeld(this, listener));
      }
    }

    @Override
    public void detach() {
      EngineDebugger e = engine.get();
      if (e != null) {
        e.detach();
      }
    }

    @Override
    public boolean isAttached() {
      EngineDebugger e = engine.get();
      return e != null && e.isAttached();
    }

    @Override
    public List<LineBreakpoint> setBreakpoints(String source, List<Integer> lines) {
      EngineDebugger e = engine.get();
      if (e != null) {
        return e.setBreakpoints(source, lines);
      }
      return lines.stream().map(line -> new LineBreakpoint(0, line, line, false)).toList();
    }

    @Override
    public void setExceptionStops(boolean all, boolean uncaught) {
      EngineDebugger e = engine.get();
      if (e != null) {
        e.setExceptionStops(all, uncaught);
      }
    }

    @Override
    public @Nullable String sourceText(String source) {
      EngineDebugger e = engine.get();
      return e == null ? null : e.sourceText(source);
    }

    @Override
    public void requestPause() {
      EngineDebugger e = engine.get();
      if (e != null) {
        e.requestPause();
      }
    }
  }

  /** Tells a listener of the engine as the server holds it (the server knows no other object). */
  private record AsHeld(EngineDebugger held, StopListener listener) implements StopListener {
    @Override
    public void stopped(EngineDebugger engine, dev.qjs.internal.debug.PausedEngine paused) {
      listener.stopped(held, paused);
    }

    @Override
    public void resumed(EngineDebugger engine) {
      listener.resumed(held);
    }

    @Override
    public void breakpointsChanged(
        EngineDebugger engine, String source, List<LineBreakpoint> breakpoints) {
      listener.breakpointsChanged(held, source, breakpoints);
    }

    @Override
    public void ended(EngineDebugger engine) {
      listener.ended(held);
    }
  }
}
