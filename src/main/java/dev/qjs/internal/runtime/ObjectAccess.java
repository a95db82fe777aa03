package dev.qjs.internal.runtime;

import dev.qjs.internal.bridge.QuickJsNative;
import dev.qjs.internal.codec.ValueWriter;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.script.ScriptException;

/**
 * The object operations of {@link JsRuntime}, run on its call template: calls, property reads,
 * writes, deletes and tests, a realm's or object's entries, deep copies, JSON and ToString, each
 * in one crossing. Each is a static method the runtime references as an operation: a call
 * allocates nothing for it. A flag travels as {@code Boolean.TRUE} or {@code Boolean.FALSE}.
 */
final class ObjectAccess {
  private ObjectAccess() {}

  static Object invoke(JsRuntime self, long rt, Realm realm, Object target, Object thiz, Object name, Object arguments)
      throws ScriptException {
    ValueWriter w = self.request();
    if (target == null) {
      w.undefined();
    } else {
      w.handle(((JsHandle) target).pointer());
    }
    if (thiz == null) {
      w.undefined();
    } else {
      w.value(thiz);
    }
    if (name == null) {
      w.undefined();
    } else {
      w.string((String) name);
    }
    Object[] args = (Object[]) arguments;
    w.i32(args.length);
    for (Object a : args) {
      w.value(a);
    }
    int rc = QuickJsNative.qjs_invoke(rt, realm.pointer(), w.address(), w.length());
    if (rc == QuickJsNative.NOT_FUNCTION) {
      return JsRuntime.NOT_A_FUNCTION;
    }
    return self.result(rc, realm, null);
  }

  /** The request's [target or undefined for the global object][key] start. */
  private static ValueWriter targetAndKey(JsRuntime self, Object target, Object key) {
    ValueWriter w = self.request();
    if (target == null) {
      w.undefined();
    } else {
      w.handle(((JsHandle) target).pointer());
    }
    if (key instanceof Integer i) {
      w.value(i);
    } else {
      w.string(String.valueOf(key));
    }
    return w;
  }

  private static int flag(Object b) {
    return b == Boolean.TRUE ? 1 : 0;
  }

  static Boolean flag(boolean b) {
    return b ? Boolean.TRUE : Boolean.FALSE;
  }

  static Object get(JsRuntime self, long rt, Realm realm, Object target, Object key, Object own, Object d)
      throws ScriptException {
    ValueWriter w = targetAndKey(self, target, key).u8(flag(own));
    return self.result(QuickJsNative.qjs_get(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  static Object set(JsRuntime self, long rt, Realm realm, Object target, Object key, Object value, Object wantOld)
      throws ScriptException {
    ValueWriter w = targetAndKey(self, target, key).value(value).u8(flag(wantOld));
    return self.result(QuickJsNative.qjs_set(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  static Object delete(JsRuntime self, long rt, Realm realm, Object target, Object key, Object c, Object d)
      throws ScriptException {
    ValueWriter w = targetAndKey(self, target, key);
    return self.result(QuickJsNative.qjs_delete(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  static Object has(JsRuntime self, long rt, Realm realm, Object target, Object key, Object own, Object d)
      throws ScriptException {
    ValueWriter w = targetAndKey(self, target, key).u8(flag(own));
    return self.result(QuickJsNative.qjs_has(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  static Object entries(JsRuntime self, long rt, Realm realm, Object target, Object withValues, Object c, Object d)
      throws ScriptException {
    ValueWriter w = self.request();
    if (target == null) {
      w.undefined();
    } else {
      w.handle(((JsHandle) target).pointer());
    }
    w.u8(flag(withValues));
    int rc = QuickJsNative.qjs_entries(rt, realm.pointer(), w.address(), w.length());
    if (rc != QuickJsNative.OK) {
      self.result(rc, realm, null);
    }
    ByteBuffer out = self.output();
    int n = out.getInt();
    Map<String, Object> map = new LinkedHashMap<>(Math.max(4, n * 2));
    for (int i = 0; i < n; i++) {
      String k = (String) self.values().read(out, realm);
      map.put(k, withValues == Boolean.TRUE ? self.values().read(out, realm) : null);
    }
    return map;
  }

  static Object toJava(JsRuntime self, long rt, Realm realm, Object value, Object b, Object c, Object d)
      throws ScriptException {
    ValueWriter w = self.request().value(value);
    int rc = QuickJsNative.qjs_to_java(rt, realm.pointer(), w.address(), w.length());
    if (rc != QuickJsNative.OK) {
      return self.result(rc, realm, null);
    }
    return self.values().readDeep(self.output(), realm);
  }

  static Object toJson(JsRuntime self, long rt, Realm realm, Object value, Object space, Object c, Object d)
      throws ScriptException {
    ValueWriter w = self.request().value(value).value(space);
    return self.result(QuickJsNative.qjs_to_json(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  static Object parseJson(JsRuntime self, long rt, Realm realm, Object text, Object b, Object c, Object d)
      throws ScriptException {
    ValueWriter w = self.request().json((String) text);
    return self.result(QuickJsNative.qjs_echo(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  static Object toJsString(JsRuntime self, long rt, Realm realm, Object value, Object b, Object c, Object d)
      throws ScriptException {
    ValueWriter w = self.request().value(value);
    return self.result(QuickJsNative.qjs_to_string(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }
}
