package dev.qjs.internal.sourcemap;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Finds the {@code //# sourceMappingURL=<url>} comment of a generated source and decodes
 * {@code data:} URLs. ECMA-426 ("Linking generated code") takes the last such comment, on a
 * line by itself, with nothing but whitespace and comments after it; the legacy {@code //@}
 * form and a one-line {@code /*# sourceMappingURL=... *}{@code /} are accepted too. The scan
 * walks back from the end over blank and comment lines only, so a source without a comment
 * costs a look at its last line; a comment followed by code is not the map's.
 *
 * <pre>{@code
 * String url = SourceMappingUrl.find(source);            // "app.js.map", "data:...", or null
 * if (url != null && SourceMappingUrl.isData(url)) json = SourceMappingUrl.decodeData(url);
 * }</pre>
 */
final class SourceMappingUrl {
  private static final String KEY = "sourceMappingURL=";

  /** Trailing comment lines looked at before giving up (a guard against pathological tails). */
  private static final int MAX_TRAILING_LINES = 10_000;

  private SourceMappingUrl() {}

  /** The URL of the source's map comment, or null when it has none. */
  static @Nullable String find(String source) {
    int end = source.length();
    for (int lines = 0; end > 0 && lines < MAX_TRAILING_LINES; lines++) {
      int start = lineStart(source, end);
      String url = urlIn(source, start, end);
      if (url != null) {
        return url.isEmpty() ? null : url;
      }
      if (!blankOrComment(source, start, end)) {
        return null;
      }
      end = start - 1; // before the line terminator
      if (end > 0 && source.charAt(end) == '\n' && source.charAt(end - 1) == '\r') {
        end--;
      }
    }
    return null;
  }

  private static int lineStart(String s, int end) {
    int i = end;
    while (i > 0) {
      char c = s.charAt(i - 1);
      if (c == '\n' || c == '\r' || c == '\u2028' || c == '\u2029') {
        break;
      }
      i--;
    }
    return i;
  }

  /** The URL when line [start, end) is a map comment ("" for an empty URL), else null. */
  private static @Nullable String urlIn(String s, int start, int end) {
    int i = skipSpace(s, start, end);
    if (i + 4 > end || s.charAt(i) != '/') {
      return null;
    }
    boolean block = s.charAt(i + 1) == '*';
    if (!block && s.charAt(i + 1) != '/') {
      return null;
    }
    char mark = s.charAt(i + 2);
    if (mark != '#' && mark != '@') {
      return null;
    }
    i = skipSpace(s, i + 3, end);
    if (!s.startsWith(KEY, i)) {
      return null;
    }
    i += KEY.length();
    int urlEnd = i;
    while (urlEnd < end && !isSpace(s.charAt(urlEnd))
        && !(block && s.startsWith("*/", urlEnd))) {
      urlEnd++;
    }
    int rest = skipSpace(s, urlEnd, end);
    if (block) {
      if (!s.startsWith("*/", rest)) {
        return null; // an unclosed or multi-line block comment is not one we read
      }
      rest = skipSpace(s, rest + 2, end);
    }
    if (rest != end) {
      return null; // more after the URL on the same line: not a map comment per spec
    }
    return s.substring(i, urlEnd);
  }

  private static boolean blankOrComment(String s, int start, int end) {
    int i = skipSpace(s, start, end);
    if (i == end || s.startsWith("//", i)) {
      return true;
    }
    // a one-line block comment (several in a row are fine): /* ... */ /* ... */
    while (i < end && s.startsWith("/*", i)) {
      int close = s.indexOf("*/", i + 2);
      if (close < 0 || close + 2 > end) {
        return false;
      }
      i = skipSpace(s, close + 2, end);
    }
    return i == end;
  }

  private static int skipSpace(String s, int from, int end) {
    int i = from;
    while (i < end && isSpace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\u000b' || c == '\f' || c == '\u00a0' || c == '\ufeff'
        || Character.getType(c) == Character.SPACE_SEPARATOR;
  }

  /** Whether the URL is a {@code data:} URL (decoded here, never fetched). */
  static boolean isData(String url) {
    return url.regionMatches(true, 0, "data:", 0, 5);
  }

  /**
   * The JSON a {@code data:} URL holds: media type {@code application/json} (or another JSON
   * type), optional {@code charset=utf-8}, payload in base64 or percent-encoding.
   */
  static String decodeData(String url) throws InvalidSourceMapException {
    int comma = url.indexOf(',');
    if (!isData(url) || comma < 0) {
      throw new InvalidSourceMapException("the data: URL has no comma before its payload");
    }
    String[] parameters = url.substring(5, comma).split(";", -1);
    String mediaType = parameters[0].strip().toLowerCase(Locale.ROOT);
    if (!(mediaType.equals("application/json") || mediaType.equals("text/json")
        || mediaType.endsWith("+json"))) {
      throw new InvalidSourceMapException(
          "the data: URL's media type is '" + shorten(mediaType) + "', not application/json");
    }
    boolean base64 = false;
    for (int i = 1; i < parameters.length; i++) {
      String p = parameters[i].strip().toLowerCase(Locale.ROOT);
      if (p.equals("base64") && i == parameters.length - 1) {
        base64 = true;
      } else if (p.startsWith("charset=")) {
        String charset = p.substring("charset=".length()).replace("\"", "");
        if (!charset.equals("utf-8") && !charset.equals("utf8") && !charset.equals("us-ascii")) {
          throw new InvalidSourceMapException(
              "the data: URL's charset is '" + shorten(charset) + "'; source maps are UTF-8");
        }
      }
    }
    String payload = url.substring(comma + 1);
    byte[] bytes;
    if (base64) {
      try {
        bytes = Base64.getDecoder().decode(percentDecode(payload));
      } catch (IllegalArgumentException e) {
        throw new InvalidSourceMapException(
            "the data: URL's payload is not valid base64: " + e.getMessage(), e);
      }
    } else {
      bytes = percentDecode(payload);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidSourceMapException("the data: URL's payload is not UTF-8", e);
    }
  }

  /** Bytes of a percent-encoded string (its other characters as UTF-8). */
  private static byte[] percentDecode(String s) throws InvalidSourceMapException {
    if (s.indexOf('%') < 0) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '%') {
        int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
        int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
        if (lo < 0) {
          throw new InvalidSourceMapException(
              "the data: URL has a bad percent-escape at character " + i + " of its payload");
        }
        out.write(hi * 16 + lo);
        i += 3;
      } else {
        int cp = s.codePointAt(i);
        byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
        i += Character.charCount(cp);
      }
    }
    return out.toByteArray();
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
