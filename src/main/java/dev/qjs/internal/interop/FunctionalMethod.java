package dev.qjs.internal.interop;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The functional method of an interface: its single abstract method, not counting the public
 * methods of {@code Object} an interface may redeclare ({@code Comparator.equals}). The one
 * rule behind converting a JavaScript function to a Java interface, calling a Java lambda from
 * a script, and {@code Invocable.getInterface}.
 */
public final class FunctionalMethod {
  private FunctionalMethod() {}

  /** The single abstract method of {@code iface}, or null when it has none or several. */
  public static @Nullable Method of(Class<?> iface) {
    Method sam = null;
    for (Method m : iface.getMethods()) {
      if (isAbstract(m)) {
        if (sam != null) {
          return null;
        }
        sam = m;
      }
    }
    return sam;
  }

  /** Every abstract method of {@code iface} a script must implement, in reflection order. */
  public static List<Method> abstractMethods(Class<?> iface) {
    List<Method> methods = new ArrayList<>();
    for (Method m : iface.getMethods()) {
      if (isAbstract(m)) {
        methods.add(m);
      }
    }
    return methods;
  }

  /** True for a method that {@code Object} declares too (equals, hashCode, toString …). */
  public static boolean isObjectMethod(Method m) {
    try {
      Object.class.getMethod(m.getName(), m.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static boolean isAbstract(Method m) {
    return Modifier.isAbstract(m.getModifiers()) && !isObjectMethod(m);
  }
}
