package dev.qjs.internal.runtime;

import dev.qjs.ModuleLoader;
import dev.qjs.ModuleSource;
import dev.qjs.internal.async.AsyncBridge;
import dev.qjs.internal.async.EventLoop;
import dev.qjs.internal.bridge.Mailbox;
import dev.qjs.internal.debug.DebuggedRuntime;
import dev.qjs.internal.debug.RuntimeDebugger;
import dev.qjs.internal.bridge.QuickJsNative;
import dev.qjs.internal.profile.CpuProfiler;
import dev.qjs.internal.profile.FramePositions;
import dev.qjs.internal.profile.HostFrameNames;
import dev.qjs.internal.profile.ProfileData;
import dev.qjs.internal.codec.References;
import dev.qjs.internal.codec.ValueReader;
import dev.qjs.internal.codec.ValueWriter;
import dev.qjs.internal.diagnostics.PositionMapper;
import dev.qjs.internal.diagnostics.ScriptDiagnostics;
import dev.qjs.internal.interop.ArgumentConverter;
import dev.qjs.internal.interop.HostCalls;
import dev.qjs.internal.interop.HostObjects;
import dev.qjs.internal.interop.JavaGlobal;
import dev.qjs.internal.modules.ModuleRegistry;
import dev.qjs.internal.modules.ScriptFiles;
import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.script.Bindings;
import javax.script.ScriptContext;
import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/**
 * One QuickJS runtime: its native state, its realms, and the operations the engine and the
 * mirrors use (eval, invoke, get, set …). Every operation runs on one template, {@link #call}:
 * enter the lock, write the request, cross into the shim once, read the result or throw the
 * exception, leave. Any thread may call; calls are serialized by one reentrant lock, and a JS →
 * Java → JS re-entry on the same thread is allowed.
 *
 * <p>The parts: {@link RuntimeEntry} enters and leaves (lock, limits, end-of-call work, close),
 * {@link Evaluation} and {@link ObjectAccess} are the operations' crossings, {@link Handles} the
 * references of the value encoding ({@link ValueWriter}/{@link ValueReader}), {@link
 * ExceptionReader} reads failures, {@link HostCalls} answers the shim's host calls and {@link
 * AsyncBridge} runs timers and promises.
 *
 * <p>Lifetime: {@link #close()} frees everything at once. A runtime nobody can reach any more
 * (no engine, no mirror) is freed by a {@link Cleaner}; mirrors that become unreachable queue
 * their handle, and the queue is drained under the lock on the next call.
 *
 * <p>Over 900 lines and still one thing: the runtime's operations, each a few lines that name its
 * crossing in {@link Evaluation} or {@link ObjectAccess} and run it on {@link #call}; the work
 * itself is in those classes and the parts above, so a new operation adds a method here and a
 * crossing there.
 */
public final class JsRuntime implements AutoCloseable {
  /**
   * Frees the runtimes nobody closed. Its thread lives as long as the process, so it is the JDK's
   * own kind (no context class loader, no inherited access control context): a thread of ours
   * would keep the class loader of the application that happened to make the first engine, and
   * an application server could never unload that application.
   */
  static final Cleaner CLEANER = Cleaner.create();
  /** The file name of the engine's own helper scripts: never the place an error is reported at. */
  static final String INTERNAL_FILE = "<quickjs-jsr223>";
  /** A context without settings: the limits read for it are the engine's defaults. */
  private static final ScriptContext NO_SETTINGS = new javax.script.SimpleScriptContext();
  /** What an invoke's operation answers when the member is missing or not a function. */
  static final Object NOT_A_FUNCTION = new Object();

  /** The Java global's script, given the host object behind it; see {@link JavaGlobal}. */
  private static final String JAVA_GLOBAL_INSTALLER =
      "(function (j) {\n"
          + "  const Java = Object.freeze({\n"
          + "    type: (name) => j.type(String(name)),\n"
          + "    from: (javaArrayOrList) => Array.from(javaArrayOrList),\n"
          + "    to: (array, type) => j.to(array, type === undefined ? 'java.lang.Object[]' : String(type)),\n"
          + "    isJavaObject: (x) => j.isJavaObject(x),\n"
          + "    isType: (x) => j.isType(x),\n"
          + "    extend: (...types) => j.extend(...types),\n"
          + "  });\n"
          + "  Object.defineProperty(globalThis, 'Java', {value: Java, writable: true, configurable: true});\n"
          + "})";

