package dev.qjs.internal.interop;

import dev.qjs.UncheckedScriptException;
import dev.qjs.internal.runtime.ExceptionReader;
import dev.qjs.internal.runtime.JsHandle;
import dev.qjs.internal.runtime.JsRuntime;
import dev.qjs.internal.runtime.MirrorFactory;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/**
 * Turns values that came from JavaScript into what a Java method parameter or return type asks
 * for: numbers into numeric types without loss, one-character strings into {@code char}, strings
 * into enum constants, JavaScript functions into functional interfaces, arrays into Java arrays.
 * Also scores how well a value fits a type, so overloads can be chosen by their arguments.
 *
 * <p>The number rule (parameters, constructors, setters, fields, array elements, varargs):
 * lossless only. {@code byte}, {@code short}, {@code int}, {@code long} and
 * {@code BigInteger} (boxed or not) take only whole numbers in their range (no NaN, no
 * Infinity, no 1.5); {@code double} takes any number (a BigInt only when exact); {@code float}
 * takes any number, rounded to the nearest float as {@code Math.fround} does; {@code char}
 * takes a one-character string; {@code boolean} takes only a boolean; null to a primitive is
 * an error. Scripts convert explicitly: {@code Math.trunc(x)}, {@code Math.round(x)},
 * {@code x | 0}.
 */
public final class ArgumentConverter {
  static final int NO = -1;

  private final MirrorFactory mirrors;

  /** Java objects implementing interfaces with a script's functions. */
  final ScriptedInterfaces scripted;

  public ArgumentConverter(MirrorFactory mirrors) {
    this.mirrors = mirrors;
    this.scripted = new ScriptedInterfaces(mirrors);
  }

  private static Class<?> boxed(Class<?> t) {
    if (!t.isPrimitive()) {
      return t;
    }
    if (t == int.class) {
      return Integer.class;
    }
    if (t == long.class) {
      return Long.class;
    }
    if (t == double.class) {
      return Double.class;
    }
    if (t == boolean.class) {
      return Boolean.class;
    }
    if (t == float.class) {
      return Float.class;
    }
    if (t == short.class) {
      return Short.class;
    }
    if (t == byte.class) {
      return Byte.class;
    }
    if (t == char.class) {
      return Character.class;
    }
    return Void.class;
  }

  /** n as the boxed numeric type b (Integer … BigDecimal); null when b is not numeric. */
  private static @Nullable Object numberAs(Number n, Class<?> b) {
    if (b == Integer.class) {
      return n.intValue();
    }
    if (b == Long.class) {
      return n.longValue();
    }
    if (b == Double.class) {
      return n.doubleValue();
    }
    if (b == Float.class) {
      return n.floatValue();
    }
    if (b == Short.class) {
      return n.shortValue();
    }
    if (b == Byte.class) {
      return n.byteValue();
    }
    if (b == BigInteger.class) {
      return n instanceof BigInteger bi ? bi : BigInteger.valueOf(n.longValue());
    }
    if (b == BigDecimal.class) {
      return n instanceof BigInteger bi ? new BigDecimal(bi) : new BigDecimal(n.toString());
    }
    return null;
  }

  /**
   * True for a Java object (not a JavaScript value mirrored into Java, nor a primitive). An
   * Instant or byte[] here is a script's Date or Uint8Array: Java ones never reach scripts as
   * Java objects, they become a Date or Uint8Array on the way in.
   */
  boolean isJavaObject(Object v) {
    return mirrors.handleOf(v) == null
        && !(v instanceof String || v instanceof Number || v instanceof Boolean
            || v instanceof java.time.Instant || v instanceof byte[]);
  }

  /** A JavaScript object (not a function or an array) that may hold methods by name, or null. */
  private @Nullable JsHandle methodsObject(@Nullable Object v) {
    JsHandle h = v == null || v instanceof List ? null : mirrors.handleOf(v);
    return h != null && !h.isFunction() ? h : null;
  }

  /**
   * An interface a script object passed as an argument implements by its methods: any but a
   * sealed one and those a JavaScript value is by its kind, not its methods (collections, maps,
   * char sequences: {@code new ArrayList({…})} stays a TypeError, not a collection whose every
   * method is missing).
   */
  private static boolean implementable(Class<?> type) {
    return type.isInterface() && !type.isSealed() && !Iterable.class.isAssignableFrom(type)
        && !Map.class.isAssignableFrom(type) && !CharSequence.class.isAssignableFrom(type);
  }

