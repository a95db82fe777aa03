package dev.qjs.internal.bridge;

import dev.qjs.internal.nativelib.NativeLibraryLoader;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The native library's entry points ({@code native-libs/include/qjs_shim.h}) and its protocol
 * constants. Each call goes through the JNI binding ({@link JniBinding}: a downcall of a few
 * nanoseconds, upcalls through a cached method id) or, when that is unavailable or {@code
 * -Dquickjs.binding=jna} asks for it, the JNA mapping ({@link JnaBinding}); the choice is made
 * once per class loader, so the JIT folds the branch away. Only pointers, integers and byte
 * buffers cross; see the header for ownership rules and the encoding.
 *
 * <p>Every protocol constant of the header, {@code QJS_<NAME>}, is mirrored here as {@code
 * <NAME>}, and every {@code static final} primitive field of this class is one of them:
 * {@code ProtocolHeaderTest} parses the header and fails the build when a value differs or a name
 * is missing on either side. Meanings and layouts are documented in the header only.
 */
public final class QuickJsNative {
  // result codes of every call that runs JavaScript
  public static final int OK = 0;
  public static final int EXCEPTION = 1;
  public static final int NOT_FUNCTION = 2;
  public static final int BAD_INPUT = -1;
  public static final int OUT_OF_MEMORY = -2;
  public static final int PENDING = 3;
  public static final int OK_INT = 4;
  public static final int OK_DOUBLE = 5;
  public static final int OK_UNDEFINED = 6;

  // mailbox slots (int64 each: byte offset = slot * 8)
  public static final int MB_OUT_PTR = 0;
  public static final int MB_OUT_LEN = 1;
  public static final int MB_REPLY_PTR = 2;
  public static final int MB_REPLY_LEN = 3;
  public static final int MB_INTERRUPT = 4;
  public static final int MB_DEADLINE = 5;
  public static final int MB_MALLOC_SIZE = 6;
  public static final int MB_STOP_REASON = 7;
  public static final int MB_RELEASED_PTR = 8;
  public static final int MB_RELEASED_COUNT = 9;
  public static final int MB_REALM = 10;
  public static final int MB_BOUND_PTR = 11;
  public static final int MB_BOUND_COUNT = 12;
  public static final int MB_UNHANDLED = 13;
  public static final int MB_RESULT = 14;
  public static final int MB_INSTRUCTION_LIMIT = 15;
  public static final int MB_INSTRUCTIONS = 16;
  public static final int MB_CPU_LIMIT = 17;
  public static final int MB_CPU_DEADLINE = 18;
  public static final int MB_CPU_THREAD = 19;
  public static final int MB_TRACE = 20;
  // CPU profiler slot
  public static final int MB_PROFILE_HOST = 21;
  // debugger slot (issue 19)
  public static final int MB_DEBUG = 22;
  public static final int MB_SLOTS = 23;
  // QJS_MB_TRACE flags: what the shim records for diagnostics
  public static final int TRACE_MAPPED = 1;
  public static final int TRACE_VARIABLES = 2;
  public static final int TRACE_DEBUGGER = 4;

  // qjs_invoke's interned names
  public static final byte INVOKE_NAME_INDEX = 0x40;
  public static final int MAX_NAMES = 1024;

