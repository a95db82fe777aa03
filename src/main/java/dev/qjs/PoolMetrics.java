package dev.qjs;

import dev.qjs.internal.pool.PoolCounts;

/**
 * A snapshot of a {@link QuickJsEnginePool}'s counters, read together so that they add up: every
 * engine made is a creation, every engine closed a discard, and while no engine is being made
 * {@code creations() - discards() == size()} and {@code size() == idle() + leased()}.
 *
 * <pre>{@code
 * PoolMetrics m = pool.metrics();
 * double waitedShare = m.leases() == 0 ? 0 : (double) m.waits() / m.leases();
 * log.info("engines {} ({} leased), {} of leases waited", m.size(), m.leased(), waitedShare);
 * }</pre>
 */
public final class PoolMetrics {
  private final PoolCounts counts;

  PoolMetrics(PoolCounts counts) {
    this.counts = counts;
  }

  /**
   * Leases granted.
   *
   * @return the count since the pool was built
   */
  public long leases() {
    return counts.leases();
  }

  /**
   * Leases granted after waiting: no engine was idle when they asked.
   *
   * @return the count since the pool was built
   */
  public long waits() {
    return counts.waits();
  }

  /**
   * Engines made, including those whose initializer then failed.
   *
   * @return the count since the pool was built
   */
  public long creations() {
    return counts.creations();
  }

  /**
   * Engines closed: by the return policy (a limit, an interruption, {@code discard()}, fresh
   * engines, the lease count), after a failed initializer, or by closing the pool.
   *
   * @return the count since the pool was built
   */
  public long discards() {
    return counts.discards();
  }

  /**
   * Engines alive now, idle and leased (not those being made).
   *
   * @return the count now
   */
  public int size() {
    return counts.size();
  }

  /**
   * Engines ready for a lease now.
   *
   * @return the count now
   */
  public int idle() {
    return counts.idle();
  }

  /**
   * Engines leased now.
   *
   * @return the count now
   */
  public int leased() {
    return counts.leased();
  }

  @Override
  public String toString() {
    return "PoolMetrics[leases=" + leases() + ", waits=" + waits() + ", creations=" + creations()
        + ", discards=" + discards() + ", size=" + size() + ", idle=" + idle() + ", leased=" + leased() + "]";
  }
}