  private @Nullable JsHandle function(@Nullable Object v) {
    JsHandle h = v == null ? null : mirrors.handleOf(v);
    return h != null && h.isFunction() ? h : null;
  }

  /** {@link #traits}: a whole number (or a BigInt). */
  static final int WHOLE = 1;
  /** {@link #traits}: a whole number in the range of a byte. */
  static final int IN_BYTE = 1 << 1;
  /** {@link #traits}: a whole number in the range of a short (as {@link #cost} tests it). */
  static final int IN_SHORT = 1 << 2;
  /** {@link #traits}: a number in the range of an int (as {@link #cost} tests it). */
  static final int IN_INT = 1 << 3;
  /** {@link #traits}: a number in the range of a long (as {@link #cost} tests it). */
  static final int IN_LONG = 1 << 4;
  /** {@link #traits}: a number a double holds exactly. */
  static final int EXACT_DOUBLE = 1 << 5;
  /** {@link #traits}: a BigInt, or a number whose double is finite. */
  static final int FINITE = 1 << 6;
  /** {@link #traits}: a string of one character. */
  static final int ONE_CHAR = 1;
  /** {@link #traits}: a JavaScript function. */
  static final int FUNCTION = 1;

  /**
   * Everything {@link #cost} reads of v besides its class, as bits below 128: for a number
   * whether it is whole, the ranges it fits and whether a double holds it exactly and finitely;
   * for a string whether it has one character; for anything else whether it is a JavaScript
   * function; 0 for null. Two values of one class (or two nulls) with the same traits cost the
   * same for every type, except a string for an enum type (the constant's name is read): that is
   * what lets a chosen overload be reused for a call of the same shape ({@link MethodGroup}).
   * A change to {@link #cost} that reads more of the value must add it here.
   */
  int traits(@Nullable Object v) {
    if (v instanceof Number n) {
      int bits = 0;
      if (isIntegral(n)) {
        bits |= WHOLE;
        bits |= fits(n, Byte.MIN_VALUE, Byte.MAX_VALUE) ? IN_BYTE : 0;
        bits |= fits(n, Short.MIN_VALUE, Short.MAX_VALUE) ? IN_SHORT : 0;
      }
      bits |= fits(n, Integer.MIN_VALUE, Integer.MAX_VALUE) ? IN_INT : 0;
      bits |= fitsLong(n) ? IN_LONG : 0;
      bits |= exactAsDouble(n) ? EXACT_DOUBLE : 0;
      bits |= n instanceof BigInteger || Double.isFinite(n.doubleValue()) ? FINITE : 0;
      return bits;
    }
    if (v instanceof String s) {
      return s.length() == 1 ? ONE_CHAR : 0;
    }
    return function(v) != null ? FUNCTION : 0;
  }

  /** How well v fits type: 0 exactly, higher is worse, NO when it cannot be converted. */
  int cost(@Nullable Object v, Class<?> type) {
    if (v == null) {
      return type.isPrimitive() ? NO : 0;
    }
    Class<?> b = boxed(type);
    if (b.isInstance(v)) {
      return type == Object.class ? 6 : 0;
    }
    if (v instanceof Number n) {
      boolean integral = isIntegral(n);
      if (b == Integer.class) {
        return integral && fits(n, Integer.MIN_VALUE, Integer.MAX_VALUE) ? 1 : NO;
      }
      if (b == Long.class) {
        return integral && fitsLong(n) ? 2 : NO;
      }
      if (b == Double.class) {
        return !exactAsDouble(n) ? NO : integral ? 3 : 1;
      }
      if (b == Float.class) {
        return exactAsDouble(n) ? 4 : NO;
      }
      if (b == Short.class) {
        return integral && fits(n, Short.MIN_VALUE, Short.MAX_VALUE) ? 5 : NO;
      }
      if (b == Byte.class) {
        return integral && fits(n, Byte.MIN_VALUE, Byte.MAX_VALUE) ? 5 : NO;
      }
      if (b == BigInteger.class) {
        return integral ? 3 : NO;
      }
      if (b == BigDecimal.class) {
        return n instanceof BigInteger || Double.isFinite(n.doubleValue()) ? 3 : NO;
      }
      if (b == Number.class) {
        return 3;
      }
      if (b == String.class || b == CharSequence.class) {
        return 15;
      }
      return NO;
    }
    if (v instanceof String s) {
      if (b == Character.class) {
        return s.length() == 1 ? 1 : NO;
      }
      if (type.isEnum()) {
        return enumConstant(type, s) != null ? 2 : NO;
      }
      return NO;
    }
    if (type.isInterface() && function(v) != null && FunctionalMethod.of(type) != null) {
      return 1;
    }
    if (implementable(type) && methodsObject(v) != null) {
      return 7; // after Object (6): an object is passed as itself where a method takes either
    }
    if (type.isArray() && v instanceof List) {
      return 3;
    }
    if (type.isArray() && v.getClass().isArray()) {
      return 4;
    }
    return NO;
  }

