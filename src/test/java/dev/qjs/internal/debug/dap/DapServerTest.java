package dev.qjs.internal.debug.dap;

import static dev.qjs.internal.debug.dap.DapTestClient.list;
import static dev.qjs.internal.debug.dap.DapTestClient.obj;
import static dev.qjs.internal.debug.dap.HandDrivenDebugger.frame;
import static dev.qjs.internal.debug.dap.HandDrivenDebugger.frames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.EngineDebuggers;
import dev.qjs.QuickJsOptions;
import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import dev.qjs.internal.debug.DebugFrame;
import dev.qjs.internal.debug.EngineDebugger;
import dev.qjs.internal.debug.Resume;
import dev.qjs.internal.debug.StopReason;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.script.ScriptEngine;
import javax.script.ScriptException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The protocol server driven by a client of our own over a real socket, with engines whose
 * evaluation runs in real QuickJS: the handshake, threads, breakpoints (conditions, hit counts,
 * logpoints), stepping, inspection, stale ids, several engines, disconnects and hostile input.
 */
class DapServerTest {
  private static final String APP = "app.js";
  private static final String GLOBALS =
      "var n = 42; var s = 'hi'; var o = {a: 1, b: [1, 2]}; var counter = 0;";

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final ExecutorService engineThreads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-engine-thread");
    t.setDaemon(true);
    return t;
  });
  private DapServer server;
  private HandDrivenDebugger main;

  @BeforeEach
  void start() throws Exception {
    server = DapServer.listen(0);
    main = engine("main");
    server.register(main);
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

  private HandDrivenDebugger engine(String name) throws Exception {
    HandDrivenDebugger d = new HandDrivenDebugger(name, GLOBALS, "n", "s", "o");
    d.load(APP, 1, 2, 3, 5, 8);
    toClose.add(d);
    return d;
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

  /** Runs an engine's statement on a thread of its own (the engine's thread). */
  private CompletableFuture<Resume> async(Supplier<Resume> engineWork) {
    return CompletableFuture.supplyAsync(engineWork, engineThreads);
  }

  private static Resume done(CompletableFuture<Resume> f) throws Exception {
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

  private static List<Map<String, Object>> setBreakpoints(DapTestClient c, String source,
      Object... breakpoints) throws Exception {
    return list(c.ok("setBreakpoints", "source", obj("name", source),
        "breakpoints", List.of(breakpoints)).get("breakpoints"));
  }

  private static long topFrameId(DapTestClient c, long thread) throws Exception {
    return (Long) list(c.ok("stackTrace", "threadId", thread).get("stackFrames")).get(0).get("id");
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
      assertTrue(main.isAttached());
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
      assertEquals(List.of("main"),
          list(c.ok("threads").get("threads")).stream().map(t -> t.get("name")).toList());
      HandDrivenDebugger worker = engine("worker");
      server.register(worker);
      Map<String, Object> started = c.event("thread", b -> "started".equals(b.get("reason")));
      assertTrue(worker.isAttached(), "a newly registered engine is attached at once");
      assertEquals(threadId(c, "worker"), started.get("threadId"));
      worker.end();
      Map<String, Object> exited = c.event("thread", b -> "exited".equals(b.get("reason")));
      assertEquals(started.get("threadId"), exited.get("threadId"));
      assertEquals(List.of("main"),
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
  class Breakpoints {
    @Test
    void aBreakpointStopsWithFramesScopesVariablesAndEvaluationInTheEngine() throws Exception {
      DapTestClient c = attached();
      Map<String, Object> bp = setBreakpoints(c, APP, obj("line", 3)).get(0);
      assertEquals(true, bp.get("verified"));
      assertEquals(3L, bp.get("line"));
      long thread = threadId(c, "main");
      CompletableFuture<Resume> run = async(() -> main.statement(
          frames(frame("inner", APP, 3), frame("outer", APP, 8))));
      Map<String, Object> stopped = c.stopped(thread);
      assertEquals("breakpoint", stopped.get("reason"));
      assertEquals(false, stopped.get("allThreadsStopped"));
      assertEquals(List.of(bp.get("id")), stopped.get("hitBreakpointIds"));

      Map<String, Object> trace = c.ok("stackTrace", "threadId", thread);
      assertEquals(2L, trace.get("totalFrames"));
      List<Map<String, Object>> stack = list(trace.get("stackFrames"));
      assertEquals(List.of("inner", "outer"), stack.stream().map(f -> f.get("name")).toList());
      assertEquals(List.of(3L, 8L), stack.stream().map(f -> f.get("line")).toList());
      assertEquals(Map.of("name", APP), stack.get(0).get("source"), "no such file: a name only");
      assertEquals(1, list(c.ok("stackTrace", "threadId", thread, "startFrame", 1, "levels", 1)
          .get("stackFrames")).size());

      long frameId = (Long) stack.get(0).get("id");
      List<Map<String, Object>> scopes = list(c.ok("scopes", "frameId", frameId).get("scopes"));
      assertEquals("Locals", scopes.get(0).get("name"));
      List<Map<String, Object>> locals = list(c.ok("variables", "variablesReference",
          scopes.get(0).get("variablesReference")).get("variables"));
      assertEquals(List.of("n", "s", "o"), locals.stream().map(v -> v.get("name")).toList());
      assertEquals("42", locals.get(0).get("value"));
      assertEquals("\"hi\"", locals.get(1).get("value"));
      long objectRef = (Long) locals.get(2).get("variablesReference");
      assertNotEquals(0L, objectRef);
      List<Map<String, Object>> props = list(c.ok("variables", "variablesReference", objectRef).get("variables"));
      assertEquals(List.of("a", "b"), props.stream().map(v -> v.get("name")).toList());
      assertEquals(1, list(c.ok("variables", "variablesReference", objectRef, "start", 1, "count", 1)
          .get("variables")).size());

      Map<String, Object> sum = c.ok("evaluate", "expression", "n + o.a", "frameId", frameId, "context", "watch");
      assertEquals("43", sum.get("result"));
      assertEquals("number", sum.get("type"));
      assertTrue(c.error("evaluate", "expression", "nope.x", "frameId", frameId, "context", "repl")
          .contains("ReferenceError"));

      c.ok("continue", "threadId", thread);
      assertEquals(Resume.CONTINUE, done(run));
    }

    @Test
    void aBreakpointOnALineWithoutCodeMovesAndOneInCodeNotLoadedYetIsVerifiedWhenItLoads() throws Exception {
      DapTestClient c = attached();
      Map<String, Object> moved = setBreakpoints(c, APP, obj("line", 4)).get(0);
      assertEquals(true, moved.get("verified"));
      assertEquals(5L, moved.get("line"));
      Map<String, Object> later = setBreakpoints(c, "later.js", obj("line", 2)).get(0);
      assertEquals(false, later.get("verified"));
      main.load("later.js", 1, 2);
      Map<String, Object> changed = c.event("breakpoint", b -> "changed".equals(b.get("reason")));
      @SuppressWarnings("unchecked")
      Map<String, Object> now = (Map<String, Object>) changed.get("breakpoint");
      assertEquals(later.get("id"), now.get("id"));
      assertEquals(true, now.get("verified"));
      assertEquals(2L, now.get("line"));
    }

    @Test
    void aFalseConditionResumesWithoutTellingTheClientAndATrueOneStops() throws Exception {
      DapTestClient c = attached();
      setBreakpoints(c, APP, obj("line", 3, "condition", "n > 100"));
      assertEquals(Resume.CONTINUE, done(async(() -> main.statement(frame("f", APP, 3)))));
      c.ok("threads");
      assertTrue(c.drainEvents().stream().noneMatch(e -> "stopped".equals(e.get("event"))),
          "resumed without telling the client");
      setBreakpoints(c, APP, obj("line", 3, "condition", "n === 42"));
      CompletableFuture<Resume> run = async(() -> main.statement(frame("f", APP, 3)));
      c.stopped(threadId(c, "main"));
      c.ok("continue", "threadId", threadId(c, "main"));
      assertEquals(Resume.CONTINUE, done(run));
      assertTrue(c.drainEvents().stream().noneMatch(e -> "stopped".equals(e.get("event"))),
          "only one stop was shown");
    }

    @Test
    void hitConditionsCountTheHitsOfTheirBreakpoint() throws Exception {
      DapTestClient c = attached();
      long thread = threadId(c, "main");
      setBreakpoints(c, APP, obj("line", 3, "hitCondition", "%2"), obj("line", 5, "hitCondition", "3"));
      List<Integer> stoppedAt = new ArrayList<>();
      for (int round = 1; round <= 4; round++) {
        for (int line : new int[] {3, 5}) {
          CompletableFuture<Resume> run = async(() -> main.statement(frame("f", APP, line)));
          if ((line == 3 && round % 2 == 0) || (line == 5 && round >= 3)) {
            c.stopped(thread);
            stoppedAt.add(round * 10 + line);
            c.ok("continue", "threadId", thread);
          }
          done(run);
        }
      }
      assertEquals(List.of(23, 35, 43, 45), stoppedAt);
    }

    @Test
    void aLogpointPrintsItsInterpolatedMessageAndDoesNotStop() throws Exception {
      DapTestClient c = attached();
      setBreakpoints(c, APP, obj("line", 3, "logMessage", "n is {n}, s is {s}, {{braces}}, {nope}"));
      assertEquals(Resume.CONTINUE, done(async(() -> main.statement(frame("f", APP, 3)))));
      Map<String, Object> out = c.event("output", b -> "console".equals(b.get("category")));
      String text = String.valueOf(out.get("output"));
      c.ok("threads");
      assertTrue(c.drainEvents().stream().noneMatch(e -> "stopped".equals(e.get("event"))));
      assertTrue(text.startsWith("n is 42, s is \"hi\", {braces}, <"), text);
      assertTrue(text.contains("ReferenceError"), text);
    }

    @Test
    void aHitConditionThatIsNoneOfTheFormsIsUnverifiedWithAReason() throws Exception {
      DapTestClient c = attached();
      Map<String, Object> bp = setBreakpoints(c, APP, obj("line", 3, "hitCondition", "every third")).get(0);
      assertEquals(false, bp.get("verified"));
      assertTrue(String.valueOf(bp.get("message")).contains("hit condition"));
      assertNull(done(async(() -> main.statement(frame("f", APP, 3)))));
    }

    @Test
    void exceptionFiltersStopAtThrowsWithTheirText() throws Exception {
      DapTestClient c = attached();
      long thread = threadId(c, "main");
      c.ok("setExceptionBreakpoints", "filters", List.of("uncaught"));
      assertNull(done(async(() -> main.thrown(true, "Error: caught", frame("f", APP, 3)))));
      CompletableFuture<Resume> run = async(() -> main.thrown(false, "Error: boom", frame("f", APP, 3)));
      Map<String, Object> stopped = c.stopped(thread);
      assertEquals("exception", stopped.get("reason"));
      assertEquals("Error: boom", stopped.get("text"));
      c.ok("continue", "threadId", thread);
      done(run);
      c.ok("setExceptionBreakpoints", "filters", List.of("all"));
      run = async(() -> main.thrown(true, "Error: caught", frame("f", APP, 3)));
      c.stopped(thread);
      c.ok("continue", "threadId", thread);
      done(run);
    }
  }

  @Nested
  class Stepping {
    @Test
    void eachStepRequestResumesTheEngineWithThatStep() throws Exception {
      DapTestClient c = attached();
      long thread = threadId(c, "main");
      Map<String, Resume> steps = Map.of("next", Resume.STEP_OVER, "stepIn", Resume.STEP_IN,
          "stepOut", Resume.STEP_OUT, "continue", Resume.CONTINUE);
      for (Map.Entry<String, Resume> step : steps.entrySet()) {
        CompletableFuture<Resume> run = async(() -> main.stop(StopReason.STEP, null, frame("f", APP, 5)));
        assertEquals("step", c.stopped(thread).get("reason"));
        c.ok(step.getKey(), "threadId", thread);
        assertEquals(step.getValue(), done(run), step.getKey());
      }
    }

    @Test
    void setVariableChangesTheValueInTheEngine() throws Exception {
      DapTestClient c = attached();
      long thread = threadId(c, "main");
      CompletableFuture<Resume> run = async(() -> main.stop(StopReason.DEBUGGER_STATEMENT, null, frame("f", APP, 2)));
      assertEquals("debugger statement", c.stopped(thread).get("reason"));
      long frameId = topFrameId(c, thread);
      long locals = (Long) list(c.ok("scopes", "frameId", frameId).get("scopes")).get(0).get("variablesReference");
      Map<String, Object> set = c.ok("setVariable", "variablesReference", locals, "name", "n", "value", "n * 2");
      assertEquals("84", set.get("value"));
      assertEquals("84", c.ok("evaluate", "expression", "n", "frameId", frameId).get("result"));
      c.ok("continue", "threadId", thread);
      done(run);
      assertEquals(84, ((Number) main.eval("n")).intValue());
    }

    @Test
    void aPauseRequestStopsTheEngineAtItsNextStatement() throws Exception {
      DapTestClient c = attached();
      long thread = threadId(c, "main");
      c.ok("pause", "threadId", thread);
      CompletableFuture<Resume> run = async(() -> main.statement(frame("f", APP, 2)));
      assertEquals("pause", c.stopped(thread).get("reason"));
      c.ok("next", "threadId", thread);
      assertEquals(Resume.STEP_OVER, done(run));
    }

    @Test
    void anInterruptDuringAPauseIsAContinuedEventAndMakesItsIdsStale() throws Exception {
      DapTestClient c = attached();
      long thread = threadId(c, "main");
      CompletableFuture<Resume> run = async(() -> main.stop(StopReason.PAUSE, null, frame("f", APP, 2)));
      c.stopped(thread);
      long frameId = topFrameId(c, thread);
      long locals = (Long) list(c.ok("scopes", "frameId", frameId).get("scopes")).get(0).get("variablesReference");
      main.interrupt();
      assertNull(done(run));
      assertEquals(thread, c.event("continued").get("threadId"));
      assertTrue(c.error("scopes", "frameId", frameId).contains("stale"));
      assertTrue(c.error("variables", "variablesReference", locals).contains("stale"));
      assertTrue(c.error("evaluate", "expression", "1", "frameId", frameId).contains("stale"));
      assertTrue(c.error("continue", "threadId", thread).contains("not paused"));
      assertTrue(c.error("stackTrace", "threadId", thread).contains("not paused"));
      assertTrue(c.error("evaluate", "expression", "1").contains("paused frame"));
    }

    @Test
    void twoEnginesPauseAndResumeApartWithIdsOfTheirOwn() throws Exception {
      HandDrivenDebugger worker = engine("worker");
      server.register(worker);
      DapTestClient c = attached();
      setBreakpoints(c, APP, obj("line", 3));
      long a = threadId(c, "main");
      long b = threadId(c, "worker");
      CompletableFuture<Resume> runA = async(() -> main.statement(frame("f", APP, 3)));
      CompletableFuture<Resume> runB = async(() -> worker.statement(frame("g", APP, 3)));
      c.stopped(a);
      c.stopped(b);
      worker.eval("n = 7");
      long frameA = topFrameId(c, a);
      long frameB = topFrameId(c, b);
      assertNotEquals(frameA, frameB);
      assertEquals("42", c.ok("evaluate", "expression", "n", "frameId", frameA).get("result"));
      assertEquals("7", c.ok("evaluate", "expression", "n", "frameId", frameB).get("result"));
      c.ok("continue", "threadId", a);
      assertEquals(Resume.CONTINUE, done(runA));
      assertTrue(worker.isPaused(), "the other engine stays paused");
      assertEquals("7", c.ok("evaluate", "expression", "n", "frameId", frameB).get("result"));
      c.ok("stepIn", "threadId", b);
      assertEquals(Resume.STEP_IN, done(runB));
    }

    @Test
    void aDisconnectResumesEveryEngineAndDetachesThem() throws Exception {
      HandDrivenDebugger worker = engine("worker");
      server.register(worker);
      DapTestClient c = attached();
      setBreakpoints(c, APP, obj("line", 3));
      CompletableFuture<Resume> runA = async(() -> main.statement(frame("f", APP, 3)));
      CompletableFuture<Resume> runB = async(() -> worker.statement(frame("g", APP, 3)));
      c.stopped(threadId(c, "main"));
      c.stopped(threadId(c, "worker"));
      c.ok("disconnect");
      assertEquals(Resume.CONTINUE, done(runA));
      assertEquals(Resume.CONTINUE, done(runB));
      assertFalse(main.isAttached());
      assertFalse(worker.isAttached());
      assertTrue(c.closedByServer());
      assertNull(main.statement(frame("f", APP, 3)), "no breakpoint is left behind");
    }

    @Test
    void aClientThatGoesAwayResumesEveryEngine() throws Exception {
      DapTestClient c = attached();
      setBreakpoints(c, APP, obj("line", 3));
      CompletableFuture<Resume> run = async(() -> main.statement(frame("f", APP, 3)));
      c.stopped(threadId(c, "main"));
      c.close();
      assertEquals(Resume.CONTINUE, done(run));
      assertEquals(1, list(attached().ok("threads").get("threads")).size());
    }
  }

  /** Sessions over real engines: the engine side's debugger over the native statement hook. */
  @Nested
  class RealEngines {
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

    private final List<QuickJsScriptEngine> engines = new ArrayList<>();

    @AfterEach
    void closeEngines() {
      for (QuickJsScriptEngine e : engines) {
        e.close();
      }
    }

    private QuickJsScriptEngine real(String name) {
      QuickJsScriptEngine e = new QuickJsScriptEngineFactory()
          .getScriptEngine(QuickJsOptions.builder().build());
      engines.add(e);
      EngineDebugger d = EngineDebuggers.of(e);
      server.register(d);
      return e;
    }

    private CompletableFuture<Object> run(QuickJsScriptEngine e, String file, String script) {
      return CompletableFuture.supplyAsync(() -> {
        e.put(ScriptEngine.FILENAME, file);
        try {
          return e.eval(script);
        } catch (ScriptException ex) {
          throw new java.util.concurrent.CompletionException(ex);
        }
      }, engineThreads);
    }

    private Object result(CompletableFuture<Object> f) throws Exception {
      return f.get(DapTestClient.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private long threadOf(DapTestClient c, QuickJsScriptEngine e) throws Exception {
      return threadId(c, EngineDebuggers.of(e).name());
    }

    private Map<String, Object> top(DapTestClient c, long thread) throws Exception {
      return list(c.ok("stackTrace", "threadId", thread).get("stackFrames")).get(0);
    }

    private Map<String, String> locals(DapTestClient c, long frameId) throws Exception {
      Map<String, Object> scope = list(c.ok("scopes", "frameId", frameId).get("scopes")).stream()
          .filter(x -> "Locals".equals(x.get("name"))).findFirst().orElseThrow();
      Map<String, String> m = new java.util.LinkedHashMap<>();
      for (Map<String, Object> v : list(c.ok("variables", "variablesReference",
          scope.get("variablesReference")).get("variables"))) {
        m.put(String.valueOf(v.get("name")), String.valueOf(v.get("value")));
      }
      return m;
    }

    @Test
    void aBreakpointInAScriptStopsThereWithItsFramesLocalsAndEvaluation() throws Exception {
      QuickJsScriptEngine e = real("calc");
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
    void aBreakpointInAModuleStopsThere() throws Exception {
      QuickJsScriptEngine e = real("module");
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
      QuickJsScriptEngine e = real("conditions");
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
      QuickJsScriptEngine e = real("steps");
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
      QuickJsScriptEngine e = real("set");
      DapTestClient c = attached();
      long thread = threadOf(c, e);
      setBreakpoints(c, "calc.js", obj("line", 3, "hitCondition", "==1"));
      CompletableFuture<Object> done = run(e, "calc.js", CALC);
      c.stopped(thread);
      long frameId = (Long) top(c, thread).get("id");
      long locals = (Long) list(c.ok("scopes", "frameId", frameId).get("scopes")).get(0).get("variablesReference");
      assertEquals("100", c.ok("setVariable", "variablesReference", locals, "name", "sum", "value", "50 * 2")
          .get("value"));
      c.ok("continue", "threadId", thread);
      assertEquals(103, result(done));
    }

    @Test
    void anUncaughtExceptionStopsWithItsText() throws Exception {
      QuickJsScriptEngine e = real("throws");
      DapTestClient c = attached();
      long thread = threadOf(c, e);
      c.ok("setExceptionBreakpoints", "filters", List.of("uncaught"));
      CompletableFuture<Object> done = run(e, "throw.js",
          "try { throw new Error('caught'); } catch (x) {}\nthrow new Error('boom');");
      Map<String, Object> stopped = c.stopped(thread);
      assertEquals("exception", stopped.get("reason"));
      assertTrue(String.valueOf(stopped.get("text")).contains("boom"), stopped.toString());
      c.ok("continue", "threadId", thread);
      assertThrows(java.util.concurrent.ExecutionException.class, () -> result(done));
    }

    @Test
    void aPauseRequestStopsARunningLoopAndEvaluationCanEndIt() throws Exception {
      QuickJsScriptEngine e = real("loop");
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
      QuickJsScriptEngine e = real("interrupted");
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
      assertEquals(3, result(run(e, "other.js", "1 + 2")), "the engine works on");
    }

    @Test
    void twoEnginesStopAndGoOnApartAndADisconnectResumesBoth() throws Exception {
      QuickJsScriptEngine one = real("one");
      QuickJsScriptEngine two = real("two");
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
      assertTrue(c.error("setBreakpoints", "source", obj("name", APP), "breakpoints", List.of(7))
          .contains("must be an object"));
      assertTrue(c.error("setBreakpoints", "source", obj("name", APP), "breakpoints", "all")
          .contains("must be an array"));
      assertTrue(c.error("setExceptionBreakpoints", "filters", List.of(1)).contains("strings"));
      assertTrue(c.error("evaluate", "expression", List.of()).contains("must be a string"));
      assertTrue(c.error("variables", "variablesReference", -1).contains("stale"));
      assertTrue(c.error("scopes", "frameId", Long.MAX_VALUE).contains("frameId"));
      Map<String, Object> bp = setBreakpoints(c, APP, obj("line", -3)).get(0);
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
      HandDrivenDebugger talkative = new HandDrivenDebugger("x".repeat(1 << 20), GLOBALS);
      toClose.add(talkative);
      server.register(talkative);
      try (Socket deaf = new Socket(InetAddress.getByName("127.0.0.1"), server.port())) {
        deaf.setReceiveBufferSize(4096);
        var out = deaf.getOutputStream();
        for (String command : List.of("initialize", "attach", "configurationDone")) {
          out.write(framed("{\"seq\":1,\"type\":\"request\",\"command\":\"" + command + "\"}")
              .getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DapTestClient.TIMEOUT_SECONDS);
        while (!main.isAttached() && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        CompletableFuture<Resume> run = async(() -> main.stop(StopReason.PAUSE, null, frame("f", APP, 3)));
        while (!main.isPaused() && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        assertTrue(main.isPaused());
        byte[] threads = framed("{\"seq\":2,\"type\":\"request\",\"command\":\"threads\"}")
            .getBytes(StandardCharsets.UTF_8);
        // about 1 MB answers each, never read: the queue overflows and the client is dropped
        try {
          for (int i = 0; i < 400 && !run.isDone(); i++) {
            out.write(threads);
            out.flush();
          }
        } catch (IOException dropped) {
          // the server closed the connection while we wrote
        }
        assertEquals(Resume.CONTINUE, done(run));
        assertFalse(main.isAttached());
        try {
          deaf.getInputStream().transferTo(java.io.OutputStream.nullOutputStream()); // until closed
        } catch (IOException reset) {
          // closed with unread data: a reset
        }
      }
      assertEquals(2, list(attached().ok("threads").get("threads")).size(), "the next one is served");
    }
  }
}
