package dev.qjs.internal.runtime;

import com.sun.jna.Pointer;
import dev.qjs.internal.async.AsyncBridge;
import dev.qjs.internal.async.EventLoop;
import dev.qjs.internal.bridge.Mailbox;
import dev.qjs.internal.bridge.QuickJsNative;
import dev.qjs.internal.codec.References;
import dev.qjs.internal.codec.ValueReader;
import dev.qjs.internal.codec.ValueWriter;
import dev.qjs.internal.interop.ArgumentConverter;
import dev.qjs.internal.interop.HostCalls;
import dev.qjs.internal.interop.HostMembers;
import dev.qjs.internal.interop.HostObjects;
import dev.qjs.internal.modules.ModuleRegistry;
import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.script.Bindings;
import javax.script.ScriptContext;
import javax.script.ScriptException;

/**
 * One QuickJS runtime: its native state, the lock every call takes, the realms, and the
 * operations the engine and the mirrors use (eval, invoke, get, set …). Every operation runs on
 * one template, {@link #call}: enter the lock, write the request, cross into the shim once, read
 * the result or throw the exception, leave. Any thread may call; calls are serialized by one
 * reentrant lock, and a JS → Java → JS re-entry on the same thread is allowed. The value
 * encoding is {@link ValueWriter}/{@link ValueReader}'s, failures are read by {@link
 * ExceptionReader}, host calls answered by {@link HostCalls}, and timers and promises handled by
 * {@link AsyncBridge}.
 *
 * <p>Lifetime: {@link #close()} frees everything at once. A runtime nobody can reach any more
 * (no engine, no mirror) is freed by a {@link Cleaner}; mirrors that become unreachable queue
 * their handle, and the queue is drained under the lock on the next call.
 */
public final class JsRuntime implements AutoCloseable {
  static final Cleaner CLEANER = Cleaner.create(daemonThreads("quickjs-cleaner"));
  private static final int EVAL_CACHE_MAX_CHARS = 64 * 1024;
  /** The file name of the engine's own helper scripts: never the place an error is reported at. */
  static final String INTERNAL_FILE = "<quickjs-jsr223>";
  /** A context without settings: the limits read for it are the engine's defaults. */
  private static final ScriptContext NO_SETTINGS = new javax.script.SimpleScriptContext();
  /** What an invoke's operation answers when the member is missing or not a function. */
  private static final Object NOT_A_FUNCTION = new Object();

  /** The Java global's script, given the host object behind it; see {@link HostMembers.JavaGlobal}. */
  private static final String JAVA_GLOBAL_INSTALLER =
      "(function (j) {\n"
          + "  const Java = Object.freeze({\n"
          + "    type: (name) => j.type(String(name)),\n"
          + "    from: (javaArrayOrList) => Array.from(javaArrayOrList),\n"
          + "    to: (array, type) => j.to(array, type === undefined ? 'java.lang.Object[]' : String(type)),\n"
          + "    isJavaObject: (x) => j.isJavaObject(x),\n"
          + "    isType: (x) => j.isType(x),\n"
          + "  });\n"
          + "  Object.defineProperty(globalThis, 'Java', {value: Java, writable: true, configurable: true});\n"
          + "})";

  private final NativeState state;
  private final Mailbox mailbox;
  private final HostObjects hosts = new HostObjects();
  private final Handles handles;
  private final ValueReader values;
  private final ExceptionReader errors;
  /** The request of the current call; shared by nested calls, each writes it anew. */
  private final ValueWriter in;
  private final HostCalls hostCalls;
  /** Timers, Java futures awaited by scripts, promises awaited by Java. */
  private final AsyncBridge async;
  private final EventLoop loop;
  private final ForeignRealms foreignRealms = new ForeignRealms();
  /** Realms by native address, for host callbacks that name the calling realm. */
  private final Map<Long, WeakReference<Realm>> realmsByAddress = new HashMap<>();
  /** Where import and require find modules. */
  private final ModuleRegistry modules;
  private final Supplier<ScriptContext> defaultContext;
  private final Predicate<String> classFilter;
  private final Function<ScriptContext, Limits> limits;
  /** The lender's deadline and time limit of each entry made on top of a lender's call. */
  private final ArrayDeque<long[]> borrowed = new ArrayDeque<>();

  private ScriptContext current;
  /** The file name of the script or module being evaluated: the referrer of require(). */
  private String currentFile;
  /** close() was called from another thread while a call ran: the call is being stopped. */
  private volatile boolean closing;
  /** close() was called inside a call; the outermost exit() frees the runtime. */
  private volatile boolean closeRequested;
  /** A JVM error that a host call threw during the current call; see {@link #stopForJvmError}. */
  private VirtualMachineError fatal;
  private long appliedMemoryLimit;
  private long appliedMaxStack;
  private long timeLimitNanos;
  /** Handles live at the last collection asked for: at most one per 64 new handles. */
  private int liveAtLastReclaim;

