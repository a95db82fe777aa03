package dev.qjs.internal.runtime;

import com.sun.jna.Pointer;
import dev.qjs.internal.async.AsyncBridge;
import dev.qjs.internal.async.EventLoop;
import dev.qjs.internal.bridge.Mailbox;
import dev.qjs.internal.bridge.QuickJsNative;
import dev.qjs.internal.diagnostics.ScriptDiagnostics;
import dev.qjs.internal.interop.HostObjects;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.script.ScriptContext;
import org.jspecify.annotations.Nullable;

/**
 * Entering and leaving one runtime. Entering takes the lock, frees what the cleaner queued and,
 * on the outermost entry, applies the call's limits (heap and stack when they changed; the
 * deadline, instruction budget, CPU-time limit and a cleared interrupt flag in the mailbox, which
 * the shim's interrupt handler reads); an entry on top of a lender's call runs under its own
 * limits and the lender's. Leaving the outermost entry does the end-of-call work: the async
 * bridge's, the Java objects JavaScript let go, a collection when the heap fills. Closing, also
 * from inside a call, is decided here.
 */
final class RuntimeEntry {
  private final JsRuntime runtime;
  private final NativeState state;
  private final Mailbox mailbox;
  private final Function<ScriptContext, Limits> limits;
  private final HostObjects hosts;
  private final AsyncBridge async;
  private final ScriptDiagnostics diagnostics;
  /** Whether the outermost call runs in debug mode (quickjs.debug). */
  private boolean debug;
  private final EventLoop loop;
  /**
   * The lender's limits of each entry made on top of a lender's call: its deadline and time
   * limit, its budget slot and instruction limit, its CPU slots (limit, deadline, thread) and
   * CPU-time limit.
   */
  private final ArrayDeque<long[]> borrowed = new ArrayDeque<>();
  /** close() was called from another thread while a call ran: the call is being stopped. */
  private volatile boolean closing;
  /** close() was called inside a call; the outermost exit() frees the runtime. */
  private volatile boolean closeRequested;
  /** A JVM error that a host call threw during the current call; see {@link #stopForJvmError}. */
  private @Nullable VirtualMachineError fatal;
  private long appliedMemoryLimit;
  private long appliedMaxStack;
  private long timeLimitNanos;
  private long instructionLimit;
  private long cpuTimeLimitNanos;
  /** Handles live at the last collection asked for: at most one per 64 new handles. */
  private int liveAtLastReclaim;
  /**
   * Failures that were not a script's own error (a limit, an interruption, a stack overflow, a
   * full heap), counted as {@link ExceptionReader} classifies them; an engine pool reads it to
   * discard an engine that hit one during a lease.
   */
  private final java.util.concurrent.atomic.AtomicLong stops = new java.util.concurrent.atomic.AtomicLong();

  RuntimeEntry(
      JsRuntime runtime,
      NativeState state,
      Function<ScriptContext, Limits> limits,
      HostObjects hosts,
      AsyncBridge async,
      ScriptDiagnostics diagnostics) {
    this.runtime = runtime;
    this.diagnostics = diagnostics;
    this.state = state;
    this.mailbox = state.mailbox;
    this.limits = limits;
    this.hosts = hosts;
    this.async = async;
    this.loop = async.loop();
  }

  /**
   * Tells the shim what to record (QJS_MB_TRACE): at each outermost entry, and when a source map
   * or the debugger handler appears during a call (a module with a map was imported).
   */
  void refreshTrace() {
    long trace = diagnostics.traceFlags(debug);
    if (mailbox.get(QuickJsNative.MB_TRACE) != trace) {
      mailbox.setRelease(QuickJsNative.MB_TRACE, trace);
    }
  }

  /** Whether the current outermost call runs in debug mode. */
  boolean debug() {
    return debug;
  }

  boolean stopRequested() {
    return state.stopRequested();
  }

  boolean interruptFlagSet() {
    return mailbox.getVolatile(QuickJsNative.MB_INTERRUPT) != 0;
  }

  /** The call is being stopped because the engine is closing. */
  boolean isClosing() {
    return closing;
  }

  /** The time limit of the current call, in nanoseconds (0: none). */
  long timeLimitNanos() {
    return timeLimitNanos;
  }

  /** The instruction budget of the current call, in poll points (0: none). */
  long instructionLimit() {
    return instructionLimit;
  }

  /** The CPU-time limit of the current call, in nanoseconds (0: none). */
  long cpuTimeLimitNanos() {
    return cpuTimeLimitNanos;
  }

  /** The memory limit applied, in bytes (0: none). */
  long memoryLimit() {
    return appliedMemoryLimit;
  }

