package dev.qjs.internal.debug.dap;

import static dev.qjs.internal.debug.dap.DapTestClient.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.QuickJsOptions;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.script.ScriptEngine;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The public settings of the debugger: {@code QuickJsOptions.debugPort/debugSuspend} and the
 * system properties {@code quickjs.debug.port/suspend}, with real engines on a real port.
 */
class DebugPortSettingsTest {

  private static QuickJsScriptEngine engine(QuickJsOptions options) {
    return new QuickJsScriptEngineFactory().getScriptEngine(options);
  }

  @Nested
  class BadSettings {
    @Test
    void aPortOutsideTheRangeIsRefusedByTheBuilder() {
      assertThrows(IllegalArgumentException.class, () -> QuickJsOptions.builder().debugPort(65536));
      assertThrows(IllegalArgumentException.class, () -> QuickJsOptions.builder().debugPort(-1));
    }

    @Test
    void aSystemPropertyThatIsNoPortNamesTheKey() {
      String before = System.getProperty(DebugPorts.PORT_KEY);
      System.setProperty(DebugPorts.PORT_KEY, "forty-two");
      try {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> engine(QuickJsOptions.defaults()));
        assertTrue(e.getMessage().contains("quickjs.debug.port"), e.getMessage());
      } finally {
        restore(DebugPorts.PORT_KEY, before);
      }
    }

    @Test
    void aSuspendPropertyThatIsNoBooleanNamesTheKey() {
      String before = System.getProperty(DebugPorts.SUSPEND_KEY);
      System.setProperty(DebugPorts.SUSPEND_KEY, "yes please");
      try {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> DebugPorts.suspend(false));
        assertTrue(e.getMessage().contains("quickjs.debug.suspend"), e.getMessage());
      } finally {
        restore(DebugPorts.SUSPEND_KEY, before);
      }
    }

    @Test
    void aPortInUseLeavesTheEngineWorkingWithoutADebugger() throws Exception {
      try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int port = taken.getLocalPort();
        try (QuickJsScriptEngine e = engine(QuickJsOptions.builder().debugPort(port).build())) {
          assertEquals(3, e.eval("1 + 2"));
        }
        assertEquals(-1, DebugPorts.listening(port));
      }
    }
  }

  @Nested
  class OnePortForTheProcess {
    @Test
    void enginesGivenThePortAreThreadsOfOneServerAndLeaveItWhenClosed() throws Exception {
      QuickJsScriptEngine a = engine(QuickJsOptions.builder().debugPort(0).build());
      QuickJsScriptEngine b = engine(QuickJsOptions.builder().debugPort(0).build());
      int port = DebugPorts.listening(0);
      assertNotEquals(-1, port);
      try (DapTestClient client = new DapTestClient(port)) {
        client.handshake();
        List<Map<String, Object>> threads = list(client.ok("threads").get("threads"));
        assertTrue(threads.size() >= 2, threads::toString);
        a.close();
        client.event("thread", t -> "exited".equals(t.get("reason")));
        assertEquals(threads.size() - 1, list(client.ok("threads").get("threads")).size());
        assertEquals(7, b.eval("3 + 4"), "the other engine runs on");
      } finally {
        b.close();
      }
    }

    @Test
    void aSuspendedEnginesFirstScriptWaitsForConfigurationDoneThenStopsAtItsBreakpoint()
        throws Exception {
      QuickJsScriptEngine e =
          engine(QuickJsOptions.builder().debugPort(0).debugSuspend(true).build());
      int port = DebugPorts.listening(0);
      e.put(ScriptEngine.FILENAME, "suspended.js");
      CompletableFuture<Object> run = CompletableFuture.supplyAsync(() -> {
        try {
          return e.eval("var x = 1;\nx = x + 41;\nx;");
        } catch (Exception failed) {
          throw new IllegalStateException(failed);
        }
      });
      try (DapTestClient client = new DapTestClient(port)) {
        Thread.sleep(200);
        assertTrue(!run.isDone(), "the first script waits for a debugger");
        client.ok("initialize", "adapterID", "quickjs");
        client.event("initialized");
        client.ok("attach");
        client.ok("setBreakpoints", "source", DapTestClient.obj("name", "suspended.js"),
            "breakpoints", List.of(DapTestClient.obj("line", 2)));
        long thread = threadNamed(client, e);
        client.ok("configurationDone");
        Map<String, Object> stop = client.stopped(thread);
        assertEquals("breakpoint", stop.get("reason"));
        client.ok("continue", "threadId", thread);
        assertEquals(42, run.get(10, TimeUnit.SECONDS));
      } finally {
        e.close();
      }
    }
  }

  @Nested
  class SourcesByPath {
    @Test
    void aBreakpointSetOnTheAbsolutePathStopsAScriptWhoseFilenameIsRelative() throws Exception {
      java.nio.file.Path relative = java.nio.file.Path.of("target", "debug-relative-name.js");
      java.nio.file.Files.createDirectories(relative.getParent());
      java.nio.file.Files.writeString(relative, "var y = 1;\ny = y * 6;\ny;\n");
      QuickJsScriptEngine e = engine(QuickJsOptions.builder().debugPort(0).build());
      int port = DebugPorts.listening(0);
      try (DapTestClient client = new DapTestClient(port)) {
        client.handshake();
        long thread = threadNamed(client, e);
        Map<String, Object> set = client.ok("setBreakpoints",
            "source", DapTestClient.obj("path", relative.toAbsolutePath().toString()),
            "breakpoints", List.of(DapTestClient.obj("line", 2)));
        assertEquals(1, list(set.get("breakpoints")).size());
        e.put(ScriptEngine.FILENAME, relative.toString());
        CompletableFuture<Object> run = CompletableFuture.supplyAsync(() -> {
          try {
            return e.eval(java.nio.file.Files.readString(relative));
          } catch (Exception failed) {
            throw new IllegalStateException(failed);
          }
        });
        Map<String, Object> stop = client.stopped(thread);
        assertEquals("breakpoint", stop.get("reason"));
        assertEquals(List.of(((Number) list(set.get("breakpoints")).get(0).get("id")).longValue()),
            ((List<?>) stop.get("hitBreakpointIds")).stream()
                .map(id -> ((Number) id).longValue()).toList(),
            "the session knows which breakpoint it hit");
        client.ok("continue", "threadId", thread);
        assertEquals(6, run.get(10, TimeUnit.SECONDS));
      } finally {
        e.close();
      }
    }
  }

  private static long threadNamed(DapTestClient client, QuickJsScriptEngine e) throws Exception {
    List<Map<String, Object>> threads = list(client.ok("threads").get("threads"));
    // the newest engine has the highest id
    return threads.stream().mapToLong(t -> ((Number) t.get("id")).longValue()).max().orElseThrow();
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }
}
