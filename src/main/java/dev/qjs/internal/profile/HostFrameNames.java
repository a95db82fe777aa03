package dev.qjs.internal.profile;

import dev.qjs.internal.bridge.QuickJsNative;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The frame names of Java host calls in one profile, such as {@code (host) java.util.HashMap.get}:
 * each distinct name gets an id (1 up) that the host call writes into the mailbox slot {@code
 * MB_PROFILE_HOST} as it returns, so the shim records it with the call's time.
 */
public final class HostFrameNames {
  private final Map<String, Integer> ids = new HashMap<>();
  private final List<String> names = new ArrayList<>();

  /** The id of the frame of a call of {@code method} (null: the call itself) on target. */
  public int idOf(int op, @Nullable Object target, @Nullable String method) {
    return idOf(nameOf(op, target, method));
  }

  /** The id of a frame name. */
  public synchronized int idOf(String name) {
    Integer id = ids.get(name);
    if (id == null) {
      names.add(name);
      id = names.size();
      ids.put(name, id);
    }
    return id;
  }

  /** The frame name of id; for a negative id, the host operation -id that no one named. */
  public synchronized String nameOf(int id) {
    if (id > 0 && id <= names.size()) {
      return names.get(id - 1);
    }
    return "(host) " + operation(-id);
  }

  static String nameOf(int op, @Nullable Object target, @Nullable String method) {
    String type = target == null ? null
        : target instanceof Class<?> c ? c.getName() : className(target.getClass());
    if (type == null) {
      return "(host) " + operation(op);
    }
    return switch (op) {
      case QuickJsNative.OP_HOST_INVOKE, QuickJsNative.OP_HOST_INVOKE_METHOD ->
          "(host) " + type + "." + method;
      case QuickJsNative.OP_HOST_CALL -> "(host) " + type + (target instanceof Class<?> ? ".<init>" : ".call");
      case QuickJsNative.OP_HOST_GET -> "(host) " + type + ".get";
      case QuickJsNative.OP_HOST_SET -> "(host) " + type + ".set";
      case QuickJsNative.OP_HOST_TO_STRING -> "(host) " + type + ".toString";
      default -> "(host) " + type + " " + operation(op);
    };
  }

  /** A class's name, a lambda's without its generated suffix. */
  private static String className(Class<?> c) {
    String n = c.getName();
    int lambda = n.indexOf("$$Lambda");
    return lambda > 0 ? n.substring(0, lambda) + ".lambda" : n;
  }

  private static String operation(int op) {
    return switch (op) {
      case QuickJsNative.OP_PRINT -> "print";
      case QuickJsNative.OP_LOOKUP -> "global lookup";
      case QuickJsNative.OP_READ_LINE -> "readLine";
      case QuickJsNative.OP_HOST_KEYS -> "keys";
      case QuickJsNative.OP_HOST_DELETE -> "delete";
      case QuickJsNative.OP_PROMISE_SETTLED -> "promise settled";
      case QuickJsNative.OP_TIMER, QuickJsNative.OP_TIMER_CANCEL -> "timer";
      case QuickJsNative.OP_MODULE_RESOLVE, QuickJsNative.OP_MODULE_LOAD,
          QuickJsNative.OP_HOST_MODULE -> "module load";
      case QuickJsNative.OP_SCRIPT_LOAD -> "load";
      default -> "call " + op;
    };
  }
}
