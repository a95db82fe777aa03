package dev.qjs;

import dev.qjs.internal.debug.dap.DebugPorts;
import dev.qjs.internal.interop.ArgumentConverter;
import dev.qjs.internal.interop.FunctionalMethod;
import dev.qjs.internal.interop.InterfaceProxy;
import dev.qjs.internal.runtime.CompiledModule;
import dev.qjs.internal.runtime.CompiledProgram;
import dev.qjs.internal.runtime.JsHandle;
import dev.qjs.internal.runtime.JsRuntime;
import dev.qjs.internal.runtime.Limits;
import dev.qjs.internal.runtime.Realm;
import dev.qjs.internal.runtime.RealmBindings;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import javax.script.AbstractScriptEngine;
import javax.script.Bindings;
import javax.script.Compilable;
import javax.script.CompiledScript;
import javax.script.Invocable;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineFactory;
import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/**
 * A JavaScript engine on QuickJS: a {@link ScriptEngine} that is also {@link Invocable} and
 * {@link Compilable}. Each engine owns one QuickJS runtime; its ENGINE_SCOPE bindings are the
 * script's global object, live. Any thread may use an engine; calls are serialized.
 *
 * <pre>{@code
 * ScriptEngine engine = new ScriptEngineManager().getEngineByName("quickjs");
 * engine.put("name", "world");
 * engine.eval("function greet(n) { return `hello, ${n}` }");
 * Object s = ((Invocable) engine).invokeFunction("greet", engine.get("name")); // "hello, world"
 * }</pre>
 *
 * <p>An engine holds native memory. Closing it frees that at once; an engine that is never closed
 * is freed after it becomes unreachable, as JSR-223 users expect.
 */
