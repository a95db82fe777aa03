package dev.qjs.internal.debug.dap;

import dev.qjs.internal.debug.DebugEvaluationException;
import dev.qjs.internal.debug.DebugFrame;
import dev.qjs.internal.debug.DebugScope;
import dev.qjs.internal.debug.DebugVariable;
import dev.qjs.internal.debug.EngineDebugger;
import dev.qjs.internal.debug.LineBreakpoint;
import dev.qjs.internal.debug.PausedEngine;
import dev.qjs.internal.debug.Resume;
import dev.qjs.internal.debug.SourceNames;
import dev.qjs.internal.debug.StopListener;
import dev.qjs.internal.debug.StopReason;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;

/**
 * One attached client: its reader thread frames and parses messages, its dispatcher thread
 * answers requests and handles what the engines report (in one order, so the session's state
 * needs no lock), its {@link Outbox} writes. Frame ids and variables references are unique across
 * threads and die with the pause they came from: a stale one is an error response.
 *
 * <p>One thing, the protocol's requests and events for one client: each request is a short
 * method over the same per-thread state, and keeping them on the one dispatcher is what makes
 * that state lock-free. The client's breakpoints and their rules are {@link ClientBreakpoints}.
 */
final class DapSession {
  private static final System.Logger LOG = System.getLogger("dev.qjs.debug");

  /** Requests read but not yet answered before the reader waits (the client's back-pressure). */
  private static final int PENDING_REQUESTS = 64;

  private static final int MAX_SOURCE_CACHE = 1024;

  private final DapServer server;
  private final Socket socket;
  private final String name;
  private final Outbox outbox;
  private final Thread reader;
  private final Thread dispatcher;
  private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
  private final Semaphore pending = new Semaphore(PENDING_REQUESTS);
  private final Listener listener = new Listener();
  private volatile boolean ended;

  // the dispatcher thread's state
  private boolean attached;
  private final Map<Integer, EngineThread> threads = new LinkedHashMap<>();
  private final ClientBreakpoints breakpoints = new ClientBreakpoints();
  private boolean stopOnAll;
  private boolean stopOnUncaught;
  private final Map<Integer, FrameHandle> frameIds = new HashMap<>();
  private final Map<Integer, ValueHandle> valueIds = new HashMap<>();
  private final Map<String, Map<String, Object>> sources = new HashMap<>();
  /** The texts of the sources shown by reference (no file), by reference. */
  private final Map<Integer, String> sourceTexts = new HashMap<>();
  private int nextId;

  DapSession(DapServer server, Socket socket, String name) throws IOException {
    this.server = server;
    this.socket = socket;
    this.name = name;
    socket.setTcpNoDelay(true);
    this.outbox = new Outbox(new BufferedOutputStream(socket.getOutputStream()), name + "-writer",
        () -> post(() -> end("the client does not read its messages")), this::closeSocket);
    InputStream in = new BufferedInputStream(socket.getInputStream());
    this.reader = new Thread(() -> readLoop(in), name + "-reader");
    this.dispatcher = new Thread(this::dispatchLoop, name + "-dispatch");
    reader.setDaemon(true);
    dispatcher.setDaemon(true);
  }

  void start() {
    outbox.start();
    dispatcher.start();
    reader.start();
  }

  /** Ends the session from another thread (the server closes). */
  void drop(String why) {
    if (!post(() -> end(why))) {
      closeSocket();
    }
  }

  void engineAdded(int id, EngineDebugger engine) {
    post(() -> {
      if (attached) {
        attachEngine(id, engine);
        event("thread", body("reason", "started", "threadId", id));
      }
    });
  }

  void engineRemoved(int id, EngineDebugger engine) {
    post(() -> forget(id, engine));
  }

  // ---------------------------------------------------------------- threads of the session

  private boolean post(Runnable task) {
    if (ended) {
      return false;
    }
    tasks.add(task);
    return true;
  }

