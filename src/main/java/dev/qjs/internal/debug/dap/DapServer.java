package dev.qjs.internal.debug.dap;

import dev.qjs.internal.debug.EngineDebugger;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A Debug Adapter Protocol server over TCP that VS Code attaches to ({@code "request":
 * "attach"}), listening on the loopback interface only. Every registered engine is one protocol
 * thread. One client at a time: a second connection while one is attached hears an {@code output}
 * event saying so and is closed. A client that disconnects, breaks the protocol or stops reading
 * is dropped and every engine resumes; the server then waits for the next client.
 *
 * <pre>{@code
 * DapServer server = DapServer.listen(4711);
 * server.register(engineDebugger);
 * server.awaitConfigured(Duration.ofMinutes(5)); // quickjs.debug.suspend=true
 * }</pre>
 */
public final class DapServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("dev.qjs.debug");
  private static final AtomicInteger SERVERS = new AtomicInteger();

  private final List<ServerSocket> listeners;
  private final int port;
  private final String label;
  private final Object lock = new Object();
  private final Map<EngineDebugger, Integer> engines = new LinkedHashMap<>(); // guarded by lock
  private final AtomicInteger nextThreadId = new AtomicInteger();
  private final AtomicInteger nextClient = new AtomicInteger();
  private @Nullable DapSession session; // guarded by lock
  private boolean configured; // guarded by lock
  private boolean closed; // guarded by lock

  private DapServer(List<ServerSocket> listeners) {
    this.listeners = listeners;
    this.port = listeners.get(0).getLocalPort();
    this.label = "quickjs-debug-" + SERVERS.incrementAndGet();
  }

  /**
   * Listens on 127.0.0.1 (and ::1 when the machine has it) for protocol clients.
   *
   * @param port the TCP port, 0 for any free one ({@link #port()} tells which)
   * @return the running server
   * @throws IOException when the port cannot be bound
   */
  public static DapServer listen(int port) throws IOException {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("debug port " + port + " is not in 0..65535");
    }
    List<ServerSocket> sockets = new ArrayList<>();
    ServerSocket v4 = new ServerSocket();
    try {
      v4.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 4);
    } catch (IOException e) {
      v4.close();
      throw e;
    }
    sockets.add(v4);
    ServerSocket v6 = new ServerSocket();
    try {
      v6.bind(new InetSocketAddress(InetAddress.getByName("::1"), v4.getLocalPort()), 4);
      sockets.add(v6);
    } catch (IOException noIpv6) {
      v6.close(); // no ::1 here, or its port is taken: IPv4 loopback alone
    }
    DapServer server = new DapServer(sockets);
    for (ServerSocket s : sockets) {
      Thread t = new Thread(() -> server.acceptLoop(s), server.label + "-accept-"
          + (s.getInetAddress().getAddress().length == 4 ? "ipv4" : "ipv6"));
      t.setDaemon(true);
      t.start();
    }
    return server;
  }

  /**
   * The port clients connect to.
   *
   * @return the bound port
   */
  public int port() {
    return port;
  }

  /**
   * Makes an engine one protocol thread; with a client attached it is attached at once and the
   * client hears a {@code thread} event. Registering twice does nothing.
   *
   * @param engine the engine's debugger
   */
  public void register(EngineDebugger engine) {
    synchronized (lock) {
      if (closed || engines.containsKey(engine)) {
        return;
      }
      int id = nextThreadId.incrementAndGet();
      engines.put(engine, id);
      if (session != null) {
        session.engineAdded(id, engine);
      }
    }
  }

  /**
   * Forgets an engine (it ended); an attached client hears a {@code thread} event {@code exited}.
   *
   * @param engine the engine's debugger
   */
  public void unregister(EngineDebugger engine) {
    synchronized (lock) {
      Integer id = engines.remove(engine);
      if (id != null && session != null) {
        session.engineRemoved(id, engine);
      }
    }
  }

  /**
   * Waits until a client has attached and sent {@code configurationDone} (its breakpoints are
   * set).
   *
   * @param timeout how long to wait at most
   * @return true when a configured client is attached, false after the timeout or when closed
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public boolean awaitConfigured(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!configured && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        Duration wait = Duration.ofNanos(left);
        lock.wait(Math.max(1, wait.toMillis()));
      }
      return configured;
    }
  }

  /** Drops the client (every engine resumes), stops listening and forgets the engines. */
  @Override
  public void close() {
    DapSession s;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      s = session;
      session = null;
      configured = false;
      lock.notifyAll();
    }
    for (ServerSocket l : listeners) {
      try {
        l.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing the debug port: {0}", e);
      }
    }
    if (s != null) {
      s.drop("the debug server closed");
    }
    synchronized (lock) {
      engines.clear();
    }
  }

  /**
   * Whether a connection from {@code peer} is served: loopback addresses only.
   *
   * @param peer the remote address of a connection
   * @return true for 127.0.0.0/8 and ::1
   */
  static boolean acceptsPeer(InetAddress peer) {
    return peer.isLoopbackAddress();
  }

  /** The registered engines by thread id, in registration order. */
  Map<Integer, EngineDebugger> engines() {
    synchronized (lock) {
      Map<Integer, EngineDebugger> m = new LinkedHashMap<>();
      engines.forEach((e, id) -> m.put(id, e));
      return m;
    }
  }

  /** The session sent configurationDone after attaching. */
  void configured(DapSession s) {
    synchronized (lock) {
      if (session == s) {
        configured = true;
        lock.notifyAll();
      }
    }
  }

  /** The session ended; the next client may connect. */
  void sessionEnded(DapSession s) {
    synchronized (lock) {
      if (session == s) {
        session = null;
        configured = false;
      }
    }
  }

  /** A session saw its engine end. */
  void engineEnded(EngineDebugger engine) {
    synchronized (lock) {
      engines.remove(engine);
    }
  }

  private void acceptLoop(ServerSocket listener) {
    while (true) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        synchronized (lock) {
          if (closed) {
            return;
          }
        }
        LOG.log(System.Logger.Level.WARNING, "debug port " + port + ": accept failed: " + e);
        continue;
      }
      try {
        accept(socket);
      } catch (RuntimeException | IOException e) {
        LOG.log(System.Logger.Level.WARNING, "debug port " + port + ": a client failed to start: " + e);
        closeQuietly(socket);
      }
    }
  }

  private void accept(Socket socket) throws IOException {
    if (!acceptsPeer(socket.getInetAddress())) {
      LOG.log(System.Logger.Level.WARNING, "debug port " + port + ": refused a connection from "
          + socket.getInetAddress().getHostAddress() + " (loopback only)");
      closeQuietly(socket);
      return;
    }
    synchronized (lock) {
      if (!closed && session == null) {
        DapSession s = new DapSession(this, socket, label + "-client-" + nextClient.incrementAndGet());
        session = s;
        s.start();
        return;
      }
    }
    refuse(socket, "another debugger client is attached to this process; only one at a time");
  }

  /** Tells a client why it is not served, then closes its connection. */
  private static void refuse(Socket socket, String why) {
    try {
      socket.setSoTimeout(1000);
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("seq", 1);
      event.put("type", "event");
      event.put("event", "output");
      event.put("body", Map.of("category", "important", "output", why + "\n"));
      ContentLengthFrames.write(socket.getOutputStream(), JsonWriter.write(event));
      socket.shutdownOutput();
    } catch (IOException e) {
      // the refused client went away first
    } finally {
      closeQuietly(socket);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing more to do with it
    }
  }
}
