package dev.qjs.internal.codec;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.qjs.internal.bridge.QuickJsNative;
import dev.qjs.internal.interop.ClassMethodIds;
import dev.qjs.internal.interop.HostMembers;
import dev.qjs.internal.interop.ImmutableMembers;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Encodes Java values into the shim's value encoding, in a direct buffer that grows as needed.
 * One writer belongs to one runtime and is only used under the runtime's lock.
 */
public final class ValueWriter {
  private static final long MAX_SAFE_INTEGER = (1L << 53);

  /** How many results of immutable objects' calls one message may carry ahead ({@link ImmutableMembers}). */
  public static final int KNOWN_PER_MESSAGE = 128;
  /** Buffers up to this size are kept whatever the calls need. */
  private static final int KEEP = 8 << 20;
  /** Uses in a row that needed less than a quarter of a larger buffer before it is given back. */
  private static final int SHRINK_AFTER = 16;

  private final References references;
  private ByteBuffer buf;
  private long address;
  private @Nullable ImmutableMembers known;
  private int knownBudget = KNOWN_PER_MESSAGE;
  /** Whether this message answers a read, so immutable objects' property names come along too. */
  private boolean knownReads;
  /** The immutable objects this message already sent their results with (once is enough). */
  private final java.util.IdentityHashMap<Object, Boolean> knownSent = new java.util.IdentityHashMap<>();
  private int smallUses;
  private @Nullable LongStrings longStrings;

  public ValueWriter(References references, int initialCapacity) {
    this.references = references;
    allocate(initialCapacity);
  }

  private void allocate(int capacity) {
    buf = ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
    address = Pointer.nativeValue(Native.getDirectBufferPointer(buf));
  }

  public ValueWriter reset() {
    // A huge buffer is kept while it is used (a 10 MB string passed on every call would otherwise
    // cost a fresh 20 MB allocation, zeroed and page-faulted, per call) and given back once
    // SHRINK_AFTER uses in a row needed less than a quarter of it.
    int cap = buf.capacity();
    if (cap > KEEP) {
      smallUses = buf.position() < cap / 4 ? smallUses + 1 : 0;
      if (smallUses >= SHRINK_AFTER) {
        allocate(64 << 10);
        smallUses = 0;
      }
    }
    buf.clear();
    knownBudget = KNOWN_PER_MESSAGE;
    knownReads = false;
    if (!knownSent.isEmpty()) {
      knownSent.clear();
    }
    return this;
  }

  /** From now on immutable Java objects bring their calls' results along (null: they do not). */
  public void known(@Nullable ImmutableMembers members) {
    this.known = members;
  }

  /** Whether v's results are yet to be sent in this message (and from now on, they are). */
  public boolean firstKnown(Object v) {
    return knownSent.put(v, Boolean.TRUE) == null;
  }

  /**
   * Marks this message as the answer to a property read: the records it sends ahead also say
   * which property reads their accessors' results (a script that reads {@code rec.name} reads
   * that way throughout; one that calls {@code rec.name()} never needs the names).
   */
  public ValueWriter knownReads(boolean reads) {
    knownReads = reads;
    return this;
  }

  /** Whether {@link #knownReads(boolean)} marked this message. */
  public boolean knownReads() {
    return knownReads;
  }

  /** Takes one result from this message's budget of results sent ahead: false when none is left. */
  public boolean spendKnown() {
    if (knownBudget <= 0) {
      return false;
    }
    knownBudget--;
    return true;
  }

  /** Overwrites the i32 at byte offset {@code at} (written before with {@link #i32}). */
  public void patchI32(int at, int v) {
    buf.putInt(at, v);
  }

  /**
   * Whether v crosses the same way every time it is written: null, a boxed primitive, a {@code
   * String}, {@code BigInteger} or {@code BigDecimal}, or a Java object JavaScript sees as itself
   * (not a copy such as a Date, bytes or a mutable {@code Number} or {@code CharSequence}, not a
   * JavaScript value, not a future).
   */
  public boolean isStable(@Nullable Object v) {
    if (v == null || v instanceof String || v instanceof Integer || v instanceof Boolean
        || v instanceof Long || v instanceof Double || v instanceof Short || v instanceof Byte
        || v instanceof Float || v instanceof Character || v instanceof BigInteger
        || v instanceof BigDecimal) {
      return true;
    }
    return !(v instanceof Number || v instanceof CharSequence || v instanceof java.time.Instant
        || v instanceof java.util.Date || v instanceof byte[] || v instanceof ByteBuffer
        || v instanceof java.util.concurrent.CompletionStage<?> || JsonText.isJsonNode(v))
        && references.handleOf(v) == 0;
  }

  public ByteBuffer buffer() {
    return buf;
  }

