package dev.qjs;

import dev.qjs.internal.runtime.JsHandle;

/**
 * A JavaScript symbol that reached Java. Passed back into JavaScript it is the same symbol.
 *
 * <pre>{@code
 * JsSymbol s = (JsSymbol) engine.eval("Symbol('id')");
 * s.toString(); // "Symbol(id)"
 * }</pre>
 */
public final class JsSymbol {
  final JsHandle handle;

  JsSymbol(JsHandle handle) {
    this.handle = handle;
  }

  @Override
  public String toString() {
    return Mirrors.jsToString(handle, this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsSymbol s && Mirrors.sameValue(handle, s.handle);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(handle.identity());
  }
}
