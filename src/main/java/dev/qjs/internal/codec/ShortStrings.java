package dev.qjs.internal.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Short one-byte-per-char strings decoded once: property names ({@code m.a}), method names, the
 * keys of a map a script walks ({@code m[k]} for each of {@code Object.keys(m)}) and the small
 * string arguments a script passes over and over ({@code m.get('a')}). The strings seen last are
 * kept with their bytes in a table indexed by a hash of the bytes and given back when the same
 * bytes arrive again, so the read allocates nothing and the string's cached hash code serves the
 * map look-up that usually follows. One per runtime, used under its lock.
 *
 * <p>The table is two-way set associative (a hash has two places, the newer string first) and
 * starts small: it doubles, up to {@value #MAX_SLOTS} slots, while more than one read in 16
 * misses. An engine that sees a few names stays small; a script walking a 1,000-entry map on
 * every call stops missing (at a fixed 128 slots every one of those keys missed, and each miss
 * made two arrays).
 */
final class ShortStrings {
  /** The longest string kept. */
  static final int MAX_LENGTH = 32;
  private static final int MIN_SLOTS = 128;
  private static final int MAX_SLOTS = 8192;

  private String[] strings = new String[MIN_SLOTS];
  private byte[][] bytes = new byte[MIN_SLOTS][];
  private int shift = 32 - Integer.numberOfTrailingZeros(MIN_SLOTS);
  private final byte[] scratch = new byte[MAX_LENGTH];
  private int reads;
  private int misses;

  /** Reads n ≤ {@link #MAX_LENGTH} Latin-1 bytes at b's position as a string. */
  String read(ByteBuffer b, int n) {
    reads++;
    byte[] in = scratch;
    b.get(in, 0, n);
    int h = n;
    for (int i = 0; i < n; i++) {
      h = 31 * h + in[i];
    }
    // Fibonacci hashing: the top bits of the product depend on every bit of h (names like k1,
    // k2, k3 differ only in their low bits), even slot first
    int slot = ((h * 0x9E3779B9) >>> shift) & ~1;
    byte[][] known = bytes;
    byte[] first = known[slot];
    if (first != null && Arrays.equals(first, 0, first.length, in, 0, n)) {
      return strings[slot];
    }
    byte[] second = known[slot + 1];
    String[] table = strings;
    if (second != null && Arrays.equals(second, 0, second.length, in, 0, n)) {
      String s = table[slot + 1];
      table[slot + 1] = table[slot];
      known[slot + 1] = first;
      table[slot] = s;
      known[slot] = second;
      return s;
    }
    byte[] copy = Arrays.copyOf(in, n);
    String s = new String(copy, StandardCharsets.ISO_8859_1);
    table[slot + 1] = table[slot];
    known[slot + 1] = first;
    table[slot] = s;
    known[slot] = copy;
    missed();
    return s;
  }

  /**
   * Counts a miss; at the end of a window of 4 reads per slot, doubles the table when more than
   * one in 16 of the window's reads missed. Hits need no check: only a miss can make it grow.
   */
  private void missed() {
    misses++;
    int slots = strings.length;
    if (reads >= 4 * slots) {
      if (misses * 16 > reads && slots < MAX_SLOTS) {
        strings = new String[slots * 2];
        bytes = new byte[slots * 2][];
        shift--;
      }
      reads = 0;
      misses = 0;
    }
  }
}