  private void readLoop(InputStream in) {
    ContentLengthFrames frames = new ContentLengthFrames(in);
    String why = "the client closed the connection";
    boolean clean = false;
    try {
      while (!ended) {
        String body = frames.next();
        if (body == null) {
          clean = true;
          break;
        }
        Object message = JsonReader.parse(body);
        if (!(message instanceof Map<?, ?> map)) {
          throw new MalformedMessageException("a message is not a JSON object");
        }
        pending.acquire();
        if (!post(() -> {
          try {
            receive(map);
          } finally {
            pending.release();
          }
        })) {
          return;
        }
      }
    } catch (MalformedMessageException e) {
      why = "the client broke the protocol: " + e.getMessage();
      LOG.log(System.Logger.Level.WARNING, name + ": " + why);
    } catch (IOException e) {
      why = "the client's connection failed: " + e.getMessage();
    } catch (InterruptedException e) {
      why = "interrupted";
    } catch (RuntimeException e) {
      why = "reading failed: " + e;
      LOG.log(System.Logger.Level.WARNING, name + ": " + why);
    }
    String reason = why;
    boolean flush = clean;
    post(() -> {
      end(reason, flush);
      if (flush) {
        outbox.finish(); // what was answered before the client closed its side still goes out
      }
    });
  }

