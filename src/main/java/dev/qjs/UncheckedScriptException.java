package dev.qjs;

import java.util.Objects;
import javax.script.ScriptException;

/**
 * A script failure where Java allows no checked exception: inside a mirror's {@code Map} or
 * {@code List} method, a {@code Bindings} method, or an interface made by
 * {@code getInterface}. The message is the script's, and {@link #getCause()} is the
 * {@link JsException} with file, line and the JavaScript stack.
 *
 * <pre>{@code
 * try {
 *   Runnable r = ((Invocable) engine).getInterface(Runnable.class);
 *   r.run(); // function run() { throw new TypeError("no") }
 * } catch (UncheckedScriptException e) {
 *   ScriptException js = e.getCause(); // a JsException: "TypeError: no"
 * }
 * }</pre>
 */
public final class UncheckedScriptException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Wraps a script failure; the message is the cause's.
   *
   * @param cause the failure, usually a {@link JsException}
   * @throws NullPointerException when {@code cause} is null
   */
  public UncheckedScriptException(ScriptException cause) {
    super(Objects.requireNonNull(cause, "cause").getMessage(), cause);
  }

  @Override
  public synchronized ScriptException getCause() {
    return (ScriptException) Objects.requireNonNull(super.getCause());
  }
}
