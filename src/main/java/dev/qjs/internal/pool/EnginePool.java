package dev.qjs.internal.pool;

import dev.qjs.UncheckedScriptException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.script.ScriptEngine;
import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/**
 * A pool of engines: idle engines, waiting leases served in arrival order, and background threads
 * that make and initialize engines, both ahead of demand (to keep {@code minIdle} ready) and for
 * a lease that found none idle while the pool may still grow. A waiting lease takes whichever is
 * ready first: an engine made for it or one another lease gave back. Every state change happens
 * under one lock; nothing slow (making, initializing, resetting or closing an engine) runs under
 * it.
 *
 * <p>Counts: {@code live} engines exist (idle or leased), {@code creating} are being made, and
 * {@code live + creating <= maxSize}. Every engine made counts as a creation and every engine
 * closed as a discard, so {@code creations - discards == live} whenever nothing is being made.
 */
public final class EnginePool<E extends ScriptEngine> {
  private static final System.Logger LOG = System.getLogger("dev.qjs.pool");
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final EngineLifecycle<E> lifecycle;
  private final PoolSettings settings;
  private final ScheduledThreadPoolExecutor workers;
  private final ReentrantLock lock = new ReentrantLock();
  /** Ready engines, the most recently returned last (taken first: its memory is warm). */
  private final ArrayDeque<PooledEngine<E>> idle = new ArrayDeque<>();
  /** Leases waiting for an engine, in arrival order. */
  private final ArrayDeque<Waiter<E>> waiters = new ArrayDeque<>();
  private int live;
  private int creating;
  private int leased;
  private boolean closed;
  private long leases;
  private long waits;
  private long creations;
  private long discards;
  /** The last failure to make or initialize an engine; cleared by a success. */
  private @Nullable Throwable lastFailure;
  /** After a failure, making engines ahead of demand pauses until then (nanoTime). */
  private long warmPausedUntil;
  private long backoffNanos = FIRST_BACKOFF_NANOS;
  private boolean retryScheduled;

  /** A lease waiting: given an engine, or a failure, by whoever serves it. */
  private static final class Waiter<E extends ScriptEngine> {
    final Condition served;
    @Nullable PooledEngine<E> engine;
    @Nullable Throwable failure;

    Waiter(Condition served) {
      this.served = served;
    }
  }

