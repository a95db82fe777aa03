package dev.qjs.internal.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The lock of one runtime: one thread runs in the runtime at a time, and a thread may enter again
 * while it is inside (JS → Java → JS).
 *
 * <p>A thread inside the runtime that calls out to Java <em>lends</em> the runtime for the length
 * of that host call. While the lender is parked there (waiting for a future, a join, a lock),
 * another thread that asks to borrow (a callback: see {@code JsRuntime.lockedForCallback}) may
 * enter on top of it, exactly as if the lender's Java code had made the call itself; the lender
 * resumes only once every such entry has left, and nobody enters on top of a lender that is
 * waiting to resume. That is what lets Java APIs
 * that run a script's callbacks on their own threads and wait for them (parallel streams,
 * executors, futures) work instead of deadlocking. Entries are a stack: QuickJS's frames of each
 * entry lie on top of those of the entry below, so only the top entry ever runs.
 *
 * <p>A thread that cannot enter waits, but never blindly: it gives up with a {@link
 * WaitRefused} when a call it is already inside (in any runtime) is being stopped (time limit,
 * interrupt, close), and when waiting would close a cycle of threads that wait for each other's
 * runtimes (one thread of the cycle is refused; the others go on once it has left).
 */
final class RuntimeLock {
  /** The entry made a new call: the first one on an idle runtime. */
  static final int OUTERMOST = 0;
  /** The entry is the running thread entering again (a host call that calls back in). */
  static final int NESTED = 1;
  /** The entry runs on top of a lender's call, on another thread. */
  static final int BORROWED = 2;

  /** More entries on top of each other than this wait instead (the shim keeps a few per entry). */
  static final int MAX_ENTRIES = 64;

  /** How long a waiter sleeps between checks when the running thread lends but is not parked. */
  private static final long BORROW_POLL_NANOS = 200_000;
  /** How long a waiter sleeps between checks of its own calls' limits and of deadlocks. */
  private static final long CHECK_POLL_NANOS = 10_000_000;

