package dev.qjs.internal.bytecode;

import dev.qjs.InvalidBytecodeException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Properties;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The saved form of compiled bytecode, authenticated. All integers big-endian:
 *
 * <pre>
 * magic        4 bytes  "QJBC"
 * total length u32      the whole blob, tag included (finds the tag, detects truncation)
 * format       u16      {@link #FORMAT_VERSION}
 * library      u16 + UTF-8   the library version that wrote it
 * QuickJS      u16 + UTF-8   the QuickJS version
 * BC_VERSION   u8       QuickJS's bytecode format version
 * kind         u8       0 script, 1 module
 * name         u16 + UTF-8   the script's file name / the module's id
 * payload      u32 + bytes   what JS_WriteObject wrote
 * tag          32 bytes HMAC-SHA256 over everything before it
 * </pre>
 *
 * <p>{@link #decode} reads the magic and the total length (the two fields it needs to find the
 * tag), checks the tag in constant time, and only then reads the other fields, checks the
 * versions, and returns the payload: bytes that fail any check never reach QuickJS's reader,
 * which trusts its input.
 */
public final class BytecodeFormat {
  /** The layout above; a new layout gets a new number. */
  public static final int FORMAT_VERSION = 1;
  /**
   * QuickJS's BC_VERSION for the QuickJS this library builds: the first byte of every payload
   * JS_WriteObject writes (a test checks that they agree).
   */
  public static final int QUICKJS_BYTECODE_VERSION = 4;
  /** The largest blob read: 1 GiB. */
  public static final long MAX_BYTES = 1L << 30;

  static final int TAG_BYTES = 32;
  private static final byte[] MAGIC = {'Q', 'J', 'B', 'C'};
  private static final int MIN_BYTES = MAGIC.length + 4 + 2 + 2 + 2 + 1 + 1 + 2 + 4 + TAG_BYTES;
  private static final String HMAC = "HmacSHA256";

  private BytecodeFormat() {}

  /** What a blob says about itself, besides its payload. */
  public record Header(
      int formatVersion, String libraryVersion, String quickJsVersion, int bytecodeVersion,
      boolean module, String name) {

    /** The header this library writes for a program. */
    public static Header current(String quickJsVersion, boolean module, String name) {
      return new Header(FORMAT_VERSION, BytecodeFormat.libraryVersion(), quickJsVersion, QUICKJS_BYTECODE_VERSION,
          module, name);
    }

    private String describe() {
      return "library " + libraryVersion + ", QuickJS " + quickJsVersion + " (bytecode version "
          + bytecodeVersion + ", format " + formatVersion + ")";
    }
  }

  /** A verified blob: its header and its payload. */
  public record Decoded(Header header, byte[] payload) {}

  /** The library's version, from the jar (filtered by the build). */
  public static String libraryVersion() {
    return LibraryVersion.VALUE;
  }

  private static final class LibraryVersion {
    static final String VALUE = read();

    private static String read() {
      try (InputStream in = BytecodeFormat.class.getResourceAsStream("library.properties")) {
        if (in == null) {
          return "unknown";
        }
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version", "unknown");
        return v.startsWith("${") ? "unknown" : v;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The blob for a header and payload, tagged with key. */
  public static byte[] encode(Header header, byte[] payload, byte[] key) {
    try {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream(payload.length + 128);
      DataOutputStream out = new DataOutputStream(buffer);
      out.write(MAGIC);
      out.writeInt(0); // the total length, set below
      out.writeShort(header.formatVersion());
      writeString(out, header.libraryVersion());
      writeString(out, header.quickJsVersion());
      out.writeByte(header.bytecodeVersion());
      out.writeByte(header.module() ? 1 : 0);
      writeString(out, header.name());
      out.writeInt(payload.length);
      out.write(payload);
      out.flush();
      byte[] body = buffer.toByteArray();
      long total = (long) body.length + TAG_BYTES;
      if (total > MAX_BYTES) {
        throw new IllegalArgumentException("bytecode of " + total + " bytes is over the limit of " + MAX_BYTES);
      }
      ByteBuffer.wrap(body).putInt(MAGIC.length, (int) total);
      byte[] blob = Arrays.copyOf(body, (int) total);
      System.arraycopy(tag(key, body, body.length), 0, blob, body.length, TAG_BYTES);
      return blob;
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > 0xFFFF) {
      throw new IllegalArgumentException("a name of " + b.length + " bytes is longer than 65535 bytes");
    }
    out.writeShort(b.length);
    out.write(b);
  }

  /**
   * Verifies a blob and returns its payload, or refuses it.
   *
   * @param expected the header fields this process writes (versions and QuickJS); the name and
   *     kind are ignored
   * @throws InvalidBytecodeException saying what was wrong: not this format, truncated, modified
   *     or tagged with another key, or written by another version
   */
  public static Decoded decode(byte[] bytes, byte[] key, Header expected) throws InvalidBytecodeException {
    if (bytes.length < MAGIC.length || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new InvalidBytecodeException(
          "not saved bytecode of quickjs-jsr223 (" + bytes.length + " bytes that do not start with its magic)");
    }
    if (bytes.length < MIN_BYTES) {
      throw new InvalidBytecodeException("truncated saved bytecode: " + bytes.length
          + " bytes, shorter than the smallest possible (" + MIN_BYTES + ")");
    }
    long declared = Integer.toUnsignedLong(ByteBuffer.wrap(bytes).getInt(MAGIC.length));
    if (declared != bytes.length) {
      throw new InvalidBytecodeException(declared > bytes.length
          ? "truncated saved bytecode: " + bytes.length + " of its " + declared + " bytes"
          : "saved bytecode of " + declared + " bytes followed by " + (bytes.length - declared)
              + " more: not one blob as written");
    }
    int body = bytes.length - TAG_BYTES;
    byte[] expectedTag = tag(key, bytes, body);
    byte[] actualTag = Arrays.copyOfRange(bytes, body, bytes.length);
    if (!MessageDigest.isEqual(expectedTag, actualTag)) {
      throw new InvalidBytecodeException(
          "saved bytecode that was modified after it was written, or written with another key:"
              + " its authentication tag does not match (compile it again, or load it with the key that saved it)");
    }
    // authentic: everything below was written by a holder of the key, but may be from another
    // version whose layout differs past the format field, so every read is still bounds-checked
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, body);
    in.position(MAGIC.length + 4);
    try {
      int format = Short.toUnsignedInt(in.getShort());
      if (format != FORMAT_VERSION) {
        throw new InvalidBytecodeException("saved bytecode in format " + format + ", this library reads format "
            + FORMAT_VERSION + " (" + expected.describe() + "): compile it again");
      }
      String library = readString(in);
      String quickJs = readString(in);
      int bcVersion = Byte.toUnsignedInt(in.get());
      int kind = Byte.toUnsignedInt(in.get());
      String name = readString(in);
      Header header = new Header(format, library, quickJs, bcVersion, kind == 1, name);
      if (!library.equals(expected.libraryVersion()) || !quickJs.equals(expected.quickJsVersion())
          || bcVersion != expected.bytecodeVersion()) {
        throw new InvalidBytecodeException("saved bytecode made by " + header.describe() + "; this is "
            + expected.describe() + ": compile it again");
      }
      if (kind > 1) {
        throw new InvalidBytecodeException("saved bytecode of an unknown kind " + kind + " (neither script nor module)");
      }
      long length = Integer.toUnsignedLong(in.getInt());
      if (length != in.remaining() || length == 0) {
        throw new InvalidBytecodeException("saved bytecode whose payload length " + length + " does not match the "
            + in.remaining() + " bytes that follow it");
      }
      byte[] payload = new byte[(int) length];
      in.get(payload);
      return new Decoded(header, payload);
    } catch (java.nio.BufferUnderflowException e) {
      throw new InvalidBytecodeException("saved bytecode whose header ends before its fields do");
    }
  }

  private static String readString(ByteBuffer in) throws InvalidBytecodeException {
    int n = Short.toUnsignedInt(in.getShort());
    if (n > in.remaining()) {
      throw new InvalidBytecodeException("saved bytecode whose header ends inside a text field");
    }
    ByteBuffer slice = in.slice();
    slice.limit(n);
    in.position(in.position() + n);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(slice)
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidBytecodeException("saved bytecode whose header has a text field that is not UTF-8");
    }
  }

  private static byte[] tag(byte[] key, byte[] data, int length) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      mac.update(data, 0, length);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }
}