  /**
   * A pool; its threads take {@code contextLoader} as their context class loader (engines made
   * on them find modules and WebJars as the builder's thread would).
   */
  public EnginePool(EngineLifecycle<E> lifecycle, PoolSettings settings, @Nullable ClassLoader contextLoader) {
    this.lifecycle = lifecycle;
    this.settings = settings;
    int threads = Math.max(1, Math.min(settings.maxSize(), Runtime.getRuntime().availableProcessors()));
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, "quickjs-pool-warmer-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      t.setContextClassLoader(contextLoader);
      return t;
    };
    this.workers = new ScheduledThreadPoolExecutor(threads, factory);
    workers.setKeepAliveTime(10, TimeUnit.SECONDS);
    workers.allowCoreThreadTimeOut(true);
    workers.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    workers.setRemoveOnCancelPolicy(true);
    lock.lock();
    try {
      replenish();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- leasing

  /**
   * An engine: an idle one at once, else the first one ready (made for this lease or given back
   * by another) within the timeout.
   *
   * @throws TimeoutException when none was ready in time
   * @throws InterruptedException when the thread was interrupted while waiting
   * @throws IllegalStateException when the pool is closed, or closes while this lease waits
   * @throws UncheckedScriptException when the engine made for this lease failed its initializer
   *     (the cause is the initializer's exception)
   */
  public PoolLease<E> lease(Duration timeout) throws InterruptedException, TimeoutException {
    long waitNanos = timeout.compareTo(Duration.ofDays(365)) > 0 ? TimeUnit.DAYS.toNanos(365) : timeout.toNanos();
    lock.lockInterruptibly();
    try {
      checkOpen();
      if (waiters.isEmpty() && !idle.isEmpty()) {
        return start(idle.pollLast(), false);
      }
      Waiter<E> w = new Waiter<>(lock.newCondition());
      waiters.addLast(w);
      replenish();
      long remaining = waitNanos;
      try {
        while (w.engine == null && w.failure == null) {
          if (closed) {
            waiters.remove(w);
            checkOpen();
          }
          if (remaining <= 0) {
            waiters.remove(w);
            throw timedOut(timeout);
          }
          remaining = w.served.awaitNanos(remaining);
        }
      } catch (InterruptedException e) {
        waiters.remove(w);
        PooledEngine<E> served = w.engine;
        if (served != null && !offer(served)) { // served in the same moment: the next lease gets it
          closeOffThread(served.engine);
        }
        throw e;
      }
      PooledEngine<E> got = w.engine;
      if (got != null) {
        return start(got, true);
      }
      Throwable failure = w.failure;
      throw failure instanceof ScriptException se
          ? new UncheckedScriptException(se)
          : new IllegalStateException("the pool could not make an engine: " + failure, failure);
    } finally {
      lock.unlock();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this engine pool is closed; build a new pool to lease engines");
    }
  }

  private TimeoutException timedOut(Duration timeout) {
    TimeoutException e = new TimeoutException(
        "no engine became free within " + timeout.toMillis() + " ms: the pool's maximum size is "
            + settings.maxSize() + " engines (" + leased + " leased, " + creating + " being made"
            + (waiters.isEmpty() ? "" : ", " + waiters.size() + " other leases waiting")
            + "); return leases sooner, raise maxSize or the lease timeout"
            + (lastFailure != null ? "; the last engine made failed: " + lastFailure : ""));
    if (lastFailure != null) {
      e.initCause(lastFailure);
    }
    return e;
  }

  /** Under the lock. */
  private PoolLease<E> start(PooledEngine<E> pooled, boolean waited) {
    leases++;
    if (waited) {
      waits++;
    }
    leased++;
    pooled.leases++;
    replenish();
    return new PoolLease<>(this, pooled, lifecycle.stops(pooled.engine));
  }

  // ---------------------------------------------------------------- returning

  /** A lease ended: reuse the engine, or discard it, per the return policy. */
  void giveBack(PooledEngine<E> pooled, long stopsAtStart, boolean discard) {
    E engine = pooled.engine;
    boolean keep = false;
    Error error = null;
    try {
      keep = !discard
          && !settings.freshEnginePerLease()
          && pooled.leases < settings.maxLeasesPerEngine()
          && !lifecycle.isClosed(engine)
          && lifecycle.stops(engine) == stopsAtStart;
      if (keep) {
        pooled.ready.restore(engine);
        keep = !lifecycle.isClosed(engine) && lifecycle.stops(engine) == stopsAtStart;
      }
    } catch (RuntimeException e) {
      keep = false; // closed meanwhile, or a limit stopped the clean-up: not reusable
    } catch (Error e) {
      keep = false; // the engine is discarded and the pool's counts stay right; then rethrown
      error = e;
    }
    try {
      account(pooled, keep);
    } finally {
      if (error != null) {
        throw error;
      }
    }
  }

  /**
   * A lease that was neither closed nor discarded became unreachable: its engine leaves the pool
   * (counted as a discard) without being closed, since whoever still holds the engine may use
   * it; the engine's own cleaner frees it once nobody does. A warning says so, since it is a bug
   * of the code that leased.
   */
  void abandoned(PooledEngine<E> pooled) {
    // said before the place is given back: the lease that gets it may look for the warning
    LOG.log(System.Logger.Level.WARNING, "a lease of the engine pool was never closed: its engine"
        + " left the pool (close leases with try-with-resources; the pool makes another engine"
        + " in its place)");
    lock.lock();
    try {
      leased--;
      live--;
      discards++;
      replenish();
    } finally {
      lock.unlock();
    }
  }

  /** The engine of an ended lease goes back to the pool, or is closed. */
  private void account(PooledEngine<E> pooled, boolean keep) {
    lock.lock();
    try {
      leased--;
      if (keep && !closed && offer(pooled)) {
        return;
      }
      live--;
      discards++;
      replenish();
    } finally {
      lock.unlock();
    }
    closeOffThread(pooled.engine);
  }

  /**
   * Under the lock: to the first waiting lease, else idle. False when the pool is closed: the
   * engine is counted as discarded and the caller closes it once it has let go of the lock
   * (closing waits for a call the engine may still be running).
   */
  private boolean offer(PooledEngine<E> pooled) {
    if (closed) {
      live--;
      discards++;
      return false;
    }
    Waiter<E> w = waiters.pollFirst();
    if (w != null) {
      w.engine = pooled;
      w.served.signal();
    } else {
      idle.addLast(pooled);
    }
    return true;
  }

  private void closeOffThread(E engine) {
    try {
      workers.execute(() -> closeQuietly(engine));
    } catch (RejectedExecutionException e) {
      closeQuietly(engine); // the pool is closed: its threads are gone
    }
  }

  private void closeQuietly(E engine) {
    try {
      lifecycle.close(engine);
    } catch (RuntimeException e) {
      // closing a closed or broken engine: nothing more to free
    }
  }

  // ---------------------------------------------------------------- making engines

  /**
   * Under the lock: starts making engines so that idle and coming ones cover minIdle plus the
   * waiting leases, within maxSize; after a failure only the waiting leases count until the
   * back-off ends.
   */
  private void replenish() {
    if (closed) {
      return;
    }
    boolean paused = System.nanoTime() - warmPausedUntil < 0;
    int want = (paused ? 0 : settings.minIdle()) + waiters.size() - idle.size() - creating;
    while (want > 0 && live + creating < settings.maxSize()) {
      creating++;
      want--;
      try {
        workers.execute(this::make);
      } catch (RejectedExecutionException e) {
        creating--;
        return;
      }
    }
  }

  /** On a pool thread: makes and initializes one engine, then offers it. */
  private void make() {
    lock.lock();
    try {
      if (closed) {
        creating--;
        return;
      }
    } finally {
      lock.unlock();
    }
    E engine = null;
    ContextSnapshot ready = null;
    Throwable failure = null;
    try {
      engine = lifecycle.create();
      lifecycle.initialize(engine);
      ready = ContextSnapshot.of(engine);
    } catch (ScriptException | RuntimeException | Error e) {
      failure = e;
    }
    E toClose = null;
    lock.lock();
    try {
      creating--;
      if (engine != null) {
        creations++;
      }
      if (failure == null && engine != null && ready != null) {
        live++;
        lastFailure = null;
        backoffNanos = FIRST_BACKOFF_NANOS;
        if (offer(new PooledEngine<>(engine, ready))) {
          replenish();
        } else {
          toClose = engine; // made as the pool closed: offer counted it as discarded
        }
      } else {
        toClose = engine;
        if (engine != null) {
          discards++;
        }
        if (!closed) {
          Throwable cause = failure != null ? failure : new IllegalStateException("no engine was made");
          lastFailure = cause;
          Waiter<E> w = waiters.pollFirst();
          if (w != null) {
            w.failure = cause; // that lease fails with the cause instead of waiting its time out
            w.served.signal();
          }
          warmPausedUntil = System.nanoTime() + backoffNanos;
          scheduleRetry(backoffNanos);
          backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
          replenish();
        }
      }
    } finally {
      lock.unlock();
    }
    if (toClose != null) {
      closeQuietly(toClose);
    }
  }

  /** Under the lock: making engines ahead of demand resumes after the back-off. */
  private void scheduleRetry(long delayNanos) {
    if (retryScheduled || closed || settings.minIdle() == 0) {
      return;
    }
    retryScheduled = true;
    try {
      workers.schedule(() -> {
        lock.lock();
        try {
          retryScheduled = false;
          replenish();
        } finally {
          lock.unlock();
        }
      }, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      retryScheduled = false;
    }
  }

  // ---------------------------------------------------------------- metrics and closing

  /** The counters, read together. */
  public PoolCounts counts() {
    lock.lock();
    try {
      return new PoolCounts(leases, waits, creations, discards, live, idle.size(), leased);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Closes idle engines now and stops making engines; leased ones are closed when their leases
   * end; waiting leases fail. Idempotent.
   */
  public void close() {
    List<PooledEngine<E>> toClose;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      toClose = new ArrayList<>(idle);
      idle.clear();
      live -= toClose.size();
      discards += toClose.size();
      for (Waiter<E> w : waiters) {
        w.served.signal();
      }
    } finally {
      lock.unlock();
    }
    workers.shutdown();
    for (PooledEngine<E> pooled : toClose) {
      closeQuietly(pooled.engine);
    }
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }
}
