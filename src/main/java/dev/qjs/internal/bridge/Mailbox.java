package dev.qjs.internal.bridge;

import com.sun.jna.Pointer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jspecify.annotations.Nullable;

/**
 * The slots one runtime shares with the shim ({@code QuickJsNative.MB_*}): the output and reply
 * buffers of each call, the interrupt flag and deadline the shim's interrupt handler reads, the
 * heap size, the lists the shim fills during a call. Native code writes it until the runtime is
 * freed; a slot that another thread reads or writes (interrupt, deadline) is accessed volatile.
 */
public final class Mailbox {
  private static final VarHandle SLOT =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

  private final ByteBuffer buffer =
      ByteBuffer.allocateDirect(QuickJsNative.MB_SLOTS * 8).order(ByteOrder.nativeOrder());
  private @Nullable ByteBuffer outView;
  private long outViewAddress;

  /** The slots' memory, handed to {@code qjs_runtime_new}. */
  public ByteBuffer buffer() {
    return buffer;
  }

  public long get(int slot) {
    return buffer.getLong(slot * 8);
  }

  public void put(int slot, long value) {
    buffer.putLong(slot * 8, value);
  }

  public long getVolatile(int slot) {
    return (long) SLOT.getVolatile(buffer, slot * 8);
  }

  public void setVolatile(int slot, long value) {
    SLOT.setVolatile(buffer, slot * 8, value);
  }

  /**
   * A release store: seen by the shim on this thread at once and by other threads soon after,
   * without the full fence of {@link #setVolatile} (what the calling thread itself sets up for
   * its own call: the cleared interrupt flag, its deadline).
   */
  public void setRelease(int slot, long value) {
    SLOT.setRelease(buffer, slot * 8, value);
  }

  /** Sets bits of a slot atomically (another thread may change the slot at the same time). */
  public void setBits(int slot, long bits) {
    SLOT.getAndBitwiseOr(buffer, slot * 8, bits);
  }

  /** Clears bits of a slot atomically. */
  public void clearBits(int slot, long bits) {
    SLOT.getAndBitwiseAnd(buffer, slot * 8, ~bits);
  }

  /** Adds to a slot atomically. */
  public void add(int slot, long delta) {
    SLOT.getAndAdd(buffer, slot * 8, delta);
  }

  /**
   * The output of the last call, from its start. Its address rarely changes, so one view is kept
   * and reused (making a direct buffer is a JNI call). Used under the runtime's lock.
   */
  public ByteBuffer output() {
    long ptr = get(QuickJsNative.MB_OUT_PTR);
    int len = (int) get(QuickJsNative.MB_OUT_LEN);
    if (outView == null || ptr != outViewAddress || outView.capacity() < len) {
      outView = new Pointer(ptr).getByteBuffer(0, Math.max(len, 1)).order(ByteOrder.nativeOrder());
      outViewAddress = ptr;
    }
    outView.clear().limit(len);
    return outView;
  }

  /** Points the shim at a host call's reply: {@code length} bytes at {@code address}. */
  public void reply(long address, int length) {
    put(QuickJsNative.MB_REPLY_PTR, address);
    put(QuickJsNative.MB_REPLY_LEN, length);
  }
}