  /** Closes the runtime; see {@link JsRuntime#close}. */
  void close() {
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
      runtime.beforeFree(state.rt);
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
  long enter() {
    return enter(null, true);
  }

  /**
   * Takes the lock; on the outermost entry, applies the limits for the call's context (heap and
   * stack when they changed, the deadline and a cleared interrupt flag in the mailbox, which
   * the shim's interrupt handler reads: no Java upcall on that path). An entry made on top of
   * a lender's call (another thread's, parked in a host call) runs under its own time limit
   * and the lender's, whichever ends first.
   */
  long enter(@Nullable ScriptContext context, boolean mayBorrow) {
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
        Limits l = limits.apply(context != null ? context : runtime.currentContext());
        if (kind == RuntimeLock.OUTERMOST) {
          if (l.memoryLimit() != appliedMemoryLimit || l.maxStack() != appliedMaxStack) {
            QuickJsNative.qjs_runtime_set_limits(rt, l.memoryLimit(), l.maxStack(), 0);
            appliedMemoryLimit = l.memoryLimit();
            appliedMaxStack = l.maxStack();
          }
          timeLimitNanos = l.timeoutNanos();
          fatal = null;
          // the slots are stored only when they change: most calls find both 0 and leave them so
          if (mailbox.get(QuickJsNative.MB_INTERRUPT) != 0) {
            mailbox.setRelease(QuickJsNative.MB_INTERRUPT, 0L);
          }
          if (timeLimitNanos > 0) {
            mailbox.setRelease(QuickJsNative.MB_DEADLINE, System.nanoTime() + timeLimitNanos);
          } else if (mailbox.get(QuickJsNative.MB_DEADLINE) != 0) {
            mailbox.setRelease(QuickJsNative.MB_DEADLINE, 0L);
          }
          applyCountedLimits(l);
        } else {
          lendTo(l);
        }
      } catch (RuntimeException | Error e) {
        state.lock.release();
        throw e;
      }
    }
    freeQueued(rt);
    return rt;
  }

  /**
   * The outermost entry's budget and CPU-time limit: the budget counts from 0, and the shim
   * starts the CPU clock at its first entry of the call (the CPU deadline cleared here). Slots
   * are stored only when they change, as the deadline's.
   */
  private void applyCountedLimits(Limits l) {
    debug = l.debug();
    refreshTrace();
    instructionLimit = l.instructionLimit();
    if (instructionLimit > 0) {
      mailbox.setRelease(QuickJsNative.MB_INSTRUCTION_LIMIT, instructionLimit);
      mailbox.put(QuickJsNative.MB_INSTRUCTIONS, 0L);
    } else if (mailbox.get(QuickJsNative.MB_INSTRUCTION_LIMIT) != 0) {
      mailbox.setRelease(QuickJsNative.MB_INSTRUCTION_LIMIT, 0L);
    }
    cpuTimeLimitNanos = l.cpuTimeNanos();
    if (cpuTimeLimitNanos > 0) {
      mailbox.setRelease(QuickJsNative.MB_CPU_LIMIT, cpuTimeLimitNanos);
      mailbox.setRelease(QuickJsNative.MB_CPU_DEADLINE, 0L);
    } else if (mailbox.get(QuickJsNative.MB_CPU_LIMIT) != 0
        || mailbox.get(QuickJsNative.MB_CPU_DEADLINE) != 0) {
      mailbox.setRelease(QuickJsNative.MB_CPU_LIMIT, 0L);
      mailbox.setRelease(QuickJsNative.MB_CPU_DEADLINE, 0L);
    }
  }

  /**
   * An entry on top of a lender's call (another thread's, parked in a host call): it runs under
   * its own time limit and the lender's, whichever ends first; its poll points count on the
   * lender's budget, and its own budget ends it when that comes first; its CPU time is its own
   * thread's, limited by its own limit or the lender's, the smaller (the shim starts its clock
   * at the entry, on this thread). exit() gives the lender's limits back.
   */
  private void lendTo(Limits l) {
    long lenderDeadline = mailbox.getVolatile(QuickJsNative.MB_DEADLINE);
    long lenderBudget = mailbox.getVolatile(QuickJsNative.MB_INSTRUCTION_LIMIT);
    long lenderCpu = mailbox.getVolatile(QuickJsNative.MB_CPU_LIMIT);
    borrowed.push(new long[] {
      lenderDeadline, timeLimitNanos,
      lenderBudget, instructionLimit,
      lenderCpu, mailbox.getVolatile(QuickJsNative.MB_CPU_DEADLINE),
      mailbox.getVolatile(QuickJsNative.MB_CPU_THREAD), cpuTimeLimitNanos
    });
    long own = l.timeoutNanos() > 0 ? System.nanoTime() + l.timeoutNanos() : 0L;
    if (own != 0 && (lenderDeadline == 0 || own - lenderDeadline < 0)) {
      timeLimitNanos = l.timeoutNanos();
      mailbox.setRelease(QuickJsNative.MB_DEADLINE, own);
    }
    if (l.instructionLimit() > 0) {
      // the shim counted the lender's polls into MB_INSTRUCTIONS before the host call it waits in
      long used = mailbox.getVolatile(QuickJsNative.MB_INSTRUCTIONS);
      long ends = lenderBudget > 0 ? used : 0L; // a lender without a budget counted nothing
      if (lenderBudget <= 0) {
        mailbox.put(QuickJsNative.MB_INSTRUCTIONS, 0L);
      }
      ends = ends > Long.MAX_VALUE - l.instructionLimit() ? Long.MAX_VALUE : ends + l.instructionLimit();
      if (lenderBudget <= 0 || ends < lenderBudget) {
        instructionLimit = l.instructionLimit();
        mailbox.setRelease(QuickJsNative.MB_INSTRUCTION_LIMIT, ends);
      }
    }
    long cpu = l.cpuTimeNanos() > 0 && (lenderCpu <= 0 || l.cpuTimeNanos() < lenderCpu)
        ? l.cpuTimeNanos() : lenderCpu;
    if (cpu > 0) {
      if (cpu != lenderCpu) {
        cpuTimeLimitNanos = cpu;
      }
      mailbox.setRelease(QuickJsNative.MB_CPU_LIMIT, cpu);
      mailbox.setRelease(QuickJsNative.MB_CPU_DEADLINE, 0L);
    }
  }

  void exit() {
    int kind = state.lock.releaseKind();
    boolean outermost = kind == RuntimeLock.OUTERMOST;
    if (outermost && state.rt != 0 && !closeRequested) {
      async.endOfCall(state.rt);
    }
    if (outermost) {
      releaseHostObjects();
      reclaimNearMemoryLimit();
      if (mailbox.get(QuickJsNative.MB_DEADLINE) != 0) {
        mailbox.setRelease(QuickJsNative.MB_DEADLINE, 0L);
      }
      if (mailbox.get(QuickJsNative.MB_INSTRUCTION_LIMIT) != 0) {
        mailbox.setRelease(QuickJsNative.MB_INSTRUCTION_LIMIT, 0L);
      }
      if (mailbox.get(QuickJsNative.MB_CPU_LIMIT) != 0 || mailbox.get(QuickJsNative.MB_CPU_DEADLINE) != 0) {
        mailbox.setRelease(QuickJsNative.MB_CPU_LIMIT, 0L);
        mailbox.setRelease(QuickJsNative.MB_CPU_DEADLINE, 0L);
      }
    } else if (kind == RuntimeLock.BORROWED) {
      long[] lender = borrowed.pop();
      mailbox.setRelease(QuickJsNative.MB_DEADLINE, lender[0]);
      timeLimitNanos = lender[1];
      mailbox.setRelease(QuickJsNative.MB_INSTRUCTION_LIMIT, lender[2]);
      instructionLimit = lender[3];
      mailbox.setRelease(QuickJsNative.MB_CPU_LIMIT, lender[4]);
      mailbox.setRelease(QuickJsNative.MB_CPU_THREAD, lender[6]);
      mailbox.setRelease(QuickJsNative.MB_CPU_DEADLINE, lender[5]);
      cpuTimeLimitNanos = lender[7];
    }
    state.accountMemory();
    if (closeRequested && outermost) {
      loop.close();
      runtime.beforeFree(state.rt);
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
  void stopForJvmError(VirtualMachineError e) {
    fatal = e;
    interrupt();
  }

  void throwFatal() {
    VirtualMachineError e = fatal;
    if (e != null) {
      fatal = null;
      throw e;
    }
  }

  /** Stops the script running now, if any, from any thread: it fails with an interruption. */
  /** Counts one failure that was not a script's own error; under the lock. */
  void countStop() {
    stops.incrementAndGet();
  }

  /** How many failures were a limit, an interruption, a stack overflow or a full heap. */
  long stops() {
    return stops.get();
  }

  /** Whether the runtime was closed, or is being closed. */
  boolean isClosed() {
    return state.rt == 0 || closing || closeRequested;
  }

  void interrupt() {
    if (state.rt != 0) {
      mailbox.setVolatile(QuickJsNative.MB_INTERRUPT, 1L);
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
    if (!state.queued) {
      return;
    }
    state.queued = false; // before the queues are drained: what the cleaner adds later sets it again
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
      runtime.forgetRealm(r);
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
}