  private final NativeState state;
  private final RuntimeEntry entry;
  private final Mailbox mailbox;
  private final HostObjects hosts = new HostObjects();
  private final Handles handles;
  private final ValueReader values;
  private final ExceptionReader errors;
  /** The request of the current call; shared by nested calls, each writes it anew. */
  private final ValueWriter in;
  private final InvokeNames names = new InvokeNames();
  private final HostCalls hostCalls;
  /** Timers, Java futures awaited by scripts, promises awaited by Java. */
  private final AsyncBridge async;
  private final EventLoop loop;
  private final ForeignRealms foreignRealms = new ForeignRealms(this);
  private final ScriptDiagnostics diagnostics = new ScriptDiagnostics();
  /** Realms by native address, for host callbacks that name the calling realm. */
  private final Map<Long, WeakReference<Realm>> realmsByAddress = new HashMap<>();
  /** Where import and require find modules. */
  private final ModuleRegistry modules;
  private final Supplier<ScriptContext> defaultContext;
  /** Which classes the Java global may name; null: no Java global. */
  private final @Nullable Predicate<String> classFilter;
  private final Function<ScriptContext, Limits> limits;
  private final CpuProfiler profiler;
  private final RuntimeDebugger debugger;

  private @Nullable ScriptContext current;
  /** The file name of the script or module being evaluated: the referrer of require(). */
  private @Nullable String currentFile;

  public JsRuntime(
      MirrorFactory mirrors,
      Supplier<ScriptContext> defaultContext,
      @Nullable Predicate<String> classFilter,
      Function<ScriptContext, Limits> limits,
      ModuleRegistry modules,
      @Nullable Consumer<? super dev.qjs.JsException> uncaught) {
    QuickJsNative.ensureLoaded();
    NativeMemory.beforeAllocation();
    this.classFilter = classFilter;
    this.limits = limits;
    this.defaultContext = defaultContext;
    this.modules = modules;
    this.mailbox = new Mailbox();
    this.async = new AsyncBridge(this, mailbox, uncaught);
    this.loop = async.loop();
    int token = HostCalls.newToken();
    long rt = QuickJsNative.qjs_runtime_new(mailbox.buffer(), HostCalls.CALLBACK, token);
    if (rt == 0) {
      throw new OutOfMemoryError("QuickJS could not create a runtime");
    }
    this.state = new NativeState(rt, token, mailbox);
    this.entry = new RuntimeEntry(this, state, limits, hosts, async, diagnostics);
    this.handles = new Handles(this, state, mirrors, hosts, loop);
    this.values = new ValueReader(handles);
    this.errors = new ExceptionReader(this, entry, values, hosts, mirrors, modules, diagnostics);
    this.in = new ValueWriter(handles, 16 << 10);
    this.hostCalls =
        new HostCalls(this, mailbox, handles, values, hosts, new ArgumentConverter(mirrors), loop, modules);
    hostCalls.register(token);
    modules.onLoad(this::noteLoaded);
    this.profiler = new CpuProfiler(mailbox::output);
    this.debugger = new RuntimeDebugger(new DebuggedRuntime() {
      @Override
      public long nativeRuntime() {
        return state.rt;
      }

      @Override
      public Mailbox mailbox() {
        return mailbox;
      }

      @Override
      public boolean stopRequested() {
        return entry.interruptFlagSet() || entry.isClosing();
      }

      @Override
      public @Nullable Object hostObject(int id) {
        try {
          return hosts.get(id);
        } catch (IllegalStateException gone) {
          return null;
        }
      }

      @Override
      public @Nullable PositionMapper positions() {
        return diagnostics.mapper();
      }
    });
    profiler.mapPositionsWith(this::originalPosition);
    state.accountMemory();
    CLEANER.register(this, state);
  }


  // ---------------------------------------------------------------- lifecycle and locking

  /**
   * Closes the runtime. From another thread while a call runs, the call is stopped (as by
   * {@link #interrupt()}) and the runtime freed when it has ended; from inside a call (a host
   * callback, or a thread the call waits for), the call is stopped at its next interrupt check and
   * the runtime freed when the outermost call returns.
   */
  @Override
  public void close() {
    entry.close();
  }

  /**
   * How many calls so far failed on a limit (time, memory, instructions, CPU time), a stack
   * overflow or an interruption, rather than on a script's own error: a pool compares it before
   * and after a lease.
   */
  public long limitStops() {
    return entry.stops();
  }

  /** Whether {@link #close()} was called (the runtime may still be freeing). */
  public boolean isClosed() {
    return entry.isClosed();
  }

  /** The engine's diagnostics: source maps, debug mode's records, the debugger handler. */
  public ScriptDiagnostics diagnostics() {
    return diagnostics;
  }

  /**
   * A script or module about to run or compile: kept for import positions, and in debug mode for
   * code frames.
   */
  public void noteSource(String fileName, String source) {
    modules.remember(fileName, source);
    Bindings scope = currentContext().getBindings(ScriptContext.ENGINE_SCOPE);
    Object map = scope == null || (scope instanceof RealmBindings rb && rb.hasNoSettings())
        ? null : scope.get(Limits.SOURCE_MAP_KEY);
    diagnostics.registerSource(fileName, source, map instanceof String json ? json : null,
        url -> readMap(modules.loaderFor(scope), url, fileName));
    entry.refreshTrace(); // a first map maps this very call's stacks
    if (entry.debug() || limits.apply(currentContext()).debug()) {
      diagnostics.rememberSource(fileName, source);
    } else {
      diagnostics.forgetSource(fileName); // a file of that name kept earlier is not this one
    }
  }

