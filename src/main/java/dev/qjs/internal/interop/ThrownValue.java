package dev.qjs.internal.interop;

import dev.qjs.internal.codec.References;
import dev.qjs.internal.codec.ValueWriter;
import org.jspecify.annotations.Nullable;

/**
 * The JavaScript value a script threw, recognized when its failure comes back out of Java
 * unchanged (wrapped in {@code UncheckedScriptException} or a host call's checked exception):
 * throwing the same value again keeps its name, message, place and stack.
 */
public final class ThrownValue {
  /** {@code throw null}. */
  private static final Object NULL = new Object();
  /** {@code throw undefined}. */
  private static final Object UNDEFINED = new Object();

  private ThrownValue() {}

  /** The value a script of these references' runtime threw, when t is that failure; else null. */
  public static @Nullable Object of(Throwable t, References references) {
    Throwable c = t instanceof HostMembers.HostCallException ? t.getCause() : t;
    if (c instanceof dev.qjs.UncheckedScriptException u) {
      c = u.getCause();
    }
    if (!(c instanceof dev.qjs.JsException js)) {
      return null;
    }
    Object thrown = js.getThrownValue();
    if (thrown == null && js.getErrorName() == null && js.getJsStack() == null) {
      // `throw null` / `throw undefined`: their message is the value's own text
      String text = js.getMessage();
      if (text != null && text.startsWith("undefined")) {
        return UNDEFINED;
      }
      if (text != null && text.startsWith("null")) {
        return NULL;
      }
      return null;
    }
    if (thrown instanceof String || thrown instanceof Number || thrown instanceof Boolean) {
      return thrown;
    }
    return thrown != null && references.handleOf(thrown) != 0 ? thrown : null;
  }

  /** Writes a value {@link #of} found, to be thrown again. */
  public static ValueWriter write(ValueWriter w, Object thrown) {
    if (thrown == UNDEFINED) {
      return w.undefined();
    }
    return w.value(thrown == NULL ? null : thrown);
  }
}
