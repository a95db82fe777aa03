package dev.qjs.internal.runtime;

import dev.qjs.internal.bridge.QuickJsNative;
import dev.qjs.internal.codec.ValueWriter;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.script.ScriptException;
import org.jspecify.annotations.Nullable;

/**
 * The object operations of {@link JsRuntime}, run on its call template: calls, property reads,
 * writes, deletes and tests, a realm's or object's entries, deep copies, JSON and ToString, each
 * in one crossing. Each is a static method the runtime references as an operation: a call
 * allocates nothing for it. A flag travels as {@code Boolean.TRUE} or {@code Boolean.FALSE}.
 */
final class ObjectAccess {
  private ObjectAccess() {}

  static @Nullable Object invoke(JsRuntime self, long rt, Realm realm, @Nullable Object target, @Nullable Object thiz, @Nullable Object name, @Nullable Object arguments)
      throws ScriptException {
    int nameIndex = name == null ? InvokeNames.NONE : self.names().indexOf(self, rt, realm, (String) name);
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
    } else if (nameIndex != InvokeNames.NONE) {
      w.u8(QuickJsNative.INVOKE_NAME_INDEX).i32(nameIndex);
    } else {
      w.string((String) name);
    }
    Object[] args = JsRuntime.operand(arguments, Object[].class);
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
  private static ValueWriter targetAndKey(JsRuntime self, @Nullable Object target, @Nullable Object key) {
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

  private static int flag(@Nullable Object b) {
    return Boolean.TRUE.equals(b) ? 1 : 0;
  }

  static Boolean flag(boolean b) {
    return b ? Boolean.TRUE : Boolean.FALSE;
  }

  static @Nullable Object get(JsRuntime self, long rt, Realm realm, @Nullable Object target, @Nullable Object key, @Nullable Object own, @Nullable Object d)
      throws ScriptException {
    ValueWriter w = targetAndKey(self, target, key).u8(flag(own));
    return self.result(QuickJsNative.qjs_get(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  static @Nullable Object set(JsRuntime self, long rt, Realm realm, @Nullable Object target, @Nullable Object key, @Nullable Object value, @Nullable Object wantOld)
      throws ScriptException {
    ValueWriter w = targetAndKey(self, target, key).value(value).u8(flag(wantOld));
    return self.result(QuickJsNative.qjs_set(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  static @Nullable Object delete(JsRuntime self, long rt, Realm realm, @Nullable Object target, @Nullable Object key, @Nullable Object c, @Nullable Object d)
      throws ScriptException {
    ValueWriter w = targetAndKey(self, target, key);
    return self.result(QuickJsNative.qjs_delete(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  static @Nullable Object has(JsRuntime self, long rt, Realm realm, @Nullable Object target, @Nullable Object key, @Nullable Object own, @Nullable Object d)
      throws ScriptException {
    ValueWriter w = targetAndKey(self, target, key).u8(flag(own));
    return self.result(QuickJsNative.qjs_has(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  static @Nullable Object entries(JsRuntime self, long rt, Realm realm, @Nullable Object target, @Nullable Object withValues, @Nullable Object c, @Nullable Object d)
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
      map.put(k, Boolean.TRUE.equals(withValues) ? self.values().read(out, realm) : null);
    }
    return map;
  }

  static @Nullable Object toJava(JsRuntime self, long rt, Realm realm, @Nullable Object value, @Nullable Object b, @Nullable Object c, @Nullable Object d)
      throws ScriptException {
    ValueWriter w = self.request().value(value);
    int rc = QuickJsNative.qjs_to_java(rt, realm.pointer(), w.address(), w.length());
    if (rc != QuickJsNative.OK) {
      return self.result(rc, realm, null);
    }
    return self.values().readDeep(self.output(), realm);
  }

  static @Nullable Object toJson(JsRuntime self, long rt, Realm realm, @Nullable Object value, @Nullable Object space, @Nullable Object c, @Nullable Object d)
      throws ScriptException {
    ValueWriter w = self.request().value(value).value(space);
    return self.result(QuickJsNative.qjs_to_json(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  static @Nullable Object parseJson(JsRuntime self, long rt, Realm realm, @Nullable Object text, @Nullable Object b, @Nullable Object c, @Nullable Object d)
      throws ScriptException {
    ValueWriter w = self.request().json(JsRuntime.operand(text, String.class));
    return self.result(QuickJsNative.qjs_echo(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }

  static @Nullable Object toJsString(JsRuntime self, long rt, Realm realm, @Nullable Object value, @Nullable Object b, @Nullable Object c, @Nullable Object d)
      throws ScriptException {
    ValueWriter w = self.request().value(value);
    return self.result(QuickJsNative.qjs_to_string(rt, realm.pointer(), w.address(), w.length()), realm, null);
  }
}