  @Nullable Object convert(@Nullable Object v, Class<?> type, @Nullable Type generic) {
    if (v == null) {
      if (type.isPrimitive()) {
        throw new HostMembers.Refusal(reason(null, type));
      }
      return null;
    }
    Class<?> b = boxed(type);
    if (b.isInstance(v)) {
      return v;
    }
    if (v instanceof Number n) {
      if (cost(n, type) == NO) {
        throw new HostMembers.Refusal(reason(n, type));
      }
      Object converted = numberAs(n, b);
      if (converted != null) {
        return converted;
      }
      if (b == String.class || b == CharSequence.class) {
        return n.toString();
      }
    }
    if (v instanceof String s) {
      if (b == Character.class && s.length() == 1) {
        return s.charAt(0);
      }
      if (type.isEnum()) {
        Object c = enumConstant(type, s);
        if (c != null) {
          return c;
        }
      }
    }
    JsHandle fn = function(v);
    if (fn != null && type.isInterface() && FunctionalMethod.of(type) != null) {
      return functionalProxy(fn, type);
    }
    JsHandle methods = methodsObject(v);
    if (methods != null && implementable(type)) {
      // an object of methods where Java expects an interface: its functions by name
      return scripted.implement(new Class<?>[] {type}, methods, null);
    }
    if (type.isArray() && (v instanceof List || v.getClass().isArray())) {
      return toArray(v, type.getComponentType());
    }
    throw new HostMembers.Refusal(reason(v, type));
  }

