package dev.qjs.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The lock of one runtime: one thread runs in the runtime at a time, and a thread may enter again
 * while it is inside (JS → Java → JS).
 *
 * <p>A thread inside the runtime that calls out to Java <em>lends</em> the runtime for the length
 * of that host call. While the lender is parked there (waiting for a future, a join, a lock),
 * another thread may enter on top of it, exactly as if the lender's Java code had made the call
 * itself; the lender resumes only once every such entry has left. That is what lets Java APIs
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
    int holds = 1;
    /** The hold count at the host call that lends this entry; lent while equal to holds. */
    int lentAt = -1;

    Entry(Thread thread) {
      this.thread = thread;
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
  /** The locks the current thread has an entry in, oldest first. */
  private static final ThreadLocal<List<RuntimeLock>> INSIDE =
      ThreadLocal.withInitial(ArrayList::new);

  private final ReentrantLock guard = new ReentrantLock();
  private final Condition changed = guard.newCondition();
  private final List<Entry> entries = new ArrayList<>();
  private final String name;
  private final BooleanSupplier stopRequested;
  /** The thread of the top entry (null when idle): read by other locks' deadlock checks. */
  private volatile Thread running;
  /** The top entry lends the runtime: a waiter that may borrow is not blocked by it for good. */
  private volatile boolean runningLends;

  /**
   * @param name how errors name the runtime
   * @param stopRequested true while the runtime's current call is being stopped (interrupt flag
   *     set or deadline passed): threads inside it that wait elsewhere give up
   */
  RuntimeLock(String name, BooleanSupplier stopRequested) {
    this.name = name;
    this.stopRequested = stopRequested;
  }

  /**
   * Enters, waiting as long as needed and allowed. With mayBorrow, the thread may run on top of
   * a lender that is parked in a host call. Returns {@link #OUTERMOST}, {@link #NESTED} or
   * {@link #BORROWED}; throws {@link WaitRefused} when the wait may not go on.
   */
  int acquire(boolean mayBorrow) {
    Thread me = Thread.currentThread();
    guard.lock();
    try {
      boolean registered = false;
      boolean interrupted = false;
      try {
        while (true) {
          int n = entries.size();
          if (n == 0) {
            push(me);
            return OUTERMOST;
          }
          Entry top = entries.get(n - 1);
          if (top.thread == me) {
            top.holds++;
            runningLends = false;
            return NESTED;
          }
          boolean lends = mayBorrow && top.lent() && n < MAX_ENTRIES;
          if (lends && (isParked(top.thread) || WAITING.containsKey(top.thread))) {
            push(me);
            return BORROWED;
          }
          if (!registered) {
            WAITING.put(me, new Wait(this, mayBorrow, false));
            registered = true;
          }
          checkWaiting(me);
          try {
            changed.awaitNanos(lends ? BORROW_POLL_NANOS : CHECK_POLL_NANOS);
          } catch (InterruptedException e) {
            interrupted = true; // the engine's own stop signals end waits; keep the status
          }
        }
      } finally {
        if (registered) {
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

  private void push(Thread me) {
    entries.add(new Entry(me));
    running = me;
    runningLends = false;
    INSIDE.get().add(this);
  }

  /** How the current thread's release will end its entry: OUTERMOST, BORROWED or NESTED. */
  int releaseKind() {
    Entry top = entries.get(entries.size() - 1);
    if (top.holds > 1) {
      return NESTED;
    }
    return entries.size() == 1 ? OUTERMOST : BORROWED;
  }

  /** Leaves once; the entry ends when the thread has left as often as it entered. */
  void release() {
    guard.lock();
    try {
      int n = entries.size();
      Entry top = entries.get(n - 1);
      if (top.thread != Thread.currentThread()) {
        throw new IllegalMonitorStateException("the runtime's lock is not held by this thread");
      }
      if (--top.holds == 0) {
        entries.remove(n - 1);
        running = n > 1 ? entries.get(n - 2).thread : null;
        runningLends = n > 1 && entries.get(n - 2).lent();
        List<RuntimeLock> inside = INSIDE.get();
        inside.remove(inside.size() - 1);
      } else {
        runningLends = top.lent();
      }
      changed.signalAll();
    } finally {
      guard.unlock();
    }
  }

  /**
   * Lends the runtime while the current thread runs a host call's Java code; returns what
   * {@link #unlend} needs to restore.
   */
  int lend() {
    guard.lock();
    try {
      Entry top = entries.get(entries.size() - 1);
      int previous = top.lentAt;
      top.lentAt = top.holds;
      runningLends = true;
      changed.signalAll();
      return previous;
    } finally {
      guard.unlock();
    }
  }

  /** Ends a loan: waits until every entry made on top of the current thread's has left. */
  void unlend(int previous) {
    Thread me = Thread.currentThread();
    guard.lock();
    try {
      boolean registered = false;
      boolean interrupted = false;
      try {
        while (entries.get(entries.size() - 1).thread != me) {
          if (!registered) {
            WAITING.put(me, new Wait(this, false, true));
            registered = true;
          }
          try {
            changed.awaitNanos(CHECK_POLL_NANOS);
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        Entry top = entries.get(entries.size() - 1);
        top.lentAt = previous;
        runningLends = top.lent();
      } finally {
        if (registered) {
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

  /** True while some thread has an entry. */
  boolean isLocked() {
    return running != null;
  }

  /** True when the current thread runs the top entry. */
  boolean isRunningHere() {
    return running == Thread.currentThread();
  }

  /** The number of times the running thread entered its top entry (0 when idle). */
  int holds() {
    guard.lock();
    try {
      return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).holds;
    } finally {
      guard.unlock();
    }
  }

  /** A lender parked in Java code: waiting for something, not computing. */
  private static boolean isParked(Thread t) {
    Thread.State s = t.getState();
    return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED;
  }

  /** Throws when the waiter's own calls are being stopped, or when it closes a deadlock. */
  private void checkWaiting(Thread me) {
    for (RuntimeLock held : INSIDE.get()) {
      if (held != this && held.stopRequested.getAsBoolean()) {
        throw new WaitRefused("the call in " + held.name + " was stopped (time limit, interrupt or"
            + " close) while it waited for " + name + ", which another thread is running");
      }
    }
    List<Thread> cycle = cycleThrough(me);
    if (cycle != null && victim(cycle) == me) {
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
   * whose running thread waits for another lock, and so on back to me.
   */
  private List<Thread> cycleThrough(Thread me) {
    List<Thread> path = new ArrayList<>();
    path.add(me);
    RuntimeLock lock = this;
    for (int i = 0; i < 32; i++) {
      Thread holder = lock.running;
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
      if (mine != null && mine.mayBorrow && lock.runningLends) {
        return null; // the holder lends while it waits: the waiter enters on top of it
      }
      path.add(holder);
      lock = w.lock;
    }
    return null;
  }

  /** The thread of the cycle that gives up: the newest one that is not resuming its own entry. */
  private static Thread victim(List<Thread> cycle) {
    Thread victim = null;
    for (Thread t : cycle) {
      Wait w = WAITING.get(t);
      if (w != null && !w.resuming && (victim == null || t.getId() > victim.getId())) {
        victim = t;
      }
    }
    return victim;
  }
}
