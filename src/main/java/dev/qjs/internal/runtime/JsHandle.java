package dev.qjs.internal.runtime;

import dev.qjs.internal.bridge.QuickJsNative;

/**
 * An owned reference to one JavaScript value: the runtime, the realm it came from, the native
 * handle and the value's identity (its object address, equal for the same object). The handle is
 * given back to the runtime when this object becomes unreachable or the runtime closes.
 */
public final class JsHandle {
  private final JsRuntime runtime;
  private final Realm realm;
  private final long pointer;
  private final long identity;
  private final int kind;

  JsHandle(JsRuntime runtime, Realm realm, long pointer, long identity, int kind) {
    this.runtime = runtime;
    this.realm = realm;
    this.pointer = pointer;
    this.identity = identity;
    this.kind = kind;
  }

  public JsRuntime runtime() {
    return runtime;
  }

  public Realm realm() {
    return realm;
  }

  public long pointer() {
    return pointer;
  }

  public long identity() {
    return identity;
  }

  public boolean isFunction() {
    return kind == QuickJsNative.KIND_FUNCTION;
  }

  public boolean isError() {
    return kind == QuickJsNative.KIND_ERROR;
  }

  public boolean isPromise() {
    return kind == QuickJsNative.KIND_PROMISE;
  }
}
