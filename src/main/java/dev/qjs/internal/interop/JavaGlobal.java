package dev.qjs.internal.interop;

import org.jspecify.annotations.Nullable;
import static dev.qjs.internal.interop.HostMembers.isBlocked;

import dev.qjs.internal.interop.HostMembers.Refusal;
import dev.qjs.internal.interop.HostMembers.StaticClass;
import dev.qjs.internal.runtime.JsHandle;
import java.lang.reflect.Array;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The object behind the {@code Java} global: {@code Java.type} looks classes up through the
 * user's filter (a class that reaches files, the network or threads only when the filter names it
 * exactly), {@code Java.to} converts, {@code Java.isJavaObject} and {@code Java.isType} tell
 * what a value is, and {@code Java.extend} makes a type implementing interfaces with a script's
 * functions ({@link ExtendedType}).
 */
public final class JavaGlobal {
  private static final java.util.Set<String> FUNCTIONS =
      java.util.Set.of("type", "to", "isJavaObject", "isType", "extend");

  private static final Map<String, Class<?>> PRIMITIVES =
      Map.of("int", int.class, "long", long.class, "double", double.class, "float", float.class,
          "short", short.class, "byte", byte.class, "char", char.class, "boolean", boolean.class);

  /** Packages whose classes reach files, the network, naming services or other engines. */
  private static final List<String> SENSITIVE_PACKAGES =
      List.of("java.nio.file.", "java.nio.channels.", "java.net.", "javax.net.", "java.rmi.",
          "javax.naming.", "javax.management.", "java.lang.management.", "java.util.prefs.",
          "javax.script.");

  /**
   * Classes that read or write files or start threads (or run code on a pool), by name so that
   * no module need be present; their subclasses and implementations count too.
   */
  private static final java.util.Set<String> SENSITIVE_TYPES =
      java.util.Set.of("java.io.File", "java.io.FileInputStream", "java.io.FileOutputStream",
          "java.io.FileReader", "java.io.FileWriter", "java.io.RandomAccessFile",
          "java.io.PrintStream", "java.io.PrintWriter", "java.util.Formatter", "java.util.Scanner",
          "java.util.logging.Handler", "java.util.logging.LogManager", "java.util.zip.ZipFile",
          "java.util.Timer", "java.util.concurrent.Executor", "java.util.concurrent.Executors",
          "java.util.concurrent.CompletableFuture", "java.util.concurrent.ForkJoinTask",
          "java.util.concurrent.SubmissionPublisher", "java.lang.ref.Cleaner",
          "java.sql.DriverManager");

  private final java.util.function.Predicate<String> filter;

  public JavaGlobal(java.util.function.Predicate<String> filter) {
    this.filter = filter;
  }

  @Override
  public String toString() {
    return "[object Java]";
  }

  /** True for the name of one of the global's functions. */
  static boolean hasFunction(String name) {
    return FUNCTIONS.contains(name);
  }

  /** Calls the global's function {@code name}. */
  @Nullable Object call(String name, @Nullable Object[] args, ArgumentConverter converter) {
    switch (name) {
      case "type":
        return new StaticClass(lookUp(stringArg(args, 0, "a class name")));
      case "to": {
        String typeName = stringArg(args, 1, "a type name");
        Object value = args.length > 0 ? args[0] : null;
        if (typeName.endsWith("[]")) {
          Class<?> component = lookUp(typeName.substring(0, typeName.length() - 2));
          return converter.convert(value, Array.newInstance(component, 0).getClass(), null);
        }
        Class<?> type = lookUp(typeName);
        if (List.class.isAssignableFrom(type) && value instanceof List<?> l) {
          return new ArrayList<>(l);
        }
        if (Map.class.isAssignableFrom(type) && value instanceof Map<?, ?> m) {
          return new LinkedHashMap<>(m);
        }
        return converter.convert(value, type, type);
      }
      case "isJavaObject":
        return args.length > 0 && args[0] != null && !(args[0] instanceof StaticClass)
            && converter.isJavaObject(args[0]);
      case "isType":
        return args.length > 0 && (args[0] instanceof StaticClass || args[0] instanceof ExtendedType);
      case "extend":
        return extend(args, converter.scripted);
      default:
        throw new Refusal("Java has no function '" + name + "'");
    }
  }

