package dev.qjs.internal.diagnostics;

import dev.qjs.JsStackFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * The Java stack trace of a script failure with its JavaScript frames in it, in the order they
 * ran. The exception is made after the native call that failed has returned, so its own Java
 * frames start with the engine's internals (dropped) and go on with the caller's. A JavaScript
 * stack that called Java which called JavaScript again holds a native frame for each Java method
 * a script called; the Java stack holds, for each, the upcall that ran it. The innermost
 * JavaScript frames come first, then the Java frames down to the innermost upcall, then the
 * JavaScript frames down to the next host call, and so on. When the two do not pair up (a host
 * call's frame cannot be told from a built-in's), the JavaScript frames go on top as one block.
 */
public final class StackInterleaving {
  private static final String INTERNAL = "dev.qjs.internal.";
  /** The frames that run a host call from native code, outermost of each call's Java frames. */
  private static final String UPCALL_CLASS_JNI = "dev.qjs.internal.bridge.JniBinding";
  private static final String UPCALL_METHOD_JNI = "host";
  private static final String UPCALL_CLASS_JNA = "com.sun.jna.CallbackReference$DefaultCallbackProxy";

  private StackInterleaving() {}

  /** Whether a JavaScript frame is a host call: a native function without a name. */
  static boolean isHostCall(JsStackFrame f) {
    return f.isNative() && "<anonymous>".equals(f.getFunctionName());
  }

  private static boolean isUpcall(StackTraceElement e) {
    return UPCALL_CLASS_JNI.equals(e.getClassName()) && UPCALL_METHOD_JNI.equals(e.getMethodName())
        || UPCALL_CLASS_JNA.equals(e.getClassName()) && "callback".equals(e.getMethodName());
  }

  private static boolean isPlumbing(StackTraceElement e) {
    String c = e.getClassName();
    if (c.equals("dev.qjs.Mirrors") || c.equals("dev.qjs.QuickJsScriptEngine")
        && (e.getMethodName().startsWith("lambda$") || e.getMethodName().startsWith("inScope"))) {
      return true;
    }
    return c.startsWith(INTERNAL) || c.startsWith("com.sun.jna.") || c.startsWith("jdk.internal.reflect.")
        || c.startsWith("java.lang.invoke.") || c.startsWith("jdk.proxy") || c.startsWith("java.lang.reflect.Method");
  }

  /** The merged trace: {@code js} innermost first, {@code java} as the exception was made. */
  public static StackTraceElement[] merge(List<JsStackFrame> js, StackTraceElement[] java) {
    List<Integer> upcalls = new ArrayList<>();
    for (int i = 0; i < java.length; i++) {
      if (isUpcall(java[i])) {
        upcalls.add(i);
      }
    }
    List<Integer> hostFrames = new ArrayList<>();
    for (int i = 0; i < js.size(); i++) {
      if (isHostCall(js.get(i))) {
        hostFrames.add(i);
      }
    }
    List<StackTraceElement> out = new ArrayList<>(js.size() + java.length);
    if (hostFrames.size() != upcalls.size()) {
      for (JsStackFrame f : js) {
        out.add(f.toStackTraceElement());
      }
      addJava(out, java, 0, java.length);
      return out.toArray(new StackTraceElement[0]);
    }
    int jsAt = 0;
    int javaAt = 0;
    for (int k = 0; k <= upcalls.size(); k++) {
      int jsEnd = k < hostFrames.size() ? hostFrames.get(k) : js.size();
      for (int i = jsAt; i < jsEnd; i++) {
        out.add(js.get(i).toStackTraceElement());
      }
      jsAt = jsEnd + 1; // the host call's own frame: its Java frames follow
      int javaEnd = k < upcalls.size() ? upcalls.get(k) : java.length;
      addJava(out, java, javaAt, javaEnd);
      javaAt = javaEnd + 1;
    }
    return out.toArray(new StackTraceElement[0]);
  }

  /** java[from, to) without the engine's own frames. */
  private static void addJava(List<StackTraceElement> out, StackTraceElement[] java, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!isPlumbing(java[i])) {
        out.add(java[i]);
      }
    }
  }
}
