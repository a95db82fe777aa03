package dev.qjs.internal.runtime;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Native memory held by all QuickJS runtimes of this process. The Java collector cannot see it,
 * so, as the JDK does for direct buffers, a runtime that is created while the total has grown a
 * lot since the last collection asks for one and gives the cleaner a moment to free engines that
 * nobody can reach any more.
 */
final class NativeMemory {
  private static final long STEP = Long.getLong("quickjs.gcStepBytes", 64L << 20);
  private static final AtomicLong TOTAL = new AtomicLong();
  private static final AtomicLong NEXT_COLLECTION = new AtomicLong(STEP);

  private NativeMemory() {}

  static void add(long delta) {
    if (delta != 0) {
      long total = TOTAL.addAndGet(delta);
      if (delta < 0) {
        // the next collection is due a step above the lowest total since the last one: the
        // cleaner frees runtimes after beforeAllocation() stopped waiting, and a threshold taken
        // mid-way would ratchet up by half a step per collection, without bound
        NEXT_COLLECTION.accumulateAndGet(total + STEP, Math::min);
      }
    }
  }

  static long total() {
    return TOTAL.get();
  }

  /** Called before a new runtime is made: collects when native memory grew by a step. */
  static void beforeAllocation() {
    long next = NEXT_COLLECTION.get();
    if (TOTAL.get() < next) {
      return;
    }
    synchronized (NativeMemory.class) {
      if (TOTAL.get() < NEXT_COLLECTION.get()) {
        return;
      }
      long before = TOTAL.get();
      System.gc();
      // the cleaner thread frees unreachable runtimes; wait briefly for it, as Bits does
      for (int i = 0; i < 50 && TOTAL.get() > before - STEP / 2; i++) {
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      NEXT_COLLECTION.set(TOTAL.get() + STEP);
    }
  }
}