  /**
   * A module or {@code load()}ed script a loader gave: its source map, if it has one, maps every
   * stack from now on, and in debug mode its text is kept for code frames.
   */
  public void noteLoaded(ModuleSource source, ModuleLoader loader) {
    diagnostics.registerSource(source.id(), source.text(), source.sourceMap(),
        url -> readMap(loader, url, source.id()));
    entry.refreshTrace(); // under the lock: a map that appeared maps this call's stacks too
    if (entry.debug()) {
      diagnostics.rememberSource(source.id(), source.text());
    }
  }

  /** A source map named by a relative URL, read through the loaders as load() reads scripts. */
  private String readMap(ModuleLoader loader, String url, String referrer) throws java.io.IOException {
    try {
      return ScriptFiles.read(modules, loader, "sourceMappingURL", url, referrer).text();
    } catch (IllegalArgumentException e) {
      throw new java.io.IOException(e.getMessage(), e);
    }
  }

  /** The engine's debugger (issue 19): breakpoints, steps and inspection of a paused engine. */
  public RuntimeDebugger debugger() {
    return debugger;
  }

  /** Stops the script running now, if any, from any thread: it fails with an interruption. */
  public void interrupt() {
    entry.interrupt();
  }

  /**
   * A host call threw a JVM error (StackOverflowError, OutOfMemoryError): the call is stopped at
   * its next interrupt check whatever the script catches, and its caller gets the error itself.
   */
  public void stopForJvmError(VirtualMachineError e) {
    entry.stopForJvmError(e);
  }

  /** The realm at this address was freed (under the lock). */
  void forgetRealm(long address) {
    realmsByAddress.remove(address);
    lastRealm = null;
    loop.forgetRealm(address);
  }

  /**
   * Runs a host call's Java code with the runtime lent: while this thread is parked there, other
   * threads may enter on top of its call (see {@link RuntimeLock}). Nothing of the runtime's own
   * state may be touched inside: arguments are decoded before and the reply encoded after.
   */
  public <T> T lent(Supplier<T> javaCode) {
    int previous = lend();
    try {
      return javaCode.get();
    } finally {
      unlend(previous);
    }
  }

  /**
   * Lends the runtime as {@link #lent} does, for the host calls made most often: they call this,
   * run their Java code and give back what this returned to {@link #unlend} in a finally block,
   * with no lambda. (Through {@code lent}, a lambda's allocation and a call through a
   * {@code Supplier} that sees many lambdas cost a host method call ~20% once the JIT stops
   * inlining {@code lent} into a growing caller.)
   */
  public int lend() {
    return state.lock.lend();
  }

  /** Ends what {@link #lend} began; previous is what it returned. */
  public void unlend(int previous) {
    state.lock.unlend(previous);
  }



  /**
   * Runs an action under the lock with the given context as the current one. It waits for the
   * running call, if any, to end: an engine-level call (eval, invokeFunction …) never runs inside
   * another thread's call.
   */
  public <T> @Nullable T locked(@Nullable ScriptContext context, Action<T> action)
      throws ScriptException, NoSuchMethodException {
    return locked(context, false, action);
  }

  /**
   * Runs a callback (a script function called through a Java interface: a functional proxy, an
   * {@code Invocable.getInterface} proxy) under the lock. While another thread's call is parked in
   * a host call, the callback runs on top of it: that call's Java code is most likely waiting
   * for exactly this callback (a parallel stream, an executor, a future). See {@link RuntimeLock}.
   */
  public <T> @Nullable T lockedForCallback(@Nullable ScriptContext context, Action<T> action)
      throws ScriptException, NoSuchMethodException {
    return locked(context, true, action);
  }

  /**
   * Runs an action under the lock; without mayBorrow it never runs on top of another thread's
   * call (timers and settlements are queued events: they wait for the running call to end).
   */
  public <T> @Nullable T locked(@Nullable ScriptContext context, boolean mayBorrow, Action<T> action)
      throws ScriptException, NoSuchMethodException {
    entry.enter(context, mayBorrow);
    ScriptContext saved = current;
    current = context != null ? context : current;
    try {
      return action.run();
    } finally {
      current = saved;
      entry.exit();
    }
  }

  /** Work done under the runtime's lock. */
  @FunctionalInterface
  public interface Action<T> {
    @Nullable T run() throws ScriptException, NoSuchMethodException;
  }

  /** The context host callbacks use: the innermost call's, else the engine's. */
  public ScriptContext currentContext() {
    ScriptContext c = current;
    return c != null ? c : defaultContext.get();
  }

