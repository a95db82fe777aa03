/*
 * qjs_shim.h - the C surface that quickjs-jsr223 calls through JNA.
 *
 * Ownership, in one paragraph: a qjs_rt owns one QuickJS runtime, every realm
 * (JSContext) created in it and every value handle it ever returned. A value
 * handle (qjs_handle, an opaque 64-bit number) that a function returns belongs
 * to the caller, who gives it back with qjs_handles_free; a handle passed in as
 * an argument is borrowed and never consumed. Buffers passed in are borrowed for
 * the duration of the call. Results are written into the runtime's own output
 * buffer, whose address and length are published in the mailbox; they stay valid
 * until the next call on the same runtime. qjs_runtime_free releases everything
 * the runtime still owns, including handles the caller forgot, so it never trips
 * over a live object. No JSValue ever crosses this interface by value.
 *
 * Every function that runs JavaScript sets the runtime's stack limit from the
 * calling thread's real stack on the outermost entry only, so a nested entry
 * (JS -> Java -> JS) never moves it deeper.
 *
 * Every protocol constant (result codes, mailbox slots, ops, reply codes, tags, modes, flags)
 * is defined here once, as `#define QJS_<NAME> <integer>`. The Java side mirrors each one as
 * QuickJsNative.<NAME>; ProtocolHeaderTest parses this file and fails the build when a value
 * differs or a name is missing on either side.
 */
#ifndef QJS_SHIM_H
#define QJS_SHIM_H

#include <stdint.h>

#if defined(_WIN32)
#define QJS_EXPORT __declspec(dllexport)
#else
#define QJS_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qjs_rt qjs_rt;

/* Result codes of every call that runs JavaScript. */
#define QJS_OK 0
#define QJS_EXCEPTION 1      /* the output holds an encoded exception: [thrown value][name]
                                [message][stack][java host id i32][variables][stop reason i32], then
                                [n i32] causes (its `cause` chain, at most 32, no repeats),
                                each [value][name][message][stack][java host id i32][variables];
                                [variables] is the failing frame's (QJS_TRACE_VARIABLES) or undefined */
#define QJS_NOT_FUNCTION 2   /* qjs_invoke: the member is missing or not callable */
#define QJS_BAD_INPUT (-1)   /* the encoded input was malformed */
#define QJS_OUT_OF_MEMORY (-2) /* the output could not be encoded */
#define QJS_PENDING 3        /* qjs_promise_watch: still pending, reactions attached;
                                qjs_eval of a module: output = [promise][namespace] */
/* qjs_invoke's small results: no output is written, the value is in QJS_MB_RESULT (the
   output of the previous call stays published). Most calls from Java return one of these. */
#define QJS_OK_INT 4         /* a JS int: QJS_MB_RESULT holds it */
#define QJS_OK_DOUBLE 5      /* a JS number that is no int: QJS_MB_RESULT holds its IEEE bits */
#define QJS_OK_UNDEFINED 6   /* undefined or null */

/* Mailbox: an array of int64 slots shared with the caller (caller-owned memory). */
#define QJS_MB_OUT_PTR 0       /* written by C: address of the output bytes */
#define QJS_MB_OUT_LEN 1       /* written by C: length of the output bytes */
#define QJS_MB_REPLY_PTR 2     /* written by the host callback: reply address */
#define QJS_MB_REPLY_LEN 3     /* written by the host callback: reply length */
#define QJS_MB_INTERRUPT 4     /* written by the caller: non-zero interrupts JS */
#define QJS_MB_DEADLINE 5      /* written by the caller: CLOCK_MONOTONIC ns, 0 = none */
#define QJS_MB_MALLOC_SIZE 6   /* written by C after each call: bytes allocated */
#define QJS_MB_STOP_REASON 7   /* written by C: a QJS_STOP_* reason (QJS_STOP_MEMORY only in
                                  the exception output) */
#define QJS_MB_RELEASED_PTR 8   /* written by C: int32 host ids whose count to give back */
#define QJS_MB_RELEASED_COUNT 9 /* C appends; the host resets it to 0 after reading */
#define QJS_MB_REALM 10         /* written by C before a host callback: the calling realm */
#define QJS_MB_BOUND_PTR 11     /* written by C: (i64 future id, i64 handle, i64 realm) triples,
                                   one for each QJS_T_FUTURE decoded: the handle holds the
                                   promise's resolving functions, for qjs_promise_settle */
#define QJS_MB_BOUND_COUNT 12   /* C appends; the host resets it to 0 after reading */
#define QJS_MB_UNHANDLED 13     /* written by C: rejections no handler has taken so far; the host
                                   collects them with qjs_unhandled_take */