  /** Why v cannot be passed as a type (for error messages), with the explicit conversion. */
  String reason(@Nullable Object v, Class<?> type) {
    String t = type.getName();
    if (v == null) {
      return "null cannot be a Java " + t + " (a primitive has no null)";
    }
    Class<?> b = boxed(type);
    if (v instanceof Number n && !(v instanceof BigInteger) && isNumeric(b)) {
      double d = n.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return n + " cannot be a Java " + t;
      }
      if (!isIntegral(n)) {
        return n + " is not a whole number, so it cannot be a Java " + t
            + " (convert explicitly: Math.trunc(x), Math.round(x) or Math.floor(x))";
      }
      return n + " is outside the range of a Java " + t;
    }
    if (v instanceof BigInteger && (b == Double.class || b == Float.class)) {
      return "the BigInt " + v + " cannot be a Java " + t + " without loss (convert explicitly: Number(x))";
    }
    if (v instanceof BigInteger && isNumeric(b)) {
      return "the BigInt " + v + " is outside the range of a Java " + t;
    }
    if (b == Character.class) {
      return "a Java char takes a one-character string, not " + describe(v);
    }
    if (b == Boolean.class) {
      return "a Java boolean takes only true or false, not " + describe(v)
          + " (convert explicitly: Boolean(x) or !!x)";
    }
    return "cannot convert " + v.getClass().getSimpleName() + " to " + t;
  }

  private static boolean isNumeric(Class<?> b) {
    return b == Integer.class || b == Long.class || b == Short.class || b == Byte.class
        || b == Double.class || b == Float.class || b == BigInteger.class || b == BigDecimal.class;
  }

  private static String describe(Object v) {
    return v instanceof String s ? "the string '" + (s.length() > 20 ? s.substring(0, 20) + "…" : s) + "'"
        : v instanceof Number || v instanceof Boolean ? String.valueOf(v) : "a " + v.getClass().getSimpleName();
  }

  /** True when n is exactly a double (a Long or BigInteger may not be). */
  private static boolean exactAsDouble(Number n) {
    if (n instanceof Long l) {
      return (long) (double) l == l && l != Long.MAX_VALUE;
    }
    if (n instanceof BigInteger bi) {
      double d = bi.doubleValue();
      return Double.isFinite(d) && new BigDecimal(d).toBigInteger().equals(bi);
    }
    return true;
  }

  private Object toArray(Object v, Class<?> component) {
    int n = v instanceof List<?> l ? l.size() : Array.getLength(v);
    Object[] source = v instanceof List<?> l ? l.toArray() : null;
    Object array = Array.newInstance(component, n);
    for (int i = 0; i < n; i++) {
      Object e = source != null ? source[i] : Array.get(v, i);
      if (cost(e, component) == NO) {
        throw new HostMembers.Refusal(
            "element " + i + " (" + (e == null ? "null" : e.getClass().getSimpleName())
                + ") cannot be a " + component.getName());
      }
      Array.set(array, i, convert(e, component, component));
    }
    return array;
  }

  private static Object defaultOf(Class<?> t) {
    if (t == boolean.class) {
      return false;
    }
    if (t == char.class) {
      return '\0';
    }
    if (t == long.class) {
      return 0L;
    }
    if (t == double.class) {
      return 0.0;
    }
    if (t == float.class) {
      return 0f;
    }
    if (t == short.class) {
      return (short) 0;
    }
    if (t == byte.class) {
      return (byte) 0;
    }
    return 0;
  }

  private static boolean isIntegral(Number n) {
    if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
        || n instanceof BigInteger) {
      return true;
    }
    double d = n.doubleValue();
    return d == Math.rint(d) && !Double.isInfinite(d);
  }

  private static boolean fits(Number n, long min, long max) {
    if (n instanceof BigInteger bi) {
      return bi.bitLength() < 64 && bi.longValue() >= min && bi.longValue() <= max;
    }
    double d = n.doubleValue();
    return d >= min && d <= max;
  }

  private static boolean fitsLong(Number n) {
    if (n instanceof BigInteger bi) {
      return bi.bitLength() < 64;
    }
    if (n instanceof Long || n instanceof Integer) {
      return true;
    }
    double d = n.doubleValue();
    return d >= -0x1p63 && d < 0x1p63;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static @Nullable Object enumConstant(Class<?> type, String name) {
    try {
      return Enum.valueOf((Class) type, name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** A Java implementation of a functional interface that calls the JavaScript function. */
  private Object functionalProxy(JsHandle fn, Class<?> iface) {
    Method sam = FunctionalMethod.of(iface);
    if (sam == null) {
      throw new IllegalArgumentException(iface.getName() + " has no single abstract method");
    }
    JsRuntime rt = fn.runtime();
    return InterfaceProxy.create(
        iface,
        "JavaScript function as " + iface.getName(),
        message ->
            mirrors.exception(
                "TypeError: " + message, null, -1, -1, "TypeError", null, null, null, ExceptionReader.KIND_ERROR,
                MirrorFactory.ErrorDetails.NONE),
        (method, a) -> {
          if (!method.equals(sam)) {
            throw new NoSuchMethodException(method.getName()); // a default method: its own body
          }
          Object result;
          try {
            result = rt.lockedForCallback(null, () -> rt.invoke(fn.realm(), fn, null, null, a));
          } catch (ScriptException e) {
            // unchecked even where the method declares ScriptException: a function is no interface
            throw new UncheckedScriptException(e);
          }
          if (sam.getDeclaringClass() == java.util.Comparator.class
              && result instanceof Number n
              && !(result instanceof Integer)) {
            // only the sign counts: (a, b) => a - b may give 0.3, which is not "equal"
            double d = n.doubleValue();
            return d > 0 ? 1 : d < 0 ? -1 : 0;
          }
          return convertReturn(result, method.getReturnType());
        });
  }

  /** Converts a script's return value to the declared return type of a Java method. */
  public static @Nullable Object convertReturn(@Nullable Object value, Class<?> type) {
    if (type == void.class || type == Void.class) {
      return null;
    }
    if (value == null) {
      return type.isPrimitive() ? defaultOf(type) : null;
    }
    Class<?> b = boxed(type);
    if (b.isInstance(value)) {
      return value;
    }
    if (b == String.class || b == CharSequence.class) {
      return value.toString();
    }
    if (value instanceof Number n) {
      Object converted = numberAs(n, b);
      if (converted != null) {
        return converted;
      }
    }
    if (b == Boolean.class) {
      return truthy(value);
    }
    if (b == Character.class && value instanceof String s && s.length() == 1) {
      return s.charAt(0);
    }
    if (type.isEnum() && value instanceof String s) {
      Object c = enumConstant(type, s);
      if (c != null) {
        return c;
      }
    }
    if ((b == List.class || b == Collection.class || b == Iterable.class) && value instanceof List) {
      return value;
    }
    if (b == Map.class && value instanceof Map) {
      return value;
    }
    throw new ClassCastException(
        "the script returned a " + value.getClass().getName() + ", not a " + type.getName());
  }

  private static boolean truthy(Object v) {
    if (v instanceof Boolean bo) {
      return bo;
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
