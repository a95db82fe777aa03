package dev.qjs.internal.interop;

import dev.qjs.internal.interop.HostMembers.HostCallException;
import dev.qjs.internal.interop.HostMembers.Refusal;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Overload choice for calls from scripts: the method or constructor whose parameters the
 * arguments fit best ({@link ArgumentConverter#cost}), varargs packed, the arguments converted,
 * the call made reflectively and what it threw passed on unchanged; a clear refusal that names
 * the overloads and the first mismatch when none fits.
 */
final class Overloads {
  private static final Object[] NO_ARGUMENTS = {};

  private final ArgumentConverter converter;

  Overloads(ArgumentConverter converter) {
    this.converter = converter;
  }

  /** A new instance of type by the public constructor that fits the arguments best (not yet checked as exposable). */
  @Nullable Object construct(Class<?> type, List<java.lang.reflect.Constructor<?>> ctors, @Nullable Object[] args) {
    if (Modifier.isAbstract(type.getModifiers()) || type.isInterface()) {
      throw new Refusal(type.getName() + " is abstract and has no constructor");
    }
    java.lang.reflect.Constructor<?> best = null;
    int bestCost = Integer.MAX_VALUE;
    for (java.lang.reflect.Constructor<?> c : ctors) {
      if (c.getParameterCount() != args.length) {
        continue;
      }
      int cost = cost(c.getParameterTypes(), args);
      if (cost < bestCost) {
        best = c;
        bestCost = cost;
      }
    }
    if (best == null) {
      throw new Refusal("no public constructor of " + type.getName() + " accepts " + describe(args)
          + firstMismatch(ctors, args));
    }
    Class<?>[] types = best.getParameterTypes();
    Object[] converted = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      converted[i] = converter.convert(args[i], types[i], best.getGenericParameterTypes()[i]);
    }
    try {
      return best.newInstance(converted);
    } catch (InvocationTargetException e) {
      throw unwrap(e);
    } catch (ReflectiveOperationException e) {
      throw new Refusal("cannot construct " + type.getName() + ": " + e.getMessage());
    }
  }

  /** Calls the candidate that fits the arguments best, converted to its parameter types. */
  @Nullable Object invokeBest(List<Method> candidates, @Nullable Object target, @Nullable Object[] args, String name) {
    Choice choice = choose(candidates, args, name);
    Method best = choice.method();
    return invoke(best, target, convert(best.getParameterTypes(), best.getGenericParameterTypes(), choice.arguments()));
  }

  /**
   * The candidate that fits the arguments best and the arguments laid out for it (varargs
   * packed, not yet converted); a Refusal naming the overloads and the first mismatch when none
   * fits. On a tie the earlier candidate wins.
   */
  Choice choose(List<Method> candidates, @Nullable Object[] args, String name) {
    Method best = null;
    @Nullable Object[] bestArgs = null;
    int bestCost = Integer.MAX_VALUE;
    for (Method m : candidates) {
      Object[] packed = pack(m, args);
      if (packed == null) {
        continue;
      }
      int cost = cost(m.getParameterTypes(), packed);
      if (cost != Integer.MAX_VALUE && m.isVarArgs() && packed != args) {
        cost += 1; // prefer an exact arity (and never overflow into a "best" match)
      }
      if (cost < bestCost) {
        best = m;
        bestArgs = packed;
        bestCost = cost;
      }
    }
    if (best == null || bestArgs == null) {
      throw new Refusal("no overload of '" + name + "' accepts " + describe(args) + " ("
          + describeOverloads(candidates) + ")" + firstMismatch(candidates, args));
    }
    return new Choice(best, bestArgs);
  }

  /** The method {@link #choose} found and the arguments laid out for it. */
  record Choice(Method method, @Nullable Object[] arguments) {}

  /** The laid-out arguments converted to the parameter types, in order (a Refusal at the first that cannot be). */
  @Nullable Object[] convert(Class<?>[] types, java.lang.reflect.Type[] generic, @Nullable Object[] laidOut) {
    if (types.length == 0) {
      return NO_ARGUMENTS;
    }
    Object[] converted = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      converted[i] = converter.convert(laidOut[i], types[i], generic[i]);
    }
    return converted;
  }

  /** Arguments laid out for m: as given, or with trailing ones packed into its varargs array. */
  @Nullable Object @Nullable [] pack(Method m, @Nullable Object[] args) {
    int n = m.getParameterCount();
    if (!m.isVarArgs()) {
      return args.length == n ? args : null;
    }
    if (args.length == n) {
      Object last = args[n - 1];
      Class<?> arrayType = m.getParameterTypes()[n - 1];
      if (last == null || arrayType.isInstance(last) || last instanceof List) {
        return args; // an array (or list) given for the varargs parameter itself
      }
    }
    if (args.length < n - 1) {
      return null;
    }
    Object[] packed = new Object[n];
    System.arraycopy(args, 0, packed, 0, n - 1);
    Class<?> component = m.getParameterTypes()[n - 1].getComponentType();
    Object rest = Array.newInstance(component, args.length - (n - 1));
    for (int i = n - 1; i < args.length; i++) {
      if (converter.cost(args[i], component) < 0) {
        return null;
      }
      Array.set(rest, i - (n - 1), converter.convert(args[i], component, component));
    }
    packed[n - 1] = rest;
    return packed;
  }

  static @Nullable Object invoke(Method m, @Nullable Object target, @Nullable Object[] args) {
    try {
      Object result = m.invoke(target, args);
      return m.getReturnType() == void.class ? HostMembers.VOID : result;
    } catch (InvocationTargetException e) {
      throw unwrap(e);
    } catch (IllegalAccessException e) {
      throw new Refusal("'" + m.getName() + "' is not accessible: " + e.getMessage());
    }
  }

  /** What a host method or constructor threw, to be thrown on unchanged. */
  private static RuntimeException unwrap(InvocationTargetException e) {
    return thrown(e.getCause() != null ? e.getCause() : e);
  }

  /**
   * What a host method threw (not wrapped), to be thrown on: a RuntimeException as it is, an
   * Error thrown here, a checked exception as a {@link HostCallException}.
   */
  static RuntimeException thrown(Throwable cause) {
    if (cause instanceof RuntimeException re) {
      return re;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return new HostCallException(cause);
  }

  /** How well the arguments fit the parameter types: the sum of their costs, MAX_VALUE: not at all. */
  private int cost(Class<?>[] types, Object[] args) {
    int cost = 0;
    for (int i = 0; i < types.length && cost != Integer.MAX_VALUE; i++) {
      int c = converter.cost(args[i], types[i]);
      cost = c < 0 ? Integer.MAX_VALUE : cost + c;
    }
    return cost;
  }

  /**
   * Why the first candidate of the right arity refuses its arguments: ": argument 2: null cannot
   * be a Java int …"; empty when no candidate has that arity.
   */
  private String firstMismatch(List<? extends java.lang.reflect.Executable> candidates, Object[] args) {
    for (java.lang.reflect.Executable e : candidates) {
      if (e.getParameterCount() != args.length) {
        continue;
      }
      Class<?>[] types = e.getParameterTypes();
      for (int i = 0; i < types.length; i++) {
        if (converter.cost(args[i], types[i]) < 0) {
          return ": argument " + (i + 1) + " of " + e.getName() + ": "
              + converter.reason(args[i], types[i]);
        }
      }
    }
    return "";
  }

  private static String describe(Object[] args) {
    List<String> types = new ArrayList<>();
    for (Object a : args) {
      types.add(a == null ? "null" : a.getClass().getSimpleName());
    }
    return "(" + String.join(", ", types) + ")";
  }

  private static String describeOverloads(List<Method> candidates) {
    List<String> sigs = new ArrayList<>();
    for (Method m : candidates) {
      List<String> types = new ArrayList<>();
      for (Class<?> t : m.getParameterTypes()) {
        types.add(t.getSimpleName());
      }
      sigs.add(m.getName() + "(" + String.join(", ", types) + ")");
    }
    return String.join(", ", sigs);
  }
}