  /**
   * {@code Java.extend(A, B, …, {methods})}: Java interfaces from {@code Java.type}, then
   * optionally an object of methods (or a function, for a single abstract method).
   */
  private static ExtendedType extend(@Nullable Object[] args, ScriptedInterfaces scripted) {
    String usage = "Java.extend takes Java interfaces from Java.type(…), then optionally an object"
        + " of methods: Java.extend(Runnable, { run() {…} })";
    if (args.length == 0) {
      throw new Refusal(usage + "; it was given nothing");
    }
    List<Class<?>> interfaces = new ArrayList<>();
    JsHandle methods = null;
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a instanceof StaticClass sc) {
        interfaces.add(sc.type);
        continue;
      }
      JsHandle h = i == args.length - 1 && i > 0 ? scripted.scriptObject(a) : null;
      if (h == null) {
        throw new Refusal(usage + "; argument " + (i + 1) + " is "
            + ScriptedInterfaces.describe(new Object[] {a}));
      }
      methods = h;
    }
    return new ExtendedType(ScriptedInterfaces.checked(interfaces, methods), methods);
  }

  private static String stringArg(Object[] args, int i, String what) {
    if (args.length <= i || !(args[i] instanceof String s)) {
      throw new Refusal("expected " + what + " as argument " + (i + 1));
    }
    return s;
  }

  /** The class of that name, when the filter exposes it and it is not one that is always blocked. */
  private Class<?> lookUp(String name) {
    Class<?> primitive = PRIMITIVES.get(name);
    if (primitive != null) {
      return primitive;
    }
    Class<?> type = null;
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    String candidate = name;
    while (type == null) {
      try {
        type = Class.forName(candidate, false, loader != null ? loader : HostMembers.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        int dot = candidate.lastIndexOf('.');
        if (dot < 0) {
          throw new Refusal(
              filter.test(name)
                  ? "no class named " + name
                  : "class " + name + " is not exposed to scripts (see the engine's ClassFilter)");
        }
        candidate = candidate.substring(0, dot) + '$' + candidate.substring(dot + 1); // Map.Entry
      }
    }
    // the filter is asked with the name as written and, for a nested class, its binary name
    if (!filter.test(name) && !filter.test(type.getName())) {
      throw new Refusal("class " + name + " is not exposed to scripts (see the engine's ClassFilter)");
    }
    if (isBlocked(type) || !Modifier.isPublic(type.getModifiers())) {
      throw new Refusal("class " + name + " is not accessible to scripts");
    }
    if (reachesFilesOrThreads(type)
        && !namedExactly(filter, name) && !namedExactly(filter, type.getName())) {
      throw new Refusal("class " + name + " can reach files, the network or threads: a ClassFilter"
          + " exposes it only when it names it exactly, not through a pattern such as a package"
          + " prefix (see docs/security.md)");
    }
    return type;
  }

  /**
   * Whether the filter names this class exactly: it accepts the name and rejects two names no
   * class can have, one beside it in its package and one that extends its name. A pattern
   * ({@code startsWith("java.util.")}, a regular expression over a package, a prefix of the
   * class name) accepts at least one of them. A JDK package cannot gain classes from an
   * application, so the probes never name a real class there.
   */
  static boolean namedExactly(java.util.function.Predicate<String> filter, String name) {
    int dot = name.lastIndexOf('.');
    String sibling = name.substring(0, dot + 1) + "QuickJsFilterProbe";
    String extension = name + "QuickJsFilterProbe";
    return filter.test(name) && !filter.test(sibling) && !filter.test(extension);
  }

  /**
   * True for a class that can make, read or write files, open connections, or start threads
   * or run code on a pool (see docs/security.md for the list and the reasons). Such a class is
   * exposed only to a filter that names it exactly.
   */
  static boolean reachesFilesOrThreads(Class<?> type) {
    String n = type.getName();
    for (String p : SENSITIVE_PACKAGES) {
      if (n.startsWith(p)) {
        return true;
      }
    }
    return isOrExtendsSensitive(type);
  }

  private static boolean isOrExtendsSensitive(Class<?> type) {
    if (type == null || type == Object.class) {
      return false;
    }
    if (SENSITIVE_TYPES.contains(type.getName()) || isOrExtendsSensitive(type.getSuperclass())) {
      return true;
    }
    for (Class<?> i : type.getInterfaces()) {
      if (isOrExtendsSensitive(i)) {
        return true;
      }
    }
    return false;
  }
}