#define QJS_MB_RESULT 14        /* written by C: the value of a QJS_OK_INT or QJS_OK_DOUBLE */
#define QJS_MB_INSTRUCTION_LIMIT 15 /* written by the caller: the poll points (QuickJS's interrupt
                                       polls: calls and jumps) a call may pass, 0 = none, -1 =
                                       paused (counted, never stops: the engine's own work) */
#define QJS_MB_INSTRUCTIONS 16  /* poll points the call has passed: the caller sets 0 when a call
                                   begins; C adds to it when it counts (interrupt handler, host
                                   callbacks, each entry and leave) */
#define QJS_MB_CPU_LIMIT 17     /* written by the caller: thread CPU time a call may use, ns, 0 = none */
#define QJS_MB_CPU_DEADLINE 18  /* written by C at the first entry of a call with a CPU limit (the
                                   caller sets 0 when a call begins): the entering thread's CPU
                                   clock plus the limit; 0 = none */
#define QJS_MB_CPU_THREAD 19    /* written by C with QJS_MB_CPU_DEADLINE: the thread whose clock
                                   it is (other threads' entries are not checked against it) */
#define QJS_MB_TRACE 20         /* written by the caller: QJS_TRACE_* flags, what the shim records
                                   for diagnostics (0 = nothing: QuickJS's own backtraces) */
/* ---- CPU profiler slot ---- */
#define QJS_MB_PROFILE_HOST 21  /* written by the host during a host call while a CPU profile
                                   records: the id (> 0) of the name of the Java method called,
                                   shown as the frame of the time the call took */
/* ---- debugger slot (issue 19) ---- */
#define QJS_MB_DEBUG 22         /* written by the host from any thread: QJS_DEBUG_* bits, plus the
                                   breakpoint generation in units of QJS_DEBUG_GENERATION (C asks
                                   again for the breakpoints of a function when it changed); C
                                   clears QJS_DEBUG_PAUSE when it stops */
#define QJS_MB_SLOTS 23

/* QJS_MB_TRACE flags. */
#define QJS_TRACE_MAPPED 1     /* an Error's `stack` is made by the host (QJS_OP_MAP_STACK) when
                                  first read: a source map is registered */
#define QJS_TRACE_VARIABLES 2  /* debug mode: an Error records its failing frame's variables,
                                  sent after its stack in the exception output */
#define QJS_TRACE_DEBUGGER 4   /* `debugger;` calls the host (QJS_OP_DEBUGGER) */

/* Host callback operations (first argument `op`). */
#define QJS_OP_PRINT 1         /* a = a QJS_PRINT_* level; data = [n i32][n strings] */
#define QJS_OP_LOOKUP 2        /* a = realm; data = name; reply = [found u8][value] */
#define QJS_OP_READ_LINE 3     /* a = realm; reply = value (string or null) */
#define QJS_OP_HOST_TO_STRING 5 /* a = host id; reply = string value */
#define QJS_OP_HOST_GET 6      /* a = host id; data = [key][u8 QJS_GET_* mode][u8 1 when C knows
                                  nothing of the object yet, else 0]; reply =
                                  [u8 QJS_GOT_*][value; for QJS_GOT_NO_METHOD the message string;
                                  nothing for QJS_GOT_NONE, _METHOD and _GETTER] */
#define QJS_OP_HOST_SET 7      /* a = host id; data = [key][value]; no reply */
#define QJS_OP_HOST_DELETE 8   /* a = host id; data = key; reply = [u8 deleted] */
#define QJS_OP_HOST_KEYS 9     /* a = host id; reply = [count i32][key strings] */
#define QJS_OP_HOST_INVOKE 10  /* a = host id; data = [name][argc i32][args]; reply = value */
#define QJS_OP_HOST_CALL 11    /* a = host id (a functional interface, a Java class or a
                                  dynamic object); data = [u8 QJS_CALL_* flags][this, when
                                  QJS_CALL_WITH_THIS][argc i32][args]; reply = value */
#define QJS_CALL_CONSTRUCT 1   /* QJS_OP_HOST_CALL flag: called with new */
#define QJS_CALL_WITH_THIS 2   /* QJS_OP_HOST_CALL flag: the call's this follows (dynamic objects) */
#define QJS_OP_PROMISE_SETTLED 12 /* a = watch id (qjs_promise_watch); data = [u8 QJS_SETTLE_FULFIL]
                                  [value] when fulfilled, [u8 QJS_SETTLE_REJECT][exception, as a
                                  QJS_EXCEPTION output] when rejected; no reply */