  public JsRuntime(
      MirrorFactory mirrors,
      Supplier<ScriptContext> defaultContext,
      Predicate<String> classFilter,
      Function<ScriptContext, Limits> limits,
      ModuleRegistry modules,
      Consumer<? super dev.qjs.JsException> uncaught) {
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
    this.handles = new Handles(this, state, mirrors, hosts, loop);
    this.values = new ValueReader(handles);
    this.errors = new ExceptionReader(this, values, hosts, mirrors, modules);
    this.in = new ValueWriter(handles, 16 << 10);
    this.hostCalls =
        new HostCalls(this, mailbox, handles, values, hosts, new ArgumentConverter(mirrors), loop, modules);
    hostCalls.register(token);
    state.accountMemory();
    CLEANER.register(this, state);
  }

  private static ThreadFactory daemonThreads(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
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
    if (state.rt == 0) {
      return;
    }
    if (state.lock.isLocked() && !state.lock.isRunningHere()) {
      closing = true;
      interrupt(); // another thread is running a script: stop it, then free the runtime
    }
    int kind = state.lock.acquire(true);
    try {
      if (kind != RuntimeLock.OUTERMOST) {
        // closed from inside one of our own calls (a host callback such as a Writer or a
        // GLOBAL_SCOPE look-up, or a thread that call waits for): native frames below still
        // use the runtime, so freeing it now would crash. The running script stops at its next
        // interrupt check, every later use fails, and the outermost call frees the runtime.
        closeRequested = true;
        closing = true;
        interrupt();
        return;
      }
      loop.close();
      state.free();
      hosts.clear();
    } finally {
      state.lock.release();
      if (kind == RuntimeLock.OUTERMOST) {
        loop.runCompletions();
      }
    }
  }

  /** Takes the lock and frees what the cleaner queued; every entry point starts here. */
  private long enter() {
    return enter(null, true);
  }

  /**
   * Takes the lock; on the outermost entry, applies the limits for the call's context (heap and
   * stack when they changed, the deadline and a cleared interrupt flag in the mailbox, which
   * the shim's interrupt handler reads: no Java upcall on that path). An entry made on top of
   * a lender's call (another thread's, parked in a host call) runs under its own time limit
   * and the lender's, whichever ends first.
   */
  private long enter(ScriptContext context, boolean mayBorrow) {
    int kind;
    try {
      kind = state.lock.acquire(mayBorrow);
    } catch (RuntimeLock.WaitRefused refused) {
      throw new IllegalStateException(refused.getMessage());
    }
    long rt = state.rt;
    if (rt == 0 || closeRequested) {
      state.lock.release();
      throw new IllegalStateException(
          "this QuickJS engine is closed; create a new engine to run more scripts");
    }
    if (kind != RuntimeLock.NESTED) {
      try {
        Limits l = limits.apply(context != null ? context : currentContext());
        if (kind == RuntimeLock.OUTERMOST) {
          if (l.memoryLimit() != appliedMemoryLimit || l.maxStack() != appliedMaxStack) {
            QuickJsNative.qjs_runtime_set_limits(rt, l.memoryLimit(), l.maxStack(), 0);
            appliedMemoryLimit = l.memoryLimit();
            appliedMaxStack = l.maxStack();
          }
          timeLimitNanos = l.timeoutNanos();
          fatal = null;
          mailbox.setVolatile(QuickJsNative.MB_INTERRUPT, 0L);
          mailbox.setVolatile(QuickJsNative.MB_DEADLINE,
              timeLimitNanos > 0 ? System.nanoTime() + timeLimitNanos : 0L);
        } else {
          long lenderDeadline = mailbox.getVolatile(QuickJsNative.MB_DEADLINE);
          borrowed.push(new long[] {lenderDeadline, timeLimitNanos});
          long own = l.timeoutNanos() > 0 ? System.nanoTime() + l.timeoutNanos() : 0L;
          if (own != 0 && (lenderDeadline == 0 || own - lenderDeadline < 0)) {
            timeLimitNanos = l.timeoutNanos();
            mailbox.setVolatile(QuickJsNative.MB_DEADLINE, own);
          }
        }
      } catch (RuntimeException | Error e) {
        state.lock.release();
        throw e;
      }
    }
    freeQueued(rt);
    return rt;
  }