  // ---------------------------------------------------------------- what the parts share

  /** The native runtime; 0 once freed. */
  public long nativeRuntime() {
    return state.rt;
  }

  /** The realm at a native address (a host call's, a promise's), or null when it is gone. */
  private long lastRealmAddress;
  private @Nullable WeakReference<Realm> lastRealm;

  public @Nullable Realm realmAt(long address) {
    WeakReference<Realm> ref = address == lastRealmAddress ? lastRealm : null;
    if (ref == null) {
      ref = realmsByAddress.get(address); // asked by every host call: the last answer is kept
      lastRealm = ref;
      lastRealmAddress = address;
    }
    return ref == null ? null : ref.get();
  }

  /** The output of the call that just crossed, from its start. */
  ByteBuffer output() {
    return mailbox.output();
  }

  JsHandle newHandle(@Nullable Realm realm, long pointer, long identity, int kind) {
    return handles.newHandle(realm, pointer, identity, kind);
  }

  /** The script or module being evaluated until the current call ends; see {@link #call}. */
  void setCurrentFile(@Nullable String fileName) {
    currentFile = fileName;
  }

  /** The names of functions called by name, interned in the shim. */
  InvokeNames names() {
    return names;
  }

  /** The request buffer, emptied: for a crossing made under the lock. */
  public ValueWriter request() {
    return in.reset();
  }

  public ValueReader values() {
    return values;
  }

  public ExceptionReader errors() {
    return errors;
  }

  public References references() {
    return handles;
  }

  /** The script or module being evaluated, the referrer of a require() made outside a module. */
  public @Nullable String currentFile() {
    return currentFile;
  }

  /** The handle of a mirror or promise future of this runtime; null for any other value. */
  @Nullable JsHandle handleOf(@Nullable Object value) {
    return handles.handle(value);
  }

  // ---------------------------------------------------------------- the call template

  /**
   * One operation: writes its request (operands a to d; unused ones are null) with {@link
   * #request}, crosses into the shim and reads what it answered with {@link #result}. The
   * operations are static methods of {@link Evaluation}, {@link ObjectAccess} and {@link
   * ForeignRealms}, passed as method references that capture nothing: no call allocates one.
   * The operands are the caller's own objects and a flag is {@code Boolean.TRUE} or {@code
   * Boolean.FALSE}, so nothing is boxed either.
   */
  @FunctionalInterface
  private interface Operation {
    @Nullable Object run(JsRuntime self, long rt, Realm realm, @Nullable Object a, @Nullable Object b, @Nullable Object c,
        @Nullable Object d)
        throws ScriptException;
  }

  /**
   * The call template: enters the lock (freeing what the cleaner queued, applying the limits),
   * runs the operation, leaves (the end-of-call work, the current file restored).
   */
  private @Nullable Object call(Realm realm, Operation op, @Nullable Object a, @Nullable Object b,
      @Nullable Object c, @Nullable Object d)
      throws ScriptException {
    long rt = entry.enter();
    String savedFile = currentFile;
    try {
      return op.run(this, rt, realm, a, b, c, d);
    } finally {
      currentFile = savedFile;
      entry.exit();
    }
  }

  /**
   * An operand the operation cannot do without: the template passes its operands untyped, and
   * the public method that chose the operation passed this one non-null.
   */
  static <T> T operand(@Nullable Object value, Class<T> type) {
    return type.cast(Objects.requireNonNull(value));
  }

  /** The value the call answered, or its exception thrown. */
  @Nullable Object result(int rc, @Nullable Realm realm, @Nullable String fileName) throws ScriptException {
    if (rc >= QuickJsNative.OK_INT && rc <= QuickJsNative.OK_UNDEFINED) {
      return smallResult(rc);
    }
    if (rc == QuickJsNative.BAD_INPUT) {
      throw new IllegalArgumentException("the QuickJS shim rejected a malformed request");
    }
    if (rc == QuickJsNative.OUT_OF_MEMORY) {
      throw new OutOfMemoryError("the result could not be encoded: native memory exhausted");
    }
    return decodeResult(rc, mailbox.output(), realm, fileName);
  }

  /**
   * A number or undefined that the shim left in the mailbox's result slot instead of the output:
   * boxed as {@link ValueReader} boxes the same value read from an output (an int as Integer, a
   * whole double in int range other than -0 as Integer too, undefined and null as null).
   */
  private @Nullable Object smallResult(int rc) {
    entry.throwFatal(); // the script caught the JVM error before its next interrupt check
    if (rc == QuickJsNative.OK_INT) {
      return (int) mailbox.get(QuickJsNative.MB_RESULT);
    }
    if (rc == QuickJsNative.OK_UNDEFINED) {
      return null;
    }
    return ValueReader.narrow(Double.longBitsToDouble(mailbox.get(QuickJsNative.MB_RESULT)));
  }

