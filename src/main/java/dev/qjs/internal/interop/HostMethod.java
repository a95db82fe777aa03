package dev.qjs.internal.interop;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import org.jspecify.annotations.Nullable;

/**
 * One public instance method as scripts call it: its parameter types read once and a method
 * handle taking the target and the converted arguments as an array, so a call is no reflective
 * {@code Method.invoke}. Made once per method of a class (see {@code HostMembers.ClassMembers})
 * and shared by every runtime; holds nothing of any runtime.
 *
 * <p>Where no handle can be made for the method (a caller-sensitive method refused to the public
 * lookup) it is called reflectively, with the same results and exceptions.
 */
final class HostMethod {
  /** What every handle is adapted to: (target, arguments) → result. */
  private static final MethodType SPREAD = MethodType.methodType(Object.class, Object.class, Object[].class);

  final Method method;
  final Class<?>[] types;
  final Type[] generic;
  final boolean varArgs;
  private final boolean isVoid;
  private final @Nullable MethodHandle handle;

  HostMethod(Method method) {
    this.method = method;
    this.types = method.getParameterTypes();
    this.generic = method.getGenericParameterTypes();
    this.varArgs = method.isVarArgs();
    this.isVoid = method.getReturnType() == void.class;
    this.handle = handleOf(method);
  }

  private static @Nullable MethodHandle handleOf(Method m) {
    try {
      return MethodHandles.publicLookup()
          .unreflect(m)
          .asFixedArity()
          .asSpreader(Object[].class, m.getParameterCount())
          .asType(SPREAD);
    } catch (IllegalAccessException | RuntimeException e) {
      return null; // called reflectively instead
    }
  }

  /** True when calls go through a method handle (false: reflectively). */
  boolean hasHandle() {
    return handle != null;
  }

  /**
   * Calls the method on target with arguments already converted to its parameter types (one
   * per parameter, a varargs array packed): its result, {@link HostMembers#VOID} for a void
   * method. What the method throws is thrown unchanged when unchecked, as a {@link
   * HostMembers.HostCallException} when checked.
   */
  @Nullable Object call(Object target, @Nullable Object[] converted) {
    MethodHandle h = handle;
    if (h == null) {
      return Overloads.invoke(method, target, converted);
    }
    Object result;
    try {
      result = (Object) h.invokeExact(target, converted);
    } catch (Throwable t) {
      throw Overloads.thrown(t);
    }
    return isVoid ? HostMembers.VOID : result;
  }

  @Override
  public String toString() {
    return method.toString();
  }
}
