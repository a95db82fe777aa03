package dev.qjs.internal.codec;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;

/**
 * Copies a long string's chars into a direct buffer a chunk at a time, through scratch arrays
 * small enough to stay in the CPU's cache: the string is read once and the buffer written once,
 * with no string-sized temporary array (allocating, zeroing and collecting one cost more than the
 * copy itself). One per {@link ValueWriter}, used under the runtime's lock.
 */
final class LongStrings {
  /** Chars per chunk. */
  static final int CHUNK = 4096;

  private final char[] chars = new char[CHUNK];
  private final byte[] bytes = new byte[CHUNK];
  private final CharBuffer charsIn = CharBuffer.wrap(chars);
  private final ByteBuffer bytesOut = ByteBuffer.wrap(bytes);
  /**
   * Narrows and checks in one pass: the JDK's ISO-8859-1 encoder is a vectorized intrinsic that
   * stops at the first char above U+00FF (or a surrogate), where a hand-written loop over the
   * chars runs several times slower.
   */
  private final CharsetEncoder latin1 = StandardCharsets.ISO_8859_1.newEncoder();

  /**
   * Writes s as Latin-1 bytes at out's position when every char of s is at most U+00FF, and
   * returns false (out's position then undefined) when one is not. out has room for s.length()
   * bytes.
   */
  boolean putLatin1(String s, ByteBuffer out) {
    int n = s.length();
    latin1.reset();
    for (int i = 0; i < n; i += CHUNK) {
      int k = Math.min(CHUNK, n - i);
      s.getChars(i, i + k, chars, 0);
      charsIn.clear().limit(k);
      bytesOut.clear();
      CoderResult r = latin1.encode(charsIn, bytesOut, false);
      if (r.isError() || charsIn.hasRemaining()) {
        return false;
      }
      out.put(bytes, 0, k);
    }
    return true;
  }

  /** Writes the UTF-16 units of s (lone surrogates as they are) at out's position, in out's order. */
  void putUtf16(String s, ByteBuffer out) {
    int n = s.length();
    CharBuffer view = out.asCharBuffer(); // from out's position, in out's byte order
    for (int i = 0; i < n; i += CHUNK) {
      int k = Math.min(CHUNK, n - i);
      s.getChars(i, i + k, chars, 0);
      view.put(chars, 0, k);
    }
    out.position(out.position() + 2 * n);
  }
}
