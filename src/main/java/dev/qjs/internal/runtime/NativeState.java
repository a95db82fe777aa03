package dev.qjs.internal.runtime;

import dev.qjs.internal.bridge.Mailbox;
import dev.qjs.internal.bridge.QuickJsNative;
import dev.qjs.internal.interop.HostCalls;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The native side of one runtime, shared with the cleaner: the QuickJS runtime pointer, its
 * lock and mailbox, the handles and realms the cleaner queued for freeing, the memory accounted
 * for it. Holds no reference to the runtime object, so the runtime can become unreachable.
 */
final class NativeState implements Runnable {
  final RuntimeLock lock;
  final int token;
  final Mailbox mailbox; // written by native code until the runtime is freed
  final ConcurrentLinkedQueue<Long> deadHandles = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Long> deadRealms = new ConcurrentLinkedQueue<>();
  final AtomicInteger liveHandles = new AtomicInteger();
  /**
   * Set after the cleaner queued a handle or realm: every call's entry asks this one flag
   * instead of looking into both queues.
   */
  volatile boolean queued;
  volatile long rt;
  long accounted;

  NativeState(long rt, int token, Mailbox mailbox) {
    this.rt = rt;
    this.token = token;
    this.mailbox = mailbox;
    this.lock = new RuntimeLock("QuickJS engine #" + token, this::stopRequested);
  }

  /** The current call is being stopped: its interrupt flag is set or its deadline passed. */
  boolean stopRequested() {
    if (rt == 0) {
      return true;
    }
    if (mailbox.getVolatile(QuickJsNative.MB_INTERRUPT) != 0) {
      return true;
    }
    long deadline = mailbox.getVolatile(QuickJsNative.MB_DEADLINE);
    return deadline != 0 && System.nanoTime() - deadline >= 0;
  }

  /** Queues a handle whose mirror became unreachable (from the cleaner's thread). */
  void queueHandle(long pointer) {
    deadHandles.add(pointer);
    queued = true;
  }

  /** Queues a realm that became unreachable (from the cleaner's thread). */
  void queueRealm(long pointer) {
    deadRealms.add(pointer);
    queued = true;
  }

  void accountMemory() {
    long now = mailbox.get(QuickJsNative.MB_MALLOC_SIZE);
    long delta = now - accounted;
    // the process-wide total is a shared atomic: a call that moved the heap by less than a step
    // leaves it alone (the total serves a 64 MiB collection step; a few KiB per engine are noise)
    if (delta >= ACCOUNTING_STEP || delta <= -ACCOUNTING_STEP) {
      NativeMemory.add(delta);
      accounted = now;
    }
  }

  /** The smallest change of a runtime's heap that {@link #accountMemory} passes on. */
  private static final long ACCOUNTING_STEP = 64 << 10;

  @Override
  public void run() {
    lock.acquire(false);
    try {
      free();
    } finally {
      lock.release();
    }
  }

  /** Frees the native runtime; called under the lock. */
  void free() {
    if (rt != 0) {
      QuickJsNative.qjs_runtime_free(rt);
      rt = 0;
      NativeMemory.add(-accounted);
      accounted = 0;
      HostCalls.unregister(token);
      deadHandles.clear();
      deadRealms.clear();
    }
  }
}
