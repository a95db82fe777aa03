package dev.qjs.internal.interop;

import dev.qjs.internal.runtime.JsHandle;
import dev.qjs.internal.runtime.JsRuntime;
import dev.qjs.internal.runtime.MirrorFactory;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * Java objects whose interface methods are a script's functions: what {@code new Runnable(fn)},
 * {@code new Comparator({compare(a, b) {…}})}, {@code new (Java.extend(A, B, {…}))()} and a
 * JavaScript object passed where a Java method expects an interface make. Each is an {@link
 * InterfaceProxy}: a call of one of its methods enters the script's runtime as any callback
 * does (from any thread, on the runtime's lock), calls the function of the method's name on the
 * object given (or, for a single abstract method, the function given), and converts the result
 * to the method's return type. A method the script has no function for runs the interface's
 * default body, or throws an {@link UnsupportedOperationException} naming it.
 */
final class ScriptedInterfaces {
  private final MirrorFactory mirrors;

  ScriptedInterfaces(MirrorFactory mirrors) {
    this.mirrors = mirrors;
  }

  /** The handle of a JavaScript object or function (not an array), or null for anything else. */
  @Nullable JsHandle scriptObject(@Nullable Object v) {
    JsHandle h = v == null || v instanceof List ? null : mirrors.handleOf(v);
    return h;
  }

  /**
   * The implementation passed to {@code new Interface(…)}: its one argument, a function or an
   * object of methods; a refusal naming the interface otherwise.
   */
  JsHandle implementation(@Nullable Object[] args, String what) {
    JsHandle h = args.length == 1 ? scriptObject(args[0]) : null;
    if (h == null) {
      throw new HostMembers.Refusal("new " + what + "(…) takes one argument, a function or an object"
          + " of methods (new " + what + "({ name(…) {…} })), not " + describe(args));
    }
    return h;
  }

  /** What a script gave, for error messages. */
  static String describe(@Nullable Object[] args) {
    if (args.length == 0) {
      return "nothing";
    }
    StringJoiner j = new StringJoiner(", ");
    for (Object a : args) {
      j.add(a == null ? "null" : a instanceof String s ? "'" + (s.length() > 20 ? s.substring(0, 20) + "…" : s) + "'"
          : a instanceof Number || a instanceof Boolean ? a.toString() : "a " + a.getClass().getSimpleName());
    }
    return j.toString();
  }

  /**
   * Checks that scripts may implement these interfaces together and returns them without
   * duplicates; a refusal saying why not otherwise.
   *
   * @param implementation the function or object of methods that will implement them, if known
   */
  static Class<?>[] checked(List<Class<?>> interfaces, @Nullable JsHandle implementation) {
    Set<Class<?>> unique = new LinkedHashSet<>(interfaces);
    for (Class<?> i : unique) {
      if (!i.isInterface()) {
        throw new HostMembers.Refusal(i.getName() + " is a class: scripts can implement interfaces"
            + " only (extending a Java class is not supported; see docs/migrating-from-nashorn.md)");
      }
      if (i.isSealed()) {
        throw new HostMembers.Refusal(i.getName() + " is sealed: only its permitted classes may"
            + " implement it");
      }
    }
    Class<?>[] result = unique.toArray(new Class<?>[0]);
    if (implementation != null && implementation.isFunction()) {
      List<Method> abstracts = abstractMethods(result);
      if (abstracts.size() != 1) {
        throw new HostMembers.Refusal("a function can implement only an interface with one abstract"
            + " method; " + names(result) + " has " + abstracts.size() + " (" + methodNames(abstracts)
            + "): give an object with a function for each, by name");
      }
    }
    return result;
  }

  /**
   * A Java object implementing {@code interfaces} with the functions of {@code instance}, then
   * of {@code shared} (a {@code Java.extend} type's methods), by method name; a function given as
   * either serves the single abstract method.
   */
  Object implement(Class<?>[] interfaces, @Nullable JsHandle instance, @Nullable JsHandle shared) {
    Class<?>[] types = checked(Arrays.asList(interfaces), instance != null ? instance : shared);
    List<Method> abstracts = abstractMethods(types);
    Method sole = abstracts.size() == 1 ? abstracts.get(0) : null;
    @Nullable JsHandle[] sources = {instance, shared};
    String description = "JavaScript implementation of " + names(types);
    try {
      return InterfaceProxy.create(
          types,
          description,
          m -> new UnsupportedOperationException(
              m.getDeclaringClass().getName() + "." + m.getName() + " is not implemented: the"
                  + " script gave no function '" + m.getName() + "'"),
          (method, args) -> {
            for (JsHandle source : sources) {
              if (source == null) {
                continue;
              }
              JsRuntime rt = source.runtime();
              try {
                Object result;
                if (source.isFunction()) {
                  if (sole == null || !sameSignature(method, sole)) {
                    continue; // a function serves the single abstract method only
                  }
                  result = rt.lockedForCallback(null, () -> rt.invoke(source.realm(), source, null, null, args));
                } else {
                  result = rt.lockedForCallback(
                      null, () -> rt.invoke(source.realm(), source, null, method.getName(), args));
                }
                return returned(method, result);
              } catch (NoSuchMethodException absent) {
                // the next source, then the default body or UnsupportedOperationException
              }
            }
            throw new NoSuchMethodException(method.getName());
          });
    } catch (IllegalArgumentException e) {
      throw new HostMembers.Refusal("cannot implement " + names(types) + ": " + e.getMessage());
    }
  }

  /** A script's result as the method's return type; a comparator's by its sign only. */
  private static @Nullable Object returned(Method method, @Nullable Object result) {
    if (method.getDeclaringClass() == java.util.Comparator.class && result instanceof Number n
        && !(result instanceof Integer)) {
      // only the sign counts: (a, b) => a - b may give 0.3, which is not "equal"
      double d = n.doubleValue();
      return d > 0 ? 1 : d < 0 ? -1 : 0;
    }
    return ArgumentConverter.convertReturn(result, method.getReturnType());
  }

  private static boolean sameSignature(Method a, Method b) {
    return a.getName().equals(b.getName()) && Arrays.equals(a.getParameterTypes(), b.getParameterTypes());
  }

  /** The abstract methods of all the interfaces, one per signature. */
  static List<Method> abstractMethods(Class<?>[] interfaces) {
    List<Method> all = new ArrayList<>();
    for (Class<?> i : interfaces) {
      for (Method m : FunctionalMethod.abstractMethods(i)) {
        if (all.stream().noneMatch(known -> sameSignature(known, m))) {
          all.add(m);
        }
      }
    }
    return all;
  }

  static String names(Class<?>[] interfaces) {
    StringJoiner j = new StringJoiner(", ");
    for (Class<?> i : interfaces) {
      j.add(i.getName());
    }
    return j.toString();
  }

  private static String methodNames(List<Method> methods) {
    StringJoiner j = new StringJoiner(", ");
    for (Method m : methods) {
      j.add(m.getName());
    }
    return j.toString();
  }
}
