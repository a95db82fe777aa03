package dev.qjs.internal.debug.dap;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Typed reads of a message's JSON object: a field of the wrong type, or a required one missing, is
 * a {@link RequestFailedException} that names it.
 */
final class Fields {
  private final Map<?, ?> map;
  private final String where;

  Fields(Map<?, ?> map, String where) {
    this.map = map;
    this.where = where;
  }

  /** The fields of {@code value}, which must be an object. */
  static Fields of(@Nullable Object value, String where) throws RequestFailedException {
    if (value instanceof Map<?, ?> m) {
      return new Fields(m, where);
    }
    throw new RequestFailedException(where + " must be an object");
  }

  /** An empty object's fields. */
  static Fields empty(String where) {
    return new Fields(Map.of(), where);
  }

  boolean has(String key) {
    Object v = map.get(key);
    return v != null && v != JsonReader.NULL;
  }

  String string(String key) throws RequestFailedException {
    String s = optString(key);
    if (s == null) {
      throw missing(key, "a string");
    }
    return s;
  }

  @Nullable
  String optString(String key) throws RequestFailedException {
    Object v = map.get(key);
    if (v == null || v == JsonReader.NULL) {
      return null;
    }
    if (v instanceof String s) {
      return s;
    }
    throw wrong(key, "a string");
  }

  int integer(String key) throws RequestFailedException {
    if (!has(key)) {
      throw missing(key, "an integer");
    }
    return optInt(key, 0);
  }

  int optInt(String key, int fallback) throws RequestFailedException {
    Object v = map.get(key);
    if (v == null || v == JsonReader.NULL) {
      return fallback;
    }
    if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
      return (int) (long) l;
    }
    throw wrong(key, "an integer");
  }

  boolean optBool(String key, boolean fallback) throws RequestFailedException {
    Object v = map.get(key);
    if (v == null || v == JsonReader.NULL) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw wrong(key, "true or false");
  }

  Fields object(String key) throws RequestFailedException {
    if (!has(key)) {
      throw missing(key, "an object");
    }
    return Fields.of(map.get(key), where + "." + key);
  }

  Fields optObject(String key) throws RequestFailedException {
    return has(key) ? object(key) : empty(where + "." + key);
  }

  List<?> optArray(String key) throws RequestFailedException {
    Object v = map.get(key);
    if (v == null || v == JsonReader.NULL) {
      return List.of();
    }
    if (v instanceof List<?> l) {
      return l;
    }
    throw wrong(key, "an array");
  }

  private RequestFailedException missing(String key, String kind) {
    return new RequestFailedException(where + "." + key + " is missing (" + kind + ")");
  }

  private RequestFailedException wrong(String key, String kind) {
    return new RequestFailedException(where + "." + key + " must be " + kind);
  }
}
