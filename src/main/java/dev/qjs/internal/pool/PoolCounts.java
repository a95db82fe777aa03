package dev.qjs.internal.pool;

/**
 * A pool's counters, read together under its lock so that they add up.
 *
 * @param leases leases granted
 * @param waits leases granted after waiting (no idle engine at once)
 * @param creations engines made (including those whose initializer then failed)
 * @param discards engines closed: per the return policy, after a failed initializer, at close
 * @param size engines alive: idle plus leased
 * @param idle engines ready for a lease
 * @param leased engines leased now
 */
public record PoolCounts(long leases, long waits, long creations, long discards, int size, int idle, int leased) {}
