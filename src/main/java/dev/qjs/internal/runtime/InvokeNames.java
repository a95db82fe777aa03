package dev.qjs.internal.runtime;

import dev.qjs.internal.bridge.QuickJsNative;
import dev.qjs.internal.codec.ValueWriter;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The names of the functions Java calls by name ({@code invokeFunction}, {@code invokeMethod}),
 * interned once in the shim ({@code qjs_name_intern}): a call then names its function by index
 * and the shim finds the property without hashing the name again. Only the name is kept, never
 * the function: each call still looks the property up, so a function redefined or deleted
 * between two calls is seen. The shim's atoms are runtime-wide, so one table serves every
 * realm. Used under the runtime's lock.
 */
final class InvokeNames {
  /** No index: the name is passed as text (the table is full, or memory ran out). */
  static final int NONE = -1;

  private final Map<String, Integer> indexes = new HashMap<>();
  /** The last name asked for: a caller's literal (the same object each time) skips the map. */
  private @Nullable String lastName;
  private int lastIndex = NONE;

  /** The index of name, interning it with one crossing the first time; NONE when it cannot. */
  int indexOf(JsRuntime runtime, long rt, Realm realm, String name) {
    if (name.equals(lastName)) { // identical first: a caller's literal is the same object
      return lastIndex;
    }
    Integer known = indexes.get(name);
    int index;
    if (known != null) {
      index = known;
    } else if (indexes.size() >= QuickJsNative.MAX_NAMES) {
      return NONE;
    } else {
      ValueWriter w = runtime.request().string(name);
      index = QuickJsNative.qjs_name_intern(rt, realm.pointer(), w.address(), w.length());
      if (index < 0) {
        return NONE; // out of memory: asked again next time
      }
      indexes.put(name, index);
    }
    lastName = name;
    lastIndex = index;
    return index;
  }
}