#define QJS_OP_TIMER 13        /* a = timer id (per realm); data = [f64 delay ms][u8 repeat] */
#define QJS_OP_TIMER_CANCEL 14 /* a = timer id (per realm) */
#define QJS_OP_MODULE_RESOLVE 15 /* a = QJS_MODULE_IMPORT or _REQUIRE; data = [referrer: string or
                                  undefined][specifier string]; reply = [id string] */
#define QJS_OP_MODULE_LOAD 16  /* a = QJS_MODULE_IMPORT or _REQUIRE; data = [id string]; reply =
                                  [u8 QJS_FORMAT_*] then by format: ESM [source]; COMMONJS [source]
                                  [dirname]; JSON [source]; HOST [i32 n][n names] */
#define QJS_OP_HOST_MODULE 17  /* data = [id string]; reply = [i32 n]([name string][value])* */
#define QJS_OP_HOST_INVOKE_METHOD 18 /* a = host id; data = [method id i32 (from a QJS_GOT_METHOD
                                  reply)][u8 1 when C knows nothing of the object yet, else 0]
                                  [argc i32][args]; reply = [u8 flags][value][with
                                  QJS_INVOKE_KNOWN: i32 n and n entries as in QJS_T_HOST_KNOWN, of
                                  the object], or [u8 QJS_INVOKE_SHADOWED] when a Map's entry of
                                  that name shadows the method (C then reads the member and calls
                                  it). The method of every object of its class with that name,
                                  called in one host call */
#define QJS_OP_SCRIPT_LOAD 19  /* load() and loadWithNewGlobal(): a = QJS_LOAD_*; data = [path: a
                                  string][referrer: the calling script's file name, or undefined];
                                  reply = [name string][source string], and for QJS_LOAD_NEW_GLOBAL
                                  [i64 realm]: a new realm the host keeps alive as long as the
                                  calling one; C runs the source there */
#define QJS_OP_MAP_STACK 20    /* an Error's `stack`, read for the first time: data = [stack as
                                  QuickJS writes it: "    at f (file:line:col)" lines][the
                                  definition position "line:col" of each line's function, one
                                  line each, empty for native frames]; reply = [string] */
#define QJS_OP_DEBUGGER 21     /* a `debugger;` statement: data = [stack][definition positions]
                                  (as QJS_OP_MAP_STACK's) [variables of the frame: "arg|var|closure
                                  TAB name TAB value" lines, a host object's value as \x01 id
                                  \x02]; no reply (a throw from the host throws from the statement) */

#define QJS_OP_DEBUG_STOP 22   /* the debugger (qjs_debug.c): a = a QJS_STOP_AT_* reason; data =
                                  [u8 1][the thrown value rendered: i32 length, UTF-8] or [u8 0]; the host waits,
                                  inspecting through qjs_debug, then replies [i32 QJS_RESUME_*].
                                  With a = QJS_STOP_AT_LINES it only asks: data = [source: i32 length, UTF-8]
                                  [n i32][n stop lines i32] of a function and the functions it
                                  defines, reply = [n i32][n breakpoint lines i32] of the source */

/* QJS_MB_DEBUG bits. */
#define QJS_DEBUG_ATTACHED 1   /* a client listens: breakpoints, steps and pauses stop */
#define QJS_DEBUG_PAUSE 2      /* stop at the next instruction */
#define QJS_DEBUG_EXCEPTIONS_ALL 4      /* stop at every throw */
#define QJS_DEBUG_EXCEPTIONS_UNCAUGHT 8 /* stop at a throw no JavaScript catch takes */
#define QJS_DEBUG_GENERATION 65536      /* the unit of the breakpoint generation */

/* Why the engine stopped (a of QJS_OP_DEBUG_STOP). */
#define QJS_STOP_AT_BREAKPOINT 1
#define QJS_STOP_AT_STEP 2
#define QJS_STOP_AT_PAUSE 3
#define QJS_STOP_AT_DEBUGGER 4
#define QJS_STOP_AT_EXCEPTION 5
#define QJS_STOP_AT_LINES 16   /* no stop: a function's lines, for its breakpoints */

/* How a stopped engine goes on (the reply of QJS_OP_DEBUG_STOP). */
#define QJS_RESUME_CONTINUE 0
#define QJS_RESUME_OVER 1
#define QJS_RESUME_IN 2
#define QJS_RESUME_OUT 3
#define QJS_RESUME_STOPPED 4   /* interrupted or closed while stopped: the statement throws as
                                  an interrupt does */

