package dev.qjs;

import dev.qjs.internal.runtime.JsHandle;
import dev.qjs.internal.runtime.JsRuntime;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;
import org.jspecify.annotations.Nullable;

/**
 * A live view of a JavaScript array as a {@code List}. Reads and writes go to the array itself;
 * iteration and {@code toArray} read every element in one call. Passed back into JavaScript it is
 * the same array. Methods that run script code throw {@link UncheckedScriptException} when the
 * script fails; once the engine is closed, those that read or write the array throw
 * {@link IllegalStateException}.
 *
 * <pre>{@code
 * JsArray a = (JsArray) engine.eval("[1, 'two', 3.5]");
 * a.get(1);       // "two"
 * a.add(4);       // push(4) in JavaScript
 * a.size();       // 4
 * }</pre>
 */
public final class JsArray extends AbstractList<@Nullable Object> implements RandomAccess {
  final JsHandle handle;

  JsArray(JsHandle handle) {
    this.handle = handle;
  }

  private JsRuntime runtime() {
    return handle.runtime();
  }

  @Override
  public @Nullable Object get(int index) {
    if (index < 0) {
      throw new IndexOutOfBoundsException("Index " + index + " out of bounds for length " + size());
    }
    Object v = Unchecked.get(() -> runtime().get(Mirrors.realm(handle), handle, index));
    if (v == null) {
      Objects.checkIndex(index, size()); // only an absent element costs a second call
    }
    return v;
  }

  /**
   * A deep copy as plain Java data, read in one call; see {@link JsObject#toJava()}.
   *
   * <pre>{@code
   * List<Object> rows = ((JsArray) engine.eval("[{a: 1}, [2, 3]]")).toJava(); // [{a=1}, [2, 3]]
   * }</pre>
   *
   * @return a new, modifiable list with one entry per index up to {@code length}, holes as null
   * @throws UncheckedScriptException when script code run by the copy throws (a getter or a
   *     proxy trap), or the array is nested too deeply to copy
   */
  @SuppressWarnings("unchecked")
  public List<@Nullable Object> toJava() {
    return (List<Object>) Unchecked.getNonNull(() -> runtime().toJava(Mirrors.realm(handle), this));
  }

  /**
   * {@code JSON.stringify} of this array, in one call.
   *
   * @return the JSON text, or null when {@code JSON.stringify} gives undefined
   * @throws UncheckedScriptException when {@code JSON.stringify} throws: a cycle, a BigInt, or a
   *     {@code toJSON} method or getter that throws
   */
  public @Nullable String toJson() {
    return Unchecked.get(() -> runtime().toJson(Mirrors.realm(handle), this, null));
  }

  @Override
  public int size() {
    Object n = Unchecked.get(() -> runtime().get(Mirrors.realm(handle), handle, "length"));
    return n instanceof Number num ? (int) Math.min(num.longValue(), Integer.MAX_VALUE) : 0;
  }

  @Override
  public @Nullable Object set(int index, @Nullable Object element) {
    Objects.checkIndex(index, size());
    return Unchecked.get(() -> runtime().set(Mirrors.realm(handle), handle, index, element, true));
  }

  private @Nullable Object call(String method, @Nullable Object... args) {
    return Unchecked.invoke(method, () -> runtime().invoke(Mirrors.realm(handle), handle, null, method, args));
  }

  @Override
  public boolean add(@Nullable Object element) {
    call("push", element);
    modCount++;
    return true;
  }

  @Override
  public void add(int index, @Nullable Object element) {
    Objects.checkIndex(index, size() + 1);
    call("splice", index, 0, element);
    modCount++;
  }

  @Override
  public @Nullable Object remove(int index) {
    Objects.checkIndex(index, size());
    Object removed = call("splice", index, 1);
    modCount++;
    return removed instanceof JsArray a ? a.snapshot().get(0) : null;
  }

  @Override
  public void clear() {
    Unchecked.run(() -> runtime().set(Mirrors.realm(handle), handle, "length", 0, false));
    modCount++;
  }

  /** All elements, read in one call; holes are null. */
  private List<Object> snapshot() {
    Map<String, Object> entries = Unchecked.getNonNull(() -> runtime().entries(Mirrors.realm(handle), handle, true));
    int n = size();
    List<Object> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(null);
    }
    for (Map.Entry<String, Object> e : entries.entrySet()) {
      try {
        int i = Integer.parseInt(e.getKey());
        if (i >= 0 && i < n) {
          list.set(i, e.getValue());
        }
      } catch (NumberFormatException notAnIndex) {
        // a named property on the array: not an element
      }
    }
    return list;
  }

  @Override
  public Iterator<@Nullable Object> iterator() {
    return snapshot().iterator();
  }

  @Override
  public Object[] toArray() {
    return snapshot().toArray();
  }

  @Override
  public <T> T[] toArray(T[] a) {
    return snapshot().toArray(a);
  }

  /** Mirrors are equal when they show the same JavaScript array. */
  @Override
  public boolean equals(Object o) {
    return o instanceof JsArray other && Mirrors.sameValue(handle, other.handle);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(handle.identity());
  }

  /** JavaScript's {@code String(array)}: the elements joined with commas. */
  @Override
  public String toString() {
    return Mirrors.jsToString(handle, this);
  }
}
