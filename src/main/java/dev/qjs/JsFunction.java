package dev.qjs;

import dev.qjs.internal.runtime.JsHandle;
import org.jspecify.annotations.Nullable;

/**
 * A JavaScript function that reached Java: callable, and still an object with properties.
 * Passed back into JavaScript it is the same function.
 *
 * <pre>{@code
 * JsFunction add = (JsFunction) engine.eval("(a, b) => a + b");
 * add.call(1, 2);                     // 3
 * JsFunction f = (JsFunction) engine.eval("(function () { return this.n })");
 * f.callOn(Map.of("n", 7));           // this = the map
 * }</pre>
 */
public final class JsFunction extends JsObject {
  JsFunction(JsHandle handle) {
    super(handle);
  }

  /**
   * Calls the function with {@code this} undefined.
   *
   * @param args the arguments, converted as values put into the engine are; null or none for no
   *     arguments
   * @return the function's result, converted as {@code eval} results are; null for undefined or
   *     null
   * @throws UncheckedScriptException when the function throws
   */
  public @Nullable Object call(@Nullable Object... args) {
    return callOn(null, args);
  }

  /**
   * Calls the function with the given {@code this}.
   *
   * @param thiz the {@code this} of the call, converted as an argument is; null for undefined
   * @param args the arguments, converted as values put into the engine are; null or none for no
   *     arguments
   * @return the function's result, converted as {@code eval} results are; null for undefined or
   *     null
   * @throws UncheckedScriptException when the function throws
   */
  public @Nullable Object callOn(@Nullable Object thiz, @Nullable Object... args) {
    return Unchecked.invoke(
        null, () -> runtime().invoke(Mirrors.realm(handle), handle, thiz, null, Mirrors.args(args)));
  }
}