  /** The value in out (positioned after what the operation read itself), or its exception thrown. */
  @Nullable Object decodeResult(int rc, ByteBuffer out, @Nullable Realm realm, @Nullable String fileName)
      throws ScriptException {
    if (rc == QuickJsNative.OK) {
      Object value = values.read(out, realm);
      entry.throwFatal(); // the script caught the JVM error before its next interrupt check
      return value;
    }
    if (rc == QuickJsNative.EXCEPTION) {
      entry.throwFatal();
      throw errors.read(out, realm, fileName);
    }
    return result(rc, realm, fileName);
  }

  // ---------------------------------------------------------------- realms

  /** A new realm: a fresh global object with ECMAScript's built-ins, print and console. */
  public Realm newRealm() {
    long rt = entry.enter();
    // making a global object is the engine's own work, not a script's: no time limit applies
    // (on a slow or busy machine it can take longer than a few milliseconds' limit), its poll
    // points are not counted (a budget is paused: the shim counts on, and the count is put
    // back after), and no CPU-time limit stops it
    long deadline = mailbox.getVolatile(QuickJsNative.MB_DEADLINE);
    mailbox.setVolatile(QuickJsNative.MB_DEADLINE, 0L);
    long budget = mailbox.getVolatile(QuickJsNative.MB_INSTRUCTION_LIMIT);
    long used = mailbox.getVolatile(QuickJsNative.MB_INSTRUCTIONS);
    if (budget != 0) {
      mailbox.setVolatile(QuickJsNative.MB_INSTRUCTION_LIMIT, -1L);
    }
    long cpuLimit = mailbox.getVolatile(QuickJsNative.MB_CPU_LIMIT);
    long cpuDeadline = mailbox.getVolatile(QuickJsNative.MB_CPU_DEADLINE);
    long cpuThread = mailbox.getVolatile(QuickJsNative.MB_CPU_THREAD);
    if (cpuLimit != 0 || cpuDeadline != 0) {
      mailbox.setVolatile(QuickJsNative.MB_CPU_LIMIT, 0L);
      mailbox.setVolatile(QuickJsNative.MB_CPU_DEADLINE, 0L);
    }
    try {
      long ptr = QuickJsNative.qjs_realm_new(rt);
      if (ptr == 0) {
        if (entry.memoryLimit() > 0) {
          throw new IllegalStateException("QuickJS could not create a global object within the memory limit of "
              + entry.memoryLimit() + " bytes (" + mailbox.get(QuickJsNative.MB_MALLOC_SIZE)
              + " in use): raise the limit");
        }
        throw new OutOfMemoryError("QuickJS could not create a realm: native memory exhausted");
      }
      Realm realm = new Realm(this, ptr);
      realmsByAddress.put(ptr, new WeakReference<>(realm));
      lastRealm = null; // the address may be a freed realm's
      NativeState queue = state;
      CLEANER.register(realm, () -> queue.queueRealm(ptr));
      if (classFilter != null) {
        installJavaGlobal(realm, classFilter);
      }
      return realm;
    } finally {
      mailbox.setVolatile(QuickJsNative.MB_DEADLINE, deadline);
      if (budget != 0) {
        mailbox.setVolatile(QuickJsNative.MB_INSTRUCTION_LIMIT, budget);
        mailbox.setVolatile(QuickJsNative.MB_INSTRUCTIONS, used);
      }
      if (cpuLimit != 0 || cpuDeadline != 0) {
        mailbox.setVolatile(QuickJsNative.MB_CPU_LIMIT, cpuLimit);
        mailbox.setVolatile(QuickJsNative.MB_CPU_THREAD, cpuThread);
        mailbox.setVolatile(QuickJsNative.MB_CPU_DEADLINE, cpuDeadline);
      }
      entry.exit();
    }
  }

  private void installJavaGlobal(Realm realm, Predicate<String> classFilter) {
    try {
      Object installer = eval(realm, JAVA_GLOBAL_INSTALLER, INTERNAL_FILE);
      invoke(realm, handleOf(installer), null, null,
          new Object[] {new JavaGlobal(classFilter)});
    } catch (ScriptException | NoSuchMethodException e) {
      throw new IllegalStateException("could not install the Java object", e);
    }
  }

  /**
   * The realm that runs scripts for these ENGINE_SCOPE bindings: the bindings' own realm when
   * they are ours, else a realm kept for them (by identity) whose globals are synchronized with
   * the bindings around each call.
   */
  public Realm realmFor(Bindings bindings) {
    return foreignRealms.realmFor(bindings);
  }

  /** Copies foreign bindings into their realm's global object (one crossing). */
  public void syncIn(Realm realm, Bindings bindings) throws ScriptException {
    if (bindings instanceof RealmBindings rb && rb.realm() == realm) {
      return;
    }
    call(realm, ForeignRealms::syncIn, bindings, null, null, null);
  }

