package dev.qjs.internal.interop;

import dev.qjs.UncheckedScriptException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Function;
import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/**
 * A Java object that implements an interface by calling a script: the one proxy behind
 * {@code Invocable.getInterface} and behind a JavaScript function given where Java expects a
 * functional interface. Only the way a call reaches the script differs between them, a
 * {@link ScriptCall}; the rest is the same for every proxy:
 *
 * <ul>
 *   <li>{@code equals} is identity, {@code hashCode} the identity hash, {@code toString} the
 *       description given;
 *   <li>a method the script has no function for runs its default body when the interface has
 *       one, and is a {@code TypeError} ("name is not a function") otherwise;
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
  private final Function<String, ? extends ScriptException> typeError;
  private final ScriptCall call;

  private InterfaceProxy(
      String description, Function<String, ? extends ScriptException> typeError, ScriptCall call) {
    this.description = description;
    this.typeError = typeError;
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
    InvocationHandler handler = new InterfaceProxy(description, typeError, call);
    return iface.cast(Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, handler));
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
      throw new UncheckedScriptException(typeError.apply(method.getName() + " is not a function"));
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
