package dev.qjs.internal.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Short one-byte-per-char strings decoded once: property names ({@code m.a}), method names and
 * the small string arguments a script passes over and over ({@code m.get('a')}). The last string
 * seen in each of {@value #SLOTS} slots (by a hash of its bytes) is kept with its bytes and given
 * back when the same bytes arrive again, so the read allocates nothing and the string's cached
 * hash code serves the map look-up that usually follows. One per runtime, used under its lock.
 */
final class ShortStrings {
  /** The longest string kept. */
  static final int MAX_LENGTH = 32;
  private static final int SLOTS = 128;

  private final String[] strings = new String[SLOTS];
  private final byte[][] bytes = new byte[SLOTS][];
  private final byte[] scratch = new byte[MAX_LENGTH];

  /** Reads n ≤ {@link #MAX_LENGTH} Latin-1 bytes at b's position as a string. */
  String read(ByteBuffer b, int n) {
    b.get(scratch, 0, n);
    int h = n;
    for (int i = 0; i < n; i++) {
      h = 31 * h + scratch[i];
    }
    int slot = (h ^ (h >>> 11)) & (SLOTS - 1);
    byte[] known = bytes[slot];
    if (known != null && Arrays.equals(known, 0, known.length, scratch, 0, n)) {
      return strings[slot];
    }
    byte[] copy = Arrays.copyOf(scratch, n);
    String s = new String(copy, StandardCharsets.ISO_8859_1);
    strings[slot] = s;
    bytes[slot] = copy;
    return s;
  }
}
