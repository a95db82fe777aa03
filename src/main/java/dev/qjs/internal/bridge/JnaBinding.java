package dev.qjs.internal.bridge;

import java.nio.ByteBuffer;

/**
 * The JNA direct mapping of {@code native-libs/include/qjs_shim.h}: the loader, and the binding
 * used where the JNI one is not (see {@link QuickJsNative}). Only pointers, integers and byte
 * buffers cross, so JNA takes its fast path for every call.
 */
final class JnaBinding {
  private JnaBinding() {}

  static native long qjs_runtime_new(ByteBuffer mailbox, QuickJsNative.HostFunction host, int token);

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
