package dev.qjs.internal.debug.dap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The protocol's framing: a header block of {@code Name: value} lines ended by an empty line, of
 * which {@code Content-Length} is required, then that many bytes of UTF-8 JSON. Limits are checked
 * before anything is allocated: the header block at most {@link #MAX_HEADER} bytes, a body at
 * most {@link #MAX_BODY}.
 */
final class ContentLengthFrames {
  /** Largest header block, in bytes. */
  static final int MAX_HEADER = 8 * 1024;

  /** Largest body, in bytes. */
  static final int MAX_BODY = 16 * 1024 * 1024;

  private final InputStream in;

  ContentLengthFrames(InputStream in) {
    this.in = in;
  }

  /**
   * Reads the next message's body.
   *
   * @return the body's text, or null when the stream ends cleanly between messages
   * @throws MalformedMessageException a header or body that breaks the rules, or an end mid-message
   * @throws IOException the stream failed
   */
  @Nullable
  String next() throws IOException, MalformedMessageException {
    long length = -1;
    int headerBytes = 0;
    StringBuilder line = new StringBuilder();
    boolean first = true;
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (first && line.length() == 0) {
          return null;
        }
        throw new MalformedMessageException("the stream ended inside a header");
      }
      first = false;
      if (++headerBytes > MAX_HEADER) {
        throw new MalformedMessageException("header block longer than " + MAX_HEADER + " bytes");
      }
      if (b == '\r') {
        if (in.read() != '\n') {
          throw new MalformedMessageException("a header line ends in CR without LF");
        }
        headerBytes++;
        if (line.length() == 0) {
          break;
        }
        length = header(line.toString(), length);
        line.setLength(0);
      } else if (b == '\n' || b >= 0x7f || (b < 0x20 && b != '\t')) {
        throw new MalformedMessageException(String.format("byte 0x%02x in a header", b));
      } else {
        line.append((char) b);
      }
    }
    if (length < 0) {
      throw new MalformedMessageException("no Content-Length header");
    }
    byte[] body = in.readNBytes((int) length);
    if (body.length != length) {
      throw new MalformedMessageException("the stream ended inside a body");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedMessageException("the body is not UTF-8");
    }
  }

  private static long header(String line, long lengthSoFar) throws MalformedMessageException {
    int colon = line.indexOf(':');
    if (colon <= 0) {
      throw new MalformedMessageException("a header line without a name");
    }
    String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    String value = line.substring(colon + 1).trim();
    if (!name.equals("content-length")) {
      return lengthSoFar; // Content-Type and others are allowed and ignored
    }
    if (lengthSoFar >= 0) {
      throw new MalformedMessageException("two Content-Length headers");
    }
    if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new MalformedMessageException("Content-Length is not a number up to " + MAX_BODY);
    }
    long n = Long.parseLong(value);
    if (n > MAX_BODY) {
      throw new MalformedMessageException("Content-Length " + n + " exceeds " + MAX_BODY);
    }
    return n;
  }

  /** Writes one message. */
  static void write(OutputStream out, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    out.write(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }
}
