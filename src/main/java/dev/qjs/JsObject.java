package dev.qjs;

import dev.qjs.internal.runtime.JsHandle;
import dev.qjs.internal.runtime.JsRuntime;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A live view of a JavaScript object, as a {@code Map} of its own enumerable string-keyed
 * properties (like Nashorn's {@code ScriptObjectMirror}). Reads and writes go to the object
 * itself; passed back into JavaScript it is the same object. Methods that run script code throw
 * {@link UncheckedScriptException} when the script fails; once the engine is closed, those that
 * read or write the object throw {@link IllegalStateException}.
 *
 * <pre>{@code
 * JsObject point = (JsObject) engine.eval("({x: 1, y: 2, norm() { return Math.hypot(this.x, this.y) }})");
 * point.get("x");               // 1
 * point.put("x", 3);            // the JS object now has x = 3
 * point.callMember("norm");     // 3.605551275463989
 * }</pre>
 */
public sealed class JsObject extends java.util.AbstractMap<String, @Nullable Object>
    permits JsFunction {
  final JsHandle handle;

  JsObject(JsHandle handle) {
    this.handle = handle;
  }

  final JsRuntime runtime() {
    return handle.runtime();
  }

  /**
   * The property {@code name} ({@code object[name]}), own or inherited; getters run.
   *
   * @param name the property's name
   * @return the value, converted as {@code eval} results are; null when the property is missing,
   *     undefined or null
   * @throws UncheckedScriptException when a getter or proxy trap throws
   */
  public @Nullable Object getMember(String name) {
    Objects.requireNonNull(name, "name");
    return Unchecked.get(() -> runtime().get(Mirrors.realm(handle), handle, name));
  }

  /**
   * Sets the property {@code name} ({@code object[name] = value}); setters run.
   *
   * @param name the property's name
   * @param value the new value, converted as values put into the engine are; null is
   *     JavaScript's {@code null}
   * @throws UncheckedScriptException when the assignment throws: a read-only property, a frozen
   *     object, a setter or proxy trap that throws
   */
  public void setMember(String name, @Nullable Object value) {
    Objects.requireNonNull(name, "name");
    Unchecked.run(() -> runtime().set(Mirrors.realm(handle), handle, name, value, false));
  }

  /**
   * Whether {@code name in object}: the property is own or inherited.
   *
   * @param name the property's name
   * @return true when the object or its prototype chain has the property, even if its value is
   *     undefined
   * @throws UncheckedScriptException when a proxy trap throws
   */
  public boolean hasMember(String name) {
    Objects.requireNonNull(name, "name");
    return Unchecked.getNonNull(() -> runtime().has(Mirrors.realm(handle), handle, name, false));
  }

  /**
   * Deletes the own property {@code name}. A property that cannot be deleted (a global
   * {@code var}) is set to undefined instead; nothing happens when there is no such property.
   *
   * @param name the property's name
   * @throws UncheckedScriptException when a proxy trap throws, or the property can be neither
   *     deleted nor set (a frozen object's)
   */
  public void removeMember(String name) {
    Objects.requireNonNull(name, "name");
    Unchecked.run(() -> runtime().delete(Mirrors.realm(handle), handle, name));
  }

  /**
   * Calls the method {@code name} with this object as {@code this}.
   *
   * @param name the method's property name
   * @param args the arguments, converted as values put into the engine are; null or none for no
   *     arguments
   * @return the method's result, converted as {@code eval} results are; null for undefined or
   *     null
   * @throws UncheckedScriptException when the method throws, or when the property is missing or
   *     not a function (a {@code TypeError})
   */
  public @Nullable Object callMember(String name, @Nullable Object... args) {
    Objects.requireNonNull(name, "name");
    return Unchecked.invoke(
        name, () -> runtime().invoke(Mirrors.realm(handle), handle, null, name, Mirrors.args(args)));
  }

  /**
   * A deep copy as plain Java data, read in one call: nested objects become {@code Map}s, arrays
   * {@code List}s, dates {@code Instant}s; shared and cyclic parts stay shared and cyclic;
   * functions stay {@link JsFunction}s and Java objects themselves.
   *
   * <pre>{@code
   * Map<String, Object> order = ((JsObject) engine.eval("({id: 7, lines: [{sku: 'a'}]})")).toJava();
   * }</pre>
   *
   * @return a new, modifiable map of the own enumerable string-keyed properties, in the object's
   *     order; for a {@link JsFunction}, the function itself
   * @throws UncheckedScriptException when script code run by the copy throws (a getter or a
   *     proxy trap), or the object is nested too deeply to copy
   */
  @SuppressWarnings("unchecked")
  public Map<String, @Nullable Object> toJava() {
    Object copy = Unchecked.get(() -> runtime().toJava(Mirrors.realm(handle), this));
    return copy instanceof Map<?, ?> m ? (Map<String, Object>) m : java.util.Collections.emptyMap();
  }

  /**
   * {@code JSON.stringify} of this object, in one call.
   *
   * @return the JSON text, or null when {@code JSON.stringify} gives undefined (a function, or a
   *     {@code toJSON} method that returns undefined)
   * @throws UncheckedScriptException when {@code JSON.stringify} throws: a cycle, a BigInt, or a
   *     {@code toJSON} method or getter that throws
   */
  public @Nullable String toJson() {
    return Unchecked.get(() -> runtime().toJson(Mirrors.realm(handle), this, null));
  }

  @Override
  public @Nullable Object get(Object key) {
    return getMember(String.valueOf(Objects.requireNonNull(key, "key")));
  }

  @Override
  public @Nullable Object put(String key, @Nullable Object value) {
    Objects.requireNonNull(key, "key");
    return Unchecked.get(() -> runtime().set(Mirrors.realm(handle), handle, key, value, true));
  }

  @Override
  public @Nullable Object remove(Object key) {
    String name = String.valueOf(Objects.requireNonNull(key, "key"));
    Object old = getMember(name);
    removeMember(name);
    return old;
  }

  /** True when the object has an own property {@code key}. */
  @Override
  public boolean containsKey(Object key) {
    return Unchecked.getNonNull(() -> runtime().has(Mirrors.realm(handle), handle, String.valueOf(key), true));
  }

  private Map<String, Object> entries(boolean withValues) {
    return Unchecked.getNonNull(() -> runtime().entries(Mirrors.realm(handle), handle, withValues));
  }

  @Override
  public int size() {
    return entries(false).size();
  }

  @Override
  public Set<String> keySet() {
    return entries(false).keySet();
  }

  /** The entries, read in one call; {@code setValue} and iterator removal write through. */
  @Override
  public Set<Map.Entry<String, @Nullable Object>> entrySet() {
    Map<String, Object> snapshot = entries(true);
    List<Map.Entry<String, Object>> list = new ArrayList<>(snapshot.size());
    for (Map.Entry<String, Object> e : snapshot.entrySet()) {
      list.add(
          new SimpleEntry<>(e.getKey(), e.getValue()) {
            private static final long serialVersionUID = 1L;

            @Override
            public @Nullable Object setValue(@Nullable Object value) {
              super.setValue(value);
              return put(getKey(), value);
            }
          });
    }
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, @Nullable Object>> iterator() {
        Iterator<Map.Entry<String, Object>> it = list.iterator();
        return new Iterator<>() {
          private Map.@Nullable Entry<String, Object> last;

          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public Map.Entry<String, @Nullable Object> next() {
            return last = it.next();
          }

          @Override
          public void remove() {
            it.remove();
            removeMember(Objects.requireNonNull(last).getKey());
          }
        };
      }

      @Override
      public int size() {
        return list.size();
      }
    };
  }

  /** Mirrors are equal when they show the same JavaScript object. */
  @Override
  public boolean equals(Object o) {
    return o instanceof JsObject other && Mirrors.sameValue(handle, other.handle);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(handle.identity());
  }

  /** JavaScript's {@code String(object)}. */
  @Override
  public String toString() {
    return Mirrors.jsToString(handle, this);
  }
}