/* Flags of a QJS_OP_HOST_INVOKE_METHOD reply (its first u8). */
#define QJS_INVOKE_SHADOWED 1  /* a Map's entry shadows the method; nothing follows */
#define QJS_INVOKE_STABLE 2    /* the object is immutable and this call gives this result for
                                  these arguments every time: C may keep it (qjs_known.c) */
#define QJS_INVOKE_KNOWN 4     /* the results of the object's other stable calls follow */

/* The arguments of a call whose result is known (QJS_T_HOST_KNOWN's key kinds). */
#define QJS_KNOWN_NO_ARG 1     /* none */
#define QJS_KNOWN_INT 2        /* one integer (an i32) */
#define QJS_KNOWN_STRING 3     /* one string */
/* Entries of a QJS_T_HOST_KNOWN that are not results but say how properties read: [i32 method
   id][u8 kind][string name, for QJS_KNOWN_PROPERTY only], no value. */
#define QJS_KNOWN_PROPERTY 4   /* property `name` is the result of the method (no argument) */
#define QJS_KNOWN_INDEX 5      /* `obj[i]` is the result of the method with the integer i */
#define QJS_KNOWN_LENGTH 6     /* `obj.length` is the result of the method (no argument) */
#define QJS_KNOWN_KEYS 7       /* `obj.k` is the result of the method with the string k, when
                                  that result is known and not null (a map's entries) */

/* Levels of QJS_OP_PRINT (argument a); QJS_PRINT_WARN and above go to the error writer. */
#define QJS_PRINT_LOG 0        /* print() and console.log */
#define QJS_PRINT_INFO 1       /* console.info */
#define QJS_PRINT_DEBUG 2      /* console.debug */
#define QJS_PRINT_WARN 3       /* console.warn */
#define QJS_PRINT_ERROR 4      /* console.error and console.trace */

/* Modes of QJS_OP_HOST_GET (the u8 after the key). */
#define QJS_GET_VALUE 0        /* a read: the value */
#define QJS_GET_CALL 1         /* a read for a method call: Java methods before properties */
#define QJS_GET_DESCRIBE 2     /* a descriptor: a bean property is an accessor, not read */

/* What a QJS_OP_HOST_GET reply holds (its first u8). */
#define QJS_GOT_NONE 0         /* no such member */
#define QJS_GOT_VALUE 1        /* [value] follows */
#define QJS_GOT_METHOD 2       /* a Java method: C makes a function that calls QJS_OP_HOST_INVOKE;
                                  [method id i32] follows: >= 0 when it is the member of every
                                  object of the class (QJS_GET_CALL then keeps one function per
                                  class and name that calls QJS_OP_HOST_INVOKE_METHOD), else -1 */
#define QJS_GOT_GETTER 3       /* QJS_GET_DESCRIBE: a property with a getter, not read */
#define QJS_GOT_NO_METHOD 4    /* QJS_GET_CALL: no such method; [message string] follows */
#define QJS_GOT_STABLE_VALUE 5 /* QJS_GET_VALUE of an immutable object: [value] follows, the same
                                  on every read (C may keep it: qjs_known.c); then, when C asked
                                  for them, the object's known results (i32 n, n entries as in
                                  QJS_T_HOST_KNOWN) */

/* Who asks in QJS_OP_MODULE_RESOLVE and QJS_OP_MODULE_LOAD (argument a). */
#define QJS_MODULE_IMPORT 0    /* an import statement or import() */
#define QJS_MODULE_REQUIRE 1   /* a CommonJS require() */

/* Which global QJS_OP_SCRIPT_LOAD's script runs in (argument a). */
#define QJS_LOAD_CURRENT 0     /* load(): the calling realm's */
#define QJS_LOAD_NEW_GLOBAL 1  /* loadWithNewGlobal(): a fresh realm's */

/* Formats of a QJS_OP_MODULE_LOAD reply (its first u8). */
#define QJS_FORMAT_ESM 0       /* an ES module: [source] */
#define QJS_FORMAT_COMMONJS 1  /* a CommonJS module: [source][dirname] */
#define QJS_FORMAT_JSON 2      /* a JSON module: [source] */
#define QJS_FORMAT_HOST 3      /* a host module: [i32 n][n export names] */

/* Settlement forms: the first u8 of qjs_promise_settle's input and of QJS_OP_PROMISE_SETTLED. */
#define QJS_SETTLE_FULFIL 0    /* [value]: fulfilled with it */
#define QJS_SETTLE_REJECT 1    /* a rejection: [value] (settle) or [exception] (settled) */
#define QJS_SETTLE_THROWABLE 2 /* qjs_promise_settle only: [host id i32][message value] */