  /** Copies a realm's global variables back into foreign bindings (one crossing). */
  public void syncOut(Realm realm, Bindings bindings) throws ScriptException {
    if (bindings instanceof RealmBindings rb && rb.realm() == realm) {
      return;
    }
    foreignRealms.syncOut(realm, bindings);
  }

  // ---------------------------------------------------------------- evaluation

  /**
   * Evaluates an ES module named fileName in a realm: its namespace (a JsObject), or, while a
   * top-level await waits, a CompletableFuture of the namespace.
   */
  public @Nullable Object evalModule(Realm realm, String source, String fileName) throws ScriptException {
    noteSource(fileName, source);
    return call(realm, Evaluation::evalModule, source, fileName, null, null);
  }

  /** Evaluates a script in a realm; repeated sources reuse their bytecode. */
  public @Nullable Object eval(Realm realm, String source, String fileName) throws ScriptException {
    noteSource(fileName, source);
    return call(realm, Evaluation::eval, source, fileName, null, null);
  }

  /**
   * Compiles an ES module and resolves its imports without running anything, in a realm of its
   * own (freed with the module it keeps): a syntax error or missing import is thrown here.
   */
  public void checkModule(String source, String fileName) throws ScriptException {
    modules.remember(fileName, source);
    call(newRealm(), Evaluation::checkModule, source, fileName, null, null);
  }

  /**
   * Compiles without running: the handle of the bytecode, bound to this realm. strip: what its
   * functions leave out, {@link QuickJsNative#EVAL_STRIP_SOURCE} (their source text: toString()
   * shows none, line numbers stay) and {@link QuickJsNative#EVAL_STRIP_DEBUG} (line numbers too), or 0.
   */
  public JsHandle compile(Realm realm, String source, String fileName, int strip) throws ScriptException {
    noteSource(fileName, source);
    return (JsHandle) Objects.requireNonNull(call(realm, Evaluation::compile, source, fileName, strip, null));
  }

  /** Serializes compiled bytecode so that another realm can read it. */
  public byte[] serialize(Realm realm, JsHandle bytecode) throws ScriptException {
    return (byte[]) Objects.requireNonNull(call(realm, Evaluation::serialize, bytecode, null, null, null));
  }

  /** Reads serialized bytecode into a realm. */
  JsHandle deserialize(Realm realm, NativeBytes bytecode) throws ScriptException {
    return (JsHandle) Objects.requireNonNull(call(realm, Evaluation::deserialize, bytecode, null, null, null));
  }

  /**
   * Compiles an ES module into serialized bytecode without running it, in a realm of its own: a
   * syntax error, or an import this runtime's loader cannot find, is thrown here. strip: as for
   * {@link #compile}.
   */
  public byte[] compileModuleBytecode(String source, String moduleId, int strip) throws ScriptException {
    return (byte[]) Objects.requireNonNull(call(newRealm(), Evaluation::compileModuleBytecode, source, moduleId, strip, null));
  }

  /**
   * Reads serialized module bytecode (trusted: this library wrote it) into a realm and evaluates
   * a new instance of it: its namespace, or a CompletableFuture of it while a top-level await
   * waits.
   */
  @Nullable Object evalModuleBytecode(Realm realm, NativeBytes bytecode, String moduleId) throws ScriptException {
    return call(realm, Evaluation::evalModuleBytecode, bytecode, moduleId, null, null);
  }

  public @Nullable Object evalBytecode(Realm realm, JsHandle bytecode, String fileName) throws ScriptException {
    return call(realm, Evaluation::evalBytecode, bytecode, fileName, null, null);
  }

  // ---------------------------------------------------------------- objects and functions

  /**
   * Calls {@code target[name](args)} (target null: the realm's global object), or, when name is
   * null, calls target itself with {@code thiz}. Throws NoSuchMethodException when the member is
   * missing or not a function.
   */
  public @Nullable Object invoke(
      Realm realm, @Nullable JsHandle target, @Nullable Object thiz, @Nullable String name, @Nullable Object[] args)
      throws ScriptException, NoSuchMethodException {
    Object result = call(realm, ObjectAccess::invoke, target, thiz, name, args);
    if (result == NOT_A_FUNCTION) {
      throw new NoSuchMethodException(
          name == null ? "the value is not a function" : "no function named '" + name + "'");
    }
    return result;
  }

