package dev.qjs.internal.debug.dap;

import java.util.List;
import java.util.Map;

/**
 * Writes protocol messages as JSON text: maps with string keys, lists, strings, numbers, booleans
 * and {@link JsonReader#NULL}; a non-finite number becomes {@code null}; a lone surrogate is
 * written as a {@code \\u} escape so the UTF-8 bytes stay valid.
 */
final class JsonWriter {
  private JsonWriter() {}

  /**
   * The JSON text of a value.
   *
   * @throws IllegalArgumentException for a value that is not one of the JSON kinds
   */
  static String write(Object value) {
    StringBuilder s = new StringBuilder(128);
    append(s, value);
    return s.toString();
  }

  private static void append(StringBuilder s, Object v) {
    if (v instanceof String str) {
      string(s, str);
    } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
      s.append(v);
    } else if (v instanceof Number n) {
      double d = n.doubleValue();
      if (Double.isFinite(d)) {
        s.append(d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d));
      } else {
        s.append("null");
      }
    } else if (v instanceof Map<?, ?> map) {
      s.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          s.append(',');
        }
        first = false;
        string(s, String.valueOf(e.getKey()));
        s.append(':');
        append(s, e.getValue());
      }
      s.append('}');
    } else if (v instanceof List<?> list) {
      s.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          s.append(',');
        }
        append(s, list.get(i));
      }
      s.append(']');
    } else if (v == JsonReader.NULL) {
      s.append("null");
    } else {
      throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
    }
  }

  private static void string(StringBuilder s, String str) {
    s.append('"');
    for (int i = 0; i < str.length(); i++) {
      char c = str.charAt(i);
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        default -> {
          boolean pairedHigh = Character.isHighSurrogate(c) && i + 1 < str.length()
              && Character.isLowSurrogate(str.charAt(i + 1));
          if (pairedHigh) {
            s.append(c).append(str.charAt(++i));
          } else if (c < 0x20 || Character.isSurrogate(c) || c == 0x2028 || c == 0x2029) {
            s.append(String.format("\\u%04x", (int) c));
          } else {
            s.append(c);
          }
        }
      }
    }
    s.append('"');
  }
}