  private void exit() {
    int kind = state.lock.releaseKind();
    boolean outermost = kind == RuntimeLock.OUTERMOST;
    if (outermost && state.rt != 0 && !closeRequested) {
      async.endOfCall(state.rt);
    }
    if (outermost) {
      releaseHostObjects();
      reclaimNearMemoryLimit();
      mailbox.setVolatile(QuickJsNative.MB_DEADLINE, 0L);
    } else if (kind == RuntimeLock.BORROWED) {
      long[] lender = borrowed.pop();
      mailbox.setVolatile(QuickJsNative.MB_DEADLINE, lender[0]);
      timeLimitNanos = lender[1];
    }
    state.accountMemory();
    if (closeRequested && outermost) {
      loop.close();
      state.free();
      hosts.clear();
    }
    state.lock.release();
    if (outermost) {
      loop.runCompletions();
    }
  }

  /**
   * A host call threw a JVM error (StackOverflowError, OutOfMemoryError): the call is stopped at
   * its next interrupt check whatever the script catches, and its caller gets the error itself.
   */
  public void stopForJvmError(VirtualMachineError e) {
    fatal = e;
    interrupt();
  }

  private void throwFatal() {
    VirtualMachineError e = fatal;
    if (e != null) {
      fatal = null;
      throw e;
    }
  }

  /** Stops the script running now, if any, from any thread: it fails with an interruption. */
  public void interrupt() {
    if (state.rt != 0) {
      mailbox.setVolatile(QuickJsNative.MB_INTERRUPT, 1L);
    }
  }

  /**
   * Runs a host call's Java code with the runtime lent: while this thread is parked there, other
   * threads may enter on top of its call (see {@link RuntimeLock}). Nothing of the runtime's own
   * state may be touched inside: arguments are decoded before and the reply encoded after.
   */
  public <T> T lent(Supplier<T> javaCode) {
    int previous = state.lock.lend();
    try {
      return javaCode.get();
    } finally {
      state.lock.unlend(previous);
    }
  }

  /**
   * Gives back the counts of Java objects whose JavaScript wrappers died (or were reused) during
   * the call that is ending. Done only at the outermost exit: a result that names a Java object
   * may be encoded in the moment its wrapper is freed, and Java decodes it after the call.
   */
  private void releaseHostObjects() {
    int n = (int) mailbox.get(QuickJsNative.MB_RELEASED_COUNT);
    if (n <= 0 || state.rt == 0) {
      return;
    }
    long ptr = mailbox.get(QuickJsNative.MB_RELEASED_PTR);
    int[] ids = new Pointer(ptr).getIntArray(0, n);
    mailbox.put(QuickJsNative.MB_RELEASED_COUNT, 0);
    for (int id : ids) {
      hosts.release(id);
    }
  }

  private void freeQueued(long rt) {
    if (!state.deadHandles.isEmpty()) {
      List<Long> batch = new ArrayList<>();
      for (Long h; (h = state.deadHandles.poll()) != null; ) {
        batch.add(h);
      }
      long[] arr = new long[batch.size()];
      for (int i = 0; i < arr.length; i++) {
        arr[i] = batch.get(i);
      }
      QuickJsNative.qjs_handles_free(rt, arr, arr.length);
    }
    for (Long r; (r = state.deadRealms.poll()) != null; ) {
      QuickJsNative.qjs_realm_free(rt, r);
      realmsByAddress.remove(r);
      loop.forgetRealm(r);
    }
  }