  // host callback operations
  public static final int OP_PRINT = 1;
  public static final int OP_LOOKUP = 2;
  public static final int OP_READ_LINE = 3;
  public static final int OP_HOST_TO_STRING = 5;
  public static final int OP_HOST_GET = 6;
  public static final int OP_HOST_SET = 7;
  public static final int OP_HOST_DELETE = 8;
  public static final int OP_HOST_KEYS = 9;
  public static final int OP_HOST_INVOKE = 10;
  public static final int OP_HOST_CALL = 11;
  public static final int OP_PROMISE_SETTLED = 12;
  public static final int OP_TIMER = 13;
  public static final int OP_TIMER_CANCEL = 14;
  public static final int OP_MODULE_RESOLVE = 15;
  public static final int OP_MODULE_LOAD = 16;
  public static final int OP_HOST_MODULE = 17;
  public static final int OP_HOST_INVOKE_METHOD = 18;
  public static final int OP_SCRIPT_LOAD = 19;
  public static final int OP_MAP_STACK = 20;
  public static final int OP_DEBUGGER = 21;
  public static final int OP_DEBUG_STOP = 22;
  // QJS_MB_DEBUG bits, stop reasons and resume modes of the debugger (issue 19)
  public static final int DEBUG_ATTACHED = 1;
  public static final int DEBUG_PAUSE = 2;
  public static final int DEBUG_EXCEPTIONS_ALL = 4;
  public static final int DEBUG_EXCEPTIONS_UNCAUGHT = 8;
  public static final int DEBUG_GENERATION = 65536;
  public static final int STOP_AT_BREAKPOINT = 1;
  public static final int STOP_AT_STEP = 2;
  public static final int STOP_AT_PAUSE = 3;
  public static final int STOP_AT_DEBUGGER = 4;
  public static final int STOP_AT_EXCEPTION = 5;
  public static final int STOP_AT_LINES = 16;
  public static final int RESUME_CONTINUE = 0;
  public static final int RESUME_OVER = 1;
  public static final int RESUME_IN = 2;
  public static final int RESUME_OUT = 3;
  public static final int RESUME_STOPPED = 4;
  // qjs_debug operations
  public static final int DEBUGOP_HOOK = 1;
  public static final int DEBUGOP_FRAMES = 2;
  public static final int DEBUGOP_SCOPES = 3;
  public static final int DEBUGOP_VARIABLES = 4;
  public static final int DEBUGOP_EVALUATE = 5;
  public static final int DEBUGOP_SET = 6;
  public static final int DEBUG_CHILDREN_MAX = 100;
  // flags of an OP_HOST_INVOKE_METHOD reply
  public static final int INVOKE_SHADOWED = 1;
  public static final int INVOKE_STABLE = 2;
  public static final int INVOKE_KNOWN = 4;
  // the arguments of a call whose result is known (T_HOST_KNOWN's key kinds)
  public static final int KNOWN_NO_ARG = 1;
  public static final int KNOWN_INT = 2;
  public static final int KNOWN_STRING = 3;
  public static final int KNOWN_PROPERTY = 4;
  public static final int KNOWN_INDEX = 5;
  public static final int KNOWN_LENGTH = 6;
  public static final int KNOWN_KEYS = 7;

  // levels of OP_PRINT (argument a)
  public static final int PRINT_LOG = 0;
  public static final int PRINT_INFO = 1;
  public static final int PRINT_DEBUG = 2;
  public static final int PRINT_WARN = 3;
  public static final int PRINT_ERROR = 4;

  // modes of OP_HOST_GET (the u8 after the key)
  public static final int GET_VALUE = 0;
  public static final int GET_CALL = 1;
  public static final int GET_DESCRIBE = 2;

  // what an OP_HOST_GET reply holds (its first u8)
  public static final int GOT_NONE = 0;
  public static final int GOT_VALUE = 1;
  public static final int GOT_METHOD = 2;
  public static final int GOT_GETTER = 3;
  public static final int GOT_NO_METHOD = 4;
  public static final int GOT_STABLE_VALUE = 5;

  // who asks in OP_MODULE_RESOLVE and OP_MODULE_LOAD (argument a)
  public static final int MODULE_IMPORT = 0;
  public static final int MODULE_REQUIRE = 1;

  // which global OP_SCRIPT_LOAD's script runs in (argument a)
  public static final int LOAD_CURRENT = 0;
  public static final int LOAD_NEW_GLOBAL = 1;

  // formats of an OP_MODULE_LOAD reply (its first u8)
  public static final byte FORMAT_ESM = 0;
  public static final byte FORMAT_COMMONJS = 1;
  public static final byte FORMAT_JSON = 2;
  public static final byte FORMAT_HOST = 3;

  // settlement forms: qjs_promise_settle's input and OP_PROMISE_SETTLED's data (first u8)
  public static final int SETTLE_FULFIL = 0;
  public static final int SETTLE_REJECT = 1;
  public static final int SETTLE_THROWABLE = 2;

  // what the host callback returns
  public static final int REPLY_OK = 0;
  public static final int REPLY_THREW = 1;
  public static final int REPLY_TYPE_ERROR = 2;
  public static final int REPLY_RETHROW = 3;
  public static final int REPLY_FATAL = 4;

  // qjs_runtime_memory's statistics
  public static final int MEMORY_FIELDS = 26;

