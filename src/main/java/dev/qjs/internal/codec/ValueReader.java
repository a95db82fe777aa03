package dev.qjs.internal.codec;

import dev.qjs.internal.bridge.QuickJsNative;
import dev.qjs.internal.runtime.Realm;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Decodes the shim's value encoding (a call's output, a host call's arguments) into Java values:
 * the counterpart of {@link ValueWriter}. Objects become handles through the runtime's {@link
 * References}. Used under the runtime's lock.
 */
public final class ValueReader {
  private final References references;
  private final ShortStrings shortStrings = new ShortStrings();
  private final StringScratch longStrings = new StringScratch();

  public ValueReader(References references) {
    this.references = references;
  }

  /** One value; its handles belong to realm. */
  public @Nullable Object read(ByteBuffer b, @Nullable Realm realm) {
    byte tag = b.get();
    switch (tag) {
      case QuickJsNative.T_UNDEFINED:
      case QuickJsNative.T_NULL:
        return null;
      case QuickJsNative.T_FALSE:
        return Boolean.FALSE;
      case QuickJsNative.T_TRUE:
        return Boolean.TRUE;
      case QuickJsNative.T_INT:
        return b.getInt();
      case QuickJsNative.T_DOUBLE:
        return narrow(b.getDouble());
      case QuickJsNative.T_STRING8: {
        int n = b.getInt();
        if (n <= ShortStrings.MAX_LENGTH && n >= 0) {
          return shortStrings.read(b, n);
        }
        return longStrings.latin1(b, n);
      }
      case QuickJsNative.T_STRING16:
        return longStrings.utf16(b, b.getInt());
      case QuickJsNative.T_BIGINT: {
        int n = b.getInt();
        byte[] digits = new byte[n];
        b.get(digits);
        return new BigInteger(new String(digits, StandardCharsets.US_ASCII));
      }
      case QuickJsNative.T_OBJECT: {
        long ptr = b.getLong();
        int kind = b.get();
        long identity = b.getLong();
        return references.jsValue(realm, ptr, identity, kind);
      }
      case QuickJsNative.T_HOST:
        return references.host(b.getInt());
      case QuickJsNative.T_DATE:
        return java.time.Instant.ofEpochMilli((long) b.getDouble());
      case QuickJsNative.T_BYTES: {
        byte[] bytes = new byte[b.getInt()];
        b.get(bytes);
        return bytes;
      }
      case QuickJsNative.T_ARRAYBUF: {
        byte[] bytes = new byte[b.getInt()];
        b.get(bytes);
        return ByteBuffer.wrap(bytes);
      }
      default:
        throw new IllegalStateException("unknown value tag " + tag + " from the QuickJS shim");
    }
  }

  /** A host call's arguments: [i32 count][values]. */
  public @Nullable Object[] readArgs(ByteBuffer args, @Nullable Realm realm) {
    int argc = args.getInt();
    Object[] argv = new Object[argc];
    for (int i = 0; i < argc; i++) {
      argv[i] = read(args, realm);
    }
    return argv;
  }

  /**
   * A deep copy as plain Java data ({@code qjs_to_java}'s output): maps, lists, and references
   * back to a container already read, so shared and cyclic parts stay shared and cyclic.
   */
  public @Nullable Object readDeep(ByteBuffer b, @Nullable Realm realm) {
    return readDeep(b, realm, new ArrayList<>());
  }

  private @Nullable Object readDeep(ByteBuffer b, @Nullable Realm realm, List<Object> containers) {
    byte tag = b.get(b.position());
    if (tag == QuickJsNative.T_MAP) {
      b.get();
      int n = b.getInt();
      Map<String, Object> map = new LinkedHashMap<>(Math.max(4, (int) (n / 0.75f) + 1));
      containers.add(map);
      for (int i = 0; i < n; i++) {
        String key = (String) read(b, realm);
        map.put(key, readDeep(b, realm, containers));
      }
      return map;
    }
    if (tag == QuickJsNative.T_LIST) {
      b.get();
      int n = b.getInt();
      List<Object> list = new ArrayList<>(n);
      containers.add(list);
      for (int i = 0; i < n; i++) {
        list.add(readDeep(b, realm, containers));
      }
      return list;
    }
    if (tag == QuickJsNative.T_REF) {
      b.get();
      return containers.get(b.getInt());
    }
    return read(b, realm);
  }

  /** A JS number as Java sees it: Integer when integral and in range (not -0), else Double. */
  public static Object narrow(double d) {
    int i = (int) d;
    if (i == d && (i != 0 || Double.doubleToRawLongBits(d) == 0L)) {
      return i;
    }
    return d;
  }
}