  public int length() {
    return buf.position();
  }

  public long address() {
    return address;
  }

  private void ensure(long extra) {
    long needed = (long) buf.position() + extra;
    if (needed <= buf.capacity()) {
      return;
    }
    if (needed > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("value too large to pass to JavaScript: " + needed + " bytes");
    }
    long cap = Math.max(needed, Math.min((long) buf.capacity() * 2, Integer.MAX_VALUE - 16));
    ByteBuffer old = buf;
    allocate((int) cap);
    old.flip();
    buf.put(old);
  }

  public ValueWriter u8(int v) {
    ensure(1);
    buf.put((byte) v);
    return this;
  }

  public ValueWriter i32(int v) {
    ensure(4);
    buf.putInt(v);
    return this;
  }

  public ValueWriter i64(long v) {
    ensure(8);
    buf.putLong(v);
    return this;
  }

  public ValueWriter handle(long handle) {
    ensure(9);
    buf.put(QuickJsNative.T_HANDLE).putLong(handle);
    return this;
  }

  public ValueWriter undefined() {
    return u8(QuickJsNative.T_UNDEFINED);
  }

  /** Strings up to this length are written without a copy of their bytes. */
  private static final int SHORT_STRING = 64;

  public ValueWriter string(CharSequence s) {
    int n = s.length();
    if (n <= SHORT_STRING) {
      // names and short values, written char by char as Latin-1 while they are (no copy made)
      ensure(5L + 2L * n + 1);
      int start = buf.position();
      buf.put(QuickJsNative.T_STRING8).putInt(n);
      int i = 0;
      for (char c; i < n && (c = s.charAt(i)) <= 0xFF; i++) {
        buf.put((byte) c);
      }
      if (i == n) {
        return this;
      }
      buf.position(start);
      ensure(5L + 2L * n);
      buf.put(QuickJsNative.T_STRING16).putInt(n);
      for (i = 0; i < n; i++) {
        buf.putChar(s.charAt(i));
      }
      return this;
    }
    String str = s.toString();
    LongStrings chunks = longStrings;
    if (chunks == null) {
      chunks = longStrings = new LongStrings();
    }
    int start = buf.position();
    ensure(5L + n);
    buf.put(QuickJsNative.T_STRING8).putInt(n);
    if (chunks.putLatin1(str, buf)) {
      return this;
    }
    buf.position(start); // not Latin-1: written again as UTF-16, from the start
    ensure(5L + 2L * n);
    buf.put(QuickJsNative.T_STRING16).putInt(n);
    chunks.putUtf16(str, buf);
    return this;
  }

  /**
   * Writes source text as WTF-8 followed by a NUL: UTF-8, except that a lone surrogate is kept
   * as its own three-byte sequence (QuickJS reads it back exactly), where Java's UTF-8 encoder
   * would replace it with '?'.
   */
  public ValueWriter source(String s) {
    wtf8(s);
    buf.put(buf.position(), (byte) 0);
    return this;
  }

