package dev.qjs.internal.debug.dap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON parser (RFC 8259) for protocol messages: objects become {@code
 * LinkedHashMap<String, Object>}, arrays {@code ArrayList<Object>}, numbers {@link Long} when
 * integral and in range, else {@link Double}, {@code null} the {@link #NULL} marker. Nesting is
 * limited, number literals are bounded in length, duplicate keys and trailing text are errors.
 */
final class JsonReader {
  /** The value of a JSON {@code null}. */
  static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  /** Deepest nesting of arrays and objects accepted. */
  static final int MAX_DEPTH = 64;

  private static final int MAX_NUMBER_LENGTH = 400;

  private final String text;
  private int pos;

  private JsonReader(String text) {
    this.text = text;
  }

  /**
   * Parses one JSON value that is the whole text (whitespace around it allowed).
   *
   * @throws MalformedMessageException when the text is not exactly one JSON value within limits
   */
  static Object parse(String text) throws MalformedMessageException {
    JsonReader r = new JsonReader(text);
    r.skipSpace();
    Object v = r.value(0);
    r.skipSpace();
    if (r.pos != text.length()) {
      throw r.error("text after the JSON value");
    }
    return v;
  }

  private Object value(int depth) throws MalformedMessageException {
    if (pos >= text.length()) {
      throw error("unexpected end of JSON");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        return string();
      case 't':
        literal("true");
        return Boolean.TRUE;
      case 'f':
        literal("false");
        return Boolean.FALSE;
      case 'n':
        literal("null");
        return NULL;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected character " + describe(c));
    }
  }

  private Map<String, Object> object(int depth) throws MalformedMessageException {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
    pos++; // {
    Map<String, Object> map = new LinkedHashMap<>();
    skipSpace();
    if (peek() == '}') {
      pos++;
      return map;
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw error("expected a property name");
      }
      String key = string();
      skipSpace();
      expect(':');
      skipSpace();
      Object v = value(depth);
      if (map.put(key, v) != null) {
        throw error("duplicate property \"" + key + "\"");
      }
      skipSpace();
      char c = peek();
      pos++;
      if (c == '}') {
        return map;
      }
      if (c != ',') {
        throw error("expected , or }");
      }
    }
  }

  private List<Object> array(int depth) throws MalformedMessageException {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
    pos++; // [
    List<Object> list = new ArrayList<>();
    skipSpace();
    if (peek() == ']') {
      pos++;
      return list;
    }
    while (true) {
      skipSpace();
      list.add(value(depth));
      skipSpace();
      char c = peek();
      pos++;
      if (c == ']') {
        return list;
      }
      if (c != ',') {
        throw error("expected , or ]");
      }
    }
  }

  private String string() throws MalformedMessageException {
    pos++; // "
    StringBuilder s = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        return s.toString();
      }
      if (c < 0x20) {
        throw error("control character " + describe(c) + " in a string");
      }
      if (c != '\\') {
        s.append(c);
        continue;
      }
      if (pos >= text.length()) {
        throw error("unterminated escape");
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '"', '\\', '/' -> s.append(e);
        case 'b' -> s.append('\b');
        case 'f' -> s.append('\f');
        case 'n' -> s.append('\n');
        case 'r' -> s.append('\r');
        case 't' -> s.append('\t');
        case 'u' -> s.append(hex4());
        default -> throw error("bad escape \\" + describe(e));
      }
    }
  }

  private char hex4() throws MalformedMessageException {
    if (pos + 4 > text.length()) {
      throw error("short \\u escape");
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(text.charAt(pos + i), 16);
      if (d < 0) {
        throw error("bad \\u escape");
      }
      v = v * 16 + d;
    }
    pos += 4;
    return (char) v; // a lone surrogate stays one, as JSON allows
  }

  private Object number() throws MalformedMessageException {
    int start = pos;
    boolean integral = true;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (isDigit(peek())) {
      digits();
    } else {
      throw error("bad number");
    }
    if (peek() == '.') {
      integral = false;
      pos++;
      if (!isDigit(peek())) {
        throw error("bad number");
      }
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!isDigit(peek())) {
        throw error("bad number");
      }
      digits();
    }
    String literal = text.substring(start, pos);
    if (integral && literal.length() <= 19) {
      try {
        return Long.parseLong(literal);
      } catch (NumberFormatException tooBig) {
        // falls through to a double
      }
    }
    return Double.parseDouble(literal);
  }

  private void digits() throws MalformedMessageException {
    int start = pos;
    while (isDigit(peek())) {
      pos++;
      if (pos - start > MAX_NUMBER_LENGTH) {
        throw error("number longer than " + MAX_NUMBER_LENGTH + " digits");
      }
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private void literal(String word) throws MalformedMessageException {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected word");
    }
    pos += word.length();
  }

  private void expect(char c) throws MalformedMessageException {
    if (peek() != c) {
      throw error("expected " + c);
    }
    pos++;
  }

  /** The current character, or 0 at the end (0 is never valid where it is looked at). */
  private char peek() {
    return pos < text.length() ? text.charAt(pos) : 0;
  }

  private void skipSpace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private static String describe(char c) {
    return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }

  private MalformedMessageException error(String what) {
    return new MalformedMessageException("invalid JSON at offset " + pos + ": " + what);
  }
}