  /**
   * {@link #invoke} as one engine-level call in {@code context} (what {@code invokeFunction} and
   * {@code invokeMethod} do): one entry of the lock instead of {@link #locked} around {@link
   * #invoke}, for the realm of bindings this runtime made (no globals to copy in and out).
   */
  public @Nullable Object invokeLocked(
      ScriptContext context, Realm realm, @Nullable JsHandle target, String name, Object[] args)
      throws ScriptException, NoSuchMethodException {
    long rt = entry.enter(context, false);
    ScriptContext saved = current;
    String savedFile = currentFile;
    current = context;
    try {
      Object result = ObjectAccess.invoke(this, rt, realm, target, null, name, args);
      if (result == NOT_A_FUNCTION) {
        throw new NoSuchMethodException("no function named '" + name + "'");
      }
      return result;
    } finally {
      currentFile = savedFile;
      current = saved;
      entry.exit();
    }
  }

  /** {@code target[key]}; target null means the realm's global object. */
  public @Nullable Object get(Realm realm, @Nullable JsHandle target, Object key) throws ScriptException {
    return get(realm, target, key, false);
  }

  /** {@code target[key]}, or with {@code own} only an own property (else null). */
  public @Nullable Object get(Realm realm, @Nullable JsHandle target, Object key, boolean own) throws ScriptException {
    return call(realm, ObjectAccess::get, target, key, ObjectAccess.flag(own), null);
  }

  /** {@code target[key] = value}; returns the previous value when asked. */
  public @Nullable Object set(
      Realm realm, @Nullable JsHandle target, Object key, @Nullable Object value, boolean wantOld)
      throws ScriptException {
    return call(realm, ObjectAccess::set, target, key, value, ObjectAccess.flag(wantOld));
  }

  /** {@code delete target[key]}; a global {@code var} that cannot be deleted becomes undefined. */
  public boolean delete(Realm realm, @Nullable JsHandle target, Object key) throws ScriptException {
    return (Boolean) Objects.requireNonNull(call(realm, ObjectAccess::delete, target, key, null, null));
  }

  /** Own property (own = true) or {@code key in target}. */
  public boolean has(Realm realm, @Nullable JsHandle target, Object key, boolean own) throws ScriptException {
    return (Boolean) Objects.requireNonNull(call(realm, ObjectAccess::has, target, key, ObjectAccess.flag(own), null));
  }

  /** Own enumerable string-keyed properties, in order, with their values when asked. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> entries(Realm realm, @Nullable JsHandle target, boolean withValues)
      throws ScriptException {
    return (Map<String, Object>) Objects.requireNonNull(
        call(realm, ObjectAccess::entries, target, ObjectAccess.flag(withValues), null, null));
  }

  /**
   * A deep copy of a value as plain Java data, read in one crossing: objects become
   * {@code LinkedHashMap}s of their own enumerable properties, arrays {@code ArrayList}s, shared
   * and cyclic parts stay shared and cyclic; functions, symbols and Java objects stay themselves.
   */
  public @Nullable Object toJava(Realm realm, @Nullable Object value) throws ScriptException {
    return call(realm, ObjectAccess::toJava, value, null, null, null);
  }

  /** JSON.stringify(value, null, space) in one crossing; null when JSON cannot show the value. */
  public @Nullable String toJson(Realm realm, @Nullable Object value, @Nullable Object space) throws ScriptException {
    return (String) call(realm, ObjectAccess::toJson, value, space, null, null);
  }

  /** JSON.parse(text) in one crossing: the value, or a SyntaxError. */
  public @Nullable Object parseJson(Realm realm, String text) throws ScriptException {
    return call(realm, ObjectAccess::parseJson, text, null, null, null);
  }

  /** JavaScript's ToString of a value. */
  public String toJsString(Realm realm, @Nullable Object value) throws ScriptException {
    return (String) Objects.requireNonNull( // ToString always gives a string
        call(realm, ObjectAccess::toJsString, value, null, null, null));
  }

  // ---------------------------------------------------------------- the runtime itself

  /** Runs QuickJS's garbage collector. */
  public void collectGarbage() {
    long rt = entry.enter();
    try {
      QuickJsNative.qjs_runtime_gc(rt);
    } finally {
      entry.exit();
    }
  }

  /**
   * Enters to read the engine's state (memory, the heap): a bad setting in a caller's own
   * Bindings (checked when a call reads it) fails calls, not this.
   */
  private long enterToInspect() {
    try {
      return entry.enter();
    } catch (IllegalArgumentException badSetting) {
      return entry.enter(NO_SETTINGS, true);
    }
  }

  /** QuickJS's memory statistics, in JSMemoryUsage order. */
  public long[] memoryUsage() {
    long rt = enterToInspect();
    try {
      long[] out = new long[QuickJsNative.MEMORY_FIELDS];
      QuickJsNative.qjs_runtime_memory(rt, out);
      return out;
    } finally {
      entry.exit();
    }
  }

  /** Sets limits: memory in bytes (0 none), stack in bytes (0 the thread's), GC threshold. */
  public void setLimits(long memoryLimit, long maxStack, long gcThreshold) {
    long rt = entry.enter();
    try {
      QuickJsNative.qjs_runtime_set_limits(rt, memoryLimit, maxStack, gcThreshold);
    } finally {
      entry.exit();
    }
  }

