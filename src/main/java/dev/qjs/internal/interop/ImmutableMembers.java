package dev.qjs.internal.interop;

import dev.qjs.internal.bridge.QuickJsNative;
import dev.qjs.internal.codec.ValueWriter;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The calls on immutable Java objects that give the same result for the same arguments every
 * time, which JavaScript therefore makes once: a record's component accessors ({@code
 * order.customer()}), and {@code size}, {@code isEmpty}, {@code get}, {@code contains}, {@code
 * containsKey}... of the JDK's unmodifiable collections ({@code List.of}, {@code Map.of}, {@code
 * Set.of}, {@code copyOf}, {@code Stream.toList()}, {@code Collections.emptyList()} and the
 * singletons). Views such as {@code Collections.unmodifiableList} are not immutable and are not
 * among them.
 *
 * <p>Three ways spare host calls (the shim keeps the results per wrapper, {@code qjs_known.c}):
 * the reply to such a call or read says the result is stable; the first call or read on an
 * object the shim knows nothing of brings the object's other results along; and an immutable
 * object in a reply brings its own ({@code QJS_T_HOST_KNOWN}: a record's components, a small
 * collection's elements and entries, recursively), up to {@value ValueWriter#KNOWN_PER_MESSAGE}
 * results per message. A rules function over a model of records and {@code List.of}/{@code
 * Map.of} then crosses once per few objects, not once per access. Arguments of {@code
 * invokeFunction} bring nothing ahead: a script that ignores them pays nothing.
 *
 * <p>The accessors called ahead run inside the host call that brings them, and the runtime is
 * lent to other threads while they run, as it is for a script's own call: an accessor that waits
 * for another thread's script on this engine lets that script run.
 *
 * <p>The one difference a script can see: a record accessor is called when its record crosses
 * (or at its first call) and its result is the one the script sees for as long as it holds the
 * record; an accessor that returns something new on each call (a defensive copy, the time) is
 * seen returning its first. An accessor that throws is not called ahead: the script's own call
 * throws. Per runtime; used under its lock.
 */
public final class ImmutableMembers {
  private static final Object[] NO_ARGS = {};

  /** What kind of immutable object a class's instances are. */
  private enum Kind { NONE, RECORD, LIST, MAP, SET }

  private static final Set<String> COLLECTIONS = Set.of(
      "java.util.Collections$EmptyList", "java.util.Collections$EmptyMap",
      "java.util.Collections$EmptySet", "java.util.Collections$SingletonList",
      "java.util.Collections$SingletonMap", "java.util.Collections$SingletonSet");

  private static final ClassValue<Kind> KINDS = new ClassValue<>() {
    @Override
    protected Kind computeValue(Class<?> type) {
      if (dev.qjs.DynamicObject.class.isAssignableFrom(type)) {
        return Kind.NONE; // even a record: its members are what its methods say each time
      }
      if (type.isRecord()) {
        return Kind.RECORD;
      }
      String name = type.getName();
      if (!name.startsWith("java.util.ImmutableCollections$") && !COLLECTIONS.contains(name)) {
        return Kind.NONE;
      }
      return List.class.isAssignableFrom(type) ? Kind.LIST
          : Map.class.isAssignableFrom(type) ? Kind.MAP
          : Set.class.isAssignableFrom(type) ? Kind.SET
          : Kind.NONE;
    }
  };

  /** A record class's component names, in declaration order. */
  private static final ClassValue<String[]> COMPONENTS = new ClassValue<>() {
    @Override
    protected String[] computeValue(Class<?> type) {
      RecordComponent[] components = type.getRecordComponents();
      String[] names = new String[components.length];
      for (int i = 0; i < names.length; i++) {
        names[i] = components[i].getName();
      }
      return names;
    }
  };

  /** A record class's component accessors and their method ids, in component order. */
  private record Accessors(String[] names, @Nullable MethodGroup[] groups, int[] ids) {}

  /** The method ids of a collection class's stable methods (-1: none of that name). */
  private record CollectionIds(int size, int isEmpty, int get, int contains) {}

  private final ClassMethodIds methodIds;
  private final HostMembers members;
  /** Runs Java code with the runtime lent to other threads (the runtime's {@code lent}). */
  private final Function<Supplier<@Nullable Object>, @Nullable Object> lender;
  private final Map<Class<?>, CollectionIds> collectionIds = new HashMap<>();
  private final Map<Class<?>, Accessors> recordAccessors = new HashMap<>();

  ImmutableMembers(
      ClassMethodIds methodIds, HostMembers members, Function<Supplier<@Nullable Object>, @Nullable Object> lender) {
    this.methodIds = methodIds;
    this.members = members;
    this.lender = lender;
  }

  /**
   * Whether {@code target.name(...)} with argc arguments (just called through its method id)
   * gives its result for the same arguments every time.
   */
  static boolean isStable(Object target, String name, int argc) {
    switch (KINDS.get(target.getClass())) {
      case RECORD:
        if (argc == 0) {
          for (String component : COMPONENTS.get(target.getClass())) {
            if (component.equals(name)) {
              return true;
            }
          }
        }
        return false;
      case LIST:
        return argc == 0 ? isSizeName(name)
            : argc == 1 && (name.equals("get") || name.equals("contains") || name.equals("indexOf")
                || name.equals("lastIndexOf"));
      case MAP:
        return argc == 0 ? isSizeName(name)
            : argc == 1 && (name.equals("get") || name.equals("containsKey") || name.equals("containsValue"));
      case SET:
        return argc == 0 ? isSizeName(name) : argc == 1 && name.equals("contains");
      default:
        return false;
    }
  }

  /** Whether the read {@code target.key} gives the same value every time (and one the shim may keep). */
  static boolean isStableRead(Object target, String key) {
    switch (KINDS.get(target.getClass())) {
      case RECORD:
        for (String component : COMPONENTS.get(target.getClass())) {
          if (component.equals(key)) {
            return true;
          }
        }
        return false;
      case LIST:
        return key.equals("length") || isIndex(key, ((List<?>) target).size());
      case MAP:
        return HostMembers.hasEntry((Map<?, ?>) target, key);
      default:
        return false;
    }
  }

  private static boolean isIndex(String key, int size) {
    if (key.isEmpty() || key.length() > 10) {
      return false;
    }
    long n = 0;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < '0' || c > '9' || (i == 0 && c == '0' && key.length() > 1)) {
        return false;
      }
      n = n * 10 + (c - '0');
    }
    return n < size;
  }

  private static boolean isSizeName(String name) {
    return name.equals("size") || name.equals("isEmpty");
  }

  /** Whether {@link #write} has results to send with v (v is an immutable object of a class with an id). */
  public static boolean isImmutable(Object v) {
    return KINDS.get(v.getClass()) != Kind.NONE;
  }

  /**
   * Writes the results JavaScript may know of v ahead: {@code [i32 n]} then n entries {@code
   * [i32 method id][u8 key kind][key][value]} ({@code QJS_T_HOST_KNOWN}), as many as w's budget
   * for the message allows; the values may be immutable objects with their own results.
   */
  public void write(Object v, ValueWriter w) {
    write(v, w, null, null);
  }

  /**
   * As {@link #write(Object, ValueWriter)}, where the script has just read the record component
   * {@code read} (by its accessor or as a property) and got {@code value}: the accessor is not
   * called again.
   */
  void write(Object v, ValueWriter w, @Nullable String read, @Nullable Object value) {
    w.firstKnown(v);
    int countAt = w.length();
    w.i32(0);
    int n;
    switch (KINDS.get(v.getClass())) {
      case RECORD:
        n = writeRecord(v, w, read, value);
        break;
      case LIST:
        n = writeList((List<?>) v, w);
        break;
      case MAP:
        n = writeMap((Map<?, ?>) v, w);
        break;
      case SET:
        n = writeSet((Set<?>) v, w);
        break;
      default:
        n = 0;
    }
    w.patchI32(countAt, n);
  }

  private int writeRecord(Object record, ValueWriter w, @Nullable String read, @Nullable Object readValue) {
    Accessors accessors = recordAccessors.computeIfAbsent(record.getClass(), c -> accessorsOf(record));
    @Nullable MethodGroup[] groups = accessors.groups;
    int[] ids = accessors.ids;
    int n = 0;
    for (int i = 0; i < groups.length; i++) {
      MethodGroup group = groups[i];
      if (group == null || !w.spendKnown()) {
        continue;
      }
      Object value;
      if (accessors.names[i].equals(read)) {
        value = readValue; // read just now: called once
      } else {
        try {
          MethodGroup accessor = group;
          value = members.exposable(lender.apply(() -> accessor.invoke(record, NO_ARGS)));
        } catch (RuntimeException notAheadOfTime) {
          continue; // the script's own call throws it, when and if it makes it
        }
      }
      if (value == HostMembers.VOID || !w.isStable(value)) {
        continue;
      }
      w.i32(ids[i]).u8(QuickJsNative.KNOWN_NO_ARG).value(value);
      n++;
      if (w.knownReads()) {
        // `record.name` reads the same value (no value of its own: the shim points at this one)
        w.i32(ids[i]).u8(QuickJsNative.KNOWN_PROPERTY).string(accessors.names[i]);
        n++;
      }
    }
    return n;
  }

  /** The accessor groups of a record's class, in component order (null: not callable by id). */
  private Accessors accessorsOf(Object record) {
    String[] names = COMPONENTS.get(record.getClass());
    @Nullable MethodGroup[] groups = new MethodGroup[names.length];
    int[] ids = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      ids[i] = methodIds.idOf(record, names[i], members);
      groups[i] = methodIds.groupOf(ids[i]);
    }
    return new Accessors(names, groups, ids);
  }

  private int writeList(List<?> list, ValueWriter w) {
    CollectionIds ids = idsOf(list);
    int size = list.size();
    int n = writeSize(ids, size, w);
    for (int i = 0; i < size && ids.get >= 0 && w.spendKnown(); i++) {
      @Nullable Object e = list.get(i);
      if (isSendable(e, w)) {
        w.i32(ids.get).u8(QuickJsNative.KNOWN_INT).i32(i).value(e);
        n++;
      }
    }
    // `list[i]` and `list.length` read what get(i) and size() give
    if (ids.get >= 0) {
      w.i32(ids.get).u8(QuickJsNative.KNOWN_INDEX);
      n++;
    }
    if (ids.size >= 0) {
      w.i32(ids.size).u8(QuickJsNative.KNOWN_LENGTH);
      n++;
    }
    return n;
  }

  private int writeMap(Map<?, ?> map, ValueWriter w) {
    CollectionIds ids = idsOf(map);
    int n = writeSize(ids, map.size(), w);
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String key) || !w.spendKnown()) {
        continue; // another key type: what a script's argument converts to is not certain
      }
      if (ids.get >= 0 && isSendable(e.getValue(), w)) {
        w.i32(ids.get).u8(QuickJsNative.KNOWN_STRING).string(key).value(e.getValue());
        n++;
      }
      if (ids.contains >= 0 && w.spendKnown()) {
        w.i32(ids.contains).u8(QuickJsNative.KNOWN_STRING).string(key).value(Boolean.TRUE);
        n++;
      }
    }
    if (ids.get >= 0) {
      w.i32(ids.get).u8(QuickJsNative.KNOWN_KEYS); // `map.key` reads what get('key') gives
      n++;
    }
    return n;
  }

  private int writeSet(Set<?> set, ValueWriter w) {
    CollectionIds ids = idsOf(set);
    int n = writeSize(ids, set.size(), w);
    for (Object e : set) {
      if (ids.contains >= 0 && e instanceof String s && w.spendKnown()) {
        w.i32(ids.contains).u8(QuickJsNative.KNOWN_STRING).string(s).value(Boolean.TRUE);
        n++;
      }
    }
    return n;
  }

  /** Whether a script may see v (not of a blocked class) and it crosses the same way every time. */
  private static boolean isSendable(@Nullable Object v, ValueWriter w) {
    return (v == null || !HostMembers.isBlocked(v.getClass())) && w.isStable(v);
  }

  private static int writeSize(CollectionIds ids, int size, ValueWriter w) {
    int n = 0;
    if (ids.size >= 0 && w.spendKnown()) {
      w.i32(ids.size).u8(QuickJsNative.KNOWN_NO_ARG).value(size);
      n++;
    }
    if (ids.isEmpty >= 0 && w.spendKnown()) {
      w.i32(ids.isEmpty).u8(QuickJsNative.KNOWN_NO_ARG).value(size == 0);
      n++;
    }
    return n;
  }

  /**
   * The method ids of a collection's stable methods; -1 for a name one of its entries has (a
   * map's entry named {@code size} is what {@code m.size()} calls).
   */
  private CollectionIds idsOf(Object collection) {
    Map<?, ?> map = collection instanceof Map<?, ?> m ? m : null;
    if (map != null && (HostMembers.hasEntry(map, "size") || HostMembers.hasEntry(map, "isEmpty")
        || HostMembers.hasEntry(map, "get") || HostMembers.hasEntry(map, "containsKey"))) {
      return new CollectionIds(id(map, "size"), id(map, "isEmpty"), id(map, "get"), id(map, "containsKey"));
    }
    return collectionIds.computeIfAbsent(collection.getClass(), c -> new CollectionIds(
        id(collection, "size"), id(collection, "isEmpty"),
        collection instanceof Set<?> ? -1 : id(collection, "get"),
        id(collection, map != null ? "containsKey" : "contains")));
  }

  /** The method id of target's methods named name, or -1 when a script cannot call them by id (or map has an entry of that name). */
  private int id(Object target, String name) {
    if (target instanceof Map<?, ?> map && HostMembers.hasEntry(map, name)) {
      return -1;
    }
    int id = methodIds.idOf(target, name, members);
    return methodIds.groupOf(id) != null ? id : -1;
  }
}
