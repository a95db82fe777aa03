package dev.qjs.internal.interop;

import dev.qjs.DynamicObject;
import dev.qjs.internal.bridge.QuickJsNative;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a script sees of a {@link DynamicObject}: each member read, write, test, deletion,
 * listing, call and construction is one call of the object's own method, made every time (a
 * dynamic object is never immutable, never has a class id, and the shim remembers none of its
 * reads). A method the object left at its default that the script cannot use is a {@code
 * TypeError}. Runs the object's Java code and nothing of the runtime, so it runs with the
 * runtime lent.
 */
final class DynamicMembers {
  private DynamicMembers() {}

  /** Whether o's class overrides each default that refuses, found once per class. */
  private record Overrides(boolean set, boolean call, boolean construct) {}

  private static final ClassValue<Overrides> OVERRIDES =
      new ClassValue<>() {
        @Override
        protected Overrides computeValue(Class<?> type) {
          return new Overrides(
              overrides(type, "setMember", String.class, Object.class)
                  || overrides(type, "setSlot", int.class, Object.class),
              overrides(type, "call", Object.class, Object[].class),
              overrides(type, "newObject", Object[].class));
        }
      };

  private static boolean overrides(Class<?> type, String name, Class<?>... parameters) {
    try {
      return type.getMethod(name, parameters).getDeclaringClass() != DynamicObject.class;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /** How the object is shown: a function only when it says so (a failing answer: not one). */
  static int variantOf(DynamicObject o) {
    boolean function;
    try {
      function = o.isFunction();
    } catch (RuntimeException e) {
      function = false;
    }
    return function ? QuickJsNative.VARIANT_DYNAMIC_FUNCTION : QuickJsNative.VARIANT_DYNAMIC;
  }

  /**
   * {@code o[key]} in the modes of {@link HostMembers#get}: a value, {@link HostMembers#ABSENT},
   * {@link HostMembers#DESCRIBED} when only described (nothing read), or a {@link
   * HostMembers.Missing} for a method call of an absent member.
   */
  static @Nullable Object get(DynamicObject o, String key, int mode) {
    int index = HostMembers.index(key);
    if (mode == QuickJsNative.GET_DESCRIBE) {
      return has(o, key, index) ? HostMembers.DESCRIBED : HostMembers.ABSENT;
    }
    Object value = index >= 0 ? o.getSlot(index) : o.getMember(key);
    if (value != null) {
      return value;
    }
    if (has(o, key, index)) {
      return null;
    }
    return mode == QuickJsNative.GET_CALL
        ? new HostMembers.Missing("the dynamic object has no member '" + key + "'")
        : HostMembers.ABSENT;
  }

  private static boolean has(DynamicObject o, String key, int index) {
    return index >= 0 ? o.hasSlot(index) : o.hasMember(key);
  }

  static void set(DynamicObject o, String key, @Nullable Object value) {
    if (!OVERRIDES.get(o.getClass()).set()) {
      throw new HostMembers.Refusal(
          "cannot set '" + key + "': the dynamic object " + o.getClass().getName()
              + " is read-only (it has no setMember)");
    }
    int index = HostMembers.index(key);
    if (index >= 0) {
      o.setSlot(index, value);
    } else {
      o.setMember(key, value);
    }
  }

  static boolean delete(DynamicObject o, String key) {
    o.removeMember(key);
    return true;
  }

  static List<String> keys(DynamicObject o) {
    Collection<String> keys = o.keySet();
    if (keys == null) {
      return new ArrayList<>();
    }
    List<String> list = new ArrayList<>(keys.size());
    for (String k : keys) {
      if (k == null) {
        throw new HostMembers.Refusal(
            "the key set of the dynamic object " + o.getClass().getName() + " holds null");
      }
      list.add(k);
    }
    return list;
  }

  static @Nullable Object call(
      DynamicObject o, @Nullable Object thiz, @Nullable Object[] args, boolean construct) {
    Overrides overrides = OVERRIDES.get(o.getClass());
    if (construct) {
      if (!overrides.construct()) {
        throw new HostMembers.Refusal(
            "the dynamic object " + o.getClass().getName() + " is not a constructor");
      }
      return o.newObject(args);
    }
    if (!overrides.call()) {
      throw new HostMembers.Refusal(
          "the dynamic object " + o.getClass().getName() + " is not a function");
    }
    return o.call(thiz, args);
  }
}
