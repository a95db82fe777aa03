package dev.qjs.internal.debug.dap;

import static dev.qjs.internal.debug.dap.DapTestClient.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.EngineDebuggers;
import dev.qjs.QuickJsOptions;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import dev.qjs.internal.debug.EngineDebugger;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The process's debug ports: started by the first engine, one thread per engine, suspend. */
@Tag("slow-under-emulation")
class DebugPortTest {
  private final int port = freePort();
  private QuickJsScriptEngine one;
  private QuickJsScriptEngine two;

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static QuickJsScriptEngine engine() {
    return new QuickJsScriptEngineFactory().getScriptEngine(QuickJsOptions.builder().build());
  }

  @AfterEach
  void close() {
    DebugPort.closeForTests(port);
    for (QuickJsScriptEngine e : new QuickJsScriptEngine[] {one, two}) {
      if (e != null) {
        e.close();
      }
    }
  }

  @Test
  void theFirstEngineStartsThePortsServerAndEveryEngineIsAThreadUntilItCloses() throws Exception {
    one = engine();
    two = engine();
    EngineDebugger a = EngineDebuggers.of(one);
    EngineDebugger b = EngineDebuggers.of(two);
    assertNull(DebugPort.server(port));
    DebugPort.engineStarted(a, port);
    DapServer server = DebugPort.server(port);
    assertNotNull(server);
    DebugPort.engineStarted(b, port);
    assertSame(server, DebugPort.server(port), "one server per port");
    try (DapTestClient c = new DapTestClient(port)) {
      c.handshake();
      assertEquals(List.of(a.name(), b.name()),
          list(c.ok("threads").get("threads")).stream().map(t -> t.get("name")).toList());
      DebugPort.engineClosed(b);
      c.event("thread", t -> "exited".equals(t.get("reason")));
      assertEquals(1, list(c.ok("threads").get("threads")).size());
    }
  }

  @Test
  void suspendMakesTheFirstScriptWaitForAConfiguredClient() throws Exception {
    one = engine();
    EngineDebugger a = EngineDebuggers.of(one);
    DebugPort.engineStarted(a, port);
    CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
      try {
        DebugPort.beforeFirstScript(a, true);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(300);
    assertFalse(waiting.isDone(), "no client yet");
    try (DapTestClient c = new DapTestClient(port)) {
      c.handshake();
      waiting.get(DapTestClient.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
    DebugPort.beforeFirstScript(a, false); // without suspend: at once
  }

  @Test
  void anEngineMadeWithThePortPropertyIsAThreadUntilItClosesAndStopsAtABreakpoint() throws Exception {
    String old = System.getProperty(DebugPort.PORT_PROPERTY);
    System.setProperty(DebugPort.PORT_PROPERTY, Integer.toString(port));
    try {
      one = engine();
    } finally {
      if (old == null) {
        System.clearProperty(DebugPort.PORT_PROPERTY);
      } else {
        System.setProperty(DebugPort.PORT_PROPERTY, old);
      }
    }
    String name = EngineDebuggers.of(one).name();
    try (DapTestClient c = new DapTestClient(port)) {
      c.handshake();
      long thread = (Long) list(c.ok("threads").get("threads")).get(0).get("id");
      assertEquals(name, list(c.ok("threads").get("threads")).get(0).get("name"));
      c.ok("setBreakpoints", "source", DapTestClient.obj("name", "w.js"),
          "breakpoints", List.of(DapTestClient.obj("line", 2)));
      CompletableFuture<Object> done = CompletableFuture.supplyAsync(() -> {
        one.put(javax.script.ScriptEngine.FILENAME, "w.js");
        try {
          return one.eval("let x = 1;\nx + 1;");
        } catch (javax.script.ScriptException e) {
          throw new IllegalStateException(e);
        }
      });
      assertEquals("breakpoint", c.stopped(thread).get("reason"));
      c.ok("continue", "threadId", thread);
      assertEquals(2, done.get(DapTestClient.TIMEOUT_SECONDS, TimeUnit.SECONDS));
      one.close();
      assertEquals(thread, c.event("thread", t -> "exited".equals(t.get("reason"))).get("threadId"));
      assertTrue(list(c.ok("threads").get("threads")).isEmpty());
    }
  }

  @Test
  void theBuildersDebugPortRegistersTheEngine() throws Exception {
    one = new QuickJsScriptEngineFactory().getScriptEngine(
        QuickJsOptions.builder().debugPort(port).build());
    assertNotNull(DebugPort.server(port));
    try (DapTestClient c = new DapTestClient(port)) {
      c.handshake();
      assertEquals(List.of(EngineDebuggers.of(one).name()),
          list(c.ok("threads").get("threads")).stream().map(t -> t.get("name")).toList());
    }
    assertThrows(IllegalArgumentException.class, () -> QuickJsOptions.builder().debugPort(0));
    assertThrows(IllegalArgumentException.class, () -> QuickJsOptions.builder().debugPort(65536));
  }

  @Test
  void anEngineWithoutAPortIsNotDebuggedAndABadPortIsAClearError() {
    String old = System.getProperty(DebugPort.PORT_PROPERTY);
    try {
      System.clearProperty(DebugPort.PORT_PROPERTY);
      assertEquals(0, DebugPort.port(null));
      System.setProperty(DebugPort.PORT_PROPERTY, "not-a-port");
      assertTrue(assertThrows(IllegalArgumentException.class, () -> DebugPort.port(null))
          .getMessage().contains(DebugPort.PORT_PROPERTY));
      System.setProperty(DebugPort.PORT_PROPERTY, "70000");
      assertThrows(IllegalArgumentException.class, () -> DebugPort.port(null));
      assertEquals(4711, DebugPort.port(4711), "the engine's option wins");
      assertThrows(IllegalArgumentException.class, () -> DebugPort.port(0));
    } finally {
      if (old == null) {
        System.clearProperty(DebugPort.PORT_PROPERTY);
      } else {
        System.setProperty(DebugPort.PORT_PROPERTY, old);
      }
    }
  }

  @Test
  void aPortThatCannotBeOpenedLeavesTheEngineUndebugged() throws Exception {
    one = engine();
    try (ServerSocket taken = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      DebugPort.engineStarted(EngineDebuggers.of(one), port);
      assertNull(DebugPort.server(port));
      assertEquals(2, one.eval("1 + 1"));
    }
  }
}
