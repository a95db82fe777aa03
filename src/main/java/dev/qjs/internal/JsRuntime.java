package dev.qjs.internal;

import com.sun.jna.Pointer;
import dev.qjs.ModuleNotFoundException;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.script.Bindings;
import javax.script.ScriptContext;
import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/**
 * One QuickJS runtime: its native state, the lock every call takes, the value encoding in both
 * directions, the Java objects JavaScript holds, and the host callbacks. Any thread may call;
 * calls are serialized by one reentrant lock, and a JS → Java → JS re-entry on the same thread
 * is allowed.
 *
 * <p>Lifetime: {@link #close()} frees everything at once. A runtime nobody can reach any more
 * (no engine, no mirror) is freed by a {@link Cleaner}; mirrors that become unreachable queue
 * their handle, and the queue is drained under the lock on the next call.
 */
public final class JsRuntime implements AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create(daemonThreads("quickjs-cleaner"));
  private static final Map<Integer, WeakReference<JsRuntime>> BY_TOKEN = new ConcurrentHashMap<>();
  private static final AtomicInteger TOKENS = new AtomicInteger();
  private static final QuickJsNative.HostFunction HOST = JsRuntime::dispatch;
  private static final Pattern FRAME =
      Pattern.compile("^\\s*at (?:.*? \\()?(.+?):(\\d+)(?::(\\d+))?\\)?\\s*$");
  private static final int EVAL_CACHE_MAX_CHARS = 64 * 1024;

  private final NativeState state;
  private final MirrorFactory mirrors;
  private final HostObjects hosts = new HostObjects();
  private final ValueWriter in;
  private final ValueWriter reply;
  private final ByteBuffer mailbox;
  private final ForeignRealms foreignRealms = new ForeignRealms();
  private final HostMembers members;
  /** Realms by native address, for host callbacks that name the calling realm. */
  private final Map<Long, WeakReference<Realm>> realmsByAddress = new java.util.HashMap<>();
  private final Supplier<ScriptContext> defaultContext;
  private @Nullable ByteBuffer outView;
  private long outViewAddress;
  private @Nullable ScriptContext current;
  /** close() was called from another thread while a call ran: the call is being stopped. */
  private volatile boolean closing;

  /** close() was called inside a call; the outermost exit() frees the runtime. */
  private volatile boolean closeRequested;

  /** Timers, Java futures awaited by scripts, promises awaited by Java. */
  private final EventLoop loop = new EventLoop(this);
  /** Where import and require find modules. */
  private final ModuleRegistry modules;
  /** Receives uncaught script errors; null: the context's error writer. */
  private final java.util.function.@Nullable Consumer<? super dev.qjs.JsException> uncaughtHandler;
  /** The file name of the script or module being evaluated: the referrer of require(). */
  private @Nullable String currentFile;

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

  /** The file name of the engine's own helper scripts: never the place an error is reported at. */
  private static final String INTERNAL_FILE = "<quickjs-jsr223>";

  private final java.util.function.@Nullable Predicate<String> classFilter;

  private final java.util.function.Function<ScriptContext, Limits> limits;
  private long appliedMemoryLimit;
  private long appliedMaxStack;
  private long timeLimitNanos;

  public JsRuntime(
      MirrorFactory mirrors,
      Supplier<ScriptContext> defaultContext,
      java.util.function.@Nullable Predicate<String> classFilter,
      java.util.function.Function<ScriptContext, Limits> limits,
      ModuleRegistry modules,
      java.util.function.@Nullable Consumer<? super dev.qjs.JsException> uncaught) {
    QuickJsNative.ensureLoaded();
    NativeMemory.beforeAllocation();
    this.mirrors = mirrors;
    this.members = new HostMembers(new ArgumentConverter(mirrors));
    this.classFilter = classFilter;
    this.limits = limits;
    this.defaultContext = defaultContext;
    this.modules = modules;
    this.uncaughtHandler = uncaught;
    this.mailbox =
        ByteBuffer.allocateDirect(QuickJsNative.MB_SLOTS * 8).order(ByteOrder.nativeOrder());
    this.in = new ValueWriter(this, 16 << 10);
    this.reply = new ValueWriter(this, 4 << 10);
    int token = TOKENS.incrementAndGet();
    long rt = QuickJsNative.qjs_runtime_new(mailbox, HOST, token);
    if (rt == 0) {
      throw new OutOfMemoryError("QuickJS could not create a runtime");
    }
    this.state = new NativeState(rt, token, mailbox);
    BY_TOKEN.put(token, new WeakReference<>(this));
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

  /** Native state shared with the cleaner; holds no reference to the runtime object. */
  private static final class NativeState implements Runnable {
    final RuntimeLock lock;
    final int token;
    final ByteBuffer mailbox; // written by native code until the runtime is freed
    final ConcurrentLinkedQueue<Long> deadHandles = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Long> deadRealms = new ConcurrentLinkedQueue<>();
    final java.util.concurrent.atomic.AtomicInteger liveHandles = new java.util.concurrent.atomic.AtomicInteger();
    volatile long rt;
    long accounted;

    NativeState(long rt, int token, ByteBuffer mailbox) {
      this.rt = rt;
      this.token = token;
      this.mailbox = mailbox;
      this.lock = new RuntimeLock("QuickJS engine #" + token, this::stopRequested);
    }

    /** The current call is being stopped: its interrupt flag is set or its deadline passed. */
    boolean stopRequested() {
      if (rt == 0) {
        return true;
      }
      if ((long) MAILBOX_SLOT.getVolatile(mailbox, QuickJsNative.MB_INTERRUPT * 8) != 0) {
        return true;
      }
      long deadline = (long) MAILBOX_SLOT.getVolatile(mailbox, QuickJsNative.MB_DEADLINE * 8);
      return deadline != 0 && System.nanoTime() - deadline >= 0;
    }

    void accountMemory() {
      long now = mailbox.getLong(QuickJsNative.MB_MALLOC_SIZE * 8);
      NativeMemory.add(now - accounted);
      accounted = now;
    }

    @Override
    public void run() {
      lock.acquire(false);
      try {
        free();
      } finally {
        lock.release();
      }
    }

    /** Frees the native runtime; called under the lock. */
    void free() {
      if (rt != 0) {
        QuickJsNative.qjs_runtime_free(rt);
        rt = 0;
        NativeMemory.add(-accounted);
        accounted = 0;
        BY_TOKEN.remove(token);
        deadHandles.clear();
        deadRealms.clear();
      }
    }
  }

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
  private long enter(@Nullable ScriptContext context, boolean mayBorrow) {
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
          MAILBOX_SLOT.setVolatile(mailbox, QuickJsNative.MB_INTERRUPT * 8, 0L);
          MAILBOX_SLOT.setVolatile(mailbox, QuickJsNative.MB_DEADLINE * 8,
              timeLimitNanos > 0 ? System.nanoTime() + timeLimitNanos : 0L);
        } else {
          long lenderDeadline = (long) MAILBOX_SLOT.getVolatile(mailbox, QuickJsNative.MB_DEADLINE * 8);
          borrowed.push(new long[] {lenderDeadline, timeLimitNanos});
          long own = l.timeoutNanos() > 0 ? System.nanoTime() + l.timeoutNanos() : 0L;
          if (own != 0 && (lenderDeadline == 0 || own - lenderDeadline < 0)) {
            timeLimitNanos = l.timeoutNanos();
            MAILBOX_SLOT.setVolatile(mailbox, QuickJsNative.MB_DEADLINE * 8, own);
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

  /** A JVM error that a host call threw during the current call; see {@link #dispatch}. */
  private @Nullable VirtualMachineError fatal;

  private void throwFatal() {
    VirtualMachineError e = fatal;
    if (e != null) {
      fatal = null;
      throw e;
    }
  }

  /** The lender's deadline and time limit of each entry made on top of a lender's call. */
  private final java.util.ArrayDeque<long[]> borrowed = new java.util.ArrayDeque<>();

  private static final java.lang.invoke.VarHandle MAILBOX_SLOT =
      java.lang.invoke.MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

  /** Stops the script running now, if any, from any thread: it fails with an interruption. */
  public void interrupt() {
    if (state.rt != 0) {
      MAILBOX_SLOT.setVolatile(mailbox, QuickJsNative.MB_INTERRUPT * 8, 1L);
    }
  }

  private void exit() {
    int kind = state.lock.releaseKind();
    boolean outermost = kind == RuntimeLock.OUTERMOST;
    if (outermost && state.rt != 0 && !closeRequested) {
      endOfCall();
    }
    if (outermost) {
      releaseHostObjects();
      reclaimNearMemoryLimit();
      MAILBOX_SLOT.setVolatile(mailbox, QuickJsNative.MB_DEADLINE * 8, 0L);
    } else if (kind == RuntimeLock.BORROWED) {
      long[] lender = borrowed.pop();
      MAILBOX_SLOT.setVolatile(mailbox, QuickJsNative.MB_DEADLINE * 8, lender[0]);
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
   * Runs a host call's Java code with the runtime lent: while this thread is parked there, other
   * threads may enter on top of its call (see {@link RuntimeLock}). Nothing of the runtime's own
   * state may be touched inside: arguments are decoded before and the reply encoded after.
   */
  private <T> T lent(Supplier<T> javaCode) {
    int previous = state.lock.lend();
    try {
      return javaCode.get();
    } finally {
      state.lock.unlend(previous);
    }
  }

  /**
   * The end of an outermost call: publishes the promises made for Java futures, watches the
   * promises Java received, and reports rejections nothing handled.
   */
  private void endOfCall() {
    long rt = state.rt;
    try {
      readBound();
      loop.endOfCall(rt);
      readBound();
      if (mailbox.getLong(QuickJsNative.MB_UNHANDLED * 8) > 0) {
        takeUnhandled(rt);
      }
    } catch (RuntimeException | Error e) {
      // the call's own result or exception goes to the caller; this bookkeeping never replaces it
    }
  }

  private void readBound() {
    int n = (int) mailbox.getLong(QuickJsNative.MB_BOUND_COUNT * 8);
    if (n <= 0) {
      return;
    }
    long[] triples = new Pointer(mailbox.getLong(QuickJsNative.MB_BOUND_PTR * 8)).getLongArray(0, 3 * n);
    mailbox.putLong(QuickJsNative.MB_BOUND_COUNT * 8, 0);
    for (int i = 0; i < n; i++) {
      loop.bind(triples[3 * i], triples[3 * i + 1], triples[3 * i + 2]);
    }
  }

  /** Watches a promise Java received (under the lock, between calls). */
  void watch(long rt, PromiseFuture f, long id, EventLoop loop) {
    Realm realm = f.handle.realm();
    int rc = QuickJsNative.qjs_promise_watch(rt, realm.pointer, f.handle.pointer(), id);
    if (rc == QuickJsNative.PENDING) {
      loop.watching(id, f);
    } else if (rc == QuickJsNative.OK) {
      loop.completeNow(f, false, read(output(), realm));
    } else if (rc == QuickJsNative.EXCEPTION) {
      loop.completeNow(f, true, readException(output(), realm, null));
    } else {
      loop.completeNow(f, true, new IllegalStateException(
          "QuickJS could not watch the promise (native memory exhausted)"));
    }
  }

  private void takeUnhandled(long rt) {
    if (QuickJsNative.qjs_unhandled_take(rt) != QuickJsNative.OK) {
      return;
    }
    ByteBuffer out = output();
    int n = out.getInt();
    List<ScriptException> errors = new ArrayList<>(n);
    List<String> labels = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      WeakReference<Realm> ref = realmsByAddress.get(out.getLong());
      labels.add(out.get() == 1 ? "Uncaught (in a queueMicrotask callback)" : "Uncaught (in promise)");
      errors.add(readException(out, ref == null ? null : ref.get(), null));
    }
    for (int i = 0; i < n; i++) {
      reportUncaught(errors.get(i), labels.get(i));
    }
  }

  /** Hands a script error nothing caught to the handler, else the context's error writer. */
  private void reportUncaught(ScriptException e, String what) {
    try {
      if (uncaughtHandler != null && e instanceof dev.qjs.JsException js) {
        uncaughtHandler.accept(js);
        return;
      }
      Writer err = currentContext().getErrorWriter();
      if (err != null) {
        String stack = e instanceof dev.qjs.JsException js ? js.getJsStack() : null;
        err.write(what + " " + e.getMessage()
            + (stack != null && !stack.isEmpty() ? System.lineSeparator() + stack.stripTrailing() : "")
            + System.lineSeparator());
        err.flush();
      }
    } catch (IOException | RuntimeException ignored) {
      // a failing handler or writer must not break the engine
    }
  }

  /** On the event loop's worker: runs a due timer's callback in its realm. */
  void fireTimer(EventLoop loop, EventLoop.TimerKey key, EventLoop.Timer timer) {
    try {
      locked(null, false, () -> {
        Realm realm = loop.timerToFire(key, timer);
        if (realm == null || state.rt == 0) {
          return null;
        }
        int rc = QuickJsNative.qjs_timer_fire(state.rt, realm.pointer, timer.id);
        if (rc == QuickJsNative.EXCEPTION) {
          reportUncaught(readException(output(), realm, null), "Uncaught (in a timer callback)");
        }
        return null;
      });
    } catch (ScriptException | NoSuchMethodException | IllegalStateException e) {
      // a closed engine: its timers are gone
    }
  }

  /** On the event loop's worker: settles the promises made for a Java future that completed. */
  void settleJavaFuture(EventLoop loop, long id, Object value, Throwable error) {
    try {
      locked(null, false, () -> {
        List<long[]> bindings = loop.takeBound(id);
        long rt = state.rt;
        for (long[] bound : bindings) {
          if (rt == 0) {
            break;
          }
          WeakReference<Realm> ref = realmsByAddress.get(bound[1]);
          Realm realm = ref == null ? null : ref.get();
          if (realm == null) {
            QuickJsNative.qjs_handles_free(rt, new long[] {bound[0]}, 1);
            continue;
          }
          ValueWriter w = in.reset();
          writeSettlement(w, value, error);
          int rc = QuickJsNative.qjs_promise_settle(rt, realm.pointer, bound[0], w.address(), w.length());
          if (rc == QuickJsNative.EXCEPTION) {
            reportUncaught(readException(output(), realm, null), "Uncaught");
          }
        }
        return null;
      });
    } catch (ScriptException | NoSuchMethodException | IllegalStateException e) {
      // a closed engine: nothing waits any more
    }
  }

  /**
   * [SETTLE_FULFIL][value] for a value; [SETTLE_REJECT][thrown JS value] or
   * [SETTLE_THROWABLE][host id][message] for a failure.
   */
  private void writeSettlement(ValueWriter w, Object value, Throwable error) {
    if (error == null) {
      w.u8(QuickJsNative.SETTLE_FULFIL).value(value);
      return;
    }
    Throwable t = error;
    while ((t instanceof java.util.concurrent.CompletionException
            || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    Object js = originalJsError(t);
    if (js != null) {
      w.u8(QuickJsNative.SETTLE_REJECT);
      if (js == THROWN_UNDEFINED) {
        w.undefined();
      } else {
        w.value(js == THROWN_NULL ? null : js);
      }
    } else {
      String m = t.getMessage();
      w.u8(QuickJsNative.SETTLE_THROWABLE).i32(hosts.acquire(t)).string(m != null ? m : t.getClass().getName());
    }
  }

  EventLoop eventLoop() {
    return loop;
  }

  /**
   * Gives back the counts of Java objects whose JavaScript wrappers died (or were reused) during
   * the call that is ending. Done only at the outermost exit: a result that names a Java object
   * may be encoded in the moment its wrapper is freed, and Java decodes it after the call.
   */
  private void releaseHostObjects() {
    int n = (int) mailbox.getLong(QuickJsNative.MB_RELEASED_COUNT * 8);
    if (n <= 0 || state.rt == 0) {
      return;
    }
    long ptr = mailbox.getLong(QuickJsNative.MB_RELEASED_PTR * 8);
    int[] ids = new Pointer(ptr).getIntArray(0, n);
    mailbox.putLong(QuickJsNative.MB_RELEASED_COUNT * 8, 0);
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
  private <T> @Nullable T locked(@Nullable ScriptContext context, boolean mayBorrow, Action<T> action)
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
    @Nullable T run() throws ScriptException, NoSuchMethodException;
  }

  /** The context host callbacks use: the innermost call's, else the engine's. */
  ScriptContext currentContext() {
    ScriptContext c = current;
    return c != null ? c : defaultContext.get();
  }

  // ---------------------------------------------------------------- realms

  /** A new realm: a fresh global object with ECMAScript's built-ins, print and console. */
  public Realm newRealm() {
    long rt = enter();
    // making a global object is the engine's own work, not a script's: no time limit applies
    // (on a slow or busy machine it can take longer than a few milliseconds' limit)
    long deadline = (long) MAILBOX_SLOT.getVolatile(mailbox, QuickJsNative.MB_DEADLINE * 8);
    MAILBOX_SLOT.setVolatile(mailbox, QuickJsNative.MB_DEADLINE * 8, 0L);
    try {
      long ptr = QuickJsNative.qjs_realm_new(rt);
      if (ptr == 0) {
        if (appliedMemoryLimit > 0) {
          throw new IllegalStateException("QuickJS could not create a global object within the memory limit of "
              + appliedMemoryLimit + " bytes (" + mailbox.getLong(QuickJsNative.MB_MALLOC_SIZE * 8)
              + " in use): raise the limit");
        }
        throw new OutOfMemoryError("QuickJS could not create a realm: native memory exhausted");
      }
      Realm realm = new Realm(this, ptr);
      realmsByAddress.put(ptr, new WeakReference<>(realm));
      ConcurrentLinkedQueue<Long> dead = state.deadRealms;
      CLEANER.register(realm, () -> dead.add(ptr));
      if (classFilter != null) {
        installJavaGlobal(realm, classFilter);
      }
      return realm;
    } finally {
      MAILBOX_SLOT.setVolatile(mailbox, QuickJsNative.MB_DEADLINE * 8, deadline);
      exit();
    }
  }

  private void installJavaGlobal(Realm realm, java.util.function.Predicate<String> classFilter) {
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
    long rt = enter();
    try {
      // names the Java side removed since the last call must stop being globals
      for (String k : entries(realm, null, false).keySet()) {
        if (!k.isEmpty() && !RealmBindings.isHostKey(k) && !bindings.containsKey(k)) {
          delete(realm, null, k);
        }
      }
      ValueWriter w = in.reset().undefined();
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
      int rc = QuickJsNative.qjs_set_many(rt, realm.pointer, w.address(), w.length());
      result(rc, realm, null);
    } finally {
      exit();
    }
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
  public @Nullable Object evalModule(Realm realm, String source, String fileName) throws ScriptException {
    modules.remember(fileName, source);
    long rt = enter();
    String savedFile = currentFile;
    currentFile = fileName;
    try {
      ValueWriter w = in.reset().source(source);
      int rc = QuickJsNative.qjs_eval(
          rt, realm.pointer, w.address(), w.length(), cString(fileName), QuickJsNative.EVAL_MODULE);
      if (rc != QuickJsNative.PENDING) {
        return result(rc, realm, fileName);
      }
      ByteBuffer out = output();
      Object evaluation = read(out, realm);
      Object namespace = read(out, realm);
      if (evaluation instanceof java.util.concurrent.CompletableFuture<?> f) {
        return f.thenApply(done -> namespace);
      }
      return namespace;
    } finally {
      currentFile = savedFile;
      exit();
    }
  }

  /** Evaluates a script in a realm; repeated sources reuse their bytecode. */
  public @Nullable Object eval(Realm realm, String source, String fileName) throws ScriptException {
    modules.remember(fileName, source);
    long rt = enter();
    String savedFile = currentFile;
    currentFile = fileName;
    try {
      boolean cacheable = source.length() <= EVAL_CACHE_MAX_CHARS;
      EvalKey key = cacheable ? new EvalKey(fileName, source) : null;
      JsHandle cached = key != null ? realm.evalCache().get(key) : null;
      if (cached != null) {
        return result(QuickJsNative.qjs_eval_bytecode(rt, realm.pointer, cached.pointer()), realm, fileName);
      }
      ValueWriter w = in.reset().source(source);
      int rc =
          QuickJsNative.qjs_eval(
              rt,
              realm.pointer,
              w.address(),
              w.length(),
              cString(fileName),
              cacheable ? QuickJsNative.EVAL_KEEP_BYTECODE : 0);
      if (key == null || rc < 0) {
        return result(rc, realm, fileName);
      }
      ByteBuffer out = output();
      if (out.get() == 1) {
        long handle = out.getLong();
        realm.evalCache().put(key, newHandle(realm, handle, 0, QuickJsNative.KIND_BYTECODE));
      }
      return decodeResult(rc, out, realm, fileName);
    } finally {
      currentFile = savedFile;
      exit();
    }
  }

  /** Compiles without running: the handle of the bytecode, bound to this realm. */
  public JsHandle compile(Realm realm, String source, String fileName) throws ScriptException {
    long rt = enter();
    try {
      ValueWriter w = in.reset().source(source);
      int rc =
          QuickJsNative.qjs_eval(
              rt, realm.pointer, w.address(), w.length(), cString(fileName), QuickJsNative.EVAL_COMPILE_ONLY);
      return (JsHandle) Objects.requireNonNull(result(rc, realm, fileName)); // the compiled script
    } finally {
      exit();
    }
  }

  /** Serializes compiled bytecode so that another realm can read it. */
  public byte[] serialize(Realm realm, JsHandle bytecode) throws ScriptException {
    long rt = enter();
    try {
      int rc = QuickJsNative.qjs_bytecode_write(rt, realm.pointer, bytecode.pointer());
      if (rc != QuickJsNative.OK) {
        result(rc, realm, null);
      }
      ByteBuffer out = output();
      byte[] bytes = new byte[out.remaining()];
      out.get(bytes);
      return bytes;
    } finally {
      exit();
    }
  }

  /** Reads serialized bytecode into a realm. */
  public JsHandle deserialize(Realm realm, byte[] bytecode) throws ScriptException {
    long rt = enter();
    try {
      ValueWriter w = in.reset().bytes(bytecode);
      return (JsHandle) Objects.requireNonNull( // the program read back
          result(QuickJsNative.qjs_bytecode_read(rt, realm.pointer, w.address(), w.length()), realm, null));
    } finally {
      exit();
    }
  }

  public @Nullable Object evalBytecode(Realm realm, JsHandle bytecode, String fileName) throws ScriptException {
    long rt = enter();
    try {
      return result(QuickJsNative.qjs_eval_bytecode(rt, realm.pointer, bytecode.pointer()), realm, fileName);
    } finally {
      exit();
    }
  }

  /**
   * Calls {@code target[name](args)} (target null: the realm's global object), or, when name is
   * null, calls target itself with {@code thiz}. Throws NoSuchMethodException when the member is
   * missing or not a function.
   */
  public @Nullable Object invoke(
      Realm realm, @Nullable JsHandle target, @Nullable Object thiz, @Nullable String name, Object[] args)
      throws ScriptException, NoSuchMethodException {
    long rt = enter();
    try {
      ValueWriter w = in.reset();
      if (target == null) {
        w.undefined();
      } else {
        w.handle(target.pointer());
      }
      if (thiz == null) {
        w.undefined();
      } else {
        w.value(thiz);
      }
      if (name == null) {
        w.undefined();
      } else {
        w.string(name);
      }
      w.i32(args.length);
      for (Object a : args) {
        w.value(a);
      }
      int rc = QuickJsNative.qjs_invoke(rt, realm.pointer, w.address(), w.length());
      if (rc == QuickJsNative.NOT_FUNCTION) {
        throw new NoSuchMethodException(
            name == null ? "the value is not a function" : "no function named '" + name + "'");
      }
      return result(rc, realm, null);
    } finally {
      exit();
    }
  }

  private ValueWriter targetAndKey(@Nullable JsHandle target, Object key) {
    ValueWriter w = in.reset();
    if (target == null) {
      w.undefined();
    } else {
      w.handle(target.pointer());
    }
    if (key instanceof Integer i) {
      w.value(i);
    } else {
      w.string(String.valueOf(key));
    }
    return w;
  }

  /** {@code target[key]}; target null means the realm's global object. */
  public @Nullable Object get(Realm realm, @Nullable JsHandle target, Object key) throws ScriptException {
    return get(realm, target, key, false);
  }

  /** {@code target[key]}, or with {@code own} only an own property (else null). */
  public @Nullable Object get(Realm realm, @Nullable JsHandle target, Object key, boolean own) throws ScriptException {
    long rt = enter();
    try {
      ValueWriter w = targetAndKey(target, key).u8(own ? 1 : 0);
      return result(QuickJsNative.qjs_get(rt, realm.pointer, w.address(), w.length()), realm, null);
    } finally {
      exit();
    }
  }

  /** {@code target[key] = value}; returns the previous value when asked. */
  public @Nullable Object set(
      Realm realm, @Nullable JsHandle target, Object key, @Nullable Object value, boolean wantOld)
      throws ScriptException {
    long rt = enter();
    try {
      ValueWriter w = targetAndKey(target, key).value(value).u8(wantOld ? 1 : 0);
      return result(QuickJsNative.qjs_set(rt, realm.pointer, w.address(), w.length()), realm, null);
    } finally {
      exit();
    }
  }

  /** {@code delete target[key]}; a global {@code var} that cannot be deleted becomes undefined. */
  public boolean delete(Realm realm, @Nullable JsHandle target, Object key) throws ScriptException {
    long rt = enter();
    try {
      ValueWriter w = targetAndKey(target, key);
      return (Boolean) Objects.requireNonNull(
          result(QuickJsNative.qjs_delete(rt, realm.pointer, w.address(), w.length()), realm, null));
    } finally {
      exit();
    }
  }

  /** Own property (own = true) or {@code key in target}. */
  public boolean has(Realm realm, @Nullable JsHandle target, Object key, boolean own) throws ScriptException {
    long rt = enter();
    try {
      ValueWriter w = targetAndKey(target, key).u8(own ? 1 : 0);
      return (Boolean) Objects.requireNonNull(
          result(QuickJsNative.qjs_has(rt, realm.pointer, w.address(), w.length()), realm, null));
    } finally {
      exit();
    }
  }

  /** Own enumerable string-keyed properties, in order, with their values when asked. */
  public Map<String, Object> entries(Realm realm, @Nullable JsHandle target, boolean withValues)
      throws ScriptException {
    long rt = enter();
    try {
      ValueWriter w = in.reset();
      if (target == null) {
        w.undefined();
      } else {
        w.handle(target.pointer());
      }
      w.u8(withValues ? 1 : 0);
      int rc = QuickJsNative.qjs_entries(rt, realm.pointer, w.address(), w.length());
      if (rc != QuickJsNative.OK) {
        result(rc, realm, null);
      }
      ByteBuffer out = output();
      int n = out.getInt();
      Map<String, Object> map = new LinkedHashMap<>(Math.max(4, n * 2));
      for (int i = 0; i < n; i++) {
        String k = (String) read(out, realm);
        map.put(k, withValues ? read(out, realm) : null);
      }
      return map;
    } finally {
      exit();
    }
  }

  /**
   * A deep copy of a value as plain Java data, read in one crossing: objects become
   * {@code LinkedHashMap}s of their own enumerable properties, arrays {@code ArrayList}s, shared
   * and cyclic parts stay shared and cyclic; functions, symbols and Java objects stay themselves.
   */
  public @Nullable Object toJava(Realm realm, @Nullable Object value) throws ScriptException {
    long rt = enter();
    try {
      ValueWriter w = in.reset().value(value);
      int rc = QuickJsNative.qjs_to_java(rt, realm.pointer, w.address(), w.length());
      if (rc != QuickJsNative.OK) {
        return result(rc, realm, null);
      }
      return readDeep(output(), realm, new ArrayList<>());
    } finally {
      exit();
    }
  }

  private @Nullable Object readDeep(ByteBuffer b, @Nullable Realm realm, List<Object> containers) {
    byte tag = b.get(b.position());
    if (tag == QuickJsNative.T_MAP) {
      b.get();
      int n = b.getInt();
      Map<String, Object> map = new LinkedHashMap<>(Math.max(4, (int) (n / 0.75f) + 1));
      containers.add(map);
      for (int i = 0; i < n; i++) {
        String key = (String) read(b, realm);
        map.put(key, readDeep(b, realm, containers));
      }
      return map;
    }
    if (tag == QuickJsNative.T_LIST) {
      b.get();
      int n = b.getInt();
      List<Object> list = new ArrayList<>(n);
      containers.add(list);
      for (int i = 0; i < n; i++) {
        list.add(readDeep(b, realm, containers));
      }
      return list;
    }
    if (tag == QuickJsNative.T_REF) {
      b.get();
      return containers.get(b.getInt());
    }
    return read(b, realm);
  }

  /** JSON.stringify(value, null, space) in one crossing; null when JSON cannot show the value. */
  public @Nullable String toJson(Realm realm, @Nullable Object value, @Nullable Object space) throws ScriptException {
    long rt = enter();
    try {
      ValueWriter w = in.reset().value(value).value(space);
      return (String) result(QuickJsNative.qjs_to_json(rt, realm.pointer, w.address(), w.length()), realm, null);
    } finally {
      exit();
    }
  }

  /** JSON.parse(text) in one crossing: the value, or a SyntaxError. */
  public @Nullable Object parseJson(Realm realm, String text) throws ScriptException {
    long rt = enter();
    try {
      ValueWriter w = in.reset().json(text);
      return result(QuickJsNative.qjs_echo(rt, realm.pointer, w.address(), w.length()), realm, null);
    } finally {
      exit();
    }
  }

  /** JavaScript's ToString of a value. */
  public String toJsString(Realm realm, Object value) throws ScriptException {
    long rt = enter();
    try {
      ValueWriter w = in.reset().value(value);
      return (String) Objects.requireNonNull( // ToString always gives a string
          result(QuickJsNative.qjs_to_string(rt, realm.pointer, w.address(), w.length()), realm, null));
    } finally {
      exit();
    }
  }

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

  // ---------------------------------------------------------------- decoding

  HostObjects hostObjects() {
    return hosts;
  }

  @Nullable JsHandle handleOf(@Nullable Object value) {
    JsHandle h =
        value instanceof JsHandle jh
            ? jh
            : value instanceof PromiseFuture pf ? pf.handle : mirrors.handleOf(value);
    return h != null && h.runtime() == this ? h : null;
  }

  private ByteBuffer output() {
    long ptr = mailbox.getLong(QuickJsNative.MB_OUT_PTR * 8);
    int len = (int) mailbox.getLong(QuickJsNative.MB_OUT_LEN * 8);
    if (outView == null || ptr != outViewAddress || outView.capacity() < len) {
      outView = new Pointer(ptr).getByteBuffer(0, Math.max(len, 1)).order(ByteOrder.nativeOrder());
      outViewAddress = ptr;
    }
    outView.clear().limit(len);
    return outView;
  }

  private @Nullable Object result(int rc, @Nullable Realm realm, @Nullable String fileName) throws ScriptException {
    if (rc == QuickJsNative.BAD_INPUT) {
      throw new IllegalArgumentException("the QuickJS shim rejected a malformed request");
    }
    if (rc == QuickJsNative.OUT_OF_MEMORY) {
      throw new OutOfMemoryError("the result could not be encoded: native memory exhausted");
    }
    return decodeResult(rc, output(), realm, fileName);
  }

  private @Nullable Object decodeResult(int rc, ByteBuffer out, @Nullable Realm realm, @Nullable String fileName)
      throws ScriptException {
    if (rc == QuickJsNative.OK) {
      Object value = read(out, realm);
      throwFatal(); // the script caught the JVM error before its next interrupt check
      return value;
    }
    if (rc == QuickJsNative.EXCEPTION) {
      throwFatal();
      throw readException(out, realm, fileName);
    }
    return result(rc, realm, fileName);
  }

  // realm is null only for a value read after its realm was collected (an unhandled rejection
  // reported late): such a handle is reported and freed, never used to call into its realm
  @SuppressWarnings("NullAway")
  private JsHandle newHandle(@Nullable Realm realm, long pointer, long identity, int kind) {
    JsHandle h = new JsHandle(this, realm, pointer, identity, kind);
    ConcurrentLinkedQueue<Long> dead = state.deadHandles;
    java.util.concurrent.atomic.AtomicInteger live = state.liveHandles;
    live.incrementAndGet();
    CLEANER.register(
        h,
        () -> {
          live.decrementAndGet();
          dead.add(pointer);
        });
    return h;
  }

  /**
   * A call ran out of heap while Java holds many handles: some are probably garbage (a caller's
   * dropped exceptions pin their Error objects), and only the Java collector can tell. Ask for a
   * collection; the cleaner queues what it finds and the next call frees it.
   */
  private void reclaimAfterMemoryLimit() {
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

  /** Handles live at the last collection asked for: at most one per 64 new handles. */
  private int liveAtLastReclaim;

  /**
   * After a call, when the heap is three quarters full under a memory limit and Java holds many
   * more handles than at the last check, the same collection, before the limit is hit.
   */
  private void reclaimNearMemoryLimit() {
    if (appliedMemoryLimit > 0
        && mailbox.getLong(QuickJsNative.MB_MALLOC_SIZE * 8) > appliedMemoryLimit / 4 * 3) {
      reclaimAfterMemoryLimit();
    } else if (state.liveHandles.get() < liveAtLastReclaim) {
      liveAtLastReclaim = state.liveHandles.get();
    }
  }

  private @Nullable Object read(ByteBuffer b, @Nullable Realm realm) {
    byte tag = b.get();
    switch (tag) {
      case QuickJsNative.T_UNDEFINED:
      case QuickJsNative.T_NULL:
        return null;
      case QuickJsNative.T_FALSE:
        return false;
      case QuickJsNative.T_TRUE:
        return true;
      case QuickJsNative.T_INT:
        return b.getInt();
      case QuickJsNative.T_DOUBLE:
        return narrow(b.getDouble());
      case QuickJsNative.T_STRING8: {
        int n = b.getInt();
        byte[] bytes = new byte[n];
        b.get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
      }
      case QuickJsNative.T_STRING16: {
        int n = b.getInt();
        char[] chars = new char[n];
        b.asCharBuffer().get(chars);
        b.position(b.position() + 2 * n);
        return new String(chars);
      }
      case QuickJsNative.T_BIGINT: {
        int n = b.getInt();
        byte[] digits = new byte[n];
        b.get(digits);
        return new BigInteger(new String(digits, StandardCharsets.US_ASCII));
      }
      case QuickJsNative.T_OBJECT: {
        long ptr = b.getLong();
        int kind = b.get();
        long identity = b.getLong();
        JsHandle h = newHandle(realm, ptr, identity, kind);
        switch (kind) {
          case QuickJsNative.KIND_ARRAY:
            return mirrors.array(h);
          case QuickJsNative.KIND_FUNCTION:
            return mirrors.function(h);
          case QuickJsNative.KIND_SYMBOL:
            return mirrors.symbol(h);
          case QuickJsNative.KIND_BYTECODE:
            return h;
          case QuickJsNative.KIND_PROMISE:
            return loop.promise(h);
          default:
            return mirrors.object(h);
        }
      }
      case QuickJsNative.T_HOST:
        return hosts.get(b.getInt());
      case QuickJsNative.T_DATE:
        return java.time.Instant.ofEpochMilli((long) b.getDouble());
      case QuickJsNative.T_BYTES: {
        byte[] bytes = new byte[b.getInt()];
        b.get(bytes);
        return bytes;
      }
      case QuickJsNative.T_ARRAYBUF: {
        byte[] bytes = new byte[b.getInt()];
        b.get(bytes);
        return ByteBuffer.wrap(bytes);
      }
      default:
        throw new IllegalStateException("unknown value tag " + tag + " from the QuickJS shim");
    }
  }

  /** A JS number as Java sees it: Integer when integral and in range (not -0), else Double. */
  static Object narrow(double d) {
    int i = (int) d;
    if (i == d && (i != 0 || Double.doubleToRawLongBits(d) == 0L)) {
      return i;
    }
    return d;
  }

  /** What kind of failure an exception reports; see {@link #kindOf}. */
  public static final int KIND_ERROR = 0;
  public static final int KIND_INTERRUPTED = 1;
  public static final int KIND_TIMEOUT = 2;
  public static final int KIND_MEMORY = 3;
  public static final int KIND_STACK_OVERFLOW = 4;

  /**
   * The one place that classifies a failure: the shim's stop reason (interrupt, deadline, full
   * heap) first, then QuickJS's own messages for exhausted resources, compared exactly:
   * "out of memory", and "stack overflow", which deep recursion raises as an InternalError and
   * the parsers of source code and of {@code JSON.parse} raise as a SyntaxError.
   */
  static int kindOf(@Nullable String errorName, @Nullable String message, int stopReason) {
    switch (stopReason) {
      case QuickJsNative.STOP_INTERRUPTED:
        return KIND_INTERRUPTED;
      case QuickJsNative.STOP_DEADLINE:
        return KIND_TIMEOUT;
      case QuickJsNative.STOP_MEMORY:
        return KIND_MEMORY;
      default:
        break;
    }
    if (errorName == null) {
      return KIND_ERROR;
    }
    boolean engineError = "InternalError".equals(errorName) || "RangeError".equals(errorName);
    if (engineError && "out of memory".equals(message)) {
      return KIND_MEMORY;
    }
    if ((engineError || "SyntaxError".equals(errorName)) && "stack overflow".equals(message)) {
      return KIND_STACK_OVERFLOW;
    }
    return KIND_ERROR;
  }

  /** One thrown value or cause as the shim encodes it: see qjs_shim.h, QJS_EXCEPTION. */
  private record ErrorParts(
      @Nullable Object thrown, @Nullable String errorName, @Nullable String message, @Nullable String jsStack,
      int hostId) {
    /** "TypeError: x", the message alone for a thrown non-error. */
    String text() {
      String msg = message == null ? "" : message;
      if (errorName == null) {
        return msg;
      }
      return msg.isEmpty() ? errorName : errorName + ": " + msg;
    }
  }

  private ErrorParts readParts(ByteBuffer b, @Nullable Realm realm) {
    Object thrown = read(b, realm);
    Object name = read(b, realm);
    Object message = read(b, realm);
    Object stack = read(b, realm);
    int hostId = b.getInt();
    return new ErrorParts(
        thrown,
        name instanceof String s ? s : null,
        message == null ? null : message.toString(),
        stack instanceof String s ? trimStack(s) : null,
        hostId);
  }

  /** The Java exception a host call threw, which the error wraps; null when none. */
  private @Nullable Throwable hostThrowable(ErrorParts parts) {
    if (parts.hostId() >= 0 && hosts.get(parts.hostId()) instanceof Throwable t) {
      return t;
    }
    return parts.thrown() instanceof Throwable t ? t : null; // a Java exception thrown as it is
  }

  private ScriptException readException(ByteBuffer b, @Nullable Realm realm, @Nullable String fileName) {
    ErrorParts top = readParts(b, realm);
    int stopReason = b.getInt();
    if (stopReason == QuickJsNative.STOP_NONE && state.stopRequested()) {
      // the call is being stopped and ended before QuickJS checked (a host call that waited for
      // another engine gave up because of it): the stop is what ended it
      stopReason = (long) MAILBOX_SLOT.getVolatile(mailbox, QuickJsNative.MB_INTERRUPT * 8) != 0
          ? QuickJsNative.STOP_INTERRUPTED
          : QuickJsNative.STOP_DEADLINE;
    }
    int causeCount = b.getInt();
    ErrorParts[] causes = new ErrorParts[causeCount];
    for (int i = 0; i < causeCount; i++) {
      causes[i] = readParts(b, realm);
    }
    // the cause chain, innermost first: a cause that wraps a Java exception is that exception
    Throwable chain = null;
    for (int i = causeCount - 1; i >= 0; i--) {
      Throwable java = hostThrowable(causes[i]);
      chain = java != null ? java : exception(causes[i], fileName, QuickJsNative.STOP_NONE, chain, false);
    }
    Throwable cause = top.hostId() >= 0 ? hostThrowable(top) : null;
    return exception(top, fileName, stopReason, cause != null ? cause : chain, true);
  }

  private ScriptException exception(
      ErrorParts parts, @Nullable String fileName, int stopReason, @Nullable Throwable cause, boolean outermost) {
    String text = parts.text();
    String errorName = parts.errorName();
    String msg = parts.message() == null ? "" : parts.message();
    String file = fileName;
    int line = -1;
    int column = -1;
    String jsStack = parts.jsStack();
    if (jsStack != null) {
      for (String frame : jsStack.split("\n")) {
        Matcher m = FRAME.matcher(frame);
        if (m.matches() && !"native".equals(m.group(1)) && !INTERNAL_FILE.equals(m.group(1))) {
          file = m.group(1);
          line = Integer.parseInt(m.group(2));
          column = m.group(3) != null ? Integer.parseInt(m.group(3)) : -1;
          break;
        }
      }
    }
    if (line < 0 && cause instanceof ModuleNotFoundException missing) {
      // a static import or import() fails where no script frame is running: the statement's place
      String importer = missing.referrer() != null ? missing.referrer() : fileName != null ? fileName : currentFile;
      int[] site = modules.importSite(importer, missing.specifier());
      if (site != null) {
        file = importer;
        line = site[0];
        column = site[1];
      }
    }
    int kind = kindOf(errorName, msg, stopReason);
    if (kind == KIND_TIMEOUT) {
      text += " (time limit of " + java.time.Duration.ofNanos(timeLimitNanos).toMillis() + " ms exceeded)";
    } else if (kind == KIND_INTERRUPTED) {
      text += closing ? " (stopped because the engine was closed)" : " (interrupted by QuickJsScriptEngine.interrupt)";
    } else if (kind == KIND_MEMORY) {
      if (!"out of memory".equals(msg)) {
        // the error object itself could not be made: say what happened instead of "null"
        text = "InternalError: out of memory";
        errorName = "InternalError";
      }
      if (appliedMemoryLimit > 0) {
        text += " (memory limit of " + appliedMemoryLimit + " bytes)";
      }
      if (outermost) {
        reclaimAfterMemoryLimit();
      }
    }
    return mirrors.exception(text, file, line, column, errorName, jsStack, parts.thrown(), cause, kind);
  }

  /** A context without settings: the limits read for it are the engine's defaults. */
  private static final ScriptContext NO_SETTINGS = new javax.script.SimpleScriptContext();

  private static final int MAX_STACK_FRAMES = 100;

  /**
   * QuickJS records every frame; runaway recursion gives tens of thousands of identical lines.
   * Keep the first frames and say how many were left out, as Java's "... n more" does.
   */
  static String trimStack(String stack) {
    int at = 0;
    for (int i = 0; i < MAX_STACK_FRAMES; i++) {
      int nl = stack.indexOf('\n', at);
      if (nl < 0) {
        return stack;
      }
      at = nl + 1;
    }
    if (at >= stack.length()) {
      return stack;
    }
    int more = 0;
    for (int i = at; i < stack.length(); i++) {
      if (stack.charAt(i) == '\n') {
        more++;
      }
    }
    if (!stack.endsWith("\n")) {
      more++;
    }
    return stack.substring(0, at) + "    ... " + more + " more\n";
  }

  // ---------------------------------------------------------------- host callbacks

  private static int dispatch(int token, int op, long a, long data, int len) {
    WeakReference<JsRuntime> ref = BY_TOKEN.get(token);
    JsRuntime runtime = ref == null ? null : ref.get();
    if (runtime == null) {
      return QuickJsNative.REPLY_OK; // the runtime is being freed: nothing to release or print
    }
    try {
      return runtime.onHostCall(op, a, runtime.hostArguments(data, len));
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError fatal) {
        // a JVM error (StackOverflowError, OutOfMemoryError) ends the call: the script is
        // stopped at its next interrupt check whatever it catches, and the call's caller gets
        // the error itself
        runtime.fatal = fatal;
        runtime.interrupt();
      }
      try {
        if (t instanceof HostMembers.Refusal refusal) {
          runtime.send(runtime.reply.reset().string(java.util.Objects.requireNonNull(refusal.getMessage())));
          return QuickJsNative.REPLY_TYPE_ERROR;
        }
        Object jsError = runtime.originalJsError(t);
        if (jsError != null) {
          ValueWriter w = runtime.reply.reset();
          if (jsError == THROWN_UNDEFINED) {
            w.undefined();
          } else {
            w.value(jsError == THROWN_NULL ? null : jsError);
          }
          runtime.send(w);
          return QuickJsNative.REPLY_RETHROW;
        }
        return runtime.replyThrowable(t);
      } catch (Throwable ignored) {
        return QuickJsNative.REPLY_THREW;
      }
    }
  }

  private @Nullable ByteBuffer argsView;
  private long argsViewAddress;

  /**
   * A view of the shim's callback-argument buffer: its address rarely changes, so one view is
   * kept and reused (making a direct buffer is a JNI call).
   */
  private ByteBuffer hostArguments(long data, int len) {
    if (data == 0 || len <= 0) {
      return ByteBuffer.allocate(0);
    }
    if (argsView == null || data != argsViewAddress || argsView.capacity() < len) {
      argsView = new Pointer(data).getByteBuffer(0, Math.max(len, 256)).order(ByteOrder.nativeOrder());
      argsViewAddress = data;
    }
    // nested callbacks share the view: each decodes its arguments before anything can nest
    ByteBuffer view = argsView.duplicate().order(ByteOrder.nativeOrder());
    view.limit(len);
    return view;
  }

  private void replyNone() {
    mailbox.putLong(QuickJsNative.MB_REPLY_PTR * 8, 0);
    mailbox.putLong(QuickJsNative.MB_REPLY_LEN * 8, 0);
  }

  private int send(ValueWriter w) {
    mailbox.putLong(QuickJsNative.MB_REPLY_PTR * 8, w.address());
    mailbox.putLong(QuickJsNative.MB_REPLY_LEN * 8, w.length());
    return QuickJsNative.REPLY_OK;
  }

  /**
   * The JavaScript value a script of this runtime threw, when t is that script failure coming
   * back out of Java unchanged (wrapped in UncheckedScriptException or a host call's checked
   * exception): throwing the same value again keeps its name, message, place and stack.
   */
  private @Nullable Object originalJsError(Throwable t) {
    Throwable c = t instanceof HostMembers.HostCallException ? t.getCause() : t;
    if (c instanceof dev.qjs.UncheckedScriptException u) {
      c = u.getCause();
    }
    if (!(c instanceof dev.qjs.JsException js)) {
      return null;
    }
    Object thrown = js.getThrownValue();
    if (thrown == null && js.getErrorName() == null && js.getJsStack() == null) {
      // `throw null` / `throw undefined`: their message is the value's own text
      String text = js.getMessage();
      if (text != null && text.startsWith("undefined")) {
        return THROWN_UNDEFINED;
      }
      if (text != null && text.startsWith("null")) {
        return THROWN_NULL;
      }
      return null;
    }
    if (thrown instanceof String || thrown instanceof Number || thrown instanceof Boolean) {
      return thrown;
    }
    return thrown != null && handleOf(thrown) != null ? thrown : null;
  }

  private static final Object THROWN_NULL = new Object();
  private static final Object THROWN_UNDEFINED = new Object();

  private int replyThrowable(Throwable t) {
    if (t instanceof HostMembers.HostCallException && t.getCause() != null) {
      t = t.getCause(); // a checked exception of a host method, as it was thrown
    }
    ValueWriter w = reply.reset();
    w.i32(hosts.acquire(t));
    String m = t.getMessage();
    w.string(m != null ? m : t.getClass().getName());
    send(w);
    return QuickJsNative.REPLY_THREW;
  }

  /** The realm that made the current host callback (null if it is gone). */
  private @Nullable Realm callingRealm() {
    WeakReference<Realm> ref = realmsByAddress.get(mailbox.getLong(QuickJsNative.MB_REALM * 8));
    return ref == null ? null : ref.get();
  }

  private int onHostCall(int op, long a, ByteBuffer args) throws IOException {
    Realm realm = callingRealm();
    switch (op) {
      case QuickJsNative.OP_PRINT: {
        int argc = args.getInt();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < argc; i++) {
          if (i > 0) {
            sb.append(' ');
          }
          sb.append((String) read(args, realm));
        }
        sb.append(System.lineSeparator());
        replyNone();
        ScriptContext ctx = currentContext();
        Writer out = a >= QuickJsNative.PRINT_WARN ? ctx.getErrorWriter() : ctx.getWriter();
        if (out != null) {
          IOException failed = lent(() -> {
            try {
              out.write(sb.toString());
              out.flush();
              return null;
            } catch (IOException e) {
              return e;
            }
          });
          if (failed != null) {
            throw failed;
          }
        }
        return QuickJsNative.REPLY_OK;
      }
      case QuickJsNative.OP_LOOKUP: {
        String name = (String) Objects.requireNonNull(read(args, realm));
        ScriptContext ctx = currentContext();
        Bindings global = ctx.getBindings(ScriptContext.GLOBAL_SCOPE);
        // "" is a valid property name but not a valid Bindings key (SimpleBindings throws)
        if (global == null || name.isEmpty() || RealmBindings.isHostKey(name)) {
          return send(reply.reset().u8(0));
        }
        Object[] found = lent(() -> global.containsKey(name) ? new Object[] {global.get(name)} : null);
        return found == null ? send(reply.reset().u8(0)) : send(reply.reset().u8(1).value(found[0]));
      }
      case QuickJsNative.OP_READ_LINE: {
        Reader r = currentContext().getReader();
        Object line = r == null ? null : lent(() -> {
          try {
            return readLine(r);
          } catch (IOException e) {
            return e;
          }
        });
        if (line instanceof IOException e) {
          throw e;
        }
        return send(reply.reset().value(line));
      }
      case QuickJsNative.OP_HOST_TO_STRING:
        {
          // String.valueOf gives back whatever toString() returns, which may be null
          Object host = hosts.get((int) a);
          String text = lent(() -> String.valueOf(host));
          return send(reply.reset().string(text != null ? text : "null"));
        }
      case QuickJsNative.OP_HOST_GET: {
        String key = (String) Objects.requireNonNull(read(args, realm));
        int mode = args.hasRemaining() ? args.get() : QuickJsNative.GET_VALUE;
        Object target = hosts.get((int) a);
        Object member = lent(() -> members.get(target, key, mode));
        if (member == HostMembers.ABSENT) {
          return send(reply.reset().u8(QuickJsNative.GOT_NONE));
        }
        if (member == HostMembers.METHOD) {
          return send(reply.reset().u8(QuickJsNative.GOT_METHOD));
        }
        if (member == HostMembers.DESCRIBED) {
          return send(reply.reset().u8(QuickJsNative.GOT_GETTER));
        }
        if (member instanceof HostMembers.Missing missing) {
          return send(reply.reset().u8(QuickJsNative.GOT_NO_METHOD).string(missing.message()));
        }
        return send(reply.reset().u8(QuickJsNative.GOT_VALUE).value(member));
      }
      case QuickJsNative.OP_HOST_SET: {
        String key = (String) Objects.requireNonNull(read(args, realm));
        Object value = read(args, realm);
        Object target = hosts.get((int) a);
        lent(() -> {
          members.set(target, key, value);
          return null;
        });
        replyNone();
        return QuickJsNative.REPLY_OK;
      }
      case QuickJsNative.OP_HOST_DELETE: {
        String key = (String) Objects.requireNonNull(read(args, realm));
        Object target = hosts.get((int) a);
        boolean deleted = lent(() -> members.delete(target, key));
        return send(reply.reset().u8(deleted ? 1 : 0));
      }
      case QuickJsNative.OP_HOST_KEYS: {
        Object target = hosts.get((int) a);
        List<String> keys = lent(() -> members.keys(target));
        ValueWriter w = reply.reset().i32(keys.size());
        for (String k : keys) {
          w.string(k);
        }
        return send(w);
      }
      case QuickJsNative.OP_HOST_INVOKE: {
        String name = (String) Objects.requireNonNull(read(args, realm));
        Object[] argv = readArgs(args, realm);
        Object target = hosts.get((int) a);
        Object result = lent(() -> members.invoke(target, name, argv));
        return send(result == HostMembers.VOID ? reply.reset().undefined() : reply.reset().value(members.exposable(result)));
      }
      case QuickJsNative.OP_HOST_CALL: {
        boolean construct = args.get() != 0;
        Object[] argv = readArgs(args, realm);
        Object target = hosts.get((int) a);
        Object result = lent(() -> members.call(target, argv, construct));
        return send(result == HostMembers.VOID ? reply.reset().undefined() : reply.reset().value(members.exposable(result)));
      }
      case QuickJsNative.OP_PROMISE_SETTLED: {
        boolean rejected = args.get() != QuickJsNative.SETTLE_FULFIL;
        Object settlement = rejected ? readException(args, realm, null) : read(args, realm);
        replyNone();
        loop.settled(a, rejected, settlement);
        return QuickJsNative.REPLY_OK;
      }
      case QuickJsNative.OP_TIMER: {
        double delay = args.getDouble();
        boolean repeat = args.get() != 0;
        replyNone();
        if (realm != null) {
          loop.schedule(realm, a, delay, repeat);
        }
        return QuickJsNative.REPLY_OK;
      }
      case QuickJsNative.OP_TIMER_CANCEL:
        replyNone();
        if (realm != null) {
          loop.cancel(realm, a);
        }
        return QuickJsNative.REPLY_OK;
      case QuickJsNative.OP_MODULE_RESOLVE: {
        Object referrer = read(args, realm);
        String specifier = (String) Objects.requireNonNull(read(args, realm));
        String id = modules.resolve(
            specifier, referrer instanceof String r ? r : currentFile, a == QuickJsNative.MODULE_REQUIRE);
        return send(reply.reset().string(id));
      }
      case QuickJsNative.OP_MODULE_LOAD: {
        String id = (String) Objects.requireNonNull(read(args, realm));
        ValueWriter w = reply.reset();
        modules.load(id, w);
        return send(w);
      }
      case QuickJsNative.OP_HOST_MODULE: {
        String id = (String) Objects.requireNonNull(read(args, realm));
        ValueWriter w = reply.reset();
        modules.exports(id, w);
        return send(w);
      }
      default:
        replyNone();
        return QuickJsNative.REPLY_OK;
    }
  }

  private @Nullable Object[] readArgs(ByteBuffer args, @Nullable Realm realm) {
    int argc = args.getInt();
    Object[] argv = new Object[argc];
    for (int i = 0; i < argc; i++) {
      argv[i] = read(args, realm);
    }
    return argv;
  }

  private static @Nullable String readLine(Reader r) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = r.read()) >= 0) {
      if (c == '\n') {
        return sb.toString();
      }
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.length() == 0 ? null : sb.toString();
  }
}
