package dev.qjs.internal.diagnostics;

import dev.qjs.JsStackFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * The Java stack trace of a script failure with its JavaScript frames in it, in the order they
 * ran. The exception is made after the native call that failed has returned, so its own Java
 * frames start with the engine's internals (left out) and go on with the caller's. Where Java
 * called into JavaScript again (a Java method a script called, calling back), the JavaScript
 * stack has a {@link JsStackFrame.Kind#JAVA} frame and the Java stack the upcall that ran that
 * method ({@code HostCalls.dispatch}). The innermost JavaScript frames come first, then the Java
 * frames down to the innermost upcall, then the JavaScript frames down to the next Java frame,
 * and so on. A JAVA frame whose Java code has returned since (the error went on through it)
 * stays a frame of its own; the outermost ones pair with the upcalls still running.
 */
public final class StackInterleaving {
  private static final String INTERNAL = "dev.qjs.internal.";
  /** The Java frame that runs every call from native code into Java (both bindings). */
  private static final String UPCALL_CLASS = "dev.qjs.internal.interop.HostCalls";
  private static final String UPCALL_METHOD = "dispatch";

  private StackInterleaving() {}

  private static boolean isUpcall(StackTraceElement e) {
    return UPCALL_CLASS.equals(e.getClassName()) && UPCALL_METHOD.equals(e.getMethodName());
  }

  /** The engine's own frames and the JVM's reflection and binding frames: left out. */
  private static boolean isPlumbing(StackTraceElement e) {
    String c = e.getClassName();
    if (c.equals("dev.qjs.Mirrors") || c.equals("dev.qjs.QuickJsScriptEngine")
        && (e.getMethodName().startsWith("lambda$") || e.getMethodName().startsWith("inScope"))) {
      return true;
    }
    return c.startsWith(INTERNAL) || c.startsWith("com.sun.jna.") || c.startsWith("jdk.internal.reflect.")
        || c.startsWith("java.lang.invoke.") || c.startsWith("jdk.proxy") || c.equals("java.lang.reflect.Method");
  }

  /** The merged trace: {@code js} innermost first, {@code java} as the exception was made. */
  public static StackTraceElement[] merge(List<JsStackFrame> js, StackTraceElement[] java) {
    List<Integer> upcalls = new ArrayList<>();
    for (int i = 0; i < java.length; i++) {
      if (isUpcall(java[i])) {
        upcalls.add(i);
      }
    }
    List<Integer> javaFrames = new ArrayList<>();
    for (int i = 0; i < js.size(); i++) {
      if (js.get(i).getKind() == JsStackFrame.Kind.JAVA) {
        javaFrames.add(i);
      }
    }
    List<StackTraceElement> out = new ArrayList<>(js.size() + java.length);
    int paired = Math.min(upcalls.size(), javaFrames.size());
    // the outermost JAVA frames pair with the upcalls; any upcall beyond them (a Java exception
    // thrown across JavaScript that had no frame at the time) keeps its Java frames in place
    List<Integer> pairs = javaFrames.subList(javaFrames.size() - paired, javaFrames.size());
    int jsAt = 0;
    int javaAt = 0;
    for (int k = 0; k <= paired; k++) {
      int jsEnd = k < paired ? pairs.get(k) : js.size();
      for (int i = jsAt; i < jsEnd; i++) {
        out.add(js.get(i).toStackTraceElement());
      }
      jsAt = jsEnd + 1; // the JAVA frame itself: its Java frames follow
      int javaEnd = k < paired ? upcalls.get(k) : java.length;
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
