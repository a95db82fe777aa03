package dev.qjs.internal.interop;

import dev.qjs.UncheckedScriptException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Function;
import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/**
 * A Java object that implements interfaces by calling a script: the one proxy behind
 * {@code Invocable.getInterface}, behind a JavaScript function or object given where Java expects
 * an interface, and behind {@code new Runnable(fn)} and {@code Java.extend}. Only the way a call
 * reaches the script differs between them, a {@link ScriptCall}; the rest is the same for every
 * proxy:
 *
 * <ul>
 *   <li>{@code equals} is identity, {@code hashCode} the identity hash, {@code toString} the
 *       description given;
 *   <li>a method the script has no function for runs its default body when the interface has
 *       one, and otherwise throws what the proxy's maker chose: a {@code TypeError} ("name is
 *       not a function") for getInterface and functions, an {@code
 *       UnsupportedOperationException} naming the method for script implementations;
 *   <li>a {@link ScriptException} reaches the caller as it is when the method declares it, and
 *       wrapped in an {@link UncheckedScriptException} when it does not.
 * </ul>
 */
public final class InterfaceProxy implements InvocationHandler {
  private static final Object[] NO_ARGS = {};

  /** How a call of a proxy's method reaches the script. */
  @FunctionalInterface
  public interface ScriptCall {
    /**
     * Calls the script's function for {@code method}.
     *
     * @param args the arguments, never null
     * @return the script's result, converted to the method's return type
     * @throws NoSuchMethodException when the script has no function for {@code method}
     */
    @Nullable Object call(Method method, Object[] args) throws ScriptException, NoSuchMethodException;
  }

  private final String description;
  private final Function<Method, ? extends RuntimeException> missing;
  private final ScriptCall call;

  private InterfaceProxy(
      String description, Function<Method, ? extends RuntimeException> missing, ScriptCall call) {
    this.description = description;
    this.missing = missing;
    this.call = call;
  }

  /**
   * A proxy implementing {@code iface}, defined in the interface's class loader.
   *
   * @param description what {@code toString} of the proxy says
   * @param typeError makes the {@code TypeError} for a message such as "run is not a function"
   * @param call how a method call reaches the script
   */
  public static <T> T create(
      Class<T> iface,
      String description,
      Function<String, ? extends ScriptException> typeError,
      ScriptCall call) {
    InvocationHandler handler = new InterfaceProxy(
        description,
        m -> new UncheckedScriptException(typeError.apply(m.getName() + " is not a function")),
        call);
    return iface.cast(Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, handler));
  }

  /**
   * A proxy implementing all of {@code interfaces}, defined in the first one's class loader.
   *
   * @param description what {@code toString} of the proxy says
   * @param missing the exception for an abstract method the script has no function for
   * @param call how a method call reaches the script
   * @throws IllegalArgumentException when the interfaces cannot be implemented together (a
   *     sealed or hidden interface, one another class loader cannot see, two clashing methods)
   */
  public static Object create(
      Class<?>[] interfaces,
      String description,
      Function<Method, ? extends RuntimeException> missing,
      ScriptCall call) {
    InvocationHandler handler = new InterfaceProxy(description, missing, call);
    return Proxy.newProxyInstance(interfaces[0].getClassLoader(), interfaces.clone(), handler);
  }

  @Override
  public @Nullable Object invoke(Object proxy, Method method, Object @Nullable [] args)
      throws Throwable {
    if (FunctionalMethod.isObjectMethod(method)) {
      switch (method.getName()) {
        case "equals":
          return args != null && proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        default:
          return description;
      }
    }
    try {
      return call.call(method, args == null ? NO_ARGS : args);
    } catch (NoSuchMethodException e) {
      if (method.isDefault()) {
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
      throw missing.apply(method);
    } catch (ScriptException e) {
      for (Class<?> declared : method.getExceptionTypes()) {
        if (declared.isInstance(e)) {
          throw e;
        }
      }
      throw new UncheckedScriptException(e);
    }
  }
}
