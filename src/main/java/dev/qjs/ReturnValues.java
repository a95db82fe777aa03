package dev.qjs;

/** Converts a script's return value to the return type of a Java interface method. */
final class ReturnValues {
  private ReturnValues() {}

  static Object convert(Object value, Class<?> type) {
    if (type == void.class || type == Void.class) {
      return null;
    }
    if (value == null) {
      if (!type.isPrimitive()) {
        return null;
      }
      if (type == boolean.class) {
        return false;
      }
      if (type == char.class) {
        return '\0';
      }
      value = 0;
    }
    if (type.isInstance(value)) {
      return value;
    }
    if (type == String.class || type == CharSequence.class) {
      return value.toString();
    }
    if (value instanceof Number n) {
      if (type == int.class || type == Integer.class) {
        return n.intValue();
      }
      if (type == long.class || type == Long.class) {
        return n.longValue();
      }
      if (type == double.class || type == Double.class) {
        return n.doubleValue();
      }
      if (type == float.class || type == Float.class) {
        return n.floatValue();
      }
      if (type == short.class || type == Short.class) {
        return n.shortValue();
      }
      if (type == byte.class || type == Byte.class) {
        return n.byteValue();
      }
    }
    if (type == boolean.class || type == Boolean.class) {
      return truthy(value);
    }
    if ((type == char.class || type == Character.class) && value instanceof String s && s.length() == 1) {
      return s.charAt(0);
    }
    throw new ClassCastException(
        "the script returned a " + value.getClass().getName() + ", not a " + type.getName());
  }

  private static boolean truthy(Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      return d != 0 && !Double.isNaN(d);
    }
    if (v instanceof String s) {
      return !s.isEmpty();
    }
    return true;
  }
}