  /**
   * A call ran out of heap while Java holds many handles: some are probably garbage (a caller's
   * dropped exceptions pin their Error objects), and only the Java collector can tell. Ask for a
   * collection; the cleaner queues what it finds and the next call frees it.
   */
  void reclaimAfterMemoryLimit() {
    int live = state.liveHandles.get();
    if (live > 64 && live >= liveAtLastReclaim + 64) {
      liveAtLastReclaim = live;
      System.gc();
      // give the cleaner a moment to queue what the collection found (as NativeMemory does),
      // then free it now, under this lock, before the next call needs the room
      for (int i = 0; i < 20 && state.liveHandles.get() >= live; i++) {
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (state.rt != 0) {
        freeQueued(state.rt);
      }
    }
  }

  /**
   * After a call, when the heap is three quarters full under a memory limit and Java holds many
   * more handles than at the last check, the same collection, before the limit is hit.
   */
  private void reclaimNearMemoryLimit() {
    if (appliedMemoryLimit > 0
        && mailbox.get(QuickJsNative.MB_MALLOC_SIZE) > appliedMemoryLimit / 4 * 3) {
      reclaimAfterMemoryLimit();
    } else if (state.liveHandles.get() < liveAtLastReclaim) {
      liveAtLastReclaim = state.liveHandles.get();
    }
  }

  /**
   * Runs an action under the lock with the given context as the current one. It waits for the
   * running call, if any, to end: an engine-level call (eval, invokeFunction …) never runs inside
   * another thread's call.
   */
  public <T> T locked(ScriptContext context, Action<T> action)
      throws ScriptException, NoSuchMethodException {
    return locked(context, false, action);
  }

  /**
   * Runs a callback (a script function called through a Java interface: a functional proxy, an
   * {@code Invocable.getInterface} proxy) under the lock. While another thread's call is parked in
   * a host call, the callback runs on top of it: that call's Java code is most likely waiting
   * for exactly this callback (a parallel stream, an executor, a future). See {@link RuntimeLock}.
   */
  public <T> T lockedForCallback(ScriptContext context, Action<T> action)
      throws ScriptException, NoSuchMethodException {
    return locked(context, true, action);
  }

  /**
   * Runs an action under the lock; without mayBorrow it never runs on top of another thread's
   * call (timers and settlements are queued events: they wait for the running call to end).
   */
  public <T> T locked(ScriptContext context, boolean mayBorrow, Action<T> action)
      throws ScriptException, NoSuchMethodException {
    enter(context, mayBorrow);
    ScriptContext saved = current;
    current = context != null ? context : current;
    try {
      return action.run();
    } finally {
      current = saved;
      exit();
    }
  }

  /** Work done under the runtime's lock. */
  @FunctionalInterface
  public interface Action<T> {
    T run() throws ScriptException, NoSuchMethodException;
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
  public Realm realmAt(long address) {
    WeakReference<Realm> ref = realmsByAddress.get(address);
    return ref == null ? null : ref.get();
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

  public EventLoop eventLoop() {
    return loop;
  }

  /** The script or module being evaluated, the referrer of a require() made outside a module. */
  public String currentFile() {
    return currentFile;
  }

  boolean stopRequested() {
    return state.stopRequested();
  }

  boolean interruptFlagSet() {
    return mailbox.getVolatile(QuickJsNative.MB_INTERRUPT) != 0;
  }

  boolean isClosing() {
    return closing;
  }

  long timeLimitNanos() {
    return timeLimitNanos;
  }

  long memoryLimit() {
    return appliedMemoryLimit;
  }

  HostObjects hostObjects() {
    return hosts;
  }

  /** The handle of a mirror or promise future of this runtime; null for any other value. */
  JsHandle handleOf(Object value) {
    return handles.handle(value);
  }

  // ---------------------------------------------------------------- the call template

  /**
   * One operation: writes its request (operands a to d; unused ones are null) with {@link
   * #request}, crosses into the shim and reads what it answered with {@link #result}. The
   * operations are private methods referenced as {@code JsRuntime::name}: no call allocates one.
   */
  @FunctionalInterface
  private interface Operation {
    Object run(JsRuntime self, long rt, Realm realm, Object a, Object b, Object c, Object d)
        throws ScriptException;
  }

  /**
   * The call template: enters the lock (freeing what the cleaner queued, applying the limits),
   * runs the operation, leaves (the end-of-call work, the current file restored).
   */
  private Object call(Realm realm, Operation op, Object a, Object b, Object c, Object d)
      throws ScriptException {
    long rt = enter();
    String savedFile = currentFile;
    try {
      return op.run(this, rt, realm, a, b, c, d);
    } finally {
      currentFile = savedFile;
      exit();
    }
  }

  /** The value the call answered, or its exception thrown. */
  private Object result(int rc, Realm realm, String fileName) throws ScriptException {
    if (rc == QuickJsNative.BAD_INPUT) {
      throw new IllegalArgumentException("the QuickJS shim rejected a malformed request");
    }
    if (rc == QuickJsNative.OUT_OF_MEMORY) {
      throw new OutOfMemoryError("the result could not be encoded: native memory exhausted");
    }
    return decodeResult(rc, mailbox.output(), realm, fileName);
  }

  private Object decodeResult(int rc, ByteBuffer out, Realm realm, String fileName)
      throws ScriptException {
    if (rc == QuickJsNative.OK) {
      Object value = values.read(out, realm);
      throwFatal(); // the script caught the JVM error before its next interrupt check
      return value;
    }
    if (rc == QuickJsNative.EXCEPTION) {
      throwFatal();
      throw errors.read(out, realm, fileName);
    }
    return result(rc, realm, fileName);
  }

  // ---------------------------------------------------------------- realms

  /** A new realm: a fresh global object with ECMAScript's built-ins, print and console. */
  public Realm newRealm() {
    long rt = enter();
    // making a global object is the engine's own work, not a script's: no time limit applies
    // (on a slow or busy machine it can take longer than a few milliseconds' limit)
    long deadline = mailbox.getVolatile(QuickJsNative.MB_DEADLINE);
    mailbox.setVolatile(QuickJsNative.MB_DEADLINE, 0L);
    try {
      long ptr = QuickJsNative.qjs_realm_new(rt);
      if (ptr == 0) {
        if (appliedMemoryLimit > 0) {
          throw new IllegalStateException("QuickJS could not create a global object within the memory limit of "
              + appliedMemoryLimit + " bytes (" + mailbox.get(QuickJsNative.MB_MALLOC_SIZE)
              + " in use): raise the limit");
        }
        throw new OutOfMemoryError("QuickJS could not create a realm: native memory exhausted");
      }
      Realm realm = new Realm(this, ptr);
      realmsByAddress.put(ptr, new WeakReference<>(realm));
      ConcurrentLinkedQueue<Long> dead = state.deadRealms;
      CLEANER.register(realm, () -> dead.add(ptr));
      if (classFilter != null) {
        installJavaGlobal(realm);
      }
      return realm;
    } finally {
      mailbox.setVolatile(QuickJsNative.MB_DEADLINE, deadline);
      exit();
    }
  }

  private void installJavaGlobal(Realm realm) {
    try {
      Object installer = eval(realm, JAVA_GLOBAL_INSTALLER, INTERNAL_FILE);
      invoke(realm, handleOf(installer), null, null,
          new Object[] {new HostMembers.JavaGlobal(classFilter)});
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
    if (bindings instanceof RealmBindings rb && rb.realm().runtime() == this) {
      return rb.realm();
    }
    Realm realm = foreignRealms.get(bindings);
    if (realm == null) {
      realm = newRealm();
      foreignRealms.put(bindings, realm);
    }
    return realm;
  }

  /** Copies foreign bindings into their realm's global object (one crossing). */
  public void syncIn(Realm realm, Bindings bindings) throws ScriptException {
    if (bindings instanceof RealmBindings rb && rb.realm() == realm) {
      return;
    }
    call(realm, JsRuntime::syncInOp, bindings, null, null, null);
  }

  private Object syncInOp(long rt, Realm realm, Object foreign, Object b, Object c, Object d)
      throws ScriptException {
    Bindings bindings = (Bindings) foreign;
    // names the Java side removed since the last call must stop being globals
    for (String k : entries(realm, null, false).keySet()) {
      if (!k.isEmpty() && !RealmBindings.isHostKey(k) && !bindings.containsKey(k)) {
        delete(realm, null, k);
      }
    }
    ValueWriter w = request().undefined();
    int countAt = w.length();
    w.i32(0);
    int count = 0;
    for (Map.Entry<String, Object> e : bindings.entrySet()) {
      if (e.getKey() == null || RealmBindings.isHostKey(e.getKey())) {
        continue;
      }
      w.string(e.getKey()).value(e.getValue());
      count++;
    }
    w.buffer().putInt(countAt, count);
    return result(QuickJsNative.qjs_set_many(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  /** Copies a realm's global variables back into foreign bindings (one crossing). */
  public void syncOut(Realm realm, Bindings bindings) throws ScriptException {
    if (bindings instanceof RealmBindings rb && rb.realm() == realm) {
      return;
    }
    Map<String, Object> globals = entries(realm, null, true);
    List<String> gone = new ArrayList<>();
    for (String k : bindings.keySet()) {
      if (k != null && !RealmBindings.isHostKey(k) && !globals.containsKey(k)) {
        gone.add(k);
      }
    }
    try {
      for (String k : gone) {
        bindings.remove(k);
      }
      for (Map.Entry<String, Object> e : globals.entrySet()) {
        String k = e.getKey();
        // "" is a property name but no valid Bindings key (SimpleBindings rejects it); only
        // what changed is written, so bindings over a read-only map work while a script does
        // not define globals
        if (!k.isEmpty() && !RealmBindings.isHostKey(k)
            && !(bindings.containsKey(k) && sameValue(bindings.get(k), e.getValue()))) {
          bindings.put(k, e.getValue());
        }
      }
    } catch (UnsupportedOperationException readOnly) {
      // bindings over an unmodifiable map: the script's globals stay in the realm kept for them
    }
  }

  private static boolean sameValue(Object a, Object b) {
    return a == b || (a != null && a.equals(b));
  }

  // ---------------------------------------------------------------- evaluation

  private static byte[] cString(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    byte[] z = new byte[b.length + 1];
    System.arraycopy(b, 0, z, 0, b.length);
    return z;
  }

  /**
   * The eval cache's key. A class rather than a record: a record's equals and hashCode are
   * bootstrapped through invokedynamic on first use, about 8 ms of every cold start.
   */
  private static final class EvalKey {
    private final String fileName;
    private final String source;
    private final int hash;

    EvalKey(String fileName, String source) {
      this.fileName = fileName;
      this.source = source;
      this.hash = fileName.hashCode() * 31 + source.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof EvalKey k && k.hash == hash && k.source.equals(source)
          && k.fileName.equals(fileName);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /**
   * Evaluates an ES module named fileName in a realm: its namespace (a JsObject), or, while a
   * top-level await waits, a CompletableFuture of the namespace.
   */
  public Object evalModule(Realm realm, String source, String fileName) throws ScriptException {
    modules.remember(fileName, source);
    return call(realm, JsRuntime::evalModuleOp, source, fileName, null, null);
  }

  private Object evalModuleOp(long rt, Realm realm, Object source, Object file, Object c, Object d)
      throws ScriptException {
    String fileName = (String) file;
    currentFile = fileName;
    ValueWriter w = request().source((String) source);
    int rc = QuickJsNative.qjs_eval(
        rt, realm.pointer(), w.address(), w.length(), cString(fileName), QuickJsNative.EVAL_MODULE);
    if (rc != QuickJsNative.PENDING) {
      return result(rc, realm, fileName);
    }
    ByteBuffer out = mailbox.output();
    Object evaluation = values.read(out, realm);
    Object namespace = values.read(out, realm);
    if (evaluation instanceof java.util.concurrent.CompletableFuture<?> f) {
      return f.thenApply(done -> namespace);
    }
    return namespace;
  }

  /** Evaluates a script in a realm; repeated sources reuse their bytecode. */
  public Object eval(Realm realm, String source, String fileName) throws ScriptException {
    modules.remember(fileName, source);
    return call(realm, JsRuntime::evalOp, source, fileName, null, null);
  }

  private Object evalOp(long rt, Realm realm, Object text, Object file, Object c, Object d)
      throws ScriptException {
    String source = (String) text;
    String fileName = (String) file;
    currentFile = fileName;
    boolean cacheable = source.length() <= EVAL_CACHE_MAX_CHARS;
    EvalKey key = cacheable ? new EvalKey(fileName, source) : null;
    JsHandle cached = key != null ? realm.evalCache().get(key) : null;
    if (cached != null) {
      return result(QuickJsNative.qjs_eval_bytecode(rt, realm.pointer(), cached.pointer()), realm, fileName);
    }
    ValueWriter w = request().source(source);
    int rc =
        QuickJsNative.qjs_eval(
            rt,
            realm.pointer(),
            w.address(),
            w.length(),
            cString(fileName),
            cacheable ? QuickJsNative.EVAL_KEEP_BYTECODE : 0);
    if (key == null || rc < 0) {
      return result(rc, realm, fileName);
    }
    ByteBuffer out = mailbox.output();
    if (out.get() == 1) {
      long handle = out.getLong();
      realm.evalCache().put(key, handles.newHandle(realm, handle, 0, QuickJsNative.KIND_BYTECODE));
    }
    return decodeResult(rc, out, realm, fileName);
  }

  /** Compiles without running: the handle of the bytecode, bound to this realm. */
  public JsHandle compile(Realm realm, String source, String fileName) throws ScriptException {
    return (JsHandle) call(realm, JsRuntime::compileOp, source, fileName, null, null);
  }

  private Object compileOp(long rt, Realm realm, Object source, Object fileName, Object c, Object d)
      throws ScriptException {
    ValueWriter w = request().source((String) source);
    int rc = QuickJsNative.qjs_eval(
        rt, realm.pointer(), w.address(), w.length(), cString((String) fileName), QuickJsNative.EVAL_COMPILE_ONLY);
    return result(rc, realm, (String) fileName);
  }

  /** Serializes compiled bytecode so that another realm can read it. */
  public byte[] serialize(Realm realm, JsHandle bytecode) throws ScriptException {
    return (byte[]) call(realm, JsRuntime::serializeOp, bytecode, null, null, null);
  }

  private Object serializeOp(long rt, Realm realm, Object bytecode, Object b, Object c, Object d)
      throws ScriptException {
    int rc = QuickJsNative.qjs_bytecode_write(rt, realm.pointer(), ((JsHandle) bytecode).pointer());
    if (rc != QuickJsNative.OK) {
      result(rc, realm, null);
    }
    ByteBuffer out = mailbox.output();
    byte[] bytes = new byte[out.remaining()];
    out.get(bytes);
    return bytes;
  }

  /** Reads serialized bytecode into a realm. */
  public JsHandle deserialize(Realm realm, byte[] bytecode) throws ScriptException {
    return (JsHandle) call(realm, JsRuntime::deserializeOp, bytecode, null, null, null);
  }

  private Object deserializeOp(long rt, Realm realm, Object bytecode, Object b, Object c, Object d)
      throws ScriptException {
    ValueWriter w = request().bytes((byte[]) bytecode);
    return result(QuickJsNative.qjs_bytecode_read(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  public Object evalBytecode(Realm realm, JsHandle bytecode, String fileName) throws ScriptException {
    return call(realm, JsRuntime::evalBytecodeOp, bytecode, fileName, null, null);
  }

  private Object evalBytecodeOp(long rt, Realm realm, Object bytecode, Object fileName, Object c, Object d)
      throws ScriptException {
    return result(
        QuickJsNative.qjs_eval_bytecode(rt, realm.pointer(), ((JsHandle) bytecode).pointer()), realm, (String) fileName);
  }

  // ---------------------------------------------------------------- objects and functions

  /**
   * Calls {@code target[name](args)} (target null: the realm's global object), or, when name is
   * null, calls target itself with {@code thiz}. Throws NoSuchMethodException when the member is
   * missing or not a function.
   */
  public Object invoke(Realm realm, JsHandle target, Object thiz, String name, Object[] args)
      throws ScriptException, NoSuchMethodException {
    Object result = call(realm, JsRuntime::invokeOp, target, thiz, name, args);
    if (result == NOT_A_FUNCTION) {
      throw new NoSuchMethodException(
          name == null ? "the value is not a function" : "no function named '" + name + "'");
    }
    return result;
  }

  private Object invokeOp(long rt, Realm realm, Object target, Object thiz, Object name, Object arguments)
      throws ScriptException {
    ValueWriter w = request();
    if (target == null) {
      w.undefined();
    } else {
      w.handle(((JsHandle) target).pointer());
    }
    if (thiz == null) {
      w.undefined();
    } else {
      w.value(thiz);
    }
    if (name == null) {
      w.undefined();
    } else {
      w.string((String) name);
    }
    Object[] args = (Object[]) arguments;
    w.i32(args.length);
    for (Object a : args) {
      w.value(a);
    }
    int rc = QuickJsNative.qjs_invoke(rt, realm.pointer(), w.address(), w.length());
    if (rc == QuickJsNative.NOT_FUNCTION) {
      return NOT_A_FUNCTION;
    }
    return result(rc, realm, null);
  }

  /** The request's [target or undefined for the global object][key] start. */
  private ValueWriter targetAndKey(Object target, Object key) {
    ValueWriter w = request();
    if (target == null) {
      w.undefined();
    } else {
      w.handle(((JsHandle) target).pointer());
    }
    if (key instanceof Integer i) {
      w.value(i);
    } else {
      w.string(String.valueOf(key));
    }
    return w;
  }

  private static int flag(Object b) {
    return b == Boolean.TRUE ? 1 : 0;
  }

  private static Boolean flag(boolean b) {
    return b ? Boolean.TRUE : Boolean.FALSE;
  }

  /** {@code target[key]}; target null means the realm's global object. */
  public Object get(Realm realm, JsHandle target, Object key) throws ScriptException {
    return get(realm, target, key, false);
  }

  /** {@code target[key]}, or with {@code own} only an own property (else null). */
  public Object get(Realm realm, JsHandle target, Object key, boolean own) throws ScriptException {
    return call(realm, JsRuntime::getOp, target, key, flag(own), null);
  }

  private Object getOp(long rt, Realm realm, Object target, Object key, Object own, Object d)
      throws ScriptException {
    ValueWriter w = targetAndKey(target, key).u8(flag(own));
    return result(QuickJsNative.qjs_get(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  /** {@code target[key] = value}; returns the previous value when asked. */
  public Object set(Realm realm, JsHandle target, Object key, Object value, boolean wantOld)
      throws ScriptException {
    return call(realm, JsRuntime::setOp, target, key, value, flag(wantOld));
  }

  private Object setOp(long rt, Realm realm, Object target, Object key, Object value, Object wantOld)
      throws ScriptException {
    ValueWriter w = targetAndKey(target, key).value(value).u8(flag(wantOld));
    return result(QuickJsNative.qjs_set(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  /** {@code delete target[key]}; a global {@code var} that cannot be deleted becomes undefined. */
  public boolean delete(Realm realm, JsHandle target, Object key) throws ScriptException {
    return (Boolean) call(realm, JsRuntime::deleteOp, target, key, null, null);
  }

  private Object deleteOp(long rt, Realm realm, Object target, Object key, Object c, Object d)
      throws ScriptException {
    ValueWriter w = targetAndKey(target, key);
    return result(QuickJsNative.qjs_delete(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  /** Own property (own = true) or {@code key in target}. */
  public boolean has(Realm realm, JsHandle target, Object key, boolean own) throws ScriptException {
    return (Boolean) call(realm, JsRuntime::hasOp, target, key, flag(own), null);
  }

  private Object hasOp(long rt, Realm realm, Object target, Object key, Object own, Object d)
      throws ScriptException {
    ValueWriter w = targetAndKey(target, key).u8(flag(own));
    return result(QuickJsNative.qjs_has(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  /** Own enumerable string-keyed properties, in order, with their values when asked. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> entries(Realm realm, JsHandle target, boolean withValues)
      throws ScriptException {
    return (Map<String, Object>) call(realm, JsRuntime::entriesOp, target, flag(withValues), null, null);
  }

  private Object entriesOp(long rt, Realm realm, Object target, Object withValues, Object c, Object d)
      throws ScriptException {
    ValueWriter w = request();
    if (target == null) {
      w.undefined();
    } else {
      w.handle(((JsHandle) target).pointer());
    }
    w.u8(flag(withValues));
    int rc = QuickJsNative.qjs_entries(rt, realm.pointer(), w.address(), w.length());
    if (rc != QuickJsNative.OK) {
      result(rc, realm, null);
    }
    ByteBuffer out = mailbox.output();
    int n = out.getInt();
    Map<String, Object> map = new LinkedHashMap<>(Math.max(4, n * 2));
    for (int i = 0; i < n; i++) {
      String k = (String) values.read(out, realm);
      map.put(k, withValues == Boolean.TRUE ? values.read(out, realm) : null);
    }
    return map;
  }

  /**
   * A deep copy of a value as plain Java data, read in one crossing: objects become
   * {@code LinkedHashMap}s of their own enumerable properties, arrays {@code ArrayList}s, shared
   * and cyclic parts stay shared and cyclic; functions, symbols and Java objects stay themselves.
   */
  public Object toJava(Realm realm, Object value) throws ScriptException {
    return call(realm, JsRuntime::toJavaOp, value, null, null, null);
  }

  private Object toJavaOp(long rt, Realm realm, Object value, Object b, Object c, Object d)
      throws ScriptException {
    ValueWriter w = request().value(value);
    int rc = QuickJsNative.qjs_to_java(rt, realm.pointer(), w.address(), w.length());
    if (rc != QuickJsNative.OK) {
      return result(rc, realm, null);
    }
    return values.readDeep(mailbox.output(), realm);
  }

  /** JSON.stringify(value, null, space) in one crossing; null when JSON cannot show the value. */
  public String toJson(Realm realm, Object value, Object space) throws ScriptException {
    return (String) call(realm, JsRuntime::toJsonOp, value, space, null, null);
  }

  private Object toJsonOp(long rt, Realm realm, Object value, Object space, Object c, Object d)
      throws ScriptException {
    ValueWriter w = request().value(value).value(space);
    return result(QuickJsNative.qjs_to_json(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  /** JSON.parse(text) in one crossing: the value, or a SyntaxError. */
  public Object parseJson(Realm realm, String text) throws ScriptException {
    return call(realm, JsRuntime::parseJsonOp, text, null, null, null);
  }

  private Object parseJsonOp(long rt, Realm realm, Object text, Object b, Object c, Object d)
      throws ScriptException {
    ValueWriter w = request().json((String) text);
    return result(QuickJsNative.qjs_echo(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  /** JavaScript's ToString of a value. */
  public String toJsString(Realm realm, Object value) throws ScriptException {
    return (String) call(realm, JsRuntime::toJsStringOp, value, null, null, null);
  }

  private Object toJsStringOp(long rt, Realm realm, Object value, Object b, Object c, Object d)
      throws ScriptException {
    ValueWriter w = request().value(value);
    return result(QuickJsNative.qjs_to_string(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  // ---------------------------------------------------------------- the runtime itself

  /** Runs QuickJS's garbage collector. */
  public void collectGarbage() {
    long rt = enter();
    try {
      QuickJsNative.qjs_runtime_gc(rt);
    } finally {
      exit();
    }
  }

  /** QuickJS's memory statistics, in JSMemoryUsage order. */
  public long[] memoryUsage() {
    long rt;
    try {
      rt = enter();
    } catch (IllegalArgumentException badSetting) {
      // a bad setting in a caller's own Bindings (checked when a call reads it) fails calls, not this
      rt = enter(NO_SETTINGS, true);
    }
    try {
      long[] out = new long[26];
      QuickJsNative.qjs_runtime_memory(rt, out);
      return out;
    } finally {
      exit();
    }
  }

  /** Sets limits: memory in bytes (0 none), stack in bytes (0 the thread's), GC threshold. */
  public void setLimits(long memoryLimit, long maxStack, long gcThreshold) {
    long rt = enter();
    try {
      QuickJsNative.qjs_runtime_set_limits(rt, memoryLimit, maxStack, gcThreshold);
    } finally {
      exit();
    }
  }
}