  private void wtf8(String s) {
    int n = s.length();
    ensure(3L * n + 1);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        buf.put((byte) c);
      } else if (c < 0x800) {
        buf.put((byte) (0xC0 | (c >> 6))).put((byte) (0x80 | (c & 0x3F)));
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        buf.put((byte) (0xF0 | (cp >> 18)))
            .put((byte) (0x80 | ((cp >> 12) & 0x3F)))
            .put((byte) (0x80 | ((cp >> 6) & 0x3F)))
            .put((byte) (0x80 | (cp & 0x3F)));
      } else {
        buf.put((byte) (0xE0 | (c >> 12)))
            .put((byte) (0x80 | ((c >> 6) & 0x3F)))
            .put((byte) (0x80 | (c & 0x3F)));
      }
    }
  }

  public ValueWriter bytes(byte[] data) {
    ensure(data.length);
    buf.put(data);
    return this;
  }

  /** Writes any Java value: primitives and strings by value, mirrors by handle, others as hosts. */
  public ValueWriter value(@Nullable Object v) {
    if (v == null) {
      return u8(QuickJsNative.T_NULL);
    }
    if (v instanceof String s) {
      return string(s);
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      ensure(5);
      buf.put(QuickJsNative.T_INT).putInt(((Number) v).intValue());
      return this;
    }
    if (v instanceof Boolean b) {
      return u8(b ? QuickJsNative.T_TRUE : QuickJsNative.T_FALSE);
    }
    if (v instanceof Double || v instanceof Float) {
      return number(((Number) v).doubleValue());
    }
    if (v instanceof Long l) {
      long x = l;
      if (x == (int) x) {
        ensure(5);
        buf.put(QuickJsNative.T_INT).putInt((int) x);
        return this;
      }
      if (x >= -MAX_SAFE_INTEGER && x <= MAX_SAFE_INTEGER) {
        return number((double) x);
      }
      return bigint(BigInteger.valueOf(x));
    }
    if (v instanceof BigInteger b) {
      return bigint(b);
    }
    if (v instanceof BigDecimal d) {
      return number(d.doubleValue());
    }
    if (v instanceof Number n) {
      return number(n.doubleValue());
    }
    if (v instanceof Character c) {
      return string(String.valueOf(c.charValue()));
    }
    if (v instanceof CharSequence cs) {
      return string(cs);
    }
    if (v instanceof java.time.Instant t) {
      // beyond ±8.64e15 ms a JavaScript Date is invalid (and toEpochMilli would overflow)
      return Math.abs(t.getEpochSecond()) > 8_640_000_000_000L ? invalidDate() : date(t.toEpochMilli());
    }
    if (v instanceof java.util.Date d) {
      return date(d.getTime());
    }
    if (v instanceof byte[] bytes) {
      ensure(5L + bytes.length);
      buf.put(QuickJsNative.T_BYTES).putInt(bytes.length).put(bytes);
      return this;
    }
    if (v instanceof ByteBuffer bb) {
      return byteBuffer(bb);
    }
    if (JsonText.isJsonNode(v)) {
      // a Jackson JsonNode: its toString() is its JSON; QuickJS parses it, one crossing
      String text = v.toString();
      return text.isEmpty() ? undefined() : json(text); // MissingNode has no JSON: undefined
    }
    long h = references.handleOf(v);
    if (h != 0) {
      return handle(h);
    }
    if (v instanceof java.util.concurrent.CompletionStage<?> stage) {
      // awaitable in JavaScript: a promise settled when the stage completes
      long id = references.futureId(stage);
      ensure(9);
      buf.put(QuickJsNative.T_FUTURE).putLong(id);
      return this;
    }
    int variant = HostMembers.variantOf(v);
    int id = references.hostId(v);
    int classId = ClassMethodIds.classIdOf(v);
    ImmutableMembers k = known;
    boolean ahead = k != null && classId != 0 && knownBudget > 0 && ImmutableMembers.isImmutable(v)
        && firstKnown(v);
    ensure(10);
    buf.put(ahead ? QuickJsNative.T_HOST_KNOWN : QuickJsNative.T_HOST).putInt(id).put((byte) variant).putInt(classId);
    if (ahead && k != null) {
      k.write(v, this); // the results a script would get from its calls, sent ahead
    }
    return this;
  }

  /**
   * A writable direct buffer becomes an ArrayBuffer over the same memory (no copy; the buffer
   * stays referenced while JavaScript holds the ArrayBuffer); any other buffer's remaining bytes
   * are copied into a new ArrayBuffer.
   */
  private ValueWriter byteBuffer(ByteBuffer bb) {
    if (bb.isDirect() && !bb.isReadOnly()) {
      long address = Pointer.nativeValue(Native.getDirectBufferPointer(bb)) + bb.position();
      int id = references.hostId(bb);
      ensure(21);
      buf.put(QuickJsNative.T_EXTBUF).putInt(id).putLong(address).putLong(bb.remaining());
      return this;
    }
    ByteBuffer src = bb.duplicate();
    ensure(5L + src.remaining());
    buf.put(QuickJsNative.T_ARRAYBUF).putInt(src.remaining()).put(src);
    return this;
  }

  /** JSON text that the shim parses into a JavaScript value. */
  public ValueWriter json(String text) {
    ensure(5);
    buf.put(QuickJsNative.T_JSON);
    int lengthAt = buf.position();
    buf.putInt(0);
    wtf8(text); // WTF-8, as for source text: lone surrogates stay exact
    buf.putInt(lengthAt, buf.position() - lengthAt - 4);
    ensure(1);
    buf.put((byte) 0);
    return this;
  }

  private ValueWriter invalidDate() {
    ensure(9);
    buf.put(QuickJsNative.T_DATE).putDouble(Double.NaN);
    return this;
  }

  private ValueWriter date(long epochMillis) {
    ensure(9);
    buf.put(QuickJsNative.T_DATE).putDouble((double) epochMillis);
    return this;
  }

  private ValueWriter number(double d) {
    ensure(9);
    buf.put(QuickJsNative.T_DOUBLE).putDouble(d);
    return this;
  }

  private ValueWriter bigint(BigInteger b) {
    byte[] digits = b.toString().getBytes(StandardCharsets.US_ASCII);
    ensure(5L + digits.length);
    buf.put(QuickJsNative.T_BIGINT).putInt(digits.length).put(digits);
    return this;
  }
}
