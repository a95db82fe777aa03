package dev.qjs.internal.debug.dap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A small Debug Adapter Protocol client for tests: Content-Length framing of its own, a sequence
 * number per request, responses matched to their requests, events queued, all with timeouts.
 */
final class DapTestClient implements AutoCloseable {
  static final long TIMEOUT_SECONDS = 10;

  private final Socket socket;
  private final OutputStream out;
  private final Map<Long, CompletableFuture<Map<String, Object>>> waiting = new ConcurrentHashMap<>();
  private final BlockingQueue<Map<String, Object>> events = new LinkedBlockingQueue<>();
  private final List<Map<String, Object>> seen = new ArrayList<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private long seq;

  DapTestClient(int port) throws IOException {
    socket = new Socket(InetAddress.getByName("127.0.0.1"), port);
    socket.setSoTimeout(0);
    out = socket.getOutputStream();
    Thread reader = new Thread(this::readLoop, "dap-test-client-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private void readLoop() {
    try {
      ContentLengthFrames frames = new ContentLengthFrames(new BufferedInputStream(socket.getInputStream()));
      while (true) {
        String body = frames.next();
        if (body == null) {
          break;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) JsonReader.parse(body);
        if ("response".equals(m.get("type"))) {
          CompletableFuture<Map<String, Object>> f = waiting.remove((Long) m.get("request_seq"));
          if (f != null) {
            f.complete(m);
          }
        } else if ("event".equals(m.get("type"))) {
          events.add(m);
        }
      }
    } catch (IOException | MalformedMessageException e) {
      // the server closed the connection
    } finally {
      closed.complete(null);
      waiting.values().forEach(f -> f.completeExceptionally(new IOException("connection closed")));
    }
  }

  /** Sends raw bytes (hostile input). */
  void sendRaw(byte[] bytes) throws IOException {
    synchronized (out) {
      out.write(bytes);
      out.flush();
    }
  }

  /** Sends a request and returns its response, successful or not. */
  Map<String, Object> request(String command, Object... args) throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    long s;
    synchronized (this) {
      s = ++seq;
    }
    m.put("seq", s);
    m.put("type", "request");
    m.put("command", command);
    m.put("arguments", obj(args));
    CompletableFuture<Map<String, Object>> f = new CompletableFuture<>();
    waiting.put(s, f);
    byte[] body = JsonWriter.write(m).getBytes(StandardCharsets.UTF_8);
    sendRaw(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    sendRaw(body);
    return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** Sends a request that must succeed and returns its body. */
  @SuppressWarnings("unchecked")
  Map<String, Object> ok(String command, Object... args) throws Exception {
    Map<String, Object> r = request(command, args);
    assertEquals(Boolean.TRUE, r.get("success"), () -> command + " failed: " + r);
    Object body = r.get("body");
    return body instanceof Map ? (Map<String, Object>) body : Map.of();
  }

  /** Sends a request that must fail and returns its message. */
  String error(String command, Object... args) throws Exception {
    Map<String, Object> r = request(command, args);
    assertEquals(Boolean.FALSE, r.get("success"), () -> command + " should fail: " + r);
    return String.valueOf(r.get("message"));
  }

  /**
   * The body of the first event named {@code name} that matches; events it passes over stay for
   * later calls.
   */
  @SuppressWarnings("unchecked")
  Map<String, Object> event(String name, Predicate<Map<String, Object>> which) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    int i = 0;
    while (true) {
      if (i == seen.size()) {
        long left = deadline - System.nanoTime();
        Map<String, Object> e = events.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
        if (e == null) {
          return fail("no " + name + " event in " + TIMEOUT_SECONDS + " s; not taken: " + seen);
        }
        seen.add(e);
      }
      Map<String, Object> e = seen.get(i);
      Map<String, Object> body = e.get("body") instanceof Map ? (Map<String, Object>) e.get("body") : Map.of();
      if (name.equals(e.get("event")) && which.test(body)) {
        seen.remove(i);
        return body;
      }
      i++;
    }
  }

  Map<String, Object> event(String name) throws Exception {
    return event(name, b -> true);
  }

  /** The stopped event of a thread. */
  Map<String, Object> stopped(long threadId) throws Exception {
    return event("stopped", b -> Long.valueOf(threadId).equals(b.get("threadId")));
  }

  /** Events that arrived and were not consumed yet, without waiting. */
  List<Map<String, Object>> drainEvents() {
    List<Map<String, Object>> l = new ArrayList<>(seen);
    seen.clear();
    events.drainTo(l);
    return l;
  }

  /** Whether the server closed the connection within the timeout. */
  boolean closedByServer() {
    try {
      closed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** initialize, attach, configurationDone, checking the initialized event. */
  Map<String, Object> handshake() throws Exception {
    Map<String, Object> caps = ok("initialize", "adapterID", "quickjs", "linesStartAt1", true,
        "columnsStartAt1", true);
    event("initialized");
    ok("attach");
    ok("configurationDone");
    return caps;
  }

  static Map<String, Object> obj(Object... keysAndValues) {
    assertTrue(keysAndValues.length % 2 == 0, "keys and values");
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Object value) {
    return (List<Map<String, Object>>) value;
  }

  InputStream rawInput() throws IOException {
    return socket.getInputStream();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