  /** A wait that would never end, or that the waiter's own call no longer allows. */
  static final class WaitRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WaitRefused(String message) {
      super(message, null, false, false);
    }
  }

  /** One entry: a thread, how often it entered again, and whether it lends right now. */
  private static final class Entry {
    final Thread thread;
    /** The entry below (null for the outermost one). */
    final @Nullable Entry below;
    /** Its place in the stack: 0 for the outermost entry. */
    final int index;
    /** Changed only by its own thread. */
    int holds = 1;
    /** The hold count at the host call that lends this entry; lent while equal to holds. */
    int lentAt = -1;
    /** Its thread's host call has returned and waits for the entries on top to leave. */
    volatile boolean resuming;

    Entry(Thread thread, @Nullable Entry below) {
      this.thread = thread;
      this.below = below;
      this.index = below == null ? 0 : below.index + 1;
    }

    boolean lent() {
      return lentAt == holds;
    }
  }

  /**
   * What a thread waits for: a lock; whether it may enter on top of a lender there; whether it
   * waits to resume its own entry there.
   */
  private record Wait(RuntimeLock lock, boolean mayBorrow, boolean resuming) {}

  private static final Map<Thread, Wait> WAITING = new ConcurrentHashMap<>();
  /**
   * Every lock of the process, for a waiting thread to find the calls it is inside (the slow
   * path): entries record no per-thread list, so entering and leaving touch no thread-local.
   */
  private static final Set<RuntimeLock> ALL =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  private final ReentrantLock guard = new ReentrantLock();
  private final Condition changed = guard.newCondition();
  /** Threads waiting on {@link #changed} (changed under the guard, read without it). */
  private volatile int waiters;
  private final String name;
  private final BooleanSupplier stopRequested;
  /**
   * The top entry (null when idle); the entries below hang from it. Set from null by a compare
   * and set (the outermost entry), else only by the thread that owns the runtime at that moment
   * (the top entry's, or the borrower that took {@link #free}).
   */
  private volatile @Nullable Entry top;
  private static final VarHandle TOP;

  static {
    try {
      TOP = MethodHandles.lookup().findVarHandle(RuntimeLock.class, "top", Entry.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
  /**
   * The top entry lends the runtime and nobody has taken the loan: whoever sets it from true to
   * false (a borrower, the lender re-entering or ending its loan) owns the runtime next. This
   * one flag is what makes re-entry and lending cheap: no guard on those paths.
   */
  private final AtomicBoolean free = new AtomicBoolean();

  /**
   * @param name how errors name the runtime
   * @param stopRequested true while the runtime's current call is being stopped (interrupt flag
   *     set or deadline passed): threads inside it that wait elsewhere give up
   */
  RuntimeLock(String name, BooleanSupplier stopRequested) {
    this.name = name;
    this.stopRequested = stopRequested;
    ALL.add(this);
  }

  /** Whether thread has an entry in this lock (read racily: its caller re-checks as it waits). */
  private boolean hasEntryOf(Thread thread) {
    for (Entry e = top; e != null; e = e.below) {
      if (e.thread == thread) {
        return true;
      }
    }
    return false;
  }

  /**
   * Enters, waiting as long as needed and allowed. With mayBorrow, the thread may run on top of
   * a lender that is parked in a host call. Returns {@link #OUTERMOST}, {@link #NESTED} or
   * {@link #BORROWED}; throws {@link WaitRefused} when the wait may not go on.
   */
  int acquire(boolean mayBorrow) {
    Thread me = Thread.currentThread();
    Entry t = top;
    if (t != null && t.thread == me && (!t.lent() || takeLoanBack(t))) {
      t.holds++; // re-entry (taking back its own loan first when it lends)
      return NESTED;
    }
    if (t == null && enterIdle(me)) {
      return OUTERMOST;
    }
    guard.lock();
    try {
      boolean registered = false;
      boolean interrupted = false;
      Entry mine = null;
      try {
        while (true) {
          t = top;
          if (t == null && enterIdle(me)) {
            return OUTERMOST;
          }
          if (t == null) {
            continue;
          }
          if (t.thread == me && (!t.lent() || takeLoanBack(t))) {
            t.holds++;
            return NESTED;
          }
          boolean lends = mayBorrow && t.thread != me && !t.resuming && free.get()
              && t.index + 1 < MAX_ENTRIES;
          if (lends && (isParked(t.thread) || WAITING.containsKey(t.thread))
              && free.compareAndSet(true, false)) {
            top = new Entry(me, t);
            return BORROWED;
          }
          if (!registered) {
            WAITING.put(me, new Wait(this, mayBorrow, false));
            registered = true;
            waiters++; // before the next look at free: a lender that sets it then sees a waiter
            mine = entryOf(me);
            if (mine != null) {
              mine.resuming = true; // back from Java code below the top: nobody enters on it
            }
            continue;
          }
          checkWaiting(me);
          try {
            changed.awaitNanos(lends ? BORROW_POLL_NANOS : CHECK_POLL_NANOS);
          } catch (InterruptedException e) {
            interrupted = true; // the engine's own stop signals end waits; keep the status
          }
        }
      } finally {
        if (mine != null) {
          mine.resuming = false;
        }
        if (registered) {
          waiters--;
          WAITING.remove(me);
        }
        if (interrupted) {
          me.interrupt();
        }
      }
    } finally {
      guard.unlock();
    }
  }

  /**
   * The last outermost entry made, reused by its thread's next outermost entry: a thread that
   * calls the engine over and over allocates nothing to enter. Only an idle runtime's entry is
   * reused (no entry stands on it then, and only its own thread reads its counts); other threads
   * read this field racily, see another thread in it and make their own.
   */
  private @Nullable Entry idleEntry;

  /** Makes the outermost entry if the runtime is idle. */
  private boolean enterIdle(Thread me) {
    Entry e = idleEntry;
    if (e == null || e.thread != me) {
      e = new Entry(me, null);
    } else {
      e.holds = 1;
      e.lentAt = -1;
    }
    if (TOP.compareAndSet(this, (Entry) null, e)) {
      if (idleEntry != e) {
        idleEntry = e; // stored only when it changes: a reference store costs a GC barrier
      }
      return true;
    }
    return false;
  }

  /** How the current thread's release will end its entry: OUTERMOST, BORROWED or NESTED. */
  int releaseKind() {
    Entry t = Objects.requireNonNull(top); // the current thread holds the lock
    if (t.holds > 1) {
      return NESTED;
    }
    return t.index == 0 ? OUTERMOST : BORROWED;
  }

  /** Leaves once; the entry ends when the thread has left as often as it entered. */
  void release() {
    Entry t = top;
    if (t == null || t.thread != Thread.currentThread()) {
      throw new IllegalMonitorStateException("the runtime's lock is not held by this thread");
    }
    if (t.holds > 1) {
      if (--t.holds == t.lentAt) {
        free.set(true); // back in the host call that lends the entry
        wake();
      }
      return;
    }
    t.holds = 0;
    Entry below = t.below;
    if (below != null) {
      top = below;
      free.set(true); // the entry below lends (nobody enters on top of one that does not)
    } else {
      top = null;
    }
    if (waiters > 0) { // read after top: a waiter that counted itself in before sees top again
      guard.lock();
      try {
        changed.signalAll();
      } finally {
        guard.unlock();
      }
    }
  }

  /**
   * Lends the runtime while the current thread runs a host call's Java code; returns what
   * {@link #unlend} needs to restore.
   */
  int lend() {
    Entry t = Objects.requireNonNull(top); // the current thread holds the lock
    int previous = t.lentAt;
    t.lentAt = t.holds;
    free.set(true);
    wake();
    return previous;
  }

  /** Ends a loan: waits until every entry made on top of the current thread's has left. */
  void unlend(int previous) {
    Entry t = Objects.requireNonNull(top); // the lender's entry or one made on top of it
    if (t.thread != Thread.currentThread() || !takeLoanBack(t)) {
      t = awaitLoanBack();
    }
    t.lentAt = previous;
  }

  /**
   * Takes the loan of the current thread's entry t back, if nobody has it: true when t is the
   * top entry and this thread took {@link #free}. Another thread may have entered on top of t,
   * lent its own entry and so set free again in the meantime: that loan is given back at once.
   */
  private boolean takeLoanBack(Entry t) {
    if (!free.compareAndSet(true, false)) {
      return false;
    }
    if (top == t) {
      return true;
    }
    free.set(true);
    wake();
    return false;
  }

  /**
   * The slow end of a loan: another thread entered on top; waits until it has left and returns
   * the current thread's entry, its loan taken back. Nobody enters on top of a waiting entry.
   */
  private Entry awaitLoanBack() {
    Thread me = Thread.currentThread();
    guard.lock();
    try {
      Entry mine = Objects.requireNonNull(entryOf(me)); // the current thread lent: it has an entry
      WAITING.put(me, new Wait(this, false, true));
      waiters++;
      mine.resuming = true;
      boolean interrupted = false;
      try {
        while (!(top == mine && takeLoanBack(mine))) {
          try {
            changed.awaitNanos(CHECK_POLL_NANOS);
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      } finally {
        mine.resuming = false;
        waiters--;
        WAITING.remove(me);
        if (interrupted) {
          me.interrupt();
        }
      }
      return mine;
    } finally {
      guard.unlock();
    }
  }

  /** The topmost entry of thread t, or null. */
  private @Nullable Entry entryOf(Thread t) {
    for (Entry e = top; e != null; e = e.below) {
      if (e.thread == t) {
        return e;
      }
    }
    return null;
  }

  /**
   * Wakes the threads waiting here, if any. Never blocks: a lender that parked here would look
   * like one parked in its own Java code (waiters that miss the signal look again within their
   * poll interval).
   */
  private void wake() {
    if (waiters > 0 && guard.tryLock()) {
      try {
        changed.signalAll();
      } finally {
        guard.unlock();
      }
    }
  }

  /** True while some thread has an entry. */
  boolean isLocked() {
    return top != null;
  }

  /** True when the current thread runs the top entry. */
  boolean isRunningHere() {
    Entry t = top;
    return t != null && t.thread == Thread.currentThread();
  }

  /** A lender parked in Java code: waiting for something, not computing. */
  private static boolean isParked(Thread t) {
    Thread.State s = t.getState();
    return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED;
  }

  /** Throws when the waiter's own calls are being stopped, or when it closes a deadlock. */
  private void checkWaiting(Thread me) {
    List<RuntimeLock> all;
    synchronized (ALL) {
      all = new ArrayList<>(ALL);
    }
    for (RuntimeLock held : all) {
      if (held != this && held.hasEntryOf(me) && held.stopRequested.getAsBoolean()) {
        throw new WaitRefused("the call in " + held.name + " was stopped (time limit, interrupt or"
            + " close) while it waited for " + name + ", which another thread is running");
      }
    }
    List<Wait> waits = new ArrayList<>();
    List<Thread> cycle = cycleThrough(me, waits);
    if (cycle != null && victim(cycle, waits) == me) {
      StringBuilder sb = new StringBuilder("deadlock refused: ");
      for (int i = 0; i < cycle.size(); i++) {
        Thread t = cycle.get(i);
        Wait w = WAITING.get(t);
        if (i > 0) {
          sb.append("; ");
        }
        sb.append("thread '").append(t.getName()).append("' waits for ")
            .append(w == null ? "?" : w.lock.name);
      }
      sb.append(". A thread inside one QuickJS engine must not wait for another engine that is"
          + " waiting for the first one; this call fails instead of waiting forever");
      throw new WaitRefused(sb.toString());
    }
  }

  /**
   * The threads of a wait-for cycle through me (me first), or null: me waits for this lock,
   * whose running thread waits for another lock, and so on back to me. {@code waits} receives
   * each thread's wait as it was seen, so every thread of the cycle judges the same snapshot
   * (one that has since given up is still the victim, and nobody else gives up with it).
   */
  private @Nullable List<Thread> cycleThrough(Thread me, List<Wait> waits) {
    List<Thread> path = new ArrayList<>();
    path.add(me);
    Wait own = WAITING.get(me);
    waits.add(own != null ? own : new Wait(this, false, false));
    RuntimeLock lock = this;
    for (int i = 0; i < 32; i++) {
      Entry holding = lock.top;
      Thread holder = holding == null ? null : holding.thread;
      if (holder == null) {
        return null;
      }
      if (holder == me) {
        return path;
      }
      if (path.contains(holder)) {
        return null; // a cycle that does not pass through me: one of its own threads breaks it
      }
      Wait w = WAITING.get(holder);
      if (w == null) {
        return null;
      }
      Wait mine = WAITING.get(path.get(path.size() - 1));
      if (mine != null && mine.mayBorrow && lock.free.get()) {
        return null; // the holder lends while it waits: the waiter enters on top of it
      }
      path.add(holder);
      waits.add(w);
      lock = w.lock;
    }
    return null;
  }

  /**
   * The thread of the cycle that gives up: the newest one that is not resuming its own entry,
   * judged from the waits as {@link #cycleThrough} saw them.
   */
  private static @Nullable Thread victim(List<Thread> cycle, List<Wait> waits) {
    Thread victim = null;
    for (int i = 0; i < cycle.size(); i++) {
      Thread t = cycle.get(i);
      if (!waits.get(i).resuming() && (victim == null || t.getId() > victim.getId())) {
        victim = t;
      }
    }
    return victim;
  }
}