  // kinds of handles in the value encoding
  public static final int KIND_OBJECT = 0;
  public static final int KIND_ARRAY = 1;
  public static final int KIND_FUNCTION = 2;
  public static final int KIND_SYMBOL = 3;
  public static final int KIND_ERROR = 4;
  public static final int KIND_PROMISE = 5;
  public static final int KIND_BYTECODE = 6;

  // value encoding tags
  public static final byte T_UNDEFINED = 0;
  public static final byte T_NULL = 1;
  public static final byte T_FALSE = 2;
  public static final byte T_TRUE = 3;
  public static final byte T_INT = 4;
  public static final byte T_DOUBLE = 5;
  public static final byte T_STRING8 = 6;
  public static final byte T_STRING16 = 7;
  public static final byte T_BIGINT = 8;
  public static final byte T_OBJECT = 9;
  public static final byte T_HANDLE = 10;
  public static final byte T_HOST = 11;
  public static final byte T_DATE = 12;
  public static final byte T_BYTES = 13;
  public static final byte T_MAP = 14;
  public static final byte T_LIST = 15;
  public static final byte T_REF = 16;
  public static final byte T_JSON = 17;
  public static final byte T_EXTBUF = 18;
  public static final byte T_ARRAYBUF = 19;
  public static final byte T_FUTURE = 20;
  public static final byte T_HOST_KNOWN = 21;

  // variants of a Java object seen from JavaScript (the u8 after a host->C T_HOST)
  public static final int VARIANT_OBJECT = 0;
  public static final int VARIANT_MAP = 1;
  public static final int VARIANT_LIST = 2;
  public static final int VARIANT_FUNCTION = 3;
  public static final int VARIANT_CLASS = 4;
  public static final int VARIANT_DYNAMIC = 5;
  public static final int VARIANT_DYNAMIC_FUNCTION = 6;

  // flags of an OP_HOST_CALL (its first byte)
  public static final int CALL_CONSTRUCT = 1;
  public static final int CALL_WITH_THIS = 2;

  // why a call stopped: MB_STOP_REASON and the exception output's stop reason
  public static final int STOP_NONE = 0;
  public static final int STOP_INTERRUPTED = 1;
  public static final int STOP_DEADLINE = 2;
  public static final int STOP_MEMORY = 3;
  public static final int STOP_INSTRUCTIONS = 4;
  public static final int STOP_CPU_TIME = 5;

  // CPU profiler results (s26-profiler)
  /** qjs_unhandled_take encodes at most this many rejections and counts the rest. */
  public static final int UNHANDLED_SHOWN_MAX = 10;
  public static final int PROFILE_RUNNING = 7;
  public static final int PROFILE_NOT_RUNNING = 8;

  // flags of qjs_eval
  public static final int EVAL_COMPILE_ONLY = 1;
  public static final int EVAL_STRICT = 2;
  public static final int EVAL_KEEP_BYTECODE = 4;
  public static final int EVAL_MODULE = 8;
  public static final int EVAL_STRIP_SOURCE = 16;
  public static final int EVAL_STRIP_DEBUG = 32;

  /** Null when the library is loaded and registered, else what {@link #ensureLoaded} reports. */
  private static final @Nullable IllegalStateException LOAD_FAILURE =
      NativeLibraryLoader.register(JnaBinding.class);

  /** True when calls go through JNI (see {@link JniBinding#load}). */
  private static final Boolean JNI = LOAD_FAILURE == null && JniBinding.load();

  private QuickJsNative() {}

  /**
   * Throws a clear error when the native library could not be loaded: what this JVM is, what was
   * looked for, what the class path holds, the loader's own words and the way out.
   */
  public static void ensureLoaded() {
    if (LOAD_FAILURE != null) {
      throw new IllegalStateException(LOAD_FAILURE.getMessage(), LOAD_FAILURE.getCause());
    }
  }

  /** The binding calls go through: {@code "jni"} or {@code "jna"}. */
  public static String binding() {
    ensureLoaded();
    return JNI ? "jni" : "jna";
  }

  /**
   * The host callback, {@code qjs_host_fn}: (token, op, a, data address, length) → status. Only
   * primitives cross, so JNA takes its fast path for the call.
   */
  public interface HostFunction extends com.sun.jna.Callback {
    int invoke(int token, int op, long a, long data, int len);
  }