/* What a host callback returns (the reply itself is in the mailbox). */
#define QJS_REPLY_OK 0         /* success, reply as the op says */
#define QJS_REPLY_THREW 1      /* the host threw: reply = [host id of the throwable i32][message value] */
#define QJS_REPLY_TYPE_ERROR 2 /* the host refused: reply = [message value], thrown as a TypeError */
#define QJS_REPLY_RETHROW 3    /* reply = [value], a script's error thrown again as itself */
#define QJS_REPLY_FATAL 4      /* the host could not run (a JVM error at the callback's entry):
                                  the call stops as if interrupted */

/* Host callback: returns a QJS_REPLY_* code. A script's error that went out through Java comes
   back with QJS_REPLY_RETHROW and keeps its name, message, place and stack. */
typedef int32_t (*qjs_host_fn)(int32_t token, int32_t op, int64_t a,
                               const uint8_t *data, int32_t len);

/* Kinds of handles in the value encoding. */
#define QJS_KIND_OBJECT 0
#define QJS_KIND_ARRAY 1
#define QJS_KIND_FUNCTION 2
#define QJS_KIND_SYMBOL 3
#define QJS_KIND_ERROR 4
#define QJS_KIND_PROMISE 5
#define QJS_KIND_BYTECODE 6

/* Value encoding tags (little-endian host order, unaligned). */
#define QJS_T_UNDEFINED 0
#define QJS_T_NULL 1
#define QJS_T_FALSE 2
#define QJS_T_TRUE 3
#define QJS_T_INT 4       /* i32 */
#define QJS_T_DOUBLE 5    /* f64 */
#define QJS_T_STRING8 6   /* u32 length, Latin-1 bytes */
#define QJS_T_STRING16 7  /* u32 length in UTF-16 units, units */
#define QJS_T_BIGINT 8    /* u32 length, ASCII decimal */
#define QJS_T_OBJECT 9    /* C->host: u64 handle, u8 kind, u64 identity */
#define QJS_T_HANDLE 10   /* host->C: u64 borrowed handle */
#define QJS_T_DATE 12      /* f64 epoch milliseconds (a valid JS Date) */
#define QJS_T_BYTES 13     /* u32 length, bytes (a Uint8Array, copied) */
#define QJS_T_MAP 14       /* C->host deep copy: i32 count, (key string, value)* */
#define QJS_T_LIST 15      /* C->host deep copy: i32 count, values */
#define QJS_T_REF 16       /* C->host deep copy: i32 index of a container met before */
#define QJS_T_JSON 17      /* host->C: u32 length, UTF-8 JSON text, NUL; parsed into a value */
#define QJS_T_EXTBUF 18    /* host->C: i32 host id, i64 address, i64 length: an ArrayBuffer
                             over a direct ByteBuffer, which stays referenced while it lives */
#define QJS_T_ARRAYBUF 19  /* u32 length, bytes: an ArrayBuffer, copied */
#define QJS_T_FUTURE 20    /* host->C: i64 future id: a new promise whose resolving functions
                             are published in QJS_MB_BOUND_* */
#define QJS_T_HOST 11     /* i32 host object id; host->C adds a u8 QJS_VARIANT_* and an i32 class
                             id: the same for all objects of one Java class, 0 for none */
#define QJS_T_HOST_KNOWN 21 /* host->C: a QJS_T_HOST of an immutable Java object, then results
                             of its stable calls: i32 n, n x [i32 method id][u8 QJS_KNOWN_*][the
                             key: nothing, an i32, or a string value][value] */

/* Variants of a Java object seen from JavaScript (the u8 after a host->C QJS_T_HOST). */
#define QJS_VARIANT_OBJECT 0   /* a bean: Object.prototype */
#define QJS_VARIANT_MAP 1      /* a java.util.Map: Object.prototype */
#define QJS_VARIANT_LIST 2     /* a List or Java array: array-like, Array.prototype */
#define QJS_VARIANT_FUNCTION 3 /* a functional interface: callable */
#define QJS_VARIANT_CLASS 4    /* a Java class from Java.type: static members, callable with new */
#define QJS_VARIANT_DYNAMIC 5  /* a dev.qjs.DynamicObject: every member through the host, no read
                                  remembered; Object.prototype */
#define QJS_VARIANT_DYNAMIC_FUNCTION 6 /* a DynamicObject that is a function: as _DYNAMIC, callable
                                  (with its this) and with new; Function.prototype */