  // ---------------------------------------------------------------- CPU profile and heap summary

  /** The frame names of the CPU profile recording now; null when none records (host calls ask). */
  public @Nullable HostFrameNames cpuProfileRecording() {
    return profiler.recording();
  }

  /** Starts a CPU profile sampling every intervalNanos; IllegalStateException when one records. */
  public void startCpuProfile(long intervalNanos) {
    long rt = entry.enter(NO_SETTINGS, true);
    try {
      profiler.start(rt, intervalNanos);
    } finally {
      entry.exit();
    }
  }

  /** Stops the CPU profile the API started; IllegalStateException when none records. */
  public ProfileData stopCpuProfile() {
    long rt = entry.enter(NO_SETTINGS, true);
    try {
      return profiler.stop(rt);
    } finally {
      entry.exit();
    }
  }

  /** A profile's position in the original source, when a source map says where it is. */
  private FramePositions.Position originalPosition(FramePositions.Position p) {
    PositionMapper m = diagnostics.mapper();
    if (m == null || p.line() < 1) {
      return p;
    }
    String name = p.column() > 0 ? m.functionName(p.file(), p.line(), p.column()) : null;
    PositionMapper.Original o = m.original(p.file(), p.line(), Math.max(p.column(), 1));
    if (o == null) {
      return name == null ? p : new FramePositions.Position(p.file(), p.line(), p.column(), name);
    }
    return new FramePositions.Position(o.file(), o.line(), p.column() > 0 ? o.column() : 0,
        name != null ? name : p.functionName());
  }

  /** How profile positions are mapped (source maps); identity by default. */
  public void mapProfilePositionsWith(FramePositions positions) {
    profiler.mapPositionsWith(positions);
  }

  /**
   * At an outermost call's start, under the lock: the {@code quickjs.cpuProfile} setting's value
   * (null: absent) starts or ends the profile it records.
   */
  public void cpuProfileSetting(@Nullable Object value) {
    if (profiler.settingChanges(value)) {
      profiler.setting(state.rt, value);
    }
  }

  /** The setting was removed: its profile's file is written now, unless a call runs (then at the next). */
  public void cpuProfileSettingRemoved() {
    if (profiler.settingChanges(null) && !state.lock.isLocked()) {
      long rt;
      try {
        rt = entry.enter(NO_SETTINGS, false);
      } catch (IllegalStateException closed) {
        return;
      }
      try {
        profiler.finishSetting(rt);
      } finally {
        entry.exit();
      }
    }
  }

  /** Before the native runtime is freed, under the lock: the setting's profile file is written. */
  void beforeFree(long rt) {
    debugger.runtimeEnded();
    try {
      profiler.finishSetting(rt);
    } catch (RuntimeException e) {
      java.io.Writer err = currentContext().getErrorWriter();
      if (err != null) {
        try {
          err.write(e.getMessage() + System.lineSeparator());
          err.flush();
        } catch (java.io.IOException ignored) {
          // nowhere left to say it
        }
      }
    }
  }

  /** The heap summary's groups, as the shim wrote them (see qjs_heap_summary), and the totals. */
  public HeapWalk heapSummary() {
    long rt = enterToInspect();
    try {
      QuickJsNative.qjs_runtime_gc(rt); // unreachable cycles are no part of what the heap holds
      int rc = QuickJsNative.qjs_heap_summary(rt);
      if (rc != QuickJsNative.OK) {
        throw new OutOfMemoryError("QuickJS could not summarize its heap");
      }
      java.nio.ByteBuffer out = mailbox.output();
      int n = out.getInt();
      java.util.List<HeapWalk.Group> groups = new java.util.ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        groups.add(new HeapWalk.Group(text(out), text(out), out.getLong(), out.getLong()));
      }
      long[] totals = new long[QuickJsNative.MEMORY_FIELDS];
      QuickJsNative.qjs_runtime_memory(rt, totals);
      return new HeapWalk(groups, totals);
    } finally {
      entry.exit();
    }
  }

  private static String text(java.nio.ByteBuffer in) {
    byte[] b = new byte[in.getInt()];
    in.get(b);
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A heap summary as read: groups of cells (kind, name, count, bytes) and QuickJS's totals. */
  public record HeapWalk(java.util.List<Group> groups, long[] totals) {
    public HeapWalk {
      groups = java.util.List.copyOf(groups);
      totals = totals.clone();
    }

    @Override
    public java.util.List<Group> groups() {
      return java.util.List.copyOf(groups); // the same immutable list
    }

    @Override
    public long[] totals() {
      return totals.clone();
    }

    /** Live cells of one kind and, for plain objects, one constructor name. */
    public record Group(String kind, String name, long count, long bytes) {}
  }
}
