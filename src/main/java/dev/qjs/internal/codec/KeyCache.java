package dev.qjs.internal.codec;

import dev.qjs.internal.bridge.QuickJsNative;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The property names of host calls ({@code m.a}, {@code m.get(...)}), decoded once: a script
 * reads the same few names over and over, so the last name seen in each of {@value #SLOTS} slots
 * (by a hash of its bytes) is kept with its bytes and given back when the same bytes arrive
 * again. The string's hash code is then cached too, for the map look-up that follows. Only short
 * one-byte-per-char names are kept; anything else is read as usual. One per runtime, used under
 * its lock.
 */
public final class KeyCache {
  private static final int SLOTS = 64;
  private static final int MAX_LENGTH = 32;

  private final String[] names = new String[SLOTS];
  private final byte[][] bytes = new byte[SLOTS][];
  private final byte[] scratch = new byte[MAX_LENGTH];
  private final ValueReader values;

  public KeyCache(ValueReader values) {
    this.values = values;
  }

  /** Reads a value that is a property name; the same String for the same bytes. */
  public @Nullable Object read(ByteBuffer b) {
    int at = b.position();
    if (b.get(at) != QuickJsNative.T_STRING8) {
      return values.read(b, null);
    }
    int n = b.getInt(at + 1);
    if (n < 0 || n > MAX_LENGTH) {
      return values.read(b, null);
    }
    b.get(at + 5, scratch, 0, n);
    b.position(at + 5 + n);
    int h = 0;
    for (int i = 0; i < n; i++) {
      h = 31 * h + scratch[i];
    }
    int slot = (h ^ (h >>> 7)) & (SLOTS - 1);
    byte[] known = bytes[slot];
    if (known != null && Arrays.equals(known, 0, known.length, scratch, 0, n)) {
      return names[slot];
    }
    byte[] copy = Arrays.copyOf(scratch, n);
    String name = new String(copy, StandardCharsets.ISO_8859_1);
    names[slot] = name;
    bytes[slot] = copy;
    return name;
  }
}
