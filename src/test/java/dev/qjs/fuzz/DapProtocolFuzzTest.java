package dev.qjs.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.qjs.EngineDebuggers;
import dev.qjs.QuickJsOptions;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import dev.qjs.internal.debug.dap.DapServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Tag;

/**
 * Jazzer target for the debugger's protocol server: any bytes a client sends (raw, or framed
 * messages with fuzzed JSON after an optional well-formed handshake) are answered or make the
 * server drop that client, and nothing else: no exception escapes a server thread, no request
 * fails with an internal error, and the next client is served ({@code initialize} answered).
 */
// a fuzz target like the others: native-libs/test-emulated.sh leaves the fuzz targets out
@Tag("slow-under-emulation")
class DapProtocolFuzzTest {
  private static final Logger LOG = Logger.getLogger("dev.qjs.debug");
  private static final List<String> PROBLEMS = new ArrayList<>();
  private static final DapServer SERVER;
  private static final QuickJsScriptEngine ENGINE;

  static {
    LOG.setUseParentHandlers(false); // thousands of dropped clients: keep the console quiet
    LOG.addHandler(
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            String m = r.getMessage();
            if (m.contains("internal error") || m.contains(" failed: ") && !m.contains("broke the protocol")) {
              synchronized (PROBLEMS) {
                PROBLEMS.add(m);
              }
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        });
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
      synchronized (PROBLEMS) {
        PROBLEMS.add(t.getName() + ": " + e);
      }
    });
    try (SilentCloseable loopback = loopbackOnly()) {
      SERVER = DapServer.listen(0);
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
    ENGINE = new QuickJsScriptEngineFactory().getScriptEngine(QuickJsOptions.builder().build());
    SERVER.register(EngineDebuggers.of(ENGINE));
  }

  /** Jazzer's SSRF detector lets this target use loopback connections (its own server) only. */
  private static SilentCloseable loopbackOnly() {
    return BugDetectors.allowNetworkConnections(
        (host, port) -> host.equals("127.0.0.1") || host.equals("::1") || host.equals("localhost"));
  }

  private static byte[] framed(String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    byte[] head = ("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  private static final String[] COMMANDS = {
    "initialize", "attach", "launch", "setBreakpoints", "setExceptionBreakpoints",
    "configurationDone", "threads", "stackTrace", "scopes", "variables", "evaluate",
    "setVariable", "continue", "next", "stepIn", "stepOut", "pause", "source", "exceptionInfo",
    "disconnect",
    "nonsense"
  };

  @FuzzTest(maxDuration = "30s")
  void anyClientBytesAreAnsweredOrDropTheClient(FuzzedDataProvider data) throws Exception {
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    if (data.consumeBoolean()) {
      for (String c : new String[] {"initialize", "attach", "configurationDone"}) {
        in.write(framed("{\"seq\":1,\"type\":\"request\",\"command\":\"" + c + "\"}"));
      }
    }
    int messages = data.consumeInt(0, 6);
    for (int i = 0; i < messages; i++) {
      switch (data.consumeInt(0, 2)) {
        case 0 -> in.write(data.consumeBytes(data.consumeInt(0, 200)));
        case 1 -> in.write(framed(data.consumeString(data.consumeInt(0, 300))));
        default -> in.write(framed("{\"seq\":" + data.consumeLong() + ",\"type\":\"request\",\"command\":\""
            + data.pickValue(COMMANDS) + "\",\"arguments\":" + data.consumeString(data.consumeInt(0, 300)) + "}"));
      }
    }
    in.write(data.consumeRemainingAsBytes());
    exchange(in.toByteArray());
    // the next client is served
    byte[] answer = exchange(framed("{\"seq\":1,\"type\":\"request\",\"command\":\"initialize\"}"));
    String text = new String(answer, StandardCharsets.UTF_8);
    assertTrue(text.contains("\"command\":\"initialize\"") && text.contains("\"success\":true"),
        "the next client got: " + text);
    synchronized (PROBLEMS) {
      if (!PROBLEMS.isEmpty()) {
        String first = PROBLEMS.get(0);
        PROBLEMS.clear();
        fail(first);
      }
    }
  }

  /** Sends the bytes as one client, closes its sending side and reads until the server closes. */
  private static byte[] exchange(byte[] bytes) throws IOException {
    try (SilentCloseable loopback = loopbackOnly();
        Socket s = new Socket(InetAddress.getByName("127.0.0.1"), SERVER.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(bytes);
        s.shutdownOutput();
      } catch (IOException dropped) {
        // the server dropped the client before it had sent everything
      }
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[8192];
      try {
        for (int n; (n = in.read(buf)) >= 0; ) {
          if (got.size() < 1 << 20) {
            got.write(buf, 0, n);
          }
        }
      } catch (SocketTimeoutException hang) {
        fail("the server neither answered nor closed the connection in 10 s");
      } catch (IOException reset) {
        // closed with unread data
      }
      return got.toByteArray();
    }
  }
}
