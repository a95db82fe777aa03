package dev.qjs.internal.codec;

import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Reads strings out of the shim's output through arrays kept from one read to the next. A string
 * is made from an array of its chars (there is no public way to fill a string's own memory), and
 * a fresh string-sized array per read costs more than the copies: for a long string it is zeroed,
 * page-faulted and collected each time. Arrays for strings of up to {@value #SMALL} chars are
 * held strongly (a few kilobytes); larger ones softly, so the JVM takes them back when memory
 * runs short. One per {@link ValueReader}, used under the runtime's lock.
 */
final class StringScratch {
  /** The longest string read through the strongly held arrays. */
  static final int SMALL = 2048;

  private byte @Nullable [] smallBytes;
  private char @Nullable [] smallChars;
  private SoftReference<byte @Nullable []> bytes = new SoftReference<>(null);
  private SoftReference<char @Nullable []> chars = new SoftReference<>(null);

  /** n Latin-1 bytes at b's position as a string. */
  String latin1(ByteBuffer b, int n) {
    byte[] a = bytes(n);
    b.get(a, 0, n);
    return new String(a, 0, n, StandardCharsets.ISO_8859_1);
  }

  /** n UTF-16 units at b's position (in b's byte order) as a string. */
  String utf16(ByteBuffer b, int n) {
    char[] a = chars(n);
    b.asCharBuffer().get(a, 0, n);
    b.position(b.position() + 2 * n);
    return new String(a, 0, n);
  }

  private byte[] bytes(int n) {
    byte[] a = n <= SMALL ? smallBytes : bytes.get();
    if (a == null || a.length < n) {
      if (n <= SMALL) {
        a = smallBytes = new byte[SMALL];
      } else {
        a = new byte[n];
        bytes = new SoftReference<>(a);
      }
    }
    return a;
  }

  private char[] chars(int n) {
    char[] a = n <= SMALL ? smallChars : chars.get();
    if (a == null || a.length < n) {
      if (n <= SMALL) {
        a = smallChars = new char[SMALL];
      } else {
        a = new char[n];
        chars = new SoftReference<>(a);
      }
    }
    return a;
  }
}
