package dev.qjs.internal.modules;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The fields of a {@code package.json} that resolution reads: {@code name}, {@code type},
 * {@code main}, {@code module}, {@code exports} and {@code imports}. A field of the wrong type is
 * as if absent, as in Node; JSON that does not parse is an {@link InvalidException}.
 */
final class PackageJson {
  private static final int MAX_DEPTH = 64;

  private final @Nullable String name;
  private final @Nullable String type;
  private final @Nullable String main;
  private final @Nullable String module;
  private final @Nullable Object exports;
  private final boolean hasExports;
  private final @Nullable Object imports;

  private PackageJson(Map<?, ?> json) {
    name = string(json.get("name"));
    type = string(json.get("type"));
    main = string(json.get("main"));
    module = string(json.get("module"));
    hasExports = json.containsKey("exports") && json.get("exports") != null;
    exports = json.get("exports");
    imports = json.get("imports");
  }

  private static @Nullable String string(@Nullable Object o) {
    return o instanceof String && !((String) o).isEmpty() ? (String) o : null;
  }

  /** Parses {@code text}; {@code where} names the file in an error. */
  static PackageJson parse(String text, String where) throws InvalidException {
    Parser p = new Parser(text, where);
    p.space();
    Object value = p.value(0);
    p.space();
    if (p.pos < text.length()) {
      throw p.error("text after the JSON value");
    }
    if (!(value instanceof Map)) {
      throw new InvalidException(where + " is not a JSON object");
    }
    return new PackageJson((Map<?, ?>) value);
  }

  @Nullable String name() {
    return name;
  }

  /** {@code "module"}, {@code "commonjs"}, or null. */
  @Nullable String type() {
    return type;
  }

  @Nullable String main() {
    return main;
  }

  @Nullable String module() {
    return module;
  }

  boolean hasExports() {
    return hasExports;
  }

  /** A string, list, map (insertion order) or null, as parsed. */
  @Nullable Object exports() {
    return exports;
  }

  /** The {@code imports} map; null when absent or not an object. */
  @Nullable Map<?, ?> imports() {
    return imports instanceof Map ? (Map<?, ?>) imports : null;
  }

  /** A {@code package.json} that is not valid JSON, or a field that breaks Node's rules. */
  static final class InvalidException extends IOException {
    private static final long serialVersionUID = 1L;

    InvalidException(String message) {
      super(message);
    }
  }

  /** JSON to maps (insertion order), lists, strings, doubles, booleans and null. */
  private static final class Parser {
    private final String s;
    private final String where;
    private int pos;

    Parser(String s, String where) {
      this.s = s;
      this.where = where;
    }

    InvalidException error(String what) {
      return new InvalidException(where + " is not valid JSON: " + what + " at offset " + pos);
    }

    void space() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return;
        }
        pos++;
      }
    }

    @Nullable Object value(int depth) throws InvalidException {
      if (depth > MAX_DEPTH) {
        throw error("nesting deeper than " + MAX_DEPTH);
      }
      if (pos >= s.length()) {
        throw error("unexpected end");
      }
      char c = s.charAt(pos);
      switch (c) {
        case '{':
          return object(depth);
        case '[':
          return array(depth);
        case '"':
          return string();
        case 't':
          return word("true", Boolean.TRUE);
        case 'f':
          return word("false", Boolean.FALSE);
        case 'n':
          return word("null", null);
        default:
          if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
          }
          throw error("unexpected character '" + c + "'");
      }
    }

    private @Nullable Object word(String word, @Nullable Object value) throws InvalidException {
      if (!s.startsWith(word, pos)) {
        throw error("unexpected word");
      }
      pos += word.length();
      return value;
    }

    /** JSON's number grammar exactly, as JSON.parse reads it: no "+1", "01", "1." or ".5". */
    private Object number() throws InvalidException {
      int start = pos;
      skip('-');
      if (!skip('0') && digits() == 0) {
        throw error("bad number");
      }
      if (skip('.') && digits() == 0) {
        throw error("bad number");
      }
      if (skip('e') || skip('E')) {
        if (!skip('+')) {
          skip('-');
        }
        if (digits() == 0) {
          throw error("bad number");
        }
      }
      return Double.parseDouble(s.substring(start, pos));
    }

    private boolean skip(char c) {
      if (pos < s.length() && s.charAt(pos) == c) {
        pos++;
        return true;
      }
      return false;
    }

    private int digits() {
      int start = pos;
      while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
        pos++;
      }
      return pos - start;
    }

    private Map<String, @Nullable Object> object(int depth) throws InvalidException {
      Map<String, @Nullable Object> map = new LinkedHashMap<>();
      pos++;
      space();
      if (pos < s.length() && s.charAt(pos) == '}') {
        pos++;
        return map;
      }
      while (true) {
        space();
        if (pos >= s.length() || s.charAt(pos) != '"') {
          throw error("expected a property name");
        }
        String key = string();
        space();
        expect(':');
        space();
        Object v = value(depth + 1);
        map.put(key, v);
        space();
        if (pos < s.length() && s.charAt(pos) == ',') {
          pos++;
          continue;
        }
        expect('}');
        return map;
      }
    }

    private List<@Nullable Object> array(int depth) throws InvalidException {
      List<@Nullable Object> list = new ArrayList<>();
      pos++;
      space();
      if (pos < s.length() && s.charAt(pos) == ']') {
        pos++;
        return list;
      }
      while (true) {
        space();
        list.add(value(depth + 1));
        space();
        if (pos < s.length() && s.charAt(pos) == ',') {
          pos++;
          continue;
        }
        expect(']');
        return list;
      }
    }

    private void expect(char c) throws InvalidException {
      if (pos >= s.length() || s.charAt(pos) != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    private String string() throws InvalidException {
      pos++;
      StringBuilder b = new StringBuilder();
      while (true) {
        if (pos >= s.length()) {
          throw error("unterminated string");
        }
        char c = s.charAt(pos++);
        if (c == '"') {
          return b.toString();
        }
        if (c < 0x20) {
          throw error("control character in a string");
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        if (pos >= s.length()) {
          throw error("unterminated string");
        }
        char e = s.charAt(pos++);
        switch (e) {
          case '"':
          case '\\':
          case '/':
            b.append(e);
            break;
          case 'b':
            b.append('\b');
            break;
          case 'f':
            b.append('\f');
            break;
          case 'n':
            b.append('\n');
            break;
          case 'r':
            b.append('\r');
            break;
          case 't':
            b.append('\t');
            break;
          case 'u':
            if (pos + 4 > s.length()) {
              throw error("bad \\u escape");
            }
            try {
              b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            } catch (NumberFormatException ex) {
              throw error("bad \\u escape");
            }
            pos += 4;
            break;
          default:
            throw error("bad escape");
        }
      }
    }
  }
}