/* Why a call stopped: QJS_MB_STOP_REASON and the exception output's [stop reason i32]. */
#define QJS_STOP_NONE 0        /* it was not stopped */
#define QJS_STOP_INTERRUPTED 1 /* QJS_MB_INTERRUPT was set */
#define QJS_STOP_DEADLINE 2    /* QJS_MB_DEADLINE passed */
#define QJS_STOP_MEMORY 3      /* exception output only: the heap limit refused memory */
#define QJS_STOP_INSTRUCTIONS 4 /* QJS_MB_INSTRUCTIONS passed QJS_MB_INSTRUCTION_LIMIT */
#define QJS_STOP_CPU_TIME 5    /* the thread's CPU clock passed QJS_MB_CPU_DEADLINE */

/* Flags of qjs_eval (combined with |). */
#define QJS_EVAL_COMPILE_ONLY 1  /* compile only: the result is a bytecode handle */
#define QJS_EVAL_STRICT 2        /* strict mode */
#define QJS_EVAL_KEEP_BYTECODE 4 /* compile, run, and put [u8 1][i64 bytecode handle] (or [u8 0]) first */
#define QJS_EVAL_MODULE 8        /* an ES module named filename; with COMPILE_ONLY: compiled and
                                    its imports resolved, nothing run, the result undefined */
#define QJS_EVAL_STRIP_SOURCE 16 /* the functions compiled keep no source text (toString() shows
                                    none; line numbers stay): smaller, faster to read bytecode */
#define QJS_EVAL_STRIP_DEBUG 32  /* nor line numbers or variable names (implies STRIP_SOURCE) */

QJS_EXPORT qjs_rt *qjs_runtime_new(int64_t *mailbox, qjs_host_fn host, int32_t token);
QJS_EXPORT void qjs_runtime_free(qjs_rt *rt);
QJS_EXPORT void qjs_runtime_set_limits(qjs_rt *rt, int64_t memory_limit, int64_t max_stack,
                                       int64_t gc_threshold);
/* Runs QuickJS's garbage collector. */
QJS_EXPORT void qjs_runtime_gc(qjs_rt *rt);
/* The number of int64 statistics qjs_runtime_memory writes. */
#define QJS_MEMORY_FIELDS 26
/* Writes QJS_MEMORY_FIELDS int64 memory statistics (JSMemoryUsage order) into out. */
QJS_EXPORT void qjs_runtime_memory(qjs_rt *rt, int64_t *out);

/* A realm is a JSContext with its own global object; returns its address or 0. */
QJS_EXPORT int64_t qjs_realm_new(qjs_rt *rt);
QJS_EXPORT void qjs_realm_free(qjs_rt *rt, int64_t realm);

/* Frees n handles (an array of handles). */
QJS_EXPORT void qjs_handles_free(qjs_rt *rt, const int64_t *handles, int32_t n);

/* Evaluates src (WTF-8, src_len bytes followed by a NUL) in the realm. flags (QJS_EVAL_*):
   COMPILE_ONLY: the result is a bytecode handle; STRICT; KEEP_BYTECODE: compile,
   run, and put the bytecode first in the output: [u8 1][i64 handle] then the
   result or exception ([u8 0] alone when no handle could be kept); MODULE: an ES
   module named filename: the output is its namespace once evaluated, its error,
   or with QJS_PENDING [evaluation promise][namespace] while a top-level await waits;
   MODULE | COMPILE_ONLY | KEEP_BYTECODE: the module compiled, not run, output = its bytecode
   serialized (for qjs_bytecode_read). At the end
   of every outermost call the promise jobs it queued run before the result is
   encoded. */
QJS_EXPORT int32_t qjs_eval(qjs_rt *rt, int64_t realm, const uint8_t *src, int32_t src_len,
                            const char *filename, int32_t flags);
/* Runs a compiled (bytecode) handle in the realm it was compiled or read in. */
QJS_EXPORT int32_t qjs_eval_bytecode(qjs_rt *rt, int64_t realm, int64_t bytecode);
/* Serializes a bytecode handle; output = raw bytes. */
QJS_EXPORT int32_t qjs_bytecode_write(qjs_rt *rt, int64_t realm, int64_t bytecode);
/* Reads serialized bytecode into the realm; output = encoded handle. Serialized module
   bytecode (qjs_eval with MODULE | COMPILE_ONLY | KEEP_BYTECODE) is not kept but run as it is
   read: its imports resolved through the realm's loader, the output as qjs_eval's MODULE. */
QJS_EXPORT int32_t qjs_bytecode_read(qjs_rt *rt, int64_t realm, const uint8_t *buf, int32_t len);