  /**
   * A new runtime whose host calls go to {@code host} with {@code token}; 0 when out of memory.
   * Every runtime of the process has the same {@code host} (the token names the runtime).
   */
  public static long qjs_runtime_new(ByteBuffer mailbox, HostFunction host, int token) {
    if (JNI) {
      JniBinding.setHost(host);
      return JniBinding.qjs_runtime_new(mailbox, token);
    }
    return JnaBinding.qjs_runtime_new(mailbox, host, token);
  }

  public static void qjs_runtime_free(long rt) {
    if (JNI) {
      JniBinding.qjs_runtime_free(rt);
    } else {
      JnaBinding.qjs_runtime_free(rt);
    }
  }

  public static void qjs_runtime_set_limits(long rt, long memoryLimit, long maxStack, long gcThreshold) {
    if (JNI) {
      JniBinding.qjs_runtime_set_limits(rt, memoryLimit, maxStack, gcThreshold);
    } else {
      JnaBinding.qjs_runtime_set_limits(rt, memoryLimit, maxStack, gcThreshold);
    }
  }

  public static void qjs_runtime_gc(long rt) {
    if (JNI) {
      JniBinding.qjs_runtime_gc(rt);
    } else {
      JnaBinding.qjs_runtime_gc(rt);
    }
  }

  public static void qjs_runtime_memory(long rt, long[] out) {
    if (JNI) {
      JniBinding.qjs_runtime_memory(rt, out);
    } else {
      JnaBinding.qjs_runtime_memory(rt, out);
    }
  }

  public static long qjs_realm_new(long rt) {
    if (JNI) {
      return JniBinding.qjs_realm_new(rt);
    } else {
      return JnaBinding.qjs_realm_new(rt);
    }
  }

  public static void qjs_realm_free(long rt, long realm) {
    if (JNI) {
      JniBinding.qjs_realm_free(rt, realm);
    } else {
      JnaBinding.qjs_realm_free(rt, realm);
    }
  }

  public static void qjs_handles_free(long rt, long[] handles, int n) {
    if (JNI) {
      JniBinding.qjs_handles_free(rt, handles, n);
    } else {
      JnaBinding.qjs_handles_free(rt, handles, n);
    }
  }

  public static int qjs_eval(long rt, long realm, long src, int srcLen, byte[] filename, int flags) {
    if (JNI) {
      return JniBinding.qjs_eval(rt, realm, src, srcLen, filename, flags);
    } else {
      return JnaBinding.qjs_eval(rt, realm, src, srcLen, filename, flags);
    }
  }

  public static int qjs_eval_bytecode(long rt, long realm, long bytecode) {
    if (JNI) {
      return JniBinding.qjs_eval_bytecode(rt, realm, bytecode);
    } else {
      return JnaBinding.qjs_eval_bytecode(rt, realm, bytecode);
    }
  }

  public static int qjs_bytecode_write(long rt, long realm, long bytecode) {
    if (JNI) {
      return JniBinding.qjs_bytecode_write(rt, realm, bytecode);
    } else {
      return JnaBinding.qjs_bytecode_write(rt, realm, bytecode);
    }
  }

  public static int qjs_bytecode_read(long rt, long realm, long buf, int len) {
    if (JNI) {
      return JniBinding.qjs_bytecode_read(rt, realm, buf, len);
    } else {
      return JnaBinding.qjs_bytecode_read(rt, realm, buf, len);
    }
  }

  public static int qjs_invoke(long rt, long realm, long in, int len) {
    if (JNI) {
      return JniBinding.qjs_invoke(rt, realm, in, len);
    } else {
      return JnaBinding.qjs_invoke(rt, realm, in, len);
    }
  }

  public static int qjs_name_intern(long rt, long realm, long in, int len) {
    if (JNI) {
      return JniBinding.qjs_name_intern(rt, realm, in, len);
    } else {
      return JnaBinding.qjs_name_intern(rt, realm, in, len);
    }
  }

  public static int qjs_get(long rt, long realm, long in, int len) {
    if (JNI) {
      return JniBinding.qjs_get(rt, realm, in, len);
    } else {
      return JnaBinding.qjs_get(rt, realm, in, len);
    }
  }

  public static int qjs_set(long rt, long realm, long in, int len) {
    if (JNI) {
      return JniBinding.qjs_set(rt, realm, in, len);
    } else {
      return JnaBinding.qjs_set(rt, realm, in, len);
    }
  }

