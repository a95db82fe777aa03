package dev.qjs.internal.bridge;

import dev.qjs.internal.nativelib.NativeLibraryLoader;
import java.io.File;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The JNI binding of the native library ({@code native-libs/src/qjs_jni.c}): the same entry
 * points as {@link JnaBinding}, registered on this class with {@code RegisterNatives}, and the
 * host callback as an upcall to {@link #host}. The library file is the one JNA loaded, so both
 * bindings share one copy of the library.
 *
 * <p>System property {@code quickjs.binding}: unset or {@code auto} uses JNI when it loads and
 * falls back to JNA otherwise (a class loader other than the first to load the library: the JVM
 * lets only one class loader bind a library's JNI methods); {@code jna} uses JNA only; {@code
 * jni} fails loudly when JNI cannot be used.
 */
final class JniBinding {
  static final String PROPERTY = "quickjs.binding";

  /** Where every runtime's host calls go: the same function for all (the token names one). */
  private static volatile QuickJsNative.@Nullable HostFunction host;

  private JniBinding() {}

  /**
   * Loads the library JNA loaded through JNI and binds this class's natives to it.
   *
   * @return true when calls may go through JNI
   * @throws IllegalStateException when {@code quickjs.binding=jni} and JNI cannot be used, or the
   *     property names no binding
   */
  static boolean load() {
    String wanted = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
    switch (wanted) {
      case "jna":
        return false;
      case "auto":
      case "":
      case "jni":
        break;
      default:
        throw new IllegalStateException(
            "-D" + PROPERTY + "=" + wanted + " names no binding: use jni, jna or auto");
    }
    File file = NativeLibraryLoader.loadedFile();
    Throwable failure = null;
    int registered = -1;
    if (file != null) {
      try {
        System.load(file.getAbsolutePath());
        registered = register();
      } catch (RuntimeException | LinkageError e) {
        failure = e;
      }
    }
    if (registered == 0) {
      return true;
    }
    if (wanted.equals("jni")) {
      String why =
          file == null
              ? "the library was not loaded from a file"
              : registered == 1
                  ? "another class loader already bound the library's JNI methods"
                  : "binding " + file + " failed";
      throw new IllegalStateException(
          "-D" + PROPERTY + "=jni: the JNI binding cannot be used: " + why
              + (failure == null ? "" : ": " + failure)
              + "; -D" + PROPERTY + "=jna uses JNA instead",
          failure);
    }
    return false;
  }

  static void setHost(QuickJsNative.HostFunction function) {
    host = function;
  }

  /**
   * The upcall of every host call ({@code qjs_host_fn}): the host function's status plus one, so
   * that the C side asks whether an exception is pending only when it sees 0 (what a JNI call
   * that threw returns). Never throws itself (the host function catches everything; an error
   * thrown before it runs is handled by the C side).
   */
  @SuppressWarnings("unused") // called from native code
  private static int host(int token, int op, long a, long data, int len) {
    QuickJsNative.HostFunction function = host;
    return 1 + (function == null ? QuickJsNative.REPLY_OK : function.invoke(token, op, a, data, len));
  }

  /** 0 when bound, 1 when another class loader's class is bound, -1 with an exception thrown. */
  private static native int register();

  static native long qjs_runtime_new(ByteBuffer mailbox, int token);

  static native void qjs_runtime_free(long rt);

  static native void qjs_runtime_set_limits(long rt, long memoryLimit, long maxStack, long gcThreshold);

  static native void qjs_runtime_gc(long rt);

  static native void qjs_runtime_memory(long rt, long[] out);

  static native long qjs_realm_new(long rt);

  static native void qjs_realm_free(long rt, long realm);

  static native void qjs_handles_free(long rt, long[] handles, int n);

  static native int qjs_eval(long rt, long realm, long src, int srcLen, byte[] filename, int flags);

  static native int qjs_eval_bytecode(long rt, long realm, long bytecode);

  static native int qjs_bytecode_write(long rt, long realm, long bytecode);

  static native int qjs_bytecode_read(long rt, long realm, long buf, int len);

  static native int qjs_invoke(long rt, long realm, long in, int len);

  static native int qjs_name_intern(long rt, long realm, long in, int len);

  static native int qjs_get(long rt, long realm, long in, int len);

  static native int qjs_set(long rt, long realm, long in, int len);

  static native int qjs_set_many(long rt, long realm, long in, int len);

  static native int qjs_delete(long rt, long realm, long in, int len);

  static native int qjs_has(long rt, long realm, long in, int len);

  static native int qjs_entries(long rt, long realm, long in, int len);

  static native int qjs_to_string(long rt, long realm, long in, int len);

  static native int qjs_to_java(long rt, long realm, long in, int len);

  static native int qjs_to_json(long rt, long realm, long in, int len);

  static native int qjs_echo(long rt, long realm, long in, int len);

  static native int qjs_promise_watch(long rt, long realm, long promise, long id);

  static native int qjs_promise_settle(long rt, long realm, long resolvers, long in, int len);

  static native int qjs_timer_fire(long rt, long realm, long id);

  static native int qjs_unhandled_take(long rt);

  // CPU profiler and heap summary (s26-profiler)
  static native int qjs_profile_start(long rt, long intervalNanos, int maxSamples);

  static native int qjs_profile_stop(long rt);

  static native int qjs_heap_summary(long rt);

  // the debugger (issue 19)
  static native int qjs_debug(long rt, int opFrame, long in, int len);
}
