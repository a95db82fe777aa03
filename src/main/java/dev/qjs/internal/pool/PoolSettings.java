package dev.qjs.internal.pool;

import java.time.Duration;

/**
 * A pool's sizes and return policy, checked by the public builder.
 *
 * @param minIdle engines kept initialized ahead of demand
 * @param maxSize engines at most, leased, idle and being made together
 * @param leaseTimeout how long {@code lease()} waits at most
 * @param freshEnginePerLease every engine serves one lease only
 * @param maxLeasesPerEngine an engine is discarded after this many leases
 */
public record PoolSettings(
    int minIdle, int maxSize, Duration leaseTimeout, boolean freshEnginePerLease, int maxLeasesPerEngine) {}
