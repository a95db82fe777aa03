package dev.qjs.internal.interop;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The ids that let the shim call a Java method in one host call: a class id for every Java
 * class whose objects are plain instances (sent with each wrapper, {@code QJS_T_HOST}), and,
 * per runtime, a method id for each (class, name) a script called as a method. The shim keeps
 * one function per realm, class id and name; {@code obj.name(...)} on an object of that class
 * then makes only the {@code QJS_OP_HOST_INVOKE_METHOD} call, with the method id.
 *
 * <p>Semantics: which member {@code obj.name(...)} calls is decided per class, as it is by
 * {@link HostMembers#get} for everything but a {@code Map}'s entries, which shadow methods of the
 * same name; for a {@code Map} the host checks at the call whether an entry has that name now,
 * and the shim then calls the entry instead (see {@code HostCalls}). The only difference from
 * two host calls: the entry check happens after the arguments were evaluated.
 */
public final class ClassMethodIds {
  private static final AtomicInteger NEXT_CLASS_ID = new AtomicInteger();
  private static final ClassValue<Integer> CLASS_IDS =
      new ClassValue<>() {
        @Override
        protected Integer computeValue(Class<?> type) {
          return NEXT_CLASS_ID.incrementAndGet();
        }
      };

  private record Key(Class<?> type, String name) {}

  private final Map<Key, Integer> ids = new HashMap<>();
  private final List<String> names = new ArrayList<>();
  /** The group of each id (null where the name's methods are called by name). */
  private final List<@Nullable MethodGroup> groups = new ArrayList<>();

  /**
   * The class id of o's class, or 0 when o's members are not its class's (a {@code Java.type}
   * class, the {@code Java} global, an array, a {@code DynamicObject}, a {@code Java.extend}
   * type: their members depend on the object).
   */
  public static int classIdOf(Object o) {
    if (o instanceof HostMembers.StaticClass || o instanceof JavaGlobal || o.getClass().isArray()
        || o instanceof dev.qjs.DynamicObject || o instanceof ExtendedType) {
      return 0;
    }
    return CLASS_IDS.get(o.getClass());
  }

  /**
   * The method id of {@code target}'s class's methods named {@code name} (made on first use,
   * with their group from {@code members}).
   */
  int idOf(Object target, String name, HostMembers members) {
    return ids.computeIfAbsent(new Key(target.getClass(), name), k -> {
      names.add(k.name());
      groups.add(members.methodGroup(target, name));
      return names.size() - 1;
    });
  }

  /** The group of an id {@link #idOf} gave (its objects' class is the group's), or null. */
  @Nullable MethodGroup groupOf(int id) {
    return id >= 0 && id < groups.size() ? groups.get(id) : null;
  }

  /** The method name of an id {@link #idOf} gave, or null for any other number. */
  @Nullable String nameOf(int id) {
    return id >= 0 && id < names.size() ? names.get(id) : null;
  }
}
