package dev.qjs.internal.debug.dap;

import dev.qjs.internal.debug.EngineDebugger;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The process's debug ports: one {@link DapServer} per port, started by the first engine that
 * asks for it (the builder's debug port, or the system property {@value #PORT_PROPERTY}) and
 * kept for the life of the process; every engine that asks is one thread of it until it closes.
 * With {@value #SUSPEND_PROPERTY}{@code =true} an engine's first script waits until a client has
 * attached and sent {@code configurationDone}.
 *
 * <pre>{@code
 * // in the engine: created, before its first script, closed
 * DebugPort.engineStarted(debugger, optionPort);
 * DebugPort.beforeFirstScript(debugger);
 * DebugPort.engineClosed(debugger);
 * }</pre>
 */
public final class DebugPort {
  /** The system property that names the debug port of every engine without its own. */
  public static final String PORT_PROPERTY = "quickjs.debug.port";

  /** The system property that makes each engine's first script wait for a configured client. */
  public static final String SUSPEND_PROPERTY = "quickjs.debug.suspend";

  private static final System.Logger LOG = System.getLogger("dev.qjs.debug");
  private static final Map<Integer, DapServer> SERVERS = new HashMap<>(); // guarded by the class
  private static final Map<EngineDebugger, DapServer> ENGINES = new HashMap<>(); // same

  private DebugPort() {}

  /**
   * The port an engine debugs on: its own option, else the system property, else none.
   *
   * @param optionPort the engine's option, or null
   * @return the port (1..65535), or 0 for none
   * @throws IllegalArgumentException when the property is set and is not such a port
   */
  public static int port(@Nullable Integer optionPort) {
    if (optionPort != null) {
      return check(optionPort, "the debug port option");
    }
    String p = System.getProperty(PORT_PROPERTY);
    if (p == null || p.isBlank()) {
      return 0;
    }
    try {
      return check(Integer.parseInt(p.strip()), PORT_PROPERTY);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(PORT_PROPERTY + "=" + p + " is not a TCP port (1..65535)", e);
    }
  }

  private static int check(int port, String what) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(what + " " + port + " is not a TCP port (1..65535)");
    }
    return port;
  }

  /**
   * Makes a new engine a thread of its debug port's server, starting the server when it is the
   * port's first engine. Without a port this does nothing; a port that cannot be bound is logged
   * and the engine runs undebugged.
   *
   * @param engine the engine's debugger
   * @param optionPort the engine's own debug port option, or null for the system property
   */
  public static void engineStarted(EngineDebugger engine, @Nullable Integer optionPort) {
    int port = port(optionPort);
    if (port == 0) {
      return;
    }
    synchronized (DebugPort.class) {
      DapServer server = SERVERS.get(port);
      if (server == null) {
        try {
          server = DapServer.listen(port);
        } catch (IOException e) {
          LOG.log(System.Logger.Level.WARNING, "the debug port " + port + " cannot be opened ("
              + e.getMessage() + "): " + engine.name() + " runs without a debugger");
          return;
        }
        SERVERS.put(port, server);
        LOG.log(System.Logger.Level.INFO, "debugger (Debug Adapter Protocol) listening on 127.0.0.1:"
            + port + "; attach VS Code to it");
      }
      ENGINES.put(engine, server);
      server.register(engine);
    }
  }

  /**
   * Before an engine's first script: with {@value #SUSPEND_PROPERTY}{@code =true}, waits until a
   * client has attached to its port and sent {@code configurationDone}.
   *
   * @param engine the engine's debugger
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public static void beforeFirstScript(EngineDebugger engine) throws InterruptedException {
    beforeFirstScript(engine, Boolean.getBoolean(SUSPEND_PROPERTY));
  }

  /** As {@link #beforeFirstScript(EngineDebugger)}, with the suspend setting given. */
  static void beforeFirstScript(EngineDebugger engine, boolean suspend) throws InterruptedException {
    DapServer server;
    synchronized (DebugPort.class) {
      server = ENGINES.get(engine);
    }
    if (!suspend || server == null) {
      return;
    }
    LOG.log(System.Logger.Level.INFO, engine.name() + " waits for a debugger on port "
        + server.port() + " (" + SUSPEND_PROPERTY + "=true)");
    while (!server.awaitConfigured(Duration.ofMillis(200))) { // and sees its engine close
      synchronized (DebugPort.class) {
        if (!ENGINES.containsKey(engine)) {
          return; // closed while it waited
        }
      }
    }
  }

  /**
   * The engine closed: it is no thread of its port's server any more.
   *
   * @param engine the engine's debugger
   */
  public static void engineClosed(EngineDebugger engine) {
    DapServer server;
    synchronized (DebugPort.class) {
      server = ENGINES.remove(engine);
    }
    if (server != null) {
      server.unregister(engine);
    }
  }

  /** The server of a port, if one was started (tests). */
  static @Nullable DapServer server(int port) {
    synchronized (DebugPort.class) {
      return SERVERS.get(port);
    }
  }

  /** Closes a port's server and forgets its engines (tests). */
  static void closeForTests(int port) {
    DapServer server;
    synchronized (DebugPort.class) {
      server = SERVERS.remove(port);
      ENGINES.values().removeIf(s -> s == server);
    }
    if (server != null) {
      server.close();
    }
  }
}