/* in = [target value][this value][name][argc i32][args...], the name being undefined, a
   key value, or [u8 QJS_INVOKE_NAME_INDEX][i32 index] of a name qjs_name_intern returned.
   With a name, calls target[name] with this = target (the global object when
   target is undefined); without, calls target with the given this. Results: QJS_OK (output =
   value), QJS_OK_INT, QJS_OK_DOUBLE, QJS_OK_UNDEFINED, QJS_EXCEPTION, QJS_NOT_FUNCTION. */
QJS_EXPORT int32_t qjs_invoke(qjs_rt *rt, int64_t realm, const uint8_t *in, int32_t len);
#define QJS_INVOKE_NAME_INDEX 0x40 /* the name of a qjs_invoke as an interned name's index */
#define QJS_MAX_NAMES 1024         /* names one runtime interns at most */
/* in = [key]: keeps the key's atom for the runtime's life, so that qjs_invoke finds a function
   by index instead of hashing the name each call. Returns the index (0 up), or -1 when the
   table is full or memory ran out (the caller then passes the name itself). Runs no JS. */
QJS_EXPORT int32_t qjs_name_intern(qjs_rt *rt, int64_t realm, const uint8_t *in, int32_t len);
/* in = [object or undefined for the global][key][own only u8]; output = value
   (undefined when own only and the property is inherited or missing). */
QJS_EXPORT int32_t qjs_get(qjs_rt *rt, int64_t realm, const uint8_t *in, int32_t len);
/* in = [object or undefined][key][value][want old u8]; output = the previous
   value when asked, else a boolean. */
QJS_EXPORT int32_t qjs_set(qjs_rt *rt, int64_t realm, const uint8_t *in, int32_t len);
/* in = [object or undefined][count i32][key, value]*; output = true. */
QJS_EXPORT int32_t qjs_set_many(qjs_rt *rt, int64_t realm, const uint8_t *in, int32_t len);
/* in = [object or undefined][key]; output = boolean. Deletes, or for a
   non-configurable global binding sets it to undefined. */
QJS_EXPORT int32_t qjs_delete(qjs_rt *rt, int64_t realm, const uint8_t *in, int32_t len);
/* in = [object or undefined][key][own only u8]; output = boolean. */
QJS_EXPORT int32_t qjs_has(qjs_rt *rt, int64_t realm, const uint8_t *in, int32_t len);
/* in = [object or undefined][with values u8]; output = [count i32] then count
   keys (own, enumerable, string-keyed), each followed by its value if asked. */
QJS_EXPORT int32_t qjs_entries(qjs_rt *rt, int64_t realm, const uint8_t *in, int32_t len);
/* in = [value]; output = JS ToString of the value. */
QJS_EXPORT int32_t qjs_to_string(qjs_rt *rt, int64_t realm, const uint8_t *in, int32_t len);

/* in = [value]; output = a deep copy of the value as plain data (T_MAP, T_LIST,
   T_REF for shared and cyclic containers; functions and Java objects as themselves). */
/* in = [value][space: undefined, number or string]; output = JSON.stringify(value)
   (a string, or undefined for values JSON cannot show). */
QJS_EXPORT int32_t qjs_to_json(qjs_rt *rt, int64_t realm, const uint8_t *in, int32_t len);
/* in = [value]; output = the value as JavaScript holds it (e.g. T_JSON parsed). */
QJS_EXPORT int32_t qjs_echo(qjs_rt *rt, int64_t realm, const uint8_t *in, int32_t len);
QJS_EXPORT int32_t qjs_to_java(qjs_rt *rt, int64_t realm, const uint8_t *in, int32_t len);

/* ---- promises, Java futures, timers, modules ---- */

/* Watches a promise handle: QJS_OK with the value when it is fulfilled, QJS_EXCEPTION with the
   reason when it is rejected, or QJS_PENDING after attaching reactions that later report its
   settlement through QJS_OP_PROMISE_SETTLED with `id`. Either way the promise counts as
   handled from then on. */
QJS_EXPORT int32_t qjs_promise_watch(qjs_rt *rt, int64_t realm, int64_t promise, int64_t id);
/* Settles the promise made for a QJS_T_FUTURE: `resolvers` is the handle published in
   QJS_MB_BOUND_* (consumed); in = [u8 QJS_SETTLE_FULFIL][value] to fulfil, [u8 QJS_SETTLE_REJECT]
   [value] to reject with a value, [u8 QJS_SETTLE_THROWABLE][host id i32][message value] to reject
   with a Java throwable (an Error with javaException). Runs the jobs it enables; output = undefined or the exception. */
QJS_EXPORT int32_t qjs_promise_settle(qjs_rt *rt, int64_t realm, int64_t resolvers,
                                      const uint8_t *in, int32_t len);
/* Runs the callback of timer `id` of the realm (a one-shot timer is forgotten first);
   output = the callback's result or its exception. An unknown id does nothing. */
