package dev.qjs.internal.runtime;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/**
 * Bytes copied once into native memory (a direct buffer, freed when this object is collected), for
 * native calls that read the same bytes many times: serialized bytecode that every engine reads
 * goes to QuickJS from here, not copied into each engine's request buffer first (which grows,
 * zeroed and page-faulted, in every new engine). Immutable and thread-safe: native code only
 * reads it.
 */
final class NativeBytes {
  private final ByteBuffer buffer;
  private final long address;

  NativeBytes(byte[] bytes) {
    buffer = ByteBuffer.allocateDirect(bytes.length);
    buffer.put(bytes).flip();
    address = Pointer.nativeValue(Native.getDirectBufferPointer(buffer));
  }

  /** Where the bytes start; valid while this object is reachable (see {@link #reachedUntilHere}). */
  long address() {
    return address;
  }

  int length() {
    return buffer.capacity();
  }

  /** A copy on the Java heap. */
  byte[] toArray() {
    byte[] copy = new byte[buffer.capacity()];
    buffer.duplicate().get(copy);
    return copy;
  }

  /** Call after the native call that read {@link #address}: the memory stays until then. */
  void reachedUntilHere() {
    Reference.reachabilityFence(buffer);
  }
}
