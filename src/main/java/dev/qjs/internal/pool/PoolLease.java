package dev.qjs.internal.pool;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.script.ScriptEngine;

/**
 * One lease of one engine: ends once, by {@link #close()} (the return policy decides whether the
 * engine is reused) or {@link #discard()} (it is not), or, when its holder lets go of it without
 * either, by the cleaner: the engine then leaves the pool unclosed (whoever kept the engine may
 * still use it), and the pool may make another in its place.
 */
public final class PoolLease<E extends ScriptEngine> {
  private final EnginePool<E> pool;
  private final PooledEngine<E> pooled;
  /** The engine's stop count when the lease began: a change means it hit a limit. */
  private final long stopsAtStart;
  private final AtomicBoolean ended;
  private final Cleaner.Cleanable abandon;

  /** Made with the first lease: a process without pools starts no thread for it. */
  private static final class Abandons {
    static final Cleaner CLEANER = Cleaner.create();
  }

  /** What ends a lease nobody ended (holds no reference to the lease). */
  private record Abandon<E extends ScriptEngine>(
      EnginePool<E> pool, PooledEngine<E> pooled, AtomicBoolean ended) implements Runnable {
    @Override
    public void run() {
      if (ended.compareAndSet(false, true)) {
        pool.abandoned(pooled);
      }
    }
  }

  PoolLease(EnginePool<E> pool, PooledEngine<E> pooled, long stopsAtStart) {
    this.pool = pool;
    this.pooled = pooled;
    this.stopsAtStart = stopsAtStart;
    this.ended = new AtomicBoolean();
    this.abandon = Abandons.CLEANER.register(this, new Abandon<>(pool, pooled, ended));
  }

  /** The leased engine. */
  public E engine() {
    if (ended.get()) {
      throw new IllegalStateException(
          "this lease was closed and its engine given back to the pool; lease again to run more scripts");
    }
    return pooled.engine;
  }

  /** Gives the engine back; the return policy decides whether it is reused. Idempotent. */
  public void close() {
    if (ended.compareAndSet(false, true)) {
      abandon.clean(); // ended: the cleaning does nothing, and the cleaner forgets the lease
      pool.giveBack(pooled, stopsAtStart, false);
    }
  }

  /** Ends the lease and closes the engine; it is never leased again. */
  public void discard() {
    if (ended.compareAndSet(false, true)) {
      abandon.clean();
      pool.giveBack(pooled, stopsAtStart, true);
    } else {
      throw new IllegalStateException(
          "this lease was already closed: its engine went back to the pool and may be leased again; "
              + "call discard() before close()");
    }
  }

  /** Whether the lease has ended. */
  public boolean isEnded() {
    return ended.get();
  }
}