  private void dispatchLoop() {
    while (true) {
      Runnable task;
      try {
        task = tasks.take();
      } catch (InterruptedException e) {
        end("interrupted");
        return;
      }
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, name + ": internal error: " + e, e);
      }
      if (ended) {
        // what is still queued sees the session ended: a stop resumes, a request is not answered
        for (Runnable r; (r = tasks.poll()) != null; ) {
          try {
            r.run();
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, name + ": after the end: " + e);
          }
        }
        return;
      }
    }
  }

  /** Ends the session: every engine is detached (and so resumes), the connection closes. */
  private void end(String why) {
    end(why, false);
  }

  /**
   * Ends the session; {@code flush}: the connection stays open for the response to a disconnect
   * (the caller then finishes the outbox), else it closes at once.
   */
  private void end(String why, boolean flush) {
    if (ended) {
      return;
    }
    ended = true;
    LOG.log(System.Logger.Level.DEBUG, name + " ends: " + why);
    for (EngineThread t : threads.values()) {
      try {
        t.engine.detach();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, name + ": detaching " + t.engine.name() + ": " + e);
      }
    }
    threads.clear();
    frameIds.clear();
    valueIds.clear();
    server.sessionEnded(this);
    if (!flush) {
      outbox.stop();
      closeSocket();
    }
    reader.interrupt();
  }

  private void closeSocket() {
    try {
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }

  // ---------------------------------------------------------------- requests

  private void receive(Map<?, ?> message) {
    if (ended) {
      return;
    }
    Object type = message.get("type");
    if (!"request".equals(type)) {
      return; // responses to our (no) reverse requests, events: nothing to do
    }
    Object seqValue = message.get("seq");
    long seq = seqValue instanceof Long l ? l : 0;
    Object commandValue = message.get("command");
    String command = commandValue instanceof String s ? s : "";
    try {
      if (command.isEmpty()) {
        throw new RequestFailedException("a request needs a command (a string)");
      }
      Fields args = message.containsKey("arguments")
          ? Fields.of(message.get("arguments"), "arguments")
          : Fields.empty("arguments");
      Map<String, Object> body = answer(command, args);
      Map<String, Object> response = response(seq, command, true);
      response.put("body", body);
      outbox.send(response);
      after(command);
    } catch (RequestFailedException e) {
      fail(seq, command, Objects.requireNonNullElse(e.getMessage(), "failed"));
    } catch (IllegalStateException e) {
      fail(seq, command, "the engine is no longer paused there: " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, name + ": " + command + " failed: " + e, e);
      fail(seq, command, command + " failed: " + e);
    }
  }

  private Map<String, Object> answer(String command, Fields args) throws RequestFailedException {
    return switch (command) {
      case "initialize" -> capabilities();
      case "attach" -> attach();
      case "launch" -> throw new RequestFailedException(
          "attach only: this debugger attaches to a running JVM (set quickjs.debug.port)");
      case "setBreakpoints" -> setBreakpoints(args);
      case "setExceptionBreakpoints" -> setExceptionBreakpoints(args);
      case "configurationDone" -> body();
      case "threads" -> threads();
      case "stackTrace" -> stackTrace(args);
      case "scopes" -> scopes(args);
      case "variables" -> variables(args);
      case "evaluate" -> evaluate(args);
      case "setVariable" -> setVariable(args);
      case "continue" -> resume(args, Resume.CONTINUE);
      case "next" -> resume(args, Resume.STEP_OVER);
      case "stepIn" -> resume(args, Resume.STEP_IN);
      case "stepOut" -> resume(args, Resume.STEP_OUT);
      case "pause" -> pause(args);
      case "source" -> sourceText(args);
      case "exceptionInfo" -> exceptionInfo(args);
      case "disconnect" -> disconnect();
      default -> throw new RequestFailedException("unknown command \"" + command + "\"");
    };
  }

  /** What follows a successful response. */
  private void after(String command) {
    switch (command) {
      case "initialize" -> event("initialized", body());
      case "configurationDone" -> server.configured(this);
      case "disconnect" -> outbox.finish();
      default -> {
        // nothing follows
      }
    }
  }

  /** Every engine resumes and the next client may connect before this one hears the response. */
  private Map<String, Object> disconnect() {
    end("the client disconnected", true);
    return body();
  }

  private static Map<String, Object> capabilities() {
    Map<String, Object> c = body(
        "supportsConfigurationDoneRequest", true,
        "supportsConditionalBreakpoints", true,
        "supportsHitConditionalBreakpoints", true,
        "supportsLogPoints", true,
        "supportsEvaluateForHovers", true,
        "supportsSetVariable", true,
        "supportsExceptionInfoRequest", true,
        "supportsTerminateRequest", false);
    c.put("supportTerminateDebuggee", false);
    c.put("exceptionBreakpointFilters", List.of(
        body("filter", "all", "label", "All Exceptions", "default", false),
        body("filter", "uncaught", "label", "Uncaught Exceptions", "default", false)));
    return c;
  }

  private Map<String, Object> attach() {
    if (!attached) {
      attached = true;
      server.engines().forEach(this::attachEngine);
    }
    return body();
  }

  private void attachEngine(int id, EngineDebugger engine) {
    if (threads.containsKey(id)) {
      return;
    }
    EngineThread t = new EngineThread(id, engine);
    threads.put(id, t);
    engine.attach(listener);
    engine.setExceptionStops(stopOnAll, stopOnUncaught);
    breakpoints.attach(engine);
  }

  private void forget(int id, EngineDebugger engine) {
    EngineThread t = threads.remove(id);
    breakpoints.forget(engine);
    if (t != null) {
      endPause(t);
      event("thread", body("reason", "exited", "threadId", id));
    }
    server.engineEnded(engine);
  }

  private Map<String, Object> setBreakpoints(Fields args) throws RequestFailedException {
    Fields source = args.object("source");
    String path = source.optString("path");
    String named = path != null ? path : source.optString("name");
    if (named == null) {
      throw new RequestFailedException("arguments.source needs a path or a name");
    }
    List<ClientBreakpoint> list = new ArrayList<>();
    List<Object> wanted = new ArrayList<>(args.optArray("breakpoints"));
    if (wanted.isEmpty()) {
      for (Object line : args.optArray("lines")) { // the protocol's older form
        wanted.add(Map.of("line", line));
      }
    }
    for (Object o : wanted) {
      list.add(ClientBreakpoint.of(newId(), Fields.of(o, "arguments.breakpoints[]")));
    }
    return body("breakpoints", breakpoints.set(named, list));
  }

  private Map<String, Object> setExceptionBreakpoints(Fields args) throws RequestFailedException {
    boolean all = false;
    boolean uncaught = false;
    for (Object f : args.optArray("filters")) {
      if (!(f instanceof String filter)) {
        throw new RequestFailedException("arguments.filters must be strings");
      }
      all |= filter.equals("all");
      uncaught |= filter.equals("uncaught");
    }
    stopOnAll = all;
    stopOnUncaught = uncaught;
    for (EngineThread t : threads.values()) {
      t.engine.setExceptionStops(all, uncaught);
    }
    return body();
  }

  private Map<String, Object> threads() {
    List<Object> list = new ArrayList<>();
    server.engines().forEach((id, e) -> list.add(body("id", id, "name", e.name())));
    return body("threads", list);
  }

  private EngineThread thread(Fields args) throws RequestFailedException {
    int id = args.integer("threadId");
    EngineThread t = threads.get(id);
    if (t == null) {
      throw new RequestFailedException("no thread " + id);
    }
    return t;
  }

  private Pause paused(EngineThread t) throws RequestFailedException {
    Pause p = t.pause;
    if (p == null) {
      throw new RequestFailedException("thread " + t.id + " (" + t.engine.name() + ") is not paused");
    }
    return p;
  }

  private Map<String, Object> stackTrace(Fields args) throws RequestFailedException {
    EngineThread t = thread(args);
    Pause p = paused(t);
    List<DebugFrame> frames = p.engine.frames();
    int start = Math.max(0, args.optInt("startFrame", 0));
    int levels = args.optInt("levels", 0);
    int end = levels <= 0 ? frames.size() : (int) Math.min(frames.size(), (long) start + levels);
    List<Object> out = new ArrayList<>();
    for (int i = start; i < end; i++) {
      DebugFrame f = frames.get(i);
      int id = newId();
      frameIds.put(id, new FrameHandle(t, p, f.index()));
      p.ids.add(id);
      Map<String, Object> frame = body("id", id, "name", f.function(), "line", f.line(),
          "column", Math.max(1, f.column()));
      frame.put("source", source(f.source(), t.engine));
      out.add(frame);
    }
    return body("stackFrames", out, "totalFrames", frames.size());
  }

  /**
   * A source as the client sees it: with a path when the name is an existing file, else with a
   * reference to its text when a source map of the engine carries it (a bundler's {@code
   * webpack://} source), else by its name alone.
   */
  private Map<String, Object> source(String engineName, EngineDebugger engine) {
    Map<String, Object> s = sources.get(engineName);
    if (s == null) {
      s = new LinkedHashMap<>();
      Path file = null;
      try {
        Path p = Path.of(engineName);
        if (!engineName.isEmpty() && Files.isRegularFile(p)) {
          file = p.toAbsolutePath().normalize();
        }
      } catch (InvalidPathException | SecurityException notAFile) {
        // a module id or a name that is no path
      }
      if (file != null) {
        Path fileName = file.getFileName();
        s.put("name", fileName == null ? engineName : fileName.toString());
        s.put("path", file.toString());
      } else {
        s.put("name", engineName);
        String text = engine.sourceText(engineName);
        if (text != null) {
          int reference = newId();
          sourceTexts.put(reference, text);
          s.put("sourceReference", reference);
        }
      }
      if (sources.size() >= MAX_SOURCE_CACHE) {
        sources.clear();
        sourceTexts.clear();
      }
      sources.put(engineName, s);
    }
    return s;
  }

  /** The {@code source} request: the text of a source shown by reference. */
  private Map<String, Object> sourceText(Fields args) throws RequestFailedException {
    Fields source = args.optObject("source");
    int reference = source.has("sourceReference")
        ? source.integer("sourceReference") : args.integer("sourceReference");
    String text = sourceTexts.get(reference);
    if (text == null) {
      throw new RequestFailedException("no source has reference " + reference);
    }
    return body("content", text, "mimeType", "text/plain");
  }

  private FrameHandle frame(int id) throws RequestFailedException {
    FrameHandle f = frameIds.get(id);
    if (f == null || f.thread.pause != f.pause) {
      throw new RequestFailedException("frame " + id + " is not a frame of a paused thread (stale?)");
    }
    return f;
  }

  private ValueHandle value(int id) throws RequestFailedException {
    ValueHandle v = valueIds.get(id);
    if (v == null || v.thread.pause != v.pause) {
      throw new RequestFailedException(
          "variables reference " + id + " is not one of a paused thread (stale?)");
    }
    return v;
  }

  private int reference(EngineThread t, Pause p, long engineReference) {
    if (engineReference == 0) {
      return 0;
    }
    int id = newId();
    valueIds.put(id, new ValueHandle(t, p, engineReference));
    p.ids.add(id);
    return id;
  }

  private int newId() {
    nextId = nextId == Integer.MAX_VALUE ? 1 : nextId + 1;
    return nextId;
  }

  private Map<String, Object> scopes(Fields args) throws RequestFailedException {
    FrameHandle f = frame(args.integer("frameId"));
    List<Object> out = new ArrayList<>();
    for (DebugScope s : f.pause.engine.scopes(f.index)) {
      Map<String, Object> scope = body("name", s.name(),
          "variablesReference", reference(f.thread, f.pause, s.reference()),
          "expensive", s.expensive());
      if (s.name().equals("Locals")) {
        scope.put("presentationHint", "locals");
      }
      out.add(scope);
    }
    return body("scopes", out);
  }

  private Map<String, Object> variables(Fields args) throws RequestFailedException {
    ValueHandle v = value(args.integer("variablesReference"));
    int start = Math.max(0, args.optInt("start", 0));
    int count = Math.max(0, args.optInt("count", 0));
    List<Object> out = new ArrayList<>();
    for (DebugVariable d : v.pause.engine.variables(v.reference, start, count)) {
      Map<String, Object> variable = body("name", d.name(), "value", d.value(), "type", d.type(),
          "variablesReference", reference(v.thread, v.pause, d.reference()));
      if (d.type().equals("accessor") && d.reference() != 0) {
        // the client shows a button that reads it: its one child is the getter's value
        variable.put("presentationHint", body("lazy", true));
      }
      out.add(variable);
    }
    return body("variables", out);
  }

  private Map<String, Object> evaluate(Fields args) throws RequestFailedException {
    String expression = args.string("expression");
    if (!args.has("frameId")) {
      throw new RequestFailedException("nothing is paused here: evaluate needs a paused frame");
    }
    FrameHandle f = frame(args.integer("frameId"));
    try {
      DebugVariable d = f.pause.engine.evaluate(f.index, expression);
      return body("result", d.value(), "type", d.type(),
          "variablesReference", reference(f.thread, f.pause, d.reference()));
    } catch (DebugEvaluationException e) {
      throw new RequestFailedException(Objects.requireNonNullElse(e.getMessage(), "failed"));
    }
  }

  private Map<String, Object> setVariable(Fields args) throws RequestFailedException {
    ValueHandle v = value(args.integer("variablesReference"));
    String variable = args.string("name");
    String expression = args.string("value");
    try {
      DebugVariable d = v.pause.engine.setVariable(v.reference, variable, expression);
      return body("value", d.value(), "type", d.type(),
          "variablesReference", reference(v.thread, v.pause, d.reference()));
    } catch (DebugEvaluationException e) {
      throw new RequestFailedException(Objects.requireNonNullElse(e.getMessage(), "failed"));
    }
  }

  private Map<String, Object> resume(Fields args, Resume how) throws RequestFailedException {
    EngineThread t = thread(args);
    Pause p = paused(t);
    endPause(t);
    p.engine.resume(how);
    return how == Resume.CONTINUE ? body("allThreadsContinued", false) : body();
  }

  /** What a thread stopped on an exception threw: VS Code's exception widget. */
  private Map<String, Object> exceptionInfo(Fields args) throws RequestFailedException {
    Pause p = paused(thread(args));
    String text = p.engine.reason() == StopReason.EXCEPTION ? p.engine.exceptionText() : null;
    if (text == null) {
      throw new RequestFailedException("the thread is not stopped on an exception");
    }
    int colon = text.indexOf(':');
    String name = colon > 0 && text.substring(0, colon).matches("[A-Za-z_$][\\w$]*")
        ? text.substring(0, colon) : "exception";
    return body("exceptionId", name, "description", text,
        "breakMode", stopOnAll ? "always" : "unhandled");
  }

  private Map<String, Object> pause(Fields args) throws RequestFailedException {
    EngineThread t = thread(args);
    if (t.pause == null) {
      t.engine.requestPause();
    }
    return body();
  }

  /** The thread's pause is over: its frame ids and references die. */
  private void endPause(EngineThread t) {
    Pause p = t.pause;
    if (p != null) {
      for (Integer id : p.ids) {
        frameIds.remove(id);
        valueIds.remove(id);
      }
      t.pause = null;
    }
  }

  // ---------------------------------------------------------------- what the engines report

  private @Nullable EngineThread threadOf(EngineDebugger engine) {
    for (EngineThread t : threads.values()) {
      if (t.engine == engine) {
        return t;
      }
    }
    return null;
  }

  private void stopped(EngineDebugger engine, PausedEngine paused) {
    EngineThread t = threadOf(engine);
    if (t == null || ended) {
      paused.resume(Resume.CONTINUE);
      return;
    }
    StopReason reason = paused.reason();
    List<Object> hit = List.of();
    if (reason == StopReason.BREAKPOINT) {
      List<DebugFrame> frames;
      try {
        frames = paused.frames();
      } catch (IllegalStateException over) {
        return; // interrupted or closed before we looked: its resumed() follows
      }
      ClientBreakpoint bp = frames.isEmpty() ? null : breakpoints.at(t.engine, frames.get(0));
      if (bp != null) {
        hit = List.of(bp.id);
        boolean stops;
        try {
          stops = breakpoints.stopsAt(bp, paused, this::output);
        } catch (IllegalStateException over) {
          return;
        }
        if (!stops) {
          paused.resume(Resume.CONTINUE);
          return;
        }
      }
    }
    endPause(t);
    t.pause = new Pause(paused);
    Map<String, Object> event = body("reason", reasonName(reason), "threadId", t.id,
        "allThreadsStopped", false, "preserveFocusHint", false);
    if (!hit.isEmpty()) {
      event.put("hitBreakpointIds", hit);
    }
    String text = paused.exceptionText();
    if (reason == StopReason.EXCEPTION && text != null) {
      event.put("description", "Paused on exception");
      event.put("text", text);
    }
    event("stopped", event);
  }

  private static String reasonName(StopReason r) {
    return switch (r) {
      case BREAKPOINT -> "breakpoint";
      case STEP -> "step";
      case PAUSE -> "pause";
      case DEBUGGER_STATEMENT -> "debugger statement";
      case EXCEPTION -> "exception";
      case ENTRY -> "entry";
    };
  }

  private void resumed(EngineDebugger engine) {
    EngineThread t = threadOf(engine);
    if (t != null && t.pause != null) {
      endPause(t);
      event("continued", body("threadId", t.id, "allThreadsContinued", false));
    }
  }

  private void breakpointsChanged(EngineDebugger engine, String source, List<LineBreakpoint> list) {
    if (threadOf(engine) == null) {
      return;
    }
    for (Map<String, Object> changed : breakpoints.changed(engine, source, list)) {
      event("breakpoint", body("reason", "changed", "breakpoint", changed));
    }
  }

  private void ended(EngineDebugger engine) {
    EngineThread t = threadOf(engine);
    if (t != null) {
      forget(t.id, engine);
    } else {
      server.engineEnded(engine);
    }
  }

  // ---------------------------------------------------------------- messages

  private void output(String category, String text) {
    event("output", body("category", category, "output", text));
  }

  private void event(String event, Map<String, Object> body) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "event");
    m.put("event", event);
    m.put("body", body);
    outbox.send(m);
  }

  private static Map<String, Object> response(long seq, String command, boolean success) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "response");
    m.put("request_seq", seq);
    m.put("success", success);
    m.put("command", command);
    return m;
  }

  private void fail(long seq, String command, String message) {
    Map<String, Object> m = response(seq, command, false);
    m.put("message", message);
    m.put("body", body("error", body("id", 1, "format", message,
        "showUser", false)));
    outbox.send(m);
  }

  /** An object of alternating keys and values. */
  static Map<String, Object> body(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  // ---------------------------------------------------------------- state

  /** One engine as a protocol thread. */
  private static final class EngineThread {
    final int id;
    final EngineDebugger engine;
    @Nullable Pause pause;

    EngineThread(int id, EngineDebugger engine) {
      this.id = id;
      this.engine = engine;
    }
  }

  /** One stop of a thread that the client was told of. */
  private static final class Pause {
    final PausedEngine engine;
    final List<Integer> ids = new ArrayList<>();

    Pause(PausedEngine engine) {
      this.engine = engine;
    }
  }

  private record FrameHandle(EngineThread thread, Pause pause, int index) {}

  private record ValueHandle(EngineThread thread, Pause pause, long reference) {}

  // ---------------------------------------------------------------- the engines' listener

  /** Hands every report to the dispatcher; a stop heard after the session ended resumes. */
  private final class Listener implements StopListener {
    @Override
    public void stopped(EngineDebugger engine, PausedEngine paused) {
      if (!post(() -> DapSession.this.stopped(engine, paused))) {
        paused.resume(Resume.CONTINUE);
      }
    }

    @Override
    public void resumed(EngineDebugger engine) {
      post(() -> DapSession.this.resumed(engine));
    }

    @Override
    public void breakpointsChanged(EngineDebugger engine, String source, List<LineBreakpoint> list) {
      post(() -> DapSession.this.breakpointsChanged(engine, source, list));
    }

    @Override
    public void ended(EngineDebugger engine) {
      if (!post(() -> DapSession.this.ended(engine))) {
        server.engineEnded(engine);
      }
    }
  }
}