  public static int qjs_set_many(long rt, long realm, long in, int len) {
    if (JNI) {
      return JniBinding.qjs_set_many(rt, realm, in, len);
    } else {
      return JnaBinding.qjs_set_many(rt, realm, in, len);
    }
  }

  public static int qjs_delete(long rt, long realm, long in, int len) {
    if (JNI) {
      return JniBinding.qjs_delete(rt, realm, in, len);
    } else {
      return JnaBinding.qjs_delete(rt, realm, in, len);
    }
  }

  public static int qjs_has(long rt, long realm, long in, int len) {
    if (JNI) {
      return JniBinding.qjs_has(rt, realm, in, len);
    } else {
      return JnaBinding.qjs_has(rt, realm, in, len);
    }
  }

  public static int qjs_entries(long rt, long realm, long in, int len) {
    if (JNI) {
      return JniBinding.qjs_entries(rt, realm, in, len);
    } else {
      return JnaBinding.qjs_entries(rt, realm, in, len);
    }
  }

  public static int qjs_to_string(long rt, long realm, long in, int len) {
    if (JNI) {
      return JniBinding.qjs_to_string(rt, realm, in, len);
    } else {
      return JnaBinding.qjs_to_string(rt, realm, in, len);
    }
  }

  public static int qjs_to_java(long rt, long realm, long in, int len) {
    if (JNI) {
      return JniBinding.qjs_to_java(rt, realm, in, len);
    } else {
      return JnaBinding.qjs_to_java(rt, realm, in, len);
    }
  }

  public static int qjs_to_json(long rt, long realm, long in, int len) {
    if (JNI) {
      return JniBinding.qjs_to_json(rt, realm, in, len);
    } else {
      return JnaBinding.qjs_to_json(rt, realm, in, len);
    }
  }

  public static int qjs_echo(long rt, long realm, long in, int len) {
    if (JNI) {
      return JniBinding.qjs_echo(rt, realm, in, len);
    } else {
      return JnaBinding.qjs_echo(rt, realm, in, len);
    }
  }

  public static int qjs_promise_watch(long rt, long realm, long promise, long id) {
    if (JNI) {
      return JniBinding.qjs_promise_watch(rt, realm, promise, id);
    } else {
      return JnaBinding.qjs_promise_watch(rt, realm, promise, id);
    }
  }

  public static int qjs_promise_settle(long rt, long realm, long resolvers, long in, int len) {
    if (JNI) {
      return JniBinding.qjs_promise_settle(rt, realm, resolvers, in, len);
    } else {
      return JnaBinding.qjs_promise_settle(rt, realm, resolvers, in, len);
    }
  }

  public static int qjs_timer_fire(long rt, long realm, long id) {
    if (JNI) {
      return JniBinding.qjs_timer_fire(rt, realm, id);
    } else {
      return JnaBinding.qjs_timer_fire(rt, realm, id);
    }
  }

  public static int qjs_unhandled_take(long rt) {
    if (JNI) {
      return JniBinding.qjs_unhandled_take(rt);
    } else {
      return JnaBinding.qjs_unhandled_take(rt);
    }
  }

  // ---------------------------------------------------- CPU profiler and heap summary (s26-profiler)

  public static int qjs_profile_start(long rt, long intervalNanos, int maxSamples) {
    if (JNI) {
      return JniBinding.qjs_profile_start(rt, intervalNanos, maxSamples);
    } else {
      return JnaBinding.qjs_profile_start(rt, intervalNanos, maxSamples);
    }
  }

  public static int qjs_profile_stop(long rt) {
    if (JNI) {
      return JniBinding.qjs_profile_stop(rt);
    } else {
      return JnaBinding.qjs_profile_stop(rt);
    }
  }

  public static int qjs_heap_summary(long rt) {
    if (JNI) {
      return JniBinding.qjs_heap_summary(rt);
    } else {
      return JnaBinding.qjs_heap_summary(rt);
    }
  }

  // ---------------------------------------------------- the debugger (issue 19)

  public static int qjs_debug(long rt, int opFrame, long in, int len) {
    if (JNI) {
      return JniBinding.qjs_debug(rt, opFrame, in, len);
    } else {
      return JnaBinding.qjs_debug(rt, opFrame, in, len);
    }
  }
}