QJS_EXPORT int32_t qjs_timer_fire(qjs_rt *rt, int64_t realm, int64_t id);
/* At most this many of the rejections a take finds are encoded; the others are only counted
   (a script can leave hundreds of thousands behind in one call: reporting each would flood the
   host's log and cost seconds). */
#define QJS_UNHANDLED_SHOWN_MAX 10
/* Output = [shown i32][not shown i32] then, for each of the first `shown` rejections no
   handler took since the last take (and exceptions thrown by queueMicrotask callbacks),
   [realm i64][u8 1 for a microtask's error] and its exception encoding; forgets them all. */
QJS_EXPORT int32_t qjs_unhandled_take(qjs_rt *rt);

/* ---- CPU profiler and heap summary (s26-profiler) ---- */

#define QJS_PROFILE_RUNNING 7     /* qjs_profile_start: a profile already records */
#define QJS_PROFILE_NOT_RUNNING 8 /* qjs_profile_stop: no profile records */
/* Starts recording a CPU profile of everything the runtime runs: a sample of the JavaScript
   stack every interval_ns (checked at QuickJS's poll points), at most max_samples (later ones
   are counted as dropped). QJS_OK, QJS_PROFILE_RUNNING, QJS_BAD_INPUT or QJS_OUT_OF_MEMORY.
   Runs no JavaScript. */
QJS_EXPORT int32_t qjs_profile_start(qjs_rt *rt, int64_t interval_ns, int32_t max_samples);
/* Stops the profile; output = [start ns i64][stop ns i64][interval ns i64][dropped i64]
   [n i32] n frames [kind u8: 0 JS, 1 native, 2 host, 3 other][host name id i32 (a negative
   one: the QJS_OP_* of a call the host did not name)][line i32][column i32 (1-based, of the
   function's definition; 0 unknown)][name: i32 length, UTF-8][file: i32 length, UTF-8]
   [n i32] n call tree nodes [parent node i32 (-1 for node 0, the root)][frame i32]
   [n i32] n samples [node i32][line i32 (1-based, 0 unknown)][duration us i32].
   QJS_OK, QJS_PROFILE_NOT_RUNNING or QJS_OUT_OF_MEMORY. */
QJS_EXPORT int32_t qjs_profile_stop(qjs_rt *rt);
/* The heap summary: output = [n i32] n groups [kind: i32 length, UTF-8][name: i32 length,
   UTF-8][count i64][bytes i64]: the live cells of one kind (a class name, or a parenthesized
   kind of internal cell) and, for plain objects, one constructor (named by its own `name`;
   the kind when none). Runs no JavaScript. QJS_OK or QJS_OUT_OF_MEMORY. */
QJS_EXPORT int32_t qjs_heap_summary(qjs_rt *rt);

/* ---- debugger (issue 19, qjs_debug.c) ---- */

/* qjs_debug's operations (the low 8 bits of op_frame; a frame index above them). */
#define QJS_DEBUGOP_HOOK 1      /* any thread, no output: in = [u8 1 attach | 0 detach]: the
                                   interpreter goes through the statement hook while any runtime
                                   of the process is attached */
#define QJS_DEBUGOP_FRAMES 2    /* during a stop: output = [n i32] n x [function string][source
                                   string][line i32][column i32] */
#define QJS_DEBUGOP_SCOPES 3    /* output = [n i32] n x [name string][reference i64] */
#define QJS_DEBUGOP_VARIABLES 4 /* in = [reference i64][start i32][count i32]; output = [n i32]
                                   n x [name string][value string][type string][reference i64];
                                   an accessor property is "[accessor]" of type "accessor", and its
                                   reference's one child is the value, its getter run */
#define QJS_DEBUGOP_EVALUATE 5  /* in = [expression string]; output = [u8 0 ok | 1 threw][value
                                   string][type string][reference i64] (threw: the message) */
#define QJS_DEBUGOP_SET 6       /* in = [reference i64][name string][expression string]; output as
                                   QJS_DEBUGOP_EVALUATE */
#define QJS_DEBUG_CHILDREN_MAX 100 /* children one QJS_DEBUGOP_VARIABLES answers at most */
/* The debugger's one entry point; every string (in and out) is [i32 length][UTF-8 bytes]. QJS_OK, QJS_BAD_INPUT (no stop, bad input or reference) or QJS_OUT_OF_MEMORY. */
QJS_EXPORT int32_t qjs_debug(qjs_rt *rt, int32_t op_frame, const uint8_t *in, int32_t len);

#ifdef __cplusplus
}
#endif
#endif