public final class QuickJsScriptEngine extends AbstractScriptEngine
    implements Invocable, Compilable, AutoCloseable {
  private static final String DEFAULT_FILE_NAME = "<eval>";

  private final QuickJsScriptEngineFactory factory;
  private final JsRuntime runtime;

  /** ENGINE_SCOPE keys of the limits, read on every call; also system property names. */
  static final String TIMEOUT_KEY = Limits.TIMEOUT_KEY;
  static final String MEMORY_LIMIT_KEY = Limits.MEMORY_LIMIT_KEY;
  static final String MAX_STACK_SIZE_KEY = Limits.MAX_STACK_SIZE_KEY;
  static final String INSTRUCTION_LIMIT_KEY = Limits.INSTRUCTION_LIMIT_KEY;
  static final String CPU_TIME_LIMIT_KEY = Limits.CPU_TIME_LIMIT_KEY;
  static final String MODULE_KEY = Limits.MODULE_KEY;
  static final String DEBUG_KEY = Limits.DEBUG_KEY;
  /** ENGINE_SCOPE key of a CPU profile recorded into a file. */
  static final String CPU_PROFILE_KEY = dev.qjs.internal.profile.CpuProfiler.KEY;

  private final Limits defaults;
  /** The engine's place on a debug port (issue 19); null when no port is set. */
  private final DebugPorts.@Nullable Served debugPort;

  QuickJsScriptEngine(QuickJsScriptEngineFactory factory, QuickJsOptions options) {
    this.factory = factory;
    ClassFilter filter = options.classFilter();
    this.defaults =
        new Limits(
            options.timeLimit() != null
                ? timeoutNanos(options.timeLimit(), TIMEOUT_KEY)
                : timeoutNanos(System.getProperty(TIMEOUT_KEY), TIMEOUT_KEY),
            options.memoryLimit() > 0
                ? options.memoryLimit()
                : bytes(System.getProperty(MEMORY_LIMIT_KEY), MEMORY_LIMIT_KEY),
            options.maxStackSize() > 0
                ? options.maxStackSize()
                : bytes(System.getProperty(MAX_STACK_SIZE_KEY), MAX_STACK_SIZE_KEY),
            options.instructionLimit() > 0
                ? options.instructionLimit()
                : bytes(System.getProperty(INSTRUCTION_LIMIT_KEY), INSTRUCTION_LIMIT_KEY),
            options.cpuTimeLimit() != null
                ? timeoutNanos(options.cpuTimeLimit(), CPU_TIME_LIMIT_KEY)
                : timeoutNanos(System.getProperty(CPU_TIME_LIMIT_KEY), CPU_TIME_LIMIT_KEY),
            options.debug() || Limits.flag(System.getProperty(DEBUG_KEY), DEBUG_KEY));
    // the debug settings are read before the runtime is made: a bad value makes none
    int port = DebugPorts.port(options.debugPort());
    boolean suspend = port >= 0 && DebugPorts.suspend(options.debugSuspend());
    this.runtime =
        new JsRuntime(
            Mirrors.INSTANCE,
            this::getContext,
            filter == null ? null : filter::exposeToScripts,
            this::limitsFor,
            new dev.qjs.internal.modules.ModuleRegistry(
                options.moduleLoader(),
                options.hostModules(),
                options.discoverHostModules(),
                contextClassLoader()),
            options.uncaughtErrorHandler());
    if (options.gcThreshold() > 0) {
      runtime.setLimits(defaults.memoryLimit(), defaults.maxStack(), options.gcThreshold());
    }
    context.setBindings(newBindings(), ScriptContext.ENGINE_SCOPE);
    this.debugPort = port < 0 ? null : DebugPorts.serve(port, runtime.debugger(), suspend);
  }

  private static ClassLoader contextClassLoader() {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    return cl != null ? cl : QuickJsScriptEngine.class.getClassLoader();
  }

  /** The limits of a call in ctx: its ENGINE_SCOPE entries, else the options, else system properties. */
  private Limits limitsFor(ScriptContext ctx) {
    Bindings scope = ctx == null ? null : ctx.getBindings(ScriptContext.ENGINE_SCOPE);
    cpuProfileSetting(scope);
    if (scope == null || (scope instanceof RealmBindings rb && rb.hasNoSettings())) {
      return defaults; // the common case: one check instead of three look-ups per call
    }
    Object timeout = scope.get(TIMEOUT_KEY);
    Object memory = scope.get(MEMORY_LIMIT_KEY);
    Object stack = scope.get(MAX_STACK_SIZE_KEY);
    Object instructions = scope.get(INSTRUCTION_LIMIT_KEY);
    Object cpu = scope.get(CPU_TIME_LIMIT_KEY);
    Object debug = scope.get(DEBUG_KEY);
    if (timeout == null && memory == null && stack == null && instructions == null && cpu == null
        && debug == null) {
      return defaults;
    }
    return new Limits(
        timeout != null ? timeoutNanos(timeout, TIMEOUT_KEY) : defaults.timeoutNanos(),
        memory != null ? bytes(memory, MEMORY_LIMIT_KEY) : defaults.memoryLimit(),
        stack != null ? bytes(stack, MAX_STACK_SIZE_KEY) : defaults.maxStack(),
        instructions != null
            ? bytes(instructions, INSTRUCTION_LIMIT_KEY)
            : defaults.instructionLimit(),
        cpu != null ? timeoutNanos(cpu, CPU_TIME_LIMIT_KEY) : defaults.cpuTimeNanos(),
        debug != null ? Limits.flag(debug, DEBUG_KEY) : defaults.debug());
  }

  // ---------------------------------------------------------------- CPU profile and heap summary

  /**
   * At an outermost call's start: {@code quickjs.cpuProfile} in the call's ENGINE_SCOPE starts
   * (or moves) the profile it records; its absence from the engine's own ENGINE_SCOPE ends that
   * profile, writing the file. One check of a flag when the setting is not used.
   */
  private void cpuProfileSetting(@Nullable Bindings scope) {
    Object value = scope == null || (scope instanceof RealmBindings rb && rb.hasNoSettings())
        ? null
        : scope.get(CPU_PROFILE_KEY);
    if (value != null || scope == context.getBindings(ScriptContext.ENGINE_SCOPE)) {
      runtime.cpuProfileSetting(value);
    }
  }

  /**
   * Starts recording a CPU profile of everything this engine runs, sampling the JavaScript stack
   * every millisecond; {@link #stopCpuProfiling()} ends it.
   *
   * <pre>{@code
   * engine.startCpuProfiling();
   * engine.eval(script);
   * CpuProfile profile = engine.stopCpuProfiling();
   * profile.writeCpuProfile(Path.of("run.cpuprofile")); // Chrome DevTools, VS Code, speedscope
   * }</pre>
   *
   * @throws IllegalStateException when a profile is already recording, or the engine is closed
   */
  public void startCpuProfiling() {
    runtime.startCpuProfile(dev.qjs.internal.profile.CpuProfiler.DEFAULT_INTERVAL_NANOS);
  }

  /**
   * Starts recording a CPU profile sampling every {@code interval}. Samples are taken where
   * QuickJS checks for interrupts (calls and jumps, about every 10,000 of them), so an interval
   * shorter than that takes samples at that pace; time in Java methods that scripts call is
   * measured around each call.
   *
   * @param interval the time between samples, positive (for example {@code Duration.ofMillis(1)})
   * @throws IllegalArgumentException when the interval is not positive
   * @throws IllegalStateException when a profile is already recording, or the engine is closed
   */
  public void startCpuProfiling(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("the sampling interval must be positive, not " + interval);
    }
    runtime.startCpuProfile(interval.compareTo(Duration.ofSeconds(60)) > 0 ? 60_000_000_000L : interval.toNanos());
  }

  /**
   * Stops the CPU profile {@link #startCpuProfiling()} started and returns it.
   *
   * @return the profile: its samples, call tree and function times
   * @throws IllegalStateException when no profile is recording, when the one recording was
   *     started by the {@code quickjs.cpuProfile} setting (remove the setting instead), or the
   *     engine is closed
   */
  public CpuProfile stopCpuProfiling() {
    return new CpuProfile(runtime.stopCpuProfile());
  }

  /**
   * A summary of what this engine's JavaScript heap holds now: live objects counted and sized by
   * class and, for plain objects, by constructor name; QuickJS's own cells (bytecode, shapes,
   * closure variables); and QuickJS's totals. Made under the engine's lock, while no script runs,
   * after a garbage collection (so unreachable cycles do not count); it runs no JavaScript (no
   * getter, no proxy trap). Sizes are estimates: see {@link HeapSummary}.
   *
   * <pre>{@code
   * HeapSummary before = engine.heapSummary();
   * engine.eval(suspectCode);
   * System.out.println(engine.heapSummary().difference(before)); // what grew
   * }</pre>
   *
   * @return the summary, entries by bytes, largest first
   * @throws IllegalStateException when the engine is closed
   */
  public HeapSummary heapSummary() {
    return HeapSummary.of(runtime.heapSummary());
  }

  private static long timeoutNanos(Object value, String key) {
    return Limits.timeoutNanos(value, key);
  }

  private static long bytes(Object value, String key) {
    return Limits.bytes(value, key);
  }

  /**
   * Registers the handler that {@code debugger;} statements call (without one they do nothing,
   * at no cost). It runs on the script's thread inside the call with a {@link DebuggerStatement}:
   * the stack, the current function's variables, and in debug mode the code around the
   * statement. It may use this engine; what it throws is thrown from the statement.
   *
   * <pre>{@code
   * engine.onDebuggerStatement(stop -> System.err.println(stop.getFrames().get(0) + " " + stop.getVariables()));
   * }</pre>
   *
   * @param handler the handler; null removes it
   */
  public void onDebuggerStatement(@Nullable Consumer<DebuggerStatement> handler) {
    runtime.diagnostics().onDebuggerStatement(handler);
  }

  /**
   * Stops the script this engine is running now, from any thread: the call fails with
   * {@link JsInterruptedException}; the engine stays usable. Does nothing when idle.
   */
  public void interrupt() {
    runtime.interrupt();
  }

  /**
   * QuickJS's memory statistics for this engine.
   *
   * <pre>{@code
   * long used = engine.memoryUsage().mallocSize();
   * }</pre>
   *
   * @return a snapshot taken now
   * @throws IllegalStateException when the engine is closed
   */
  public MemoryUsage memoryUsage() {
    return MemoryUsage.of(runtime.memoryUsage());
  }

  private RealmBindings newBindings() {
    return new RealmBindings(runtime.newRealm(), UncheckedScriptException::new);
  }

  // ------------------------------------------------------------------ ScriptEngine

  @Override
  public @Nullable Object eval(String script, ScriptContext ctx) throws ScriptException {
    Objects.requireNonNull(script, "script");
    Objects.requireNonNull(ctx, "context");
    String fileName = fileName(ctx);
    if (isModule(ctx, fileName)) {
      return inScope(ctx, realm -> runtime.evalModule(realm, script, fileName));
    }
    return inScope(ctx, realm -> runtime.eval(realm, script, fileName));
  }

  /**
   * Runs compiled {@link Bytecode} in the engine's current context, as {@code eval(String)} runs
   * source, without parsing: a script's completion value; a module's namespace (a {@code
   * CompletableFuture} of it while a top-level await waits), its imports resolved through this
   * engine's {@link ModuleLoader}. A script's bytecode is read into each realm once and kept
   * there for as long as the Bytecode lives; a module is read afresh and evaluated as a new
   * instance each time, as a compiled module is.
   *
   * <pre>{@code
   * Bytecode lib = Bytecode.compileScript("function twice(x) { return 2 * x }", "lib.js");
   * engine.eval(lib);
   * engine.eval("twice(21)");   // 42
   * }</pre>
   *
   * @param code compiled by {@link Bytecode#compileScript}, {@link Bytecode#compileModule}, or
   *     loaded
   * @return the script's value, or the module's namespace (or a future of it)
   * @throws ScriptException what the script or module threw, or a limit it hit
   */
  public @Nullable Object eval(Bytecode code) throws ScriptException {
    Objects.requireNonNull(code, "code");
    return inScope(context, code.program()::eval);
  }

  /** The runtime: the bytecode compiler uses an engine's runtime as its own. */
  JsRuntime runtime() {
    return runtime;
  }

  /** The engine's debugger, for the Debug Adapter Protocol server (issue 19). */
  dev.qjs.internal.debug.EngineDebugger debugger() {
    return runtime.debugger();
  }

  /** ENGINE_SCOPE {@code quickjs.module} is true, or the file name ends in {@code .mjs}. */
  private static boolean isModule(ScriptContext ctx, String fileName) {
    if (fileName.endsWith(".mjs")) {
      return true;
    }
    Bindings scope = ctx.getBindings(ScriptContext.ENGINE_SCOPE);
    return Limits.flag(scope == null ? null : scope.get(MODULE_KEY), MODULE_KEY);
  }

  @Override
  public @Nullable Object eval(Reader reader, ScriptContext ctx) throws ScriptException {
    return eval(readAll(reader), ctx);
  }

  /**
   * Sets the bindings of a scope; for ENGINE_SCOPE, a {@code quickjs.*} setting with a value it
   * cannot take is refused first (see {@link QuickJsOptions} for the settings).
   *
   * @throws IllegalArgumentException naming the setting and the forms it accepts
   */
  @Override
  public void setBindings(Bindings bindings, int scope) {
    if (scope == ScriptContext.ENGINE_SCOPE && bindings != null) {
      checkSettings(bindings);
    }
    super.setBindings(bindings, scope);
  }

  /**
   * Sets the default context; a {@code quickjs.*} setting of its ENGINE_SCOPE with a value it
   * cannot take is refused first.
   *
   * @throws IllegalArgumentException naming the setting and the forms it accepts
   */
  @Override
  public void setContext(ScriptContext ctxt) {
    Objects.requireNonNull(ctxt, "context");
    Bindings scope = ctxt.getBindings(ScriptContext.ENGINE_SCOPE);
    if (scope != null) {
      checkSettings(scope);
    }
    super.setContext(ctxt);
  }

  private static void checkSettings(Bindings bindings) {
    if (bindings instanceof RealmBindings) {
      return; // checked at every put
    }
    for (Map.Entry<String, Object> e : bindings.entrySet()) {
      if (e.getKey() != null && e.getKey().startsWith("quickjs.")) {
        Limits.check(e.getKey(), e.getValue());
      }
    }
  }

  @Override
  public Bindings createBindings() {
    return newBindings();
  }

  @Override
  public ScriptEngineFactory getFactory() {
    return factory;
  }

  /**
   * {@code JSON.parse} in this engine's global object, in one call: a {@link JsObject},
   * {@link JsArray} or primitive. A syntax error is a {@link JsException}.
   *
   * @param json the JSON text
   * @return the parsed value; null for JSON {@code null}
   * @throws ScriptException a {@link JsException} when {@code json} is not valid JSON or a limit
   *     stops the parse (time, memory, stack depth)
   * @throws IllegalStateException when the engine is closed
   */
  public @Nullable Object parseJson(String json) throws ScriptException {
    Objects.requireNonNull(json, "json");
    return inScope(context, realm -> runtime.parseJson(realm, json));
  }

  /**
   * {@code JSON.stringify(value)} in one call, for a value of this engine or any Java value
   * scripts could be given; null for what JSON cannot show (a function, undefined).
   *
   * @param value a mirror of this engine or a Java value; null is JSON {@code null}
   * @return the JSON text; null when {@code JSON.stringify} gives undefined
   * @throws ScriptException a {@link JsException} when {@code JSON.stringify} throws: a cycle, a
   *     BigInt, or a {@code toJSON} method or getter that throws
   * @throws IllegalStateException when the engine is closed
   */
  public @Nullable String toJson(@Nullable Object value) throws ScriptException {
    return inScope(context, realm -> runtime.toJson(realm, value, null));
  }

  /** Frees the engine's native memory now. Idempotent; any later use throws. */
  @Override
  public void close() {
    runtime.close();
    if (debugPort != null) {
      debugPort.close();
    }
  }

  /** With {@code quickjs.debug.suspend}, the first call waits for a debugger. */
  private static void awaitDebugger(DebugPorts.Served port)
      throws ScriptException {
    try {
      port.awaitDebuggerOnce();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ScriptException("interrupted while waiting for a debugger (quickjs.debug.suspend)");
    }
  }

  /** Whether {@link #close()} was called; a pool discards such an engine when its lease ends. */
  boolean isClosed() {
    return runtime.isClosed();
  }

  /**
   * How many calls so far were stopped by a limit, an interruption or a stack overflow; a pool
   * discards an engine whose count changed during a lease.
   */
  long limitStops() {
    return runtime.limitStops();
  }

  // ------------------------------------------------------------------ Invocable

  @Override
  public @Nullable Object invokeFunction(String name, @Nullable Object... args)
      throws ScriptException, NoSuchMethodException {
    Objects.requireNonNull(name, "name");
    Object[] a = Mirrors.args(args);
    ScriptContext ctx = context;
    if (ctx.getBindings(ScriptContext.ENGINE_SCOPE) instanceof RealmBindings rb
        && rb.realm().runtime() == runtime) {
      return runtime.invokeLocked(ctx, rb.realm(), null, name, a); // the common case: one entry
    }
    return inScopeInvoking(ctx, realm -> runtime.invoke(realm, null, null, name, a));
  }

  @Override
  public @Nullable Object invokeMethod(Object thiz, String name, @Nullable Object... args)
      throws ScriptException, NoSuchMethodException {
    Objects.requireNonNull(name, "name");
    JsHandle target = scriptObject(thiz);
    Object[] a = Mirrors.args(args);
    return runtime.invokeLocked(context, target.realm(), target, name, a);
  }

  @Override
  public <T> @Nullable T getInterface(Class<T> clasz) {
    checkInterface(clasz);
    return Unchecked.get(() -> inScopeInvoking(context, realm -> makeInterface(realm, null, clasz)));
  }

  @Override
  public <T> @Nullable T getInterface(Object thiz, Class<T> clasz) {
    checkInterface(clasz);
    JsHandle target = scriptObject(thiz);
    return Unchecked.get(() -> runtime.locked(context, () -> makeInterface(target.realm(), target, clasz)));
  }

  private static void checkInterface(Class<?> clasz) {
    if (clasz == null || !clasz.isInterface()) {
      throw new IllegalArgumentException(
          "getInterface needs an interface, not " + (clasz == null ? "null" : clasz.getName()));
    }
  }

  private JsHandle scriptObject(Object thiz) {
    if (thiz == null) {
      throw new IllegalArgumentException("thiz is null: pass a JavaScript object of this engine");
    }
    JsHandle h = Mirrors.INSTANCE.handleOf(thiz);
    if (h == null || h.runtime() != runtime) {
      throw new IllegalArgumentException(
          "not a JavaScript object of this engine: " + thiz.getClass().getName());
    }
    return h;
  }

  /** The proxy, or null when the script lacks a function for an abstract method. */
  private <T> @Nullable T makeInterface(Realm realm, @Nullable JsHandle target, Class<T> clasz)
      throws ScriptException {
    List<Method> abstracts = FunctionalMethod.abstractMethods(clasz);
    boolean callSelf = false;
    for (Method m : abstracts) {
      if (!(runtime.get(realm, target, m.getName()) instanceof JsFunction)) {
        if (abstracts.size() == 1 && target != null && target.isFunction()) {
          callSelf = true; // a JS function given for a functional interface
          continue;
        }
        return null;
      }
    }
    Method selfMethod = callSelf ? abstracts.get(0) : null;
    return InterfaceProxy.create(
        clasz,
        "QuickJS implementation of " + clasz.getName(),
        Mirrors::typeError,
        (method, a) -> {
          Object result;
          if (method.equals(selfMethod)) {
            result = runtime.lockedForCallback(context, () -> runtime.invoke(realm, target, null, null, a));
          } else if (target == null) {
            result = inScopeInvoking(context, true, r -> runtime.invoke(r, null, null, method.getName(), a));
          } else {
            result =
                runtime.lockedForCallback(
                    context, () -> runtime.invoke(realm, target, null, method.getName(), a));
          }
          return ArgumentConverter.convertReturn(result, method.getReturnType());
        });
  }

  // ------------------------------------------------------------------ Compilable

  /**
   * Compiles a script, or an ES module when the context's ENGINE_SCOPE has {@code quickjs.module}
   * true or its {@code FILENAME} ends in {@code .mjs}. A module's syntax errors and missing
   * imports are thrown here; each {@code eval} of its compiled script evaluates a new instance of
   * it and returns its namespace, as {@code eval} does (a {@code CompletableFuture} of it while a
   * top-level await waits).
   *
   * @throws ScriptException when the script or module does not compile
   */
  @Override
  public CompiledScript compile(String script) throws ScriptException {
    Objects.requireNonNull(script, "script");
    ScriptContext ctx = context;
    String fileName = fileName(ctx);
    if (isModule(ctx, fileName)) {
      CompiledModule module =
          Objects.requireNonNull(inScope(ctx, realm -> new CompiledModule(realm, script, fileName)));
      return new QuickJsCompiledScript(module::eval);
    }
    CompiledProgram program =
        Objects.requireNonNull(inScope(ctx, realm -> new CompiledProgram(realm, script, fileName)));
    return new QuickJsCompiledScript(program::eval);
  }

  @Override
  public CompiledScript compile(Reader script) throws ScriptException {
    return compile(readAll(script));
  }

  /** A compiled script or module of this engine, evaluable against any context, many times. */
  private final class QuickJsCompiledScript extends CompiledScript {
    private final RealmWork<Object> program;

    QuickJsCompiledScript(RealmWork<Object> program) {
      this.program = program;
    }

    @Override
    public @Nullable Object eval(ScriptContext ctx) throws ScriptException {
      Objects.requireNonNull(ctx, "context");
      return inScope(ctx, program);
    }

    @Override
    public ScriptEngine getEngine() {
      return QuickJsScriptEngine.this;
    }
  }

  // ------------------------------------------------------------------ scopes

  @FunctionalInterface
  private interface RealmWork<T> {
    @Nullable T run(Realm realm) throws ScriptException, NoSuchMethodException;
  }

  /**
   * Runs work in the realm of the context's ENGINE_SCOPE, with the context current for host
   * callbacks (print, GLOBAL_SCOPE look-ups); foreign bindings are copied in before and back after.
   */
  private <T> @Nullable T inScopeInvoking(ScriptContext ctx, RealmWork<T> work)
      throws ScriptException, NoSuchMethodException {
    return inScopeInvoking(ctx, false, work);
  }

  /** The same; a callback (an interface proxy's method) may run inside a parked call. */
  private <T> @Nullable T inScopeInvoking(ScriptContext ctx, boolean callback, RealmWork<T> work)
      throws ScriptException, NoSuchMethodException {
    JsRuntime.Action<T> action =
        () -> {
          Bindings engineScope = ctx.getBindings(ScriptContext.ENGINE_SCOPE);
          if (engineScope == null) {
            throw new IllegalArgumentException("the context has no ENGINE_SCOPE bindings");
          }
          Realm realm = runtime.realmFor(engineScope);
          runtime.syncIn(realm, engineScope);
          try {
            return work.run(realm);
          } finally {
            runtime.syncOut(realm, engineScope);
          }
        };
    if (debugPort != null && !callback) {
      awaitDebugger(debugPort);
    }
    return callback ? runtime.lockedForCallback(ctx, action) : runtime.locked(ctx, action);
  }

  private <T> @Nullable T inScope(ScriptContext ctx, RealmWork<T> work) throws ScriptException {
    try {
      return inScopeInvoking(ctx, work);
    } catch (NoSuchMethodException e) {
      throw new ScriptException(e);
    }
  }

  private static String fileName(ScriptContext ctx) {
    Object name = ctx.getAttribute(ScriptEngine.FILENAME);
    String s = name != null ? name.toString() : null; // a toString() may give null
    return s != null ? s : DEFAULT_FILE_NAME;
  }

  private static String readAll(Reader reader) throws ScriptException {
    Objects.requireNonNull(reader, "reader");
    StringBuilder sb = new StringBuilder();
    char[] buf = new char[8192];
    try {
      for (int n; (n = reader.read(buf)) >= 0; ) {
        sb.append(buf, 0, n);
      }
    } catch (IOException e) {
      throw new ScriptException(e);
    }
    return sb.toString();
  }
}
