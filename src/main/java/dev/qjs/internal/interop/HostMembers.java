package dev.qjs.internal.interop;

import dev.qjs.internal.bridge.QuickJsNative;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * What a script sees of a Java object: a {@code Map}'s entries as properties, a {@code List}'s or
 * array's elements by index and its {@code length}, a bean's properties ({@code getName()} /
 * {@code isActive()} / {@code setName()}) and a record's components, and the public methods of
 * public types, overloads chosen by the arguments. Nothing reflective is reachable: no
 * {@code getClass()}, no {@code Class}, class loader, reflection, thread, process or
 * {@code System}/{@code Runtime} object, whatever path a script takes.
 *
 * <p>One thing in one file, over 700 lines: the member view and the per-class tables it reads
 * ({@code ClassMembers}, found once per class), whose only user it is. Overload choice is {@link
 * Overloads}'s, the {@code Java} global {@link JavaGlobal}'s; a Java object's method calls go
 * through this runtime's {@link MethodGroup} for its class and the name.
 */
public final class HostMembers {
  /** A script asked for something it may not have: a TypeError in JavaScript. */
  static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refusal(String message) {
      super(message, null, false, false);
    }
  }

  /** A Java class as scripts see it from {@code Java.type}: static members and constructors. */
  static final class StaticClass {
    final Class<?> type;

    StaticClass(Class<?> type) {
      this.type = type;
    }

    @Override
    public String toString() {
      return "[JavaClass " + type.getName() + "]";
    }
  }

  /** What a void method returns here: JavaScript then sees undefined, not null. */
  static final Object VOID = new Object();

  /** What {@link #get} returns for a method. */
  static final Object METHOD = new Object();

  /** What {@link #get} returns when there is no such member. */
  static final Object ABSENT = new Object();

  /** What {@link #get} returns for a bean property only described (its getter not run). */
  static final Object DESCRIBED = new Object();

  private static final ClassValue<ClassMembers> MEMBERS =
      new ClassValue<>() {
        @Override
        protected ClassMembers computeValue(Class<?> type) {
          return new ClassMembers(type);
        }
      };

  private final ArgumentConverter converter;
  private final Overloads overloads;

  /** This runtime's method groups, per class and name, made on first use. */
  private final ClassValue<Map<String, MethodGroup>> groups =
      new ClassValue<>() {
        @Override
        protected Map<String, MethodGroup> computeValue(Class<?> type) {
          return new ConcurrentHashMap<>();
        }
      };

  HostMembers(ArgumentConverter converter) {
    this.converter = converter;
    this.overloads = new Overloads(converter);
  }

  // ------------------------------------------------------------------ what may be exposed

  /** Types whose objects scripts must never reach: reflection, class loading, threads, processes. */
  static boolean isBlocked(Class<?> c) {
    return BLOCKED.get(c);
  }

  /** {@link #isBlocked} per class, worked out once: it is asked for every value a script sees. */
  private static final ClassValue<Boolean> BLOCKED =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
          return blockedType(type);
        }
      };

  private static boolean blockedType(Class<?> c) {
    boolean proxy = java.lang.reflect.Proxy.isProxyClass(c);
    if (proxy) {
      // a proxy (Java.extend's, getInterface's) is what its interfaces are: its class has no
      // method of its own, and java.lang.reflect.Proxy's are static
      for (Class<?> i : c.getInterfaces()) {
        if (blockedType(i)) {
          return true;
        }
      }
    }
    for (Class<?> k = c; k != null; k = k.getSuperclass()) {
      if (proxy && k == java.lang.reflect.Proxy.class) {
        break;
      }
      String n = k.getName();
      if (k == Class.class
          || ClassLoader.class.isAssignableFrom(k)
          || k == Thread.class
          || k == ThreadGroup.class
          || k == Runtime.class
          || k == System.class
          || k == ProcessBuilder.class
          || Process.class.isAssignableFrom(k)
          || k == Module.class
          || k == ModuleLayer.class
          || k == StackWalker.class
          || n.startsWith("java.lang.reflect.")
          || n.startsWith("java.lang.invoke.")
          || n.startsWith("sun.")
          || n.startsWith("jdk.internal.")) {
        return true;
      }
    }
    return ProcessHandle.class.isAssignableFrom(c) || java.lang.reflect.Member.class.isAssignableFrom(c);
  }

  /** The value itself when scripts may see it; a Refusal otherwise. */
  @Nullable Object exposable(@Nullable Object value) {
    if (value != null && isBlocked(value.getClass())) {
      throw new Refusal(
          "a " + value.getClass().getName() + " is not accessible to scripts");
    }
    return value;
  }

  private static void checkTarget(Object target) {
    if (isBlocked(target.getClass())) {
      throw new Refusal("a " + target.getClass().getName() + " is not accessible to scripts");
    }
  }

  /** How the object is shown: plain object, map, array-like, or callable. */
  public static int variantOf(Object o) {
    if (o instanceof dev.qjs.DynamicObject d) {
      return DynamicMembers.variantOf(d); // before Map and List: a dynamic object decides itself
    }
    if (o instanceof StaticClass || o instanceof ExtendedType) {
      return QuickJsNative.VARIANT_CLASS;
    }
    if (o instanceof Map) {
      return QuickJsNative.VARIANT_MAP;
    }
    if (o instanceof List || o.getClass().isArray()) {
      return QuickJsNative.VARIANT_LIST;
    }
    return MEMBERS.get(o.getClass()).functional != null
        ? QuickJsNative.VARIANT_FUNCTION
        : QuickJsNative.VARIANT_OBJECT;
  }

  private static boolean isForbiddenName(String key) {
    return key.equals("getClass") || key.equals("class") || key.equals("getClassLoader");
  }

  // ------------------------------------------------------------------ members

  /**
   * The member {@code key} of target: its value, {@link #METHOD} for a method (the shim makes a
   * bound function), {@link #DESCRIBED} for a bean property when only described (its getter is
   * not run), a {@link Missing} when a method call finds no such member, or {@link #ABSENT}
   * (its prototype's member then serves; a plain read is undefined). Runs the target's Java code
   * (getters, a map's look-up) and touches nothing of the runtime, so it may run while the
   * runtime is lent.
   *
   * <p>A Java object's own members win over JavaScript's: {@code f.apply(x)} on a
   * {@code java.util.function.Function} calls its Java {@code apply}; where the Java type has no
   * {@code apply}, {@code call} or {@code bind}, Function.prototype's serve. For a method call
   * ({@link QuickJsNative#GET_CALL}) a method wins over a property of the same name (a record's
   * {@code p.x()} is its accessor, {@code p.x} its value).
   */
  @Nullable Object get(Object target, String key, int mode) {
    checkTarget(target);
    if (target instanceof dev.qjs.DynamicObject d) {
      return exposable(DynamicMembers.get(d, key, mode));
    }
    // a map's entry is only data, whatever its key ("class" is a common key in documents)
    if (target instanceof Map<?, ?> map && hasEntry(map, key)) {
      return exposable(map.get(mapKey(map, key)));
    }
    if (isForbiddenName(key)) {
      throw new Refusal("'" + key + "' is not accessible to scripts");
    }
    if (target instanceof JavaGlobal) {
      if (JavaGlobal.hasFunction(key)) {
        return METHOD;
      }
      return missing(mode, "Java has no function '" + key + "'");
    }
    if (target instanceof StaticClass sc) {
      ClassMembers members = MEMBERS.get(sc.type);
      java.lang.reflect.Field f = members.staticFields.get(key);
      if (f != null) {
        return exposable(readField(f));
      }
      if (members.staticMethods.containsKey(key)) {
        return METHOD;
      }
      return missing(mode, sc.type.getName() + " has no public static method or field '" + key + "'");
    }
    if (target instanceof Map<?, ?> map) {
      Object k = mapKey(map, key);
      if (k != null) {
        return exposable(map.get(k));
      }
    } else if (target instanceof List<?> list) {
      if (key.equals("length")) {
        return list.size();
      }
      int i = index(key);
      if (i >= 0) {
        if (i >= list.size()) {
          return ABSENT;
        }
        return exposable(list.get(i));
      }
    } else if (target.getClass().isArray()) {
      if (key.equals("length")) {
        return Array.getLength(target);
      }
      int i = index(key);
      if (i >= 0 && i < Array.getLength(target)) {
        return exposable(Array.get(target, i));
      }
      return ABSENT;
    }
    ClassMembers members = MEMBERS.get(target.getClass());
    boolean hasMethod = members.methods.containsKey(key);
    Method getter = target instanceof Map || (mode == QuickJsNative.GET_CALL && hasMethod) ? null : members.getters.get(key);
    if (getter != null) {
      return mode == QuickJsNative.GET_DESCRIBE ? DESCRIBED : exposable(Overloads.invoke(getter, target, new Object[0]));
    }
    if (hasMethod) {
      return METHOD;
    }
    return missing(mode, target.getClass().getName() + " has no public method '" + key + "'");
  }

  /** What {@link #get} finds for a method call of a member that does not exist. */
  record Missing(String message) {}

  /**
   * No member: for a method call, a {@link Missing} (the shim throws its message as a TypeError
   * unless the prototype has the member); otherwise {@link #ABSENT}, and a plain read is
   * undefined.
   */
  private static Object missing(int mode, String message) {
    return mode == QuickJsNative.GET_CALL ? new Missing(message) : ABSENT;
  }

  void set(Object target, String key, @Nullable Object value) {
    checkTarget(target);
    if (target instanceof dev.qjs.DynamicObject d) {
      DynamicMembers.set(d, key, value);
      return;
    }
    if (target instanceof Map<?, ?> map) {
      @SuppressWarnings("unchecked")
      Map<Object, Object> m = (Map<Object, Object>) map;
      m.put(key, value); // a map's entry is only data, whatever its key
      return;
    }
    if (isForbiddenName(key)) {
      throw new Refusal("'" + key + "' is not accessible to scripts");
    }
    if (target instanceof StaticClass sc) {
      java.lang.reflect.Field f = MEMBERS.get(sc.type).staticFields.get(key);
      if (f == null || Modifier.isFinal(f.getModifiers())) {
        throw new Refusal("cannot set '" + key + "' on " + sc.type.getName() + ": no writable static field");
      }
      try {
        f.set(null, converter.convert(value, f.getType(), f.getGenericType()));
      } catch (IllegalAccessException e) {
        throw new Refusal("'" + key + "' is not accessible: " + e.getMessage());
      }
      return;
    }
    if (target instanceof JavaGlobal) {
      throw new Refusal("the Java object cannot be changed");
    }
    if (target instanceof Map<?, ?> map) {
      @SuppressWarnings("unchecked")
      Map<Object, Object> m = (Map<Object, Object>) map;
      Object k = mapKey(map, key);
      m.put(k != null ? k : key, value);
      return;
    }
    if (target instanceof List<?> list) {
      if (key.equals("length")) {
        // as for a JS array: the same length changes nothing (push and unshift set it after
        // adding), a shorter one truncates; a list has no holes, so it cannot grow this way
        int size = list.size();
        int n = value instanceof Integer num ? num : -1;
        if (n == size) {
          return;
        }
        if (n >= 0 && n < size) {
          list.subList(n, size).clear();
          return;
        }
        throw new Refusal("cannot set the length of a list of size " + size + " to " + value);
      }
      int i = index(key);
      if (i >= 0) {
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) list;
        if (i < l.size()) {
          l.set(i, value);
        } else if (i == l.size()) {
          l.add(value);
        } else {
          throw new Refusal("index " + i + " is beyond the end of a list of size " + l.size());
        }
        return;
      }
    } else if (target.getClass().isArray()) {
      int i = index(key);
      int n = Array.getLength(target);
      if (i < 0 || i >= n) {
        throw new Refusal("index " + key + " is outside a Java array of length " + n);
      }
      Class<?> component = target.getClass().getComponentType();
      Array.set(target, i, converter.convert(value, component, component));
      return;
    }
    List<Method> setters = MEMBERS.get(target.getClass()).setters.get(key);
    if (setters != null) {
      overloads.invokeBest(setters, target, new Object[] {value}, key);
      return;
    }
    throw new Refusal(
        "cannot set '" + key + "' on a " + target.getClass().getName() + ": no such writable property");
  }

  boolean delete(Object target, String key) {
    checkTarget(target);
    if (target instanceof dev.qjs.DynamicObject d) {
      return DynamicMembers.delete(d, key);
    }
    if (target instanceof Map<?, ?> map) {
      Object k = mapKey(map, key);
      map.remove(k != null ? k : key);
      return true;
    }
    if (target instanceof List<?> list) {
      // a list has no holes: deleting the last element removes it (pop, shift and splice end
      // that way), deleting another one leaves null in its place
      int i = index(key);
      if (i < 0 || i >= list.size()) {
        return i >= 0;
      }
      if (i == list.size() - 1) {
        list.remove(i);
      } else {
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) list;
        l.set(i, null);
      }
      return true;
    }
    return false;
  }

  /**
   * The key of map that the property name means: the name itself, else an Integer or Long key
   * written the same way (a {@code Map<Integer, …>} read as {@code m[1]}); null when absent.
   */
  /**
   * Whether a map has an entry that {@code map.name} reads (and that so shadows a method of that
   * name); a map that cannot hold such a key (a {@code TreeMap} of numbers) has none.
   */
  static boolean hasEntry(Map<?, ?> map, String name) {
    return mapKey(map, name) != null;
  }

  /** The key of map that {@code map.name} reads, or null (also for a map of other key types). */
  private static @Nullable Object mapKey(Map<?, ?> map, String name) {
    try {
      if (map.containsKey(name)) {
        return name;
      }
    } catch (ClassCastException | NullPointerException keyOfAnotherType) {
      // a TreeMap of numbers cannot even compare a string: fall through to numbers
    }
    if (!name.isEmpty() && name.length() <= 19 && (Character.isDigit(name.charAt(0)) || name.charAt(0) == '-')) {
      try {
        long n = Long.parseLong(name);
        if (n == (int) n && map.containsKey((int) n)) {
          return (int) n;
        }
        if (map.containsKey(n)) {
          return n;
        }
      } catch (NumberFormatException | ClassCastException | NullPointerException notANumberKey) {
        return null;
      }
    }
    return null;
  }

  List<String> keys(Object target) {
    checkTarget(target);
    if (target instanceof dev.qjs.DynamicObject d) {
      return DynamicMembers.keys(d);
    }
    if (target instanceof StaticClass sc) {
      return new ArrayList<>(MEMBERS.get(sc.type).staticFields.keySet());
    }
    if (target instanceof JavaGlobal) {
      return new ArrayList<>();
    }
    if (target instanceof Map<?, ?> map) {
      List<String> keys = new ArrayList<>(map.size());
      for (Object k : map.keySet()) {
        keys.add(String.valueOf(k));
      }
      return keys;
    }
    int n =
        target instanceof List<?> list
            ? list.size()
            : target.getClass().isArray() ? Array.getLength(target) : -1;
    if (n >= 0) {
      List<String> keys = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        keys.add(Integer.toString(i));
      }
      return keys;
    }
    return new ArrayList<>(MEMBERS.get(target.getClass()).listed);
  }

  @Nullable Object invoke(Object target, String name, @Nullable Object[] args) {
    checkTarget(target);
    if (isForbiddenName(name)) {
      throw new Refusal("'" + name + "' is not accessible to scripts");
    }
    if (target instanceof JavaGlobal global) {
      return global.call(name, args, converter);
    }
    if (target instanceof StaticClass sc) {
      List<Method> statics = MEMBERS.get(sc.type).staticMethods.get(name);
      if (name.equals("toString") && args.length == 0
          && (statics == null || statics.stream().noneMatch(m -> m.getParameterCount() == 0))) {
        return sc.toString(); // String(Java.type('java.lang.Integer')), not Integer.toString(int)
      }
      if (statics == null) {
        throw new Refusal(sc.type.getName() + " has no public static method '" + name + "'");
      }
      return overloads.invokeBest(statics, null, args, name);
    }
    MethodGroup group = group(target.getClass(), name);
    if (group == null) {
      throw new Refusal(target.getClass().getName() + " has no public method '" + name + "'");
    }
    return group.invoke(target, args);
  }

  /**
   * The methods named name of a plain Java object (not the {@code Java} global, a class from
   * {@code Java.type} or an array), to call many times: {@code group.invoke(target, args)} is
   * what {@link #invoke} does for target, for any object of exactly target's class. Null when
   * target is none of those, its class may not be reached, the name is not accessible or the
   * class has no public method of that name: {@link #invoke} then refuses or serves the call.
   */
  @Nullable MethodGroup methodGroup(Object target, String name) {
    Class<?> type = target.getClass();
    if (target instanceof JavaGlobal || target instanceof StaticClass || type.isArray()
        || isBlocked(type) || isForbiddenName(name)) {
      return null;
    }
    return group(type, name);
  }

  /** This runtime's group of type's public instance methods named name; null when it has none. */
  private @Nullable MethodGroup group(Class<?> type, String name) {
    Map<String, MethodGroup> byName = groups.get(type);
    MethodGroup group = byName.get(name);
    if (group != null) {
      return group;
    }
    List<HostMethod> methods = MEMBERS.get(type).hostMethods(name);
    if (methods == null) {
      return null;
    }
    return byName.computeIfAbsent(name, n -> new MethodGroup(type, n, methods, converter, overloads));
  }

  @Nullable Object call(
      Object target, @Nullable Object thiz, @Nullable Object[] args, boolean construct) {
    checkTarget(target);
    if (target instanceof dev.qjs.DynamicObject d) {
      return exposable(DynamicMembers.call(d, thiz, args, construct));
    }
    if (target instanceof ExtendedType type) {
      return type.construct(args, converter.scripted);
    }
    if (target instanceof StaticClass sc) {
      if (sc.type.isInterface()) {
        // new Runnable(fn), new Comparator({compare(a, b) {…}})
        return converter.scripted.implement(
            new Class<?>[] {sc.type}, converter.scripted.implementation(args, sc.type.getName()), null);
      }
      if (Modifier.isAbstract(sc.type.getModifiers())
          && args.length == 1 && converter.scripted.scriptObject(args[0]) != null) {
        throw new Refusal(sc.type.getName() + " is an abstract class: scripts can implement"
            + " interfaces only (extending a Java class is not supported; see"
            + " docs/migrating-from-nashorn.md)");
      }
      return exposable(overloads.construct(sc.type, MEMBERS.get(sc.type).constructors, args));
    }
    if (construct) {
      throw new Refusal("a " + target.getClass().getName() + " is not a constructor");
    }
    Method sam = MEMBERS.get(target.getClass()).functional;
    if (sam == null) {
      throw new Refusal("a " + target.getClass().getName() + " is not a function");
    }
    int n = sam.getParameterCount();
    if (!sam.isVarArgs() && args.length > n) {
      // called as a JS function: extra arguments are ignored, as JS functions do
      // ([1, 2].map(javaFunction) passes value, index and array)
      args = java.util.Arrays.copyOf(args, n);
    }
    return overloads.invokeBest(List.of(sam), target, args, sam.getName());
  }

  private static Object readField(java.lang.reflect.Field f) {
    try {
      return f.get(null);
    } catch (IllegalAccessException e) {
      throw new Refusal("'" + f.getName() + "' is not accessible: " + e.getMessage());
    }
  }

  /** Carries a checked exception of a host method out of the reflective call unchanged. */
  static final class HostCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HostCallException(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  /** The array index key names (0 to Integer.MAX_VALUE, no leading zero), or -1. */
  static int index(String key) {
    int n = key.length();
    if (n == 0 || n > 10 || (n > 1 && key.charAt(0) == '0')) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < n; i++) {
      char c = key.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v <= Integer.MAX_VALUE ? (int) v : -1;
  }

  // ------------------------------------------------------------------ per-class tables

  /** The public members of one class that scripts may use, found once per class. */
  private static final class ClassMembers {
    final Map<String, List<Method>> methods = new LinkedHashMap<>();
    /** {@link #methods} with their handles, made on first call by name. */
    private final Map<String, List<HostMethod>> hostMethods = new ConcurrentHashMap<>();
    final Map<String, Method> getters = new LinkedHashMap<>();
    /** The getters' properties that keys, for-in and JSON list. */
    final java.util.Set<String> listed = new java.util.LinkedHashSet<>();
    final Map<String, List<Method>> setters = new LinkedHashMap<>();
    final @Nullable Method functional;
    final Map<String, List<Method>> staticMethods = new LinkedHashMap<>();
    final Map<String, java.lang.reflect.Field> staticFields = new LinkedHashMap<>();
    final List<java.lang.reflect.Constructor<?>> constructors = new ArrayList<>();

    ClassMembers(Class<?> type) {
      boolean usableType = isUsable(type);
      for (Method m : type.getMethods()) {
        if (Modifier.isStatic(m.getModifiers())) {
          if (usableType && isUsable(m.getDeclaringClass()) && !m.isSynthetic()
              && !isBlocked(m.getReturnType())) {
            staticMethods.computeIfAbsent(m.getName(), k -> new ArrayList<>()).add(m);
          }
          continue;
        }
        if ((m.isBridge() || m.isSynthetic()) && isUsable(m.getDeclaringClass())) {
          continue; // the method it bridges to is listed itself
        }
        // a method of a class that is not public is called through the public supertype that
        // declares it; a bridge method is how such a class implements a generic interface
        // method (Comparator.naturalOrder()'s compare(Comparable, Comparable) is
        // Comparator.compare(Object, Object) to callers)
        Method usable = accessible(m, type);
        if (usable == null || isForbiddenName(usable.getName()) || isObjectPlumbing(usable)) {
          continue;
        }
        List<Method> overloads = methods.computeIfAbsent(usable.getName(), k -> new ArrayList<>());
        if (!overloads.contains(usable)) {
          overloads.add(usable);
        }
      }
      if (type.isRecord()) {
        for (RecordComponent rc : type.getRecordComponents()) {
          Method acc = accessible(rc.getAccessor(), type);
          if (acc != null) {
            getters.put(rc.getName(), acc);
            listed.add(rc.getName());
          }
        }
      }
      for (List<Method> overloads : methods.values()) {
        for (Method m : overloads) {
          String property = propertyName(m);
          if (property == null) {
            continue;
          }
          if (m.getParameterCount() == 0) {
            getters.putIfAbsent(property, m);
            if (!isBlocked(m.getReturnType())) {
              // an enum's getDeclaringClass() is read (and refused) only by name: listed, it
              // would make JSON.stringify of every object holding an enum fail
              listed.add(property);
            }
          } else {
            setters.computeIfAbsent(property, k -> new ArrayList<>()).add(m);
          }
        }
      }
      methods.replaceAll((k, v) -> Collections.unmodifiableList(v));
      functional = findFunctional(type);
      if (usableType) {
        for (java.lang.reflect.Field f : type.getFields()) {
          if (Modifier.isStatic(f.getModifiers()) && !isBlocked(f.getType())) {
            staticFields.put(f.getName(), f);
          }
        }
        for (java.lang.reflect.Constructor<?> c : type.getConstructors()) {
          constructors.add(c);
        }
      }
    }

    /** The public instance methods named name with their handles, in {@link #methods}' order; null when none. */
    @Nullable List<HostMethod> hostMethods(String name) {
      List<Method> overloads = methods.get(name);
      if (overloads == null) {
        return null;
      }
      return hostMethods.computeIfAbsent(
          name, n -> overloads.stream().map(HostMethod::new).toList());
    }

    private static boolean isObjectPlumbing(Method m) {
      String n = m.getName();
      return (n.equals("wait") || n.equals("notify") || n.equals("notifyAll"))
          && m.getDeclaringClass() == Object.class;
    }

    /** A getter's or setter's property: getName/isActive → name/active; setX(v) → x. */
    private static @Nullable String propertyName(Method m) {
      String n = m.getName();
      int params = m.getParameterCount();
      String rest;
      if (params == 0 && n.startsWith("get") && n.length() > 3 && m.getReturnType() != void.class) {
        rest = n.substring(3);
      } else if (params == 0
          && n.startsWith("is")
          && n.length() > 2
          && (m.getReturnType() == boolean.class || m.getReturnType() == Boolean.class)) {
        rest = n.substring(2);
      } else if (params == 1 && n.startsWith("set") && n.length() > 3) {
        rest = n.substring(3);
      } else {
        return null;
      }
      if (!Character.isUpperCase(rest.charAt(0))) {
        return null;
      }
      if (rest.length() > 1 && Character.isUpperCase(rest.charAt(1))) {
        return rest; // "URL" stays "URL", as java.beans.Introspector.decapitalize does
      }
      return Character.toLowerCase(rest.charAt(0)) + rest.substring(1);
    }

    /**
     * The method itself when its declaring class is public and exported; else the same method
     * declared by a public, exported supertype (e.g. an interface of a private implementation
     * class); null when there is none.
     */
    private static @Nullable Method accessible(Method m, Class<?> type) {
      if (isUsable(m.getDeclaringClass())) {
        return m;
      }
      for (Class<?> k = type; k != null; k = k.getSuperclass()) {
        Method found = findIn(k, m);
        if (found != null) {
          return found;
        }
      }
      return null;
    }

    private static @Nullable Method findIn(Class<?> k, Method m) {
      if (isUsable(k)) {
        try {
          Method found = k.getMethod(m.getName(), m.getParameterTypes());
          if (isUsable(found.getDeclaringClass())) {
            return found;
          }
        } catch (NoSuchMethodException e) {
          // not declared here
        }
      }
      for (Class<?> i : k.getInterfaces()) {
        Method found = findIn(i, m);
        if (found != null) {
          return found;
        }
      }
      return null;
    }

    private static boolean isUsable(Class<?> c) {
      return Modifier.isPublic(c.getModifiers())
          && !isBlocked(c)
          && c.getModule().isExported(c.getPackageName());
    }

    /**
     * The method a script calls when it calls the object itself, or null when the object is
     * not a function to scripts. An object is a function when it implements a functional
     * interface and either its class exists to be that function: a lambda or method reference
     * (a hidden or synthetic class), a {@link java.lang.reflect.Proxy}, or a class whose public
     * instance methods are only those of its functional interfaces, {@code Object} and
     * {@code Enum} (an anonymous {@code Runnable}, {@code String.CASE_INSENSITIVE_ORDER},
     * {@code Comparator.naturalOrder()}). Value types and beans that happen to implement one
     * ({@code LocalDate} is a {@code TemporalAdjuster}, a bean may be a {@code Runnable}) stay
     * plain objects whose methods are called by name.
     */
    private static @Nullable Method findFunctional(Class<?> type) {
      boolean madeToBeAFunction =
          type.isHidden() || type.isSynthetic() || java.lang.reflect.Proxy.isProxyClass(type);
      Method sam = null;
      List<Class<?>> interfaces = new ArrayList<>();
      for (Class<?> k = type; k != null && k != Object.class; k = k.getSuperclass()) {
        for (Class<?> i : k.getInterfaces()) {
          Method found = functionalMethod(i, madeToBeAFunction);
          if (found != null) {
            interfaces.add(i);
            if (sam == null) {
              sam = found;
            }
          }
        }
      }
      if (sam == null || madeToBeAFunction) {
        return sam;
      }
      for (Method m : type.getMethods()) {
        if (Modifier.isStatic(m.getModifiers()) || m.isBridge() || m.isSynthetic()) {
          continue;
        }
        Class<?> d = m.getDeclaringClass();
        if (d == Object.class || d == Enum.class || isDeclaredByAny(interfaces, m)) {
          continue;
        }
        return null; // a method of its own: a value or a bean, not a function
      }
      return sam;
    }

    private static boolean isDeclaredByAny(List<Class<?>> interfaces, Method m) {
      for (Class<?> i : interfaces) {
        // by name and arity: a class implements a generic interface method with its own
        // parameter types (compare(String, String) for Comparator.compare(Object, Object))
        for (Method im : i.getMethods()) {
          if (im.getName().equals(m.getName()) && im.getParameterCount() == m.getParameterCount()) {
            return true;
          }
        }
      }
      return false;
    }

    /**
     * The single abstract method of iface when it is a @FunctionalInterface (for a lambda, any
     * interface with one abstract method), or of such an interface it extends.
     */
    private static @Nullable Method functionalMethod(Class<?> iface, boolean anySam) {
      if ((anySam || iface.isAnnotationPresent(FunctionalInterface.class)) && isUsable(iface)) {
        return FunctionalMethod.of(iface);
      }
      for (Class<?> sup : iface.getInterfaces()) {
        Method sam = functionalMethod(sup, anySam);
        if (sam != null) {
          return sam;
        }
      }
      return null;
    }

  }
}
