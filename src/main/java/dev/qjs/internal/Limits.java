package dev.qjs.internal;

/**
 * The limits of one call: running time in nanoseconds, heap bytes and stack bytes (0: none).
 *
 * @param timeoutNanos how long the call may run
 * @param memoryLimit bytes the heap may hold
 * @param maxStack bytes of stack scripts may use
 */
public record Limits(long timeoutNanos, long memoryLimit, long maxStack) {
  public static final Limits NONE = new Limits(0, 0, 0);
}
