package dev.qjs;

import java.util.Collection;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A Java object that decides its members itself when a script uses it: what Nashorn's
 * {@code JSObject} and {@code AbstractJSObject} are for. Rules engines use it to expose facts
 * lazily; every read, write, test, deletion and listing a script makes is one call of the
 * method below, made when the script makes it, never cached.
 *
 * <pre>{@code
 * DynamicObject facts = new DynamicObject() {
 *   public Object getMember(String name) { return factStore.lookUp(name); } // null: absent
 *   public boolean hasMember(String name) { return factStore.has(name); }
 *   public Collection<String> keySet() { return factStore.names(); }
 * };
 * engine.put("facts", facts);
 * engine.eval("facts.age >= 18 && 'licence' in facts");
 * }</pre>
 *
 * <p>Every method has a default, so an implementation writes only what it needs: by default the
 * object has no members, cannot be written, and is not a function. From a script:
 *
 * <ul>
 *   <li>{@code o.x} and {@code o['x']} call {@link #getMember}; an array index ({@code o[0]})
 *       calls {@link #getSlot}. A non-null result is the value. A null result is JavaScript's
 *       {@code null} when {@link #hasMember} says the member exists, else the member is absent:
 *       the read gives what {@code Object.prototype} has of that name ({@code o.toString}), or
 *       {@code undefined}.
 *   <li>{@code o.x = v} calls {@link #setMember} ({@link #setSlot} for an index), {@code 'x' in o}
 *       and {@code o.hasOwnProperty('x')} call {@link #hasMember} ({@link #hasSlot}),
 *       {@code delete o.x} calls {@link #removeMember}, and {@code Object.keys(o)},
 *       {@code for…in}, {@code JSON.stringify(o)} and spreading list {@link #keySet} and read
 *       each member with {@link #getMember}.
 *   <li>{@code typeof o} is {@code 'function'} when {@link #isFunction} is true (asked when the
 *       object first reaches a script), else {@code 'object'}. A function is called with
 *       {@link #call} ({@code o(1, 2)}, with {@code this}) and constructed with
 *       {@link #newObject} ({@code new o()}).
 *   <li>An exception thrown by any of these methods is a JavaScript error the script can catch,
 *       with the Java message as its {@code message} and the exception as its
 *       {@code javaException}. A method left at its default that a script cannot use
 *       ({@code o.x = 1} without {@link #setMember}, {@code new o()} without {@link #newObject})
 *       is a {@code TypeError}.
 * </ul>
 *
 * <p>Values cross as any value given to a script does: numbers, strings and booleans as
 * JavaScript primitives, JavaScript objects as {@link JsObject} mirrors, Java objects (this one
 * too) as themselves, so {@code o.self === o} and an object passed back to Java is the same
 * Java object. The methods run on the thread running the script, with the engine's lock lent
 * (see the README's threading notes); an implementation used by several engines at once must be
 * thread-safe itself.
 */
public interface DynamicObject {
  /**
   * The member {@code name}, or null when it is absent (or null: see {@link #hasMember}).
   *
   * @param name the member's name, as the script wrote it: any string, including the empty one
   * @return the value, or null
   */
  default @Nullable Object getMember(String name) {
    return null;
  }

  /**
   * Whether the member {@code name} exists: {@code 'name' in o}, and a null {@link #getMember}
   * result then reads as {@code null}, not as absent. The default asks {@link #keySet}; an
   * object with many members should answer directly.
   *
   * @param name the member's name
   * @return true when the object has that member
   */
  default boolean hasMember(String name) {
    return keySet().contains(name);
  }

  /**
   * Sets the member {@code name} ({@code o.name = value}). The default refuses: the script gets a
   * {@code TypeError}.
   *
   * @param name the member's name
   * @param value the value, converted as arguments of host methods are
   */
  default void setMember(String name, @Nullable Object value) {
    throw new UnsupportedOperationException("cannot set '" + name + "': the object is read-only");
  }

  /**
   * Removes the member {@code name} ({@code delete o.name}, which is then true). The default does
   * nothing.
   *
   * @param name the member's name
   */
  default void removeMember(String name) {}

  /**
   * The names of the members, in the order scripts list them ({@code Object.keys},
   * {@code for…in}, {@code JSON.stringify}). The default is empty.
   *
   * @return the names; asked once per listing
   */
  default Collection<String> keySet() {
    return Set.of();
  }

  /**
   * The element at an array index ({@code o[3]}); the default is {@code getMember("3")}.
   *
   * @param index an array index, 0 or more
   * @return the value, or null (absent unless {@link #hasSlot} is true)
   */
  default @Nullable Object getSlot(int index) {
    return getMember(Integer.toString(index));
  }

  /**
   * Whether there is an element at an array index; the default is {@code hasMember("3")}.
   *
   * @param index an array index, 0 or more
   * @return true when there is one
   */
  default boolean hasSlot(int index) {
    return hasMember(Integer.toString(index));
  }

  /**
   * Sets the element at an array index ({@code o[3] = v}); the default is
   * {@code setMember("3", v)}.
   *
   * @param index an array index, 0 or more
   * @param value the value
   */
  default void setSlot(int index, @Nullable Object value) {
    setMember(Integer.toString(index), value);
  }

  /**
   * Whether scripts see a function: {@code typeof o === 'function'}, and {@code o()} and
   * {@code new o()} reach {@link #call} and {@link #newObject}. Asked when the object reaches a
   * script; the answer should not change.
   *
   * @return true for a function; the default is false
   */
  default boolean isFunction() {
    return false;
  }

  /**
   * Calls the object as a function ({@code o(a, b)}, {@code x.o(a, b)}). The default refuses: a
   * {@code TypeError} ("… is not a function").
   *
   * @param thiz the call's {@code this}: null for a plain call, the object before the dot for a
   *     method call
   * @param args the arguments
   * @return the result; null is JavaScript's null
   */
  default @Nullable Object call(@Nullable Object thiz, @Nullable Object... args) {
    throw new UnsupportedOperationException("not a function");
  }

  /**
   * Constructs with the object ({@code new o(a, b)}). The default refuses: a {@code TypeError}
   * ("… is not a constructor").
   *
   * @param args the arguments
   * @return the new object
   */
  default @Nullable Object newObject(@Nullable Object... args) {
    throw new UnsupportedOperationException("not a constructor");
  }
}
