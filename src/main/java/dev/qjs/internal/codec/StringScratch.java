package dev.qjs.internal.codec;

import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Reads long strings out of the shim's output through arrays kept from one read to the next. A
 * string is made from an array of its chars (there is no public way to fill a string's own
 * memory), and a fresh string-sized array per read costs more than the copies: it is zeroed,
 * page-faulted and collected each time. The arrays are softly held, so the JVM takes them back
 * when memory runs short. One per {@link ValueReader}, used under the runtime's lock.
 */
final class StringScratch {
  /** Shorter strings read through a fresh array: small arrays cost next to nothing. */
  static final int MIN_LENGTH = 8192;

  private SoftReference<byte @Nullable []> bytes = new SoftReference<>(null);
  private SoftReference<char @Nullable []> chars = new SoftReference<>(null);

  /** n Latin-1 bytes at b's position as a string. */
  String latin1(ByteBuffer b, int n) {
    if (n < MIN_LENGTH) {
      byte[] fresh = new byte[n];
      b.get(fresh);
      return new String(fresh, StandardCharsets.ISO_8859_1);
    }
    byte[] a = bytes.get();
    if (a == null || a.length < n) {
      a = new byte[n];
      bytes = new SoftReference<>(a);
    }
    b.get(a, 0, n);
    return new String(a, 0, n, StandardCharsets.ISO_8859_1);
  }

  /** n UTF-16 units at b's position (in b's byte order) as a string. */
  String utf16(ByteBuffer b, int n) {
    char[] a = n < MIN_LENGTH ? new char[n] : chars.get();
    if (a == null || a.length < n) {
      a = new char[n];
      chars = new SoftReference<>(a);
    }
    b.asCharBuffer().get(a, 0, n);
    b.position(b.position() + 2 * n);
    return new String(a, 0, n);
  }
}
