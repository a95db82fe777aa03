package dev.qjs.internal.debug.dap;

import static dev.qjs.internal.debug.dap.DapTestClient.list;
import static dev.qjs.internal.debug.dap.DapTestClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.EngineDebuggers;
import dev.qjs.ModuleLoader;
import dev.qjs.QuickJsOptions;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import dev.qjs.SystemProperties;
import dev.qjs.internal.sourcemap.CompilerFixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.script.ScriptEngine;
import javax.script.ScriptException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The protocol server driven by a client of our own over a real socket, with real engines (the
 * engine side's debugger over the native statement hook): the handshake, threads, breakpoints in
 * scripts and modules (conditions, hit counts, logpoints), steps, inspection, stale ids, several
 * engines, disconnects and hostile input.
 */
@Tag("slow-under-emulation") // sockets with timeouts, real engines paused across threads
class DapServerTest {
  private static final String CALC = String.join("\n",
      "function add(a, b) {", //          1
      "  const sum = a + b;", //           2
      "  return sum;", //                  3
      "}", //                              4
      "", //                               5
      "let total = 0;", //                 6
      "for (let i = 0; i < 3; i++) {", //  7
      "  total = add(total, i);", //       8
      "}", //                              9
      "total;"); //                        10

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final ExecutorService engineThreads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-engine-thread");
    t.setDaemon(true);
    return t;
  });
  private DapServer server;
  private QuickJsScriptEngine main;

  @BeforeEach
  void start() throws Exception {
    server = DapServer.listen(0);
    main = real();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    Collections.reverse(toClose);
    for (AutoCloseable c : toClose) {
      c.close();
    }
    engineThreads.shutdownNow();
  }

  /** A new real engine, registered with the server. */
  private QuickJsScriptEngine real() {
    return real(QuickJsOptions.builder().build());
  }

  private QuickJsScriptEngine real(QuickJsOptions options) {
    QuickJsScriptEngine e = new QuickJsScriptEngineFactory().getScriptEngine(options);
    toClose.add(e);
    server.register(EngineDebuggers.of(e));
    return e;
  }

  private static String name(QuickJsScriptEngine e) {
    return EngineDebuggers.of(e).name();
  }

  private DapTestClient client() throws IOException {
    DapTestClient c = new DapTestClient(server.port());
    toClose.add(c);
    return c;
  }

  private DapTestClient attached() throws Exception {
    DapTestClient c = client();
    c.handshake();
    return c;
  }

  /** Runs a script on a thread of its own (the engine's thread while it is paused). */
  private CompletableFuture<Object> run(QuickJsScriptEngine e, String file, String script) {
    return CompletableFuture.supplyAsync(() -> {
      e.put(ScriptEngine.FILENAME, file);
      try {
        return e.eval(script);
      } catch (ScriptException ex) {
        throw new CompletionException(ex);
      }
    }, engineThreads);
  }

  private static Object result(CompletableFuture<Object> f) throws Exception {
    return f.get(DapTestClient.TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private static long threadId(DapTestClient c, String name) throws Exception {
    for (Map<String, Object> t : list(c.ok("threads").get("threads"))) {
      if (name.equals(t.get("name"))) {
        return (Long) t.get("id");
      }
    }
    throw new AssertionError("no thread " + name);
  }

  private static long threadOf(DapTestClient c, QuickJsScriptEngine e) throws Exception {
    return threadId(c, name(e));
  }

  private static List<Map<String, Object>> setBreakpoints(DapTestClient c, String source,
      Object... breakpoints) throws Exception {
    return list(c.ok("setBreakpoints", "source", obj("name", source),
        "breakpoints", List.of(breakpoints)).get("breakpoints"));
  }

  private static Map<String, Object> top(DapTestClient c, long thread) throws Exception {
    return list(c.ok("stackTrace", "threadId", thread).get("stackFrames")).get(0);
  }

  private static Map<String, String> locals(DapTestClient c, long frameId) throws Exception {
    Map<String, Object> scope = list(c.ok("scopes", "frameId", frameId).get("scopes")).stream()
        .filter(x -> "Locals".equals(x.get("name"))).findFirst().orElseThrow();
    Map<String, String> m = new LinkedHashMap<>();
    for (Map<String, Object> v : list(c.ok("variables", "variablesReference",
        scope.get("variablesReference")).get("variables"))) {
      m.put(String.valueOf(v.get("name")), String.valueOf(v.get("value")));
    }
    return m;
  }

  @Nested
  class Handshake {
    @Test
    void initializeAnswersTheCapabilitiesThenTheInitializedEvent() throws Exception {
      DapTestClient c = client();
      Map<String, Object> caps = c.ok("initialize", "adapterID", "quickjs");
      for (String yes : List.of("supportsConfigurationDoneRequest", "supportsConditionalBreakpoints",
          "supportsHitConditionalBreakpoints", "supportsLogPoints", "supportsEvaluateForHovers",
          "supportsSetVariable")) {
        assertEquals(true, caps.get(yes), yes);
      }
      assertEquals(false, caps.get("supportsTerminateRequest"));
      assertEquals(List.of("all", "uncaught"),
          list(caps.get("exceptionBreakpointFilters")).stream().map(f -> f.get("filter")).toList());
      c.event("initialized");
    }

    @Test
    void awaitConfiguredReturnsOnceAClientAttachedAndSentConfigurationDone() throws Exception {
      assertFalse(server.awaitConfigured(Duration.ofMillis(50)));
      DapTestClient c = client();
      c.ok("initialize");
      c.ok("attach");
      assertFalse(server.awaitConfigured(Duration.ofMillis(50)));
      c.ok("configurationDone");
      assertTrue(server.awaitConfigured(Duration.ofSeconds(5)));
      assertTrue(EngineDebuggers.of(main).isAttached());
    }

    @Test
    void launchIsRefusedBecauseTheDebuggerOnlyAttaches() throws Exception {
      DapTestClient c = client();
      c.ok("initialize");
      assertTrue(c.error("launch", "program", "x.js").contains("attach only"));
    }

    @Test
    void anUnknownCommandIsAnErrorResponseAndTheSessionGoesOn() throws Exception {
      DapTestClient c = attached();
      assertTrue(c.error("goto", "threadId", 1).contains("unknown command \"goto\""));
      assertEquals(1, list(c.ok("threads").get("threads")).size());
    }

    @Test
    void everyEngineIsANamedThreadAndEnginesThatComeAndGoAreTold() throws Exception {
      DapTestClient c = attached();
      assertEquals(List.of(name(main)),
          list(c.ok("threads").get("threads")).stream().map(t -> t.get("name")).toList());
      QuickJsScriptEngine worker = real();
      Map<String, Object> started = c.event("thread", b -> "started".equals(b.get("reason")));
      assertTrue(EngineDebuggers.of(worker).isAttached(), "a newly registered engine is attached at once");
      assertEquals(threadOf(c, worker), started.get("threadId"));
      worker.close();
      Map<String, Object> exited = c.event("thread", b -> "exited".equals(b.get("reason")));
      assertEquals(started.get("threadId"), exited.get("threadId"));
      assertEquals(List.of(name(main)),
          list(c.ok("threads").get("threads")).stream().map(t -> t.get("name")).toList());
    }

    @Test
    void aSecondClientIsToldAndClosedWhileOneIsAttachedAndServedAfterIt() throws Exception {
      DapTestClient first = attached();
      DapTestClient second = client();
      assertTrue(String.valueOf(second.event("output").get("output")).contains("another debugger client"));
      assertTrue(second.closedByServer());
      first.ok("disconnect");
      assertTrue(first.closedByServer());
      DapTestClient third = attached();
      assertEquals(1, list(third.ok("threads").get("threads")).size());
    }
  }

  @Nested
  class Sessions {
    @Test
    void aBreakpointInAScriptStopsThereWithItsFramesLocalsAndEvaluation() throws Exception {
      QuickJsScriptEngine e = real();
      DapTestClient c = attached();
      Map<String, Object> bp = setBreakpoints(c, "calc.js", obj("line", 3)).get(0);
      long thread = threadOf(c, e);
      CompletableFuture<Object> done = run(e, "calc.js", CALC);
      assertEquals("breakpoint", c.stopped(thread).get("reason"));
      Map<String, Object> trace = c.ok("stackTrace", "threadId", thread);
      List<Map<String, Object>> stack = list(trace.get("stackFrames"));
      assertEquals("add", stack.get(0).get("name"));
      assertEquals(3L, stack.get(0).get("line"));
      assertEquals(Map.of("name", "calc.js"), stack.get(0).get("source"));
      assertEquals(8L, stack.get(1).get("line"));
      long frameId = (Long) stack.get(0).get("id");
      Map<String, String> locals = locals(c, frameId);
      assertEquals("0", locals.get("a"));
      assertEquals("0", locals.get("sum"));
      assertEquals("10", c.ok("evaluate", "expression", "a + b + 10", "frameId", frameId).get("result"));
      assertTrue(c.error("evaluate", "expression", "nope", "frameId", frameId, "context", "repl")
          .contains("ReferenceError"));
      c.ok("setBreakpoints", "source", obj("name", "calc.js"), "breakpoints", List.of());
      c.ok("continue", "threadId", thread);
      assertEquals(3, result(done));
      assertEquals(false, bp.get("verified"), "calc.js was not loaded when it was set");
      @SuppressWarnings("unchecked")
      Map<String, Object> changed = (Map<String, Object>) c.event("breakpoint").get("breakpoint");
      assertEquals(bp.get("id"), changed.get("id"));
      assertEquals(true, changed.get("verified"));
    }

    @Test
    void aConditionalBreakpointInATypeScriptFileStopsInItsCompiledScriptAndTheStackShowsTheFile()
        throws Exception {
      Path script = CompilerFixtures.dir().resolve("tsc-external/thrower.js");
      String original = CompilerFixtures.sources().resolve("single/thrower.ts").toString();
      QuickJsScriptEngine e = real(QuickJsOptions.builder()
          .moduleLoader(ModuleLoader.directory(script.getParent())).build());
      e.put("quickjs.moduleRoots", script.getParent().toString());
      DapTestClient c = attached();
      // thrower.ts line 13: `return order.total;` in checkOrder; the condition reads a local
      Map<String, Object> bp = list(c.ok("setBreakpoints", "source", obj("path", original),
          "breakpoints", List.of(obj("line", 13, "condition", "order.total > 5")))
          .get("breakpoints")).get(0);
      assertEquals(false, bp.get("verified"));
      long thread = threadOf(c, e);
      result(run(e, script.toString(), CompilerFixtures.read(script)));
      @SuppressWarnings("unchecked")
      Map<String, Object> changed = (Map<String, Object>) c.event("breakpoint").get("breakpoint");
      assertEquals(true, changed.get("verified"));
      assertEquals(13L, changed.get("line"));

      CompletableFuture<Object> done =
          run(e, "caller.js", "checkOrder({ id: 1, total: 3 }) + checkOrder({ id: 2, total: 9 })");
      Map<String, Object> stopped = c.stopped(thread);
      assertEquals(List.of(bp.get("id")), stopped.get("hitBreakpointIds"));
      List<Map<String, Object>> stack = list(c.ok("stackTrace", "threadId", thread).get("stackFrames"));
      assertEquals("checkOrder", stack.get(0).get("name"));
      assertEquals(13L, stack.get(0).get("line"));
      assertEquals(Map.of("name", "thrower.ts", "path", original), stack.get(0).get("source"));
      assertEquals(Map.of("name", "caller.js"), stack.get(1).get("source"));
      long frameId = (Long) stack.get(0).get("id");
      assertEquals("2", c.ok("evaluate", "expression", "order.id", "frameId", frameId).get("result"),
          "the condition let the first call (total 3) run on");
      c.ok("continue", "threadId", thread);
      assertEquals(12, result(done));
    }

    @Test
    void aSourceThatIsNoFileIsShownByReferenceWithTheTextItsMapCarries() throws Exception {
      String original = "// calc.ts\nexport const answer = (): number =>\n  40 + 2;\n";
      String map = "{\"version\":3,\"sources\":[\"webpack://app/calc.ts\"],\"sourcesContent\":["
          + JsonWriter.write(original) + "],\"names\":[],\"mappings\":\"AACA;EACA;AACA;AACA\"}";
      String generated = "function answer() {\n  return 40 + 2;\n}\nanswer();\n";
      QuickJsScriptEngine e = real();
      e.put("quickjs.sourceMap", map);
      DapTestClient c = attached();
      setBreakpoints(c, "webpack://app/calc.ts", obj("line", 3));
      long thread = threadOf(c, e);
      CompletableFuture<Object> done = run(e, "bundle.js", generated);
      c.stopped(thread);
      Map<String, Object> frame = top(c, thread);
      assertEquals(3L, frame.get("line"));
      @SuppressWarnings("unchecked")
      Map<String, Object> source = (Map<String, Object>) frame.get("source");
      assertEquals("webpack://app/calc.ts", source.get("name"));
      assertNull(source.get("path"));
      Object reference = source.get("sourceReference");
      assertEquals(original, c.ok("source", "source", obj("sourceReference", reference),
          "sourceReference", reference).get("content"));
      assertTrue(c.error("source", "sourceReference", 999_999).contains("no source has reference"));
      c.ok("continue", "threadId", thread);
      assertEquals(42, result(done));
    }

    @Test
    void aGetterRunsOnlyWhenItsLazyVariableIsExpandedAndAThrowShowsAsItsValue() throws Exception {
      QuickJsScriptEngine e = real();
      DapTestClient c = attached();
      long thread = threadOf(c, e);
      CompletableFuture<Object> done = run(e, "getters.js", String.join("\n",
          "function f() {",
          "  let reads = 0;",
          "  const o = { get a() { reads++; return 42; }, get bad() { throw new Error('no bad'); }, plain: 1 };",
          "  debugger;",
          "  return reads;",
          "}",
          "f();"));
      c.stopped(thread);
      long frameId = (Long) top(c, thread).get("id");
      Object o = c.ok("evaluate", "expression", "o", "frameId", frameId).get("variablesReference");
      Map<String, Map<String, Object>> children = new LinkedHashMap<>();
      for (Map<String, Object> v : list(c.ok("variables", "variablesReference", o).get("variables"))) {
        children.put(String.valueOf(v.get("name")), v);
      }
      assertEquals("[accessor]", children.get("a").get("value"));
      assertEquals(Map.of("lazy", true), children.get("a").get("presentationHint"));
      assertNull(children.get("plain").get("presentationHint"));
      assertEquals("0", c.ok("evaluate", "expression", "reads", "frameId", frameId).get("result"),
          "listing the properties ran no getter");

      List<Map<String, Object>> a = list(c.ok("variables", "variablesReference",
          children.get("a").get("variablesReference")).get("variables"));
      assertEquals(1, a.size());
      assertEquals("a", a.get(0).get("name"));
      assertEquals("42", a.get(0).get("value"));
      assertEquals("1", c.ok("evaluate", "expression", "reads", "frameId", frameId).get("result"));
      List<Map<String, Object>> bad = list(c.ok("variables", "variablesReference",
          children.get("bad").get("variablesReference")).get("variables"));
      assertTrue(String.valueOf(bad.get(0).get("value")).contains("no bad"), bad.toString());
      c.ok("continue", "threadId", thread);
      assertEquals(1, result(done));
    }

    @Test
    void aGetterThatNeverReturnsIsStoppedByTheEvaluationLimitAndThePauseGoesOn() throws Exception {
      SystemProperties.with("quickjs.debug.evaluationLimit", "300", () -> {
        QuickJsScriptEngine e = real();
        DapTestClient c = attached();
        long thread = threadOf(c, e);
        CompletableFuture<Object> done = run(e, "spin.js",
            "function f() { const o = { get spin() { for (;;) {} } }; debugger; return 7; }\nf();");
        c.stopped(thread);
        long frameId = (Long) top(c, thread).get("id");
        Object o = c.ok("evaluate", "expression", "o", "frameId", frameId).get("variablesReference");
        Map<String, Object> spin = list(c.ok("variables", "variablesReference", o).get("variables")).get(0);
        List<Map<String, Object>> value = list(c.ok("variables", "variablesReference",
            spin.get("variablesReference")).get("variables"));
        assertTrue(String.valueOf(value.get(0).get("value")).contains("interrupted"), value.toString());
        assertEquals("3", c.ok("evaluate", "expression", "1 + 2", "frameId", frameId).get("result"));
        c.ok("continue", "threadId", thread);
        assertEquals(7, result(done), "the paused script went on unharmed");
      });
    }

    @Test
    void aBreakpointInAModuleStopsThere() throws Exception {
      QuickJsScriptEngine e = real();
      DapTestClient c = attached();
      setBreakpoints(c, "main.mjs", obj("line", 2));
      long thread = threadOf(c, e);
      CompletableFuture<Object> done = run(e, "main.mjs", "const x = 40;\nconst y = x + 2;\nexport default y;");
      c.stopped(thread);
      Map<String, Object> frame = top(c, thread);
      assertEquals(Map.of("name", "main.mjs"), frame.get("source"));
      assertEquals(2L, frame.get("line"));
      assertEquals("42", c.ok("evaluate", "expression", "40 + 2", "frameId", frame.get("id")).get("result"));
      c.ok("continue", "threadId", thread);
      result(done);
    }

    @Test
    void conditionsHitCountsAndLogpointsDecideInTheSession() throws Exception {
      QuickJsScriptEngine e = real();
      DapTestClient c = attached();
      long thread = threadOf(c, e);
      setBreakpoints(c, "calc.js", obj("line", 3, "condition", "b === 2"),
          obj("line", 2, "logMessage", "add({a}, {b})"), obj("line", 8, "hitCondition", "==2"));
      CompletableFuture<Object> done = run(e, "calc.js", CALC);
      c.stopped(thread);
      assertEquals(8L, top(c, thread).get("line"), "the second hit of line 8");
      c.ok("continue", "threadId", thread);
      c.stopped(thread);
      Map<String, Object> frame = top(c, thread);
      assertEquals(3L, frame.get("line"));
      assertEquals("2", c.ok("evaluate", "expression", "b", "frameId", frame.get("id")).get("result"));
      c.ok("continue", "threadId", thread);
      assertEquals(3, result(done));
      List<String> logged = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        logged.add(String.valueOf(c.event("output", b -> "console".equals(b.get("category"))).get("output")));
      }
      assertEquals(List.of("add(0, 0)\n", "add(0, 1)\n", "add(1, 2)\n"), logged);
    }

    @Test
    void stepInOverAndOutFollowTheCalls() throws Exception {
      QuickJsScriptEngine e = real();
      DapTestClient c = attached();
      long thread = threadOf(c, e);
      setBreakpoints(c, "calc.js", obj("line", 8, "hitCondition", "==1"));
      CompletableFuture<Object> done = run(e, "calc.js", CALC);
      c.stopped(thread);
      c.ok("stepIn", "threadId", thread);
      assertEquals("step", c.stopped(thread).get("reason"));
      Map<String, Object> in = top(c, thread);
      assertEquals("add", in.get("name"));
      assertEquals(2L, in.get("line"));
      c.ok("next", "threadId", thread);
      c.stopped(thread);
      assertEquals(3L, top(c, thread).get("line"));
      c.ok("stepOut", "threadId", thread);
      c.stopped(thread);
      Map<String, Object> out = top(c, thread);
      assertNotEquals("add", out.get("name"));
      c.ok("continue", "threadId", thread);
      assertEquals(3, result(done));
    }

    @Test
    void setVariableChangesWhatTheScriptComputes() throws Exception {
      QuickJsScriptEngine e = real();
      DapTestClient c = attached();
      long thread = threadOf(c, e);
      setBreakpoints(c, "calc.js", obj("line", 3, "hitCondition", "==1"));
      CompletableFuture<Object> done = run(e, "calc.js", CALC.replace("const sum", "let sum")); // (a const is refused)
      c.stopped(thread);
      long frameId = (Long) top(c, thread).get("id");
      long locals = (Long) list(c.ok("scopes", "frameId", frameId).get("scopes")).get(0).get("variablesReference");
      assertEquals("100", c.ok("setVariable", "variablesReference", locals, "name", "sum", "value", "50 * 2")
          .get("value"));
      c.ok("continue", "threadId", thread);
      assertEquals(103, result(done));
    }

    @Test
    void anUncaughtExceptionStopsWithItsTextAndItsInfo() throws Exception {
      QuickJsScriptEngine e = real();
      DapTestClient c = attached();
      long thread = threadOf(c, e);
      c.ok("setExceptionBreakpoints", "filters", List.of("uncaught"));
      CompletableFuture<Object> done = run(e, "throw.js",
          "try { throw new Error('caught'); } catch (x) {}\nthrow new TypeError('boom');");
      Map<String, Object> stopped = c.stopped(thread);
      assertEquals("exception", stopped.get("reason"));
      assertTrue(String.valueOf(stopped.get("text")).contains("boom"), stopped.toString());
      Map<String, Object> info = c.ok("exceptionInfo", "threadId", thread);
      assertEquals("TypeError", info.get("exceptionId"));
      assertTrue(String.valueOf(info.get("description")).contains("boom"), info.toString());
      assertEquals("unhandled", info.get("breakMode"));
      c.ok("continue", "threadId", thread);
      assertTrue(c.error("exceptionInfo", "threadId", thread).contains("not paused"));
      assertThrows(java.util.concurrent.ExecutionException.class, () -> result(done));
    }

    @Test
    void aPauseRequestStopsARunningLoopAndEvaluationCanEndIt() throws Exception {
      QuickJsScriptEngine e = real();
      DapTestClient c = attached();
      long thread = threadOf(c, e);
      CompletableFuture<Object> done = run(e, "loop.js",
          "var stop = false;\nvar n = 0;\nwhile (!stop) {\n  n++;\n}\nn > 0;");
      c.ok("pause", "threadId", thread);
      assertEquals("pause", c.stopped(thread).get("reason"));
      long frameId = (Long) top(c, thread).get("id");
      c.ok("evaluate", "expression", "stop = true", "frameId", frameId);
      c.ok("continue", "threadId", thread);
      assertEquals(true, result(done));
    }

    @Test
    void anInterruptDuringAPauseEndsItAndItsIdsGoStale() throws Exception {
      QuickJsScriptEngine e = real();
      DapTestClient c = attached();
      long thread = threadOf(c, e);
      setBreakpoints(c, "calc.js", obj("line", 3));
      CompletableFuture<Object> done = run(e, "calc.js", CALC);
      c.stopped(thread);
      long frameId = (Long) top(c, thread).get("id");
      e.interrupt();
      assertEquals(thread, c.event("continued").get("threadId"));
      assertThrows(java.util.concurrent.ExecutionException.class, () -> result(done));
      assertTrue(c.error("scopes", "frameId", frameId).contains("stale"));
      assertTrue(c.error("evaluate", "expression", "1", "frameId", frameId).contains("stale"));
      assertTrue(c.error("continue", "threadId", thread).contains("not paused"));
      assertTrue(c.error("stackTrace", "threadId", thread).contains("not paused"));
      assertTrue(c.error("evaluate", "expression", "1", "context", "repl").contains("paused frame"));
      assertEquals(3, result(run(e, "other.js", "1 + 2")), "the engine works on");
    }

    @Test
    void twoEnginesStopAndGoOnApartAndADisconnectResumesBoth() throws Exception {
      QuickJsScriptEngine one = real();
      QuickJsScriptEngine two = real();
      DapTestClient c = attached();
      setBreakpoints(c, "calc.js", obj("line", 3));
      long a = threadOf(c, one);
      long b = threadOf(c, two);
      assertNotEquals(a, b);
      CompletableFuture<Object> runA = run(one, "calc.js", CALC);
      CompletableFuture<Object> runB = run(two, "calc.js", CALC.replace("let total = 0;", "let total = 100;"));
      c.stopped(a);
      c.stopped(b);
      Object frameA = top(c, a).get("id");
      Object frameB = top(c, b).get("id");
      assertEquals("0", c.ok("evaluate", "expression", "a", "frameId", frameA).get("result"));
      assertEquals("100", c.ok("evaluate", "expression", "a", "frameId", frameB).get("result"));
      c.ok("setBreakpoints", "source", obj("name", "calc.js"), "breakpoints", List.of());
      c.ok("continue", "threadId", a);
      assertEquals(3, result(runA));
      assertFalse(runB.isDone(), "the other engine stays paused");
      setBreakpoints(c, "calc.js", obj("line", 3));
      c.ok("disconnect");
      assertEquals(103, result(runB));
      assertEquals(3, result(run(one, "calc.js", "add(1, 2)")), "no breakpoint is left behind");
    }

    @Test
    void aDebuggerStatementStopsAndAClientThatGoesAwayResumesTheEngine() throws Exception {
      DapTestClient c = attached();
      long thread = threadOf(c, main);
      CompletableFuture<Object> done = run(main, "stmt.js", "let v = 1;\ndebugger;\nv + 1;");
      assertEquals("debugger statement", c.stopped(thread).get("reason"));
      assertEquals(2L, top(c, thread).get("line"));
      c.close();
      assertEquals(2, result(done));
      assertEquals(1, list(attached().ok("threads").get("threads")).size(), "the next one is served");
    }

    @Test
    void allExceptionsStopAtCaughtThrowsToo() throws Exception {
      DapTestClient c = attached();
      long thread = threadOf(c, main);
      c.ok("setExceptionBreakpoints", "filters", List.of("all"));
      CompletableFuture<Object> done = run(main, "caught.js",
          "let r;\ntry { throw new TypeError('caught'); } catch (x) { r = x.message; }\nr;");
      Map<String, Object> stopped = c.stopped(thread);
      assertEquals("exception", stopped.get("reason"));
      assertTrue(String.valueOf(stopped.get("text")).contains("caught"), stopped.toString());
      c.ok("continue", "threadId", thread);
      assertEquals("caught", result(done));
    }

    @Test
    void aHitConditionThatIsNoneOfTheFormsIsUnverifiedWithAReasonAndDoesNotStop() throws Exception {
      DapTestClient c = attached();
      Map<String, Object> bp = setBreakpoints(c, "calc.js", obj("line", 3, "hitCondition", "every third"),
          obj("line", 0)).get(0);
      assertEquals(false, bp.get("verified"));
      assertTrue(String.valueOf(bp.get("message")).contains("hit condition"));
      assertEquals(3, result(run(main, "calc.js", CALC)));
      c.ok("threads");
      assertTrue(c.drainEvents().stream().noneMatch(e -> "stopped".equals(e.get("event"))));
    }
  }

  @Nested
  class HostileInput {
    @Test
    void onlyLoopbackPeersAreServed() throws Exception {
      assertTrue(DapServer.acceptsPeer(InetAddress.getByName("127.0.0.1")));
      assertTrue(DapServer.acceptsPeer(InetAddress.getByName("127.8.9.10")));
      assertTrue(DapServer.acceptsPeer(InetAddress.getByName("::1")));
      assertFalse(DapServer.acceptsPeer(InetAddress.getByName("192.0.2.7")));
      assertFalse(DapServer.acceptsPeer(InetAddress.getByName("2001:db8::1")));
      assertFalse(DapServer.acceptsPeer(InetAddress.getByName("0.0.0.0")));
    }

    @Test
    void theServerAlsoListensOnIpv6LoopbackWhenTheMachineHasIt() throws Exception {
      try (Socket probe = new Socket()) {
        probe.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
      } catch (IOException noIpv6) {
        org.junit.jupiter.api.Assumptions.abort("no ::1 here");
      }
      try (Socket s = new Socket(InetAddress.getByName("::1"), server.port())) {
        byte[] init = framed("{\"seq\":1,\"type\":\"request\",\"command\":\"initialize\"}")
            .getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(init);
        s.shutdownOutput();
        String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(answer.contains("\"success\":true"), answer);
      }
    }

    @Test
    void theServerIsNotReachableOnANonLoopbackAddressOfThisMachine() throws Exception {
      InetAddress outside = null;
      for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InetAddress a : Collections.list(i.getInetAddresses())) {
          if (!a.isLoopbackAddress() && a instanceof Inet4Address) {
            outside = a;
          }
        }
      }
      org.junit.jupiter.api.Assumptions.assumeTrue(outside != null, "no non-loopback address here");
      InetSocketAddress target = new InetSocketAddress(outside, server.port());
      assertThrows(ConnectException.class, () -> {
        try (Socket s = new Socket()) {
          s.connect(target, 2000);
        }
      });
    }

    private void dropped(String raw) throws Exception {
      dropped(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The client is dropped for the bytes, and the next client is served. */
    private void dropped(byte[] raw) throws Exception {
      DapTestClient c = client();
      try {
        c.sendRaw(raw);
      } catch (IOException closedWhileWriting) {
        // dropped before it had sent everything
      }
      assertTrue(c.closedByServer(), "the client is dropped");
      assertEquals(1, list(attached().ok("threads").get("threads")).size(), "the next one is served");
      attachedClientDisconnects();
    }

    private void attachedClientDisconnects() throws Exception {
      // the last attached() client is the last in toClose
      ((DapTestClient) toClose.get(toClose.size() - 1)).ok("disconnect");
    }

    @Test
    void anOversizedContentLengthDropsTheClientBeforeAnythingIsAllocated() throws Exception {
      dropped("Content-Length: 999999999\r\n\r\n{}");
      dropped("Content-Length: 99999999999999999999\r\n\r\n{}");
      dropped("Content-Length: -5\r\n\r\n");
    }

    @Test
    void aGarbageHeaderDropsTheClient() throws Exception {
      dropped("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      dropped("Content-Length: 2\n\n{}");
      dropped("Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}");
      dropped("X: " + "a".repeat(ContentLengthFrames.MAX_HEADER) + "\r\n\r\n");
      dropped("\r\n\r\n");
      dropped(new byte[] {'C', 0, (byte) 0xff, '\r', '\n'});
    }

    private static String framed(String json) {
      return "Content-Length: " + json.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + json;
    }

    @Test
    void invalidJsonDeepNestingAndBadUtf8DropTheClient() throws Exception {
      dropped(framed("{\"seq\":1,"));
      dropped(framed("[1, 2]"));
      dropped(framed("{\"a\":1}trailing"));
      dropped(framed("{\"a\":\"\\x\"}"));
      dropped(framed("[".repeat(100_000) + "]".repeat(100_000)));
      dropped(framed("{\"a\":" + "{\"a\":".repeat(JsonReader.MAX_DEPTH) + "1" + "}".repeat(JsonReader.MAX_DEPTH + 1)));
      dropped(framed("{\"n\":" + "9".repeat(5000) + "}"));
      dropped(new byte[] {'C', 'o', 'n', 't', 'e', 'n', 't', '-', 'L', 'e', 'n', 'g', 't', 'h', ':', '2',
          '\r', '\n', '\r', '\n', (byte) 0xc3, (byte) 0x28});
    }

    @Test
    void wrongTypesAndHugeNumbersAreErrorResponsesAndTheSessionGoesOn() throws Exception {
      DapTestClient c = attached();
      assertTrue(c.error("stackTrace", "threadId", "main").contains("threadId must be an integer"));
      assertTrue(c.error("stackTrace", "threadId", 1e300).contains("threadId"));
      assertTrue(c.error("stackTrace", "threadId", 123456789012345L).contains("threadId"));
      assertTrue(c.error("stackTrace").contains("threadId is missing"));
      assertTrue(c.error("setBreakpoints", "source", "app.js").contains("source must be an object"));
      assertTrue(c.error("setBreakpoints", "source", obj()).contains("path or a name"));
      assertTrue(c.error("setBreakpoints", "source", obj("name", "app.js"), "breakpoints", List.of(7))
          .contains("must be an object"));
      assertTrue(c.error("setBreakpoints", "source", obj("name", "app.js"), "breakpoints", "all")
          .contains("must be an array"));
      assertTrue(c.error("setExceptionBreakpoints", "filters", List.of(1)).contains("strings"));
      assertTrue(c.error("evaluate", "expression", List.of()).contains("must be a string"));
      assertTrue(c.error("variables", "variablesReference", -1).contains("stale"));
      assertTrue(c.error("scopes", "frameId", Long.MAX_VALUE).contains("frameId"));
      Map<String, Object> bp = setBreakpoints(c, "app.js", obj("line", -3)).get(0);
      assertEquals(false, bp.get("verified"));
      c.sendRaw(framed("{\"seq\":\"x\",\"type\":\"request\",\"command\":7,\"arguments\":5}")
          .getBytes(StandardCharsets.UTF_8));
      c.sendRaw(framed("{\"type\":\"event\",\"event\":\"whatever\"}").getBytes(StandardCharsets.UTF_8));
      c.sendRaw(framed("{\"seq\":99,\"type\":\"request\",\"command\":\"threads\",\"arguments\":5}")
          .getBytes(StandardCharsets.UTF_8));
      assertEquals(1, list(c.ok("threads").get("threads")).size());
    }

    @Test
    void aClientThatDoesNotReadIsDroppedAndItsEnginesResume() throws Exception {
      StringBuilder many = new StringBuilder("[");
      String junk = "x".repeat(400);
      for (int line = 1; line <= 2_000; line++) {
        // a hit condition none of the forms: answered with a reason (that quotes it), never
        // handed to the engine
        many.append(line == 1 ? "" : ",").append("{\"line\":").append(line)
            .append(",\"hitCondition\":\"").append(junk).append("\"}");
      }
      many.append(']');
      try (Socket deaf = new Socket()) {
        deaf.setReceiveBufferSize(4096); // before connecting, so the window stays small
        deaf.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), server.port()));
        OutputStream out = deaf.getOutputStream();
        for (String request : List.of("\"command\":\"initialize\"", "\"command\":\"attach\"",
            "\"command\":\"setBreakpoints\",\"arguments\":{\"source\":{\"name\":\"calc.js\"},"
                + "\"breakpoints\":[{\"line\":3}]}",
            "\"command\":\"configurationDone\"")) {
          out.write(framed("{\"seq\":1,\"type\":\"request\"," + request + "}").getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DapTestClient.TIMEOUT_SECONDS);
        while (!EngineDebuggers.of(main).isAttached() && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        CompletableFuture<Object> done = run(main, "calc.js", CALC); // stops at line 3
        byte[] big = framed("{\"seq\":2,\"type\":\"request\",\"command\":\"setBreakpoints\","
            + "\"arguments\":{\"source\":{\"name\":\"elsewhere.js\"},\"breakpoints\":" + many + "}}")
            .getBytes(StandardCharsets.UTF_8);
        // about 1 MB answers each, never read: the queue overflows and the client is dropped
        try {
          for (int i = 0; i < 200 && !done.isDone(); i++) {
            out.write(big);
            out.flush();
          }
        } catch (IOException dropped) {
          // the server closed the connection while we wrote
        }
        assertEquals(3, result(done), "the paused engine resumed when its client was dropped");
        assertFalse(EngineDebuggers.of(main).isAttached());
        try {
          deaf.getInputStream().transferTo(OutputStream.nullOutputStream()); // until closed
        } catch (IOException reset) {
          // closed with unread data: a reset
        }
      }
      assertEquals(1, list(attached().ok("threads").get("threads")).size(), "the next one is served");
    }
  }
}
