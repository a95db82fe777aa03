/*
 * qjs_private.h - what the shim's files share and nothing else: the runtime's and realms'
 * structures, the byte buffers and readers (inline: every encoder writes through them), the
 * value handles, the entry macros of the exported calls, and the functions one file offers
 * the others. Included by every native-libs/src/qjs_*.c except qjs_internal.c (which compiles
 * QuickJS itself and offers its few internals through qjs_internal.h).
 *
 * The files, by responsibility:
 *   qjs_runtime.c  runtimes and realms (create, free, limits, memory), handles, the stack
 *                  bounds and interrupt checks of every entry (enter/leave)
 *   qjs_codec.c    the byte encoding shared with Java: values in and out, the input of a
 *                  call, deep copies to plain Java values (qjs_to_java)
 *   qjs_result.c   a call's end: the microtask checkpoint, then its value or exception
 *                  (with its cause chain) written to the output buffer
 *   qjs_host.c     Java objects seen from JavaScript: host callbacks, the host classes and
 *                  their members, the global scope fallback
 *   qjs_console.c  print, readLine and console.* (format specifiers, text that never throws)
 *   qjs_async.c    promises, Java futures, timers, microtasks, unhandled rejections
 *   qjs_modules.c  ES module loading, CommonJS require, JSON and host modules
 *   qjs_api.c      the exported calls that run JavaScript: eval, invoke, properties, text
 *
 * Two rules keep the shim safe to call from a JVM:
 *  - nothing that Java sends (however malformed) reaches an assert or abort:
 *    every read of the input is bounds-checked and every handle is checked;
 *  - encoding a result never runs JavaScript, so a host callback that re-enters
 *    the runtime cannot overwrite an output that is half written. Values that
 *    need JavaScript (getters, ToString) are collected first, then encoded.
 *
 * Protocol constants (QJS_T_*, QJS_OP_*, QJS_MB_* ...) live in qjs_shim.h only; a copy here
 * or in any file of this folder fails ProtocolHeaderTest.
 */
#ifndef QJS_PRIVATE_H
#define QJS_PRIVATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qjs_shim.h"
#include "qjs_internal.h"
#include "cutils.h"
#include "list.h"

/* ---------- structures ---------- */

#define BOX_MAGIC 0x716a7362u /* "qjsb" */

typedef struct qjs_box {
    struct list_head link;
    uint32_t magic;
    JSValue v;
} qjs_box;

typedef struct qjs_buf {
    uint8_t *data;
    size_t len, cap;
    int failed;
    int small_uses; /* uses in a row that needed under a quarter of a huge buffer (buf_reset) */
} qjs_buf;

/* One Java method of a class by name, as the function `obj.name(...)` calls (qjs_host.c). */
typedef struct qjs_method_slot {
    int32_t class_id; /* 0: an empty slot */
    JSAtom atom;      /* a counted reference while the slot is used */
    JSValue func;
} qjs_method_slot;

#define QJS_METHOD_SLOTS 512 /* a power of two: slots of a realm's method cache */

typedef struct qjs_realm {
    struct list_head link;
    JSContext *ctx;
    struct qjs_rt *st;
    /* the live wrapper of each host id in this realm (not a reference: cleared by its
       finalizer), so the same Java object is the same JavaScript object within a realm; per
       realm, so a wrapper never carries one realm's prototypes into another */
    void **wrappers;
    int32_t wrappers_cap;
    JSValue timers;     /* timer id -> [callback, repeat, ...arguments] */
    int64_t next_timer;
    JSValue cjs_cache;  /* CommonJS module id -> module object (require.cache) */
    JSValue futures;    /* Java future id -> its promise, while the future is pending */
    /* Java methods by (class id, name), so `obj.m()` on an object of a known class makes one
       host call, not two; QJS_METHOD_SLOTS slots, made on first use */
    qjs_method_slot *methods;
    /* what the realm's wrappers know of their immutable Java objects, by host id (qjs_known.c) */
    struct qjs_known **known;
    int32_t known_cap;
    int32_t known_total; /* entries in all tables */
    JSAtom length_atom;  /* "length", for the known reads of a list's length */
    /* 1 once Java freed the realm (qjs_realm_free) while QuickJS may still run its functions
       (one stored in another realm's global): the struct stays, on the runtime's retired list,
       until QuickJS has freed the context, so their JS_GetContextOpaque is never dangling; it
       caches nothing any more (wrappers, method slots, known values) */
    int retired;
    /* what its interrupt counter was armed with while a call counts poll points (0: not armed;
       see budget_arm in qjs_runtime.c) */
    int armed_polls;
} qjs_realm;

/* A rejection no handler has taken yet (promise undefined: a queueMicrotask callback threw). */
typedef struct qjs_unhandled {
    JSContext *ctx;
    JSValue promise;
    JSValue reason;
} qjs_unhandled;

/* Another thread may enter while the thread below waits in a host call (the Java side lends
   the runtime then, up to 64 entries deep): its entry measures its own stack, and the stack
   bounds of the entry below come back when it leaves. */
#define QJS_MAX_STACK_SAVES 80
#define QJS_MAX_ENTRY_FRAMES 64
typedef struct {
    int depth;
    uintptr_t thread, top, limit;
} qjs_stack_save;

struct qjs_rt {
    JSRuntime *rt;
    int64_t *mb;
    qjs_host_fn host;
    int32_t token;
    int depth;
    qjsi_heap heap; /* heap.oom: set by the allocator when it refused memory during the current call */
    int64_t max_stack;
    struct list_head boxes;
    struct list_head realms;
    struct list_head retired; /* realms Java freed whose context QuickJS still holds */
    qjs_buf out; /* results of calls */
    qjs_buf up;  /* arguments of host callbacks */
    /* the last read of a Java object's member (host id, name, whether the object has it),
       valid until the next host call: `o[k]` then `hasOwnProperty(o, k)` (Handlebars'
       lookupProperty, for every property) asks Java once; see host_get */
    int32_t read_id;
    JSAtom read_atom; /* a counted reference, JS_ATOM_NULL when nothing is remembered */
    int read_found;
    /* QJS_T_HOST_KNOWN values being read inside each other now (qjs_known.c bounds it) */
    int known_depth;
    /* handles made by a deep copy at this depth, freed if the copy fails (nested calls
       made from getters run deeper and own their handles) */
    int64_t *track;
    uint32_t track_n, track_cap;
    int track_depth;
    /* host ids whose count the host must give back (see QJS_MB_RELEASED_*) */
    int32_t *released;
    int32_t released_cap;
    /* (future id, resolving functions handle) pairs for the host (see QJS_MB_BOUND_*) */
    int64_t *bound;
    int32_t bound_cap;
    qjs_unhandled *unhandled;
    int32_t unhandled_n, unhandled_cap;
    /* the thread whose stack QuickJS's stack check measures now (see enter) */
    uintptr_t stack_thread;
    /* the frame and max_stack of the last measurement: a new one only when either changed */
    uintptr_t measured_top;
    int64_t measured_max;
    /* the stack bounds of the entries below, saved by entries from other threads */
    qjs_stack_save stack_saves[QJS_MAX_STACK_SAVES];
    int stack_saves_n;
    /* names qjs_name_intern keeps (counted atoms, freed with the runtime): qjs_invoke's lookup
       of a function by index costs no hashing of its name */
    JSAtom *names;
    int32_t names_n, names_cap;
    /* a call with an instruction budget is counting the poll points of the realms (their
       interrupt counters are armed); the realm that ran last gets the long count */
    int budget_armed;
    qjs_realm *budget_primary;
    /* the JavaScript frame running when each nested entry began (index: the depth below it):
       a backtrace marks where Java called into JavaScript again (qjs_trace.c) */
    const void *entry_frames[QJS_MAX_ENTRY_FRAMES];
    /* the CPU profile being recorded (qjs_profile.c); NULL when none */
    struct qjs_profile *profile;
    /* the debugger (qjs_debug.c): the hook's state, whether this runtime counts among the
       attached ones, and during a stop its context, frames and the values that have a
       variables reference (index + 1), all freed when the stop ends */
    qjsi_debug dbg;
    int dbg_hooked;
    JSContext *dbg_ctx;
    qjsi_debug_frame *dbg_frames;
    int32_t dbg_frames_n;
    JSValue *dbg_held;
    int32_t dbg_held_n, dbg_held_cap;
};


/* Every context's opaque is its realm; the realm knows its runtime. */
static inline qjs_rt *rt_of(JSContext *ctx)
{
    return ((qjs_realm *)JS_GetContextOpaque(ctx))->st;
}

/* Java objects seen from JavaScript, one class per QJS_VARIANT_* (see qjs_shim.h). */
#define HOST_VARIANTS (QJS_VARIANT_DYNAMIC_FUNCTION + 1)

/* ---------- byte buffers and readers ---------- */

static inline int buf_reserve(qjs_buf *b, size_t n)
{
    size_t cap;
    uint8_t *d;
    if (b->failed)
        return -1;
    if (b->len + n <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n) {
        if (cap > SIZE_MAX / 2) {
            b->failed = 1;
            return -1;
        }
        cap *= 2;
    }
    d = realloc(b->data, cap);
    if (!d) {
        b->failed = 1;
        return -1;
    }
    b->data = d;
    b->cap = cap;
    return 0;
}

static inline void buf_reset(qjs_buf *b)
{
    /* A huge buffer is kept while the calls keep needing it: freed and grown again on every
       call, its pages were faulted in afresh each time (a 20 MB string result cost 5 ms of page
       faults for 1 ms of copying). It is given back after 16 uses in a row needed less than a
       quarter of it. b->len is still the length of the use that ends here. */
    if (b->cap > (16u << 20)) {
        b->small_uses = b->len < b->cap / 4 ? b->small_uses + 1 : 0;
        if (b->small_uses >= 16) {
            free(b->data);
            b->data = NULL;
            b->cap = 0;
            b->small_uses = 0;
        }
    }
    b->len = 0;
    b->failed = 0;
}

static inline void buf_put(qjs_buf *b, const void *p, size_t n)
{
    if (n == 0)
        return; /* b->data (or p) may be NULL then: memcpy wants valid pointers even for 0 bytes */
    if (buf_reserve(b, n) == 0) {
        memcpy(b->data + b->len, p, n);
        b->len += n;
    }
}

static inline void buf_u8(qjs_buf *b, uint8_t v) { buf_put(b, &v, 1); }
static inline void buf_i32(qjs_buf *b, int32_t v) { buf_put(b, &v, 4); }
static inline void buf_i64(qjs_buf *b, int64_t v) { buf_put(b, &v, 8); }
static inline void buf_f64(qjs_buf *b, double v) { buf_put(b, &v, 8); }

typedef struct reader {
    const uint8_t *p, *end;
} reader;

static inline int rd_u8(reader *r, uint8_t *v)
{
    if (r->end - r->p < 1) return -1;
    *v = *r->p++;
    return 0;
}

static inline int rd_i32(reader *r, int32_t *v)
{
    if (r->end - r->p < 4) return -1;
    memcpy(v, r->p, 4);
    r->p += 4;
    return 0;
}

static inline int rd_i64(reader *r, int64_t *v)
{
    if (r->end - r->p < 8) return -1;
    memcpy(v, r->p, 8);
    r->p += 8;
    return 0;
}

/* ---------- handles (qjs_runtime.c) ---------- */

/* A new handle owning v; 0 when out of memory (v is then still the caller's). */
int64_t box_new(qjs_rt *st, JSValue v);
void box_free(qjs_rt *st, qjs_box *b);

/* The box of handle h, or NULL when h is no live handle. */
static inline qjs_box *box_get(int64_t h)
{
    qjs_box *b = (qjs_box *)(uintptr_t)h;
    if (!b || b->magic != BOX_MAGIC)
        return NULL;
    return b;
}

/* ---------- entries (qjs_runtime.c) ---------- */

/* Every call into a runtime is bracketed by enter and leave: the outermost entry measures the
   calling thread's stack and clears the stop reason; an entry from another thread while the
   one below waits in a host call measures its own stack, given back by its leave. */
void enter(qjs_rt *st);
void leave(qjs_rt *st);
/* The realm's context; NULL for no realm. */
JSContext *realm_ctx(int64_t realm);
int64_t monotonic_ns(void);
/* QuickJS's interrupt handler: 1 when the caller's interrupt flag, deadline, instruction budget
   or CPU-time limit stops JavaScript now (and records why in QJS_MB_STOP_REASON). */
int interrupt_handler(JSRuntime *rt, void *opaque);
/* The same check made by the shim itself (between promise jobs): 1 when the call must stop. */
int limits_reached(qjs_rt *st);
/* Adds the poll points counted so far to QJS_MB_INSTRUCTIONS (before a host callback, which
   may read it or change the budget) and arms the counters again. */
void budget_sync(qjs_rt *st);

/* The frame of every exported call on a realm: declares ctx and rc, refuses a missing runtime
   or realm with QJS_BAD_INPUT, and enters; END leaves and returns rc. */
#define BEGIN(realm)                                  \
    JSContext *ctx;                                   \
    int32_t rc;                                       \
    if (!st || !(ctx = realm_ctx(realm)))             \
        return QJS_BAD_INPUT;                         \
    enter(st);

#define END() leave(st); return rc;

/* ---------- encoding and decoding (qjs_codec.c) ---------- */

/* Encodes a string-like value (string, rope). Never runs JavaScript. */
void enc_string(JSContext *ctx, qjs_buf *b, JSValueConst v);
/* Encodes v (borrowed). Objects become new handles owned by the receiver. */
void enc_value(JSContext *ctx, qjs_rt *st, qjs_buf *b, JSValueConst v);
/* Decodes one value into *out (a new reference): 0; -1 for malformed input; -2 with a pending
   JS exception. *out is undefined after a failure. */
int dec_value(JSContext *ctx, qjs_rt *st, reader *r, JSValue *out);
/* Reads [object or undefined (the global object)] from the input. */
int dec_target(JSContext *ctx, qjs_rt *st, reader *r, JSValue *out);
/* Reads a property key as an atom (JS_ATOM_NULL after a failure); codes as dec_value. */
int dec_key(JSContext *ctx, qjs_rt *st, reader *r, JSAtom *atom);

/* The input of an exported call that reads one value, or a target and a key, before its own
   fields: the decoding and freeing that qjs_get, qjs_set, qjs_delete, qjs_has, qjs_entries,
   qjs_set_many and the one-value calls share. A call_in_* function returns 0, or the code of
   the first read that failed (as dec_value's, -1 when `in` is NULL), which the call passes to
   finish_decode_error; whatever it returns, call_in_free frees what it decoded. */
typedef struct call_in {
    reader r;    /* the rest of the input, for the call's own fields */
    JSValue v;   /* the value, or the target (undefined in the input: the global object) */
    JSAtom atom; /* the key (call_in_property), else JS_ATOM_NULL */
} call_in;

/* [value] */
int call_in_value(JSContext *ctx, qjs_rt *st, call_in *c, const uint8_t *in, int32_t len);
/* [object or undefined] */
int call_in_target(JSContext *ctx, qjs_rt *st, call_in *c, const uint8_t *in, int32_t len);
/* [object or undefined][key] */
int call_in_property(JSContext *ctx, qjs_rt *st, call_in *c, const uint8_t *in, int32_t len);
void call_in_free(JSContext *ctx, call_in *c);

/* ---------- a call's end (qjs_result.c) ---------- */

/* The microtask checkpoint of an outermost call (depth 1); 1 when a time limit or interrupt
   stopped the jobs. A pending exception is kept. */
int run_jobs_outermost(JSContext *ctx, qjs_rt *st);
/* Output: v (taken), after the checkpoint. QJS_OK or QJS_OUT_OF_MEMORY (or as
   finish_exception when the checkpoint was stopped). */
int32_t finish_value(JSContext *ctx, qjs_rt *st, JSValue v);
/* Output: the pending exception, encoded as enc_exception does. QJS_EXCEPTION or
   QJS_OUT_OF_MEMORY. */
int32_t finish_exception(JSContext *ctx, qjs_rt *st);
/* finish_exception for JS_EXCEPTION, else finish_value. */
int32_t finish(JSContext *ctx, qjs_rt *st, JSValue v);
/* finish for calls that may answer a number or undefined in QJS_MB_RESULT (QJS_OK_INT …). */
int32_t finish_small(JSContext *ctx, qjs_rt *st, JSValue v);
/* A decode failure: either malformed input (QJS_BAD_INPUT) or a pending JS exception (-2). */
int32_t finish_decode_error(JSContext *ctx, qjs_rt *st, int rc);
/* Publishes st->out's address and length in the mailbox. */
void publish_out(qjs_rt *st);
/* Encodes an exception value (borrowed) and its cause chain; see QJS_EXCEPTION. */
void enc_exception(JSContext *ctx, qjs_rt *st, qjs_buf *b, JSValueConst exc, int32_t reason);
/* String(v) as a new string, undefined when it throws (the exception is dropped). */
JSValue to_string_quiet(JSContext *ctx, JSValueConst v);
/* obj[name], undefined when the read throws (the exception is dropped). */
JSValue get_prop_quiet(JSContext *ctx, JSValueConst obj, const char *name);
/* 1 when v is the string text; never throws. */
int is_string_equal(JSContext *ctx, JSValueConst v, const char *text);

/* ---------- Java objects (qjs_host.c) ---------- */

/* Makes the host classes' ids once per process. */
void host_classes_init(void);
/* Registers the host classes and the scope class in rt; -1 on failure. */
int host_classes_register(JSRuntime *rt);
/* Installs in a new realm the Java objects' prototypes, Array.isArray and the scope object
   under the global object; 0 when something failed. */
int host_install(JSContext *ctx, JSValueConst global);
/* Calls the host with st->up as arguments; on success (0) *reply holds the host's reply
   bytes; 1 when the host threw (the JS exception is already set). */
int call_host(JSContext *ctx, qjs_rt *st, int32_t op, int64_t a, reader *reply);
/* An Error for a Java throwable (see qjs_host.c). */
JSValue host_error(JSContext *ctx, qjs_rt *st, int32_t id, reader *r);
/* The QJS_VARIANT_* of a Java object, -1 for any other value. */
int host_variant(JSValueConst v);
/* The host id of a Java object, -1 for any other value. */
int32_t host_id_of(JSValueConst v);
/* Records that the host must give back one count of id. */
void host_release(qjs_rt *st, int32_t id);
/* The free function of an ArrayBuffer over a Java direct ByteBuffer. */
void host_buffer_free(JSRuntime *rt, void *opaque, void *ptr);
/* The wrapper of host id in ctx's realm (the host gave one count for it). */
JSValue host_object_new_variant(JSContext *ctx, int32_t id, int variant, int32_t class_id);
JSValue host_object_new(JSContext *ctx, int32_t id);
/* Forgets the last member read (host_get_property_mode remembers it for hasOwnProperty). */
void host_forget_read(qjs_rt *st);
/* Frees a realm's method cache (before its context). */
/* The member prop of a Java object read for `mode` (QJS_GET_*), through the host. */
JSValue host_get_property_mode(JSContext *ctx, JSValueConst obj, JSAtom prop,
                               JSValueConst receiver, int mode);

/* ---------- the debugger (qjs_debug.c) ---------- */

/* A new runtime's debugger state; and at its end, it no longer counts among the attached. */
void debug_init(qjs_rt *st);
void debug_free(qjs_rt *st);

/* ---------- Java methods called in one host call (qjs_methods.c) ---------- */

/* The function that calls method id `method` of class_id's objects, kept as the realm's method
   `atom` of that class (JS_EXCEPTION on failure). */
JSValue class_method_new(JSContext *ctx, int32_t class_id, JSAtom atom, int32_t method);
/* The realm's function for method `atom` of class_id's objects (a new reference), or
   undefined when it has none. */
JSValue class_method_find(JSContext *ctx, int32_t class_id, JSAtom atom);
/* Frees the realm's method functions (the realm is being freed). */
void class_methods_free(qjs_realm *r);

/* ---------- results known of immutable Java objects (qjs_known.c) ---------- */

/* The known result of calling method id with these arguments on host id: 1 with *out set, 0
   when it is not known, -1 on exception. */
int known_call(JSContext *ctx, int32_t id, int32_t method, int argc, JSValueConst *argv,
               JSValue *out);
/* Keeps v as the result of that call on self (host id), which the host said is stable. */
void known_keep_call(JSContext *ctx, JSValueConst self, int32_t id, int32_t method, int argc,
                     JSValueConst *argv, JSValueConst v);
/* The known value of property prop of host id: 1 with *out set, 0 when not known, -1 on
   exception. */
int known_property(JSContext *ctx, int32_t id, JSAtom prop, JSValue *out);
/* Keeps v as the value of property prop of self (host id), which the host said is stable. */
void known_keep_property(JSContext *ctx, JSValueConst self, int32_t id, JSAtom prop, JSValueConst v);
/* Whether the host should send what it knows of self (host id) with a call's reply: the realm
   knows nothing of it yet and may keep more. */
int known_wanted(JSContext *ctx, JSValueConst self, int32_t id);
/* Reads the entries of a QJS_T_HOST_KNOWN (or a QJS_INVOKE_KNOWN reply) for self. */
int known_read(JSContext *ctx, qjs_rt *st, reader *rd, JSValueConst self, int32_t id);
/* Forgets what realm r knows of host id (its wrapper is being freed). */
void known_forget(JSRuntime *rt, qjs_realm *r, int32_t id);
/* Forgets everything realm r knows (the realm is being freed). */
void known_free_all(qjs_realm *r);
/* Called by QuickJS's OP_get_method_field (patches/07-get-method-field-opcode.patch). */
JSValue qjs_get_method_field(JSContext *ctx, JSValueConst obj, JSAtom atom);

/* ---------- CPU profiler (qjs_profile.c) ---------- */

typedef struct qjs_profile qjs_profile;
/* QuickJS polled while st->profile records: a sample when an interval has passed. */
void profile_tick(qjs_rt *st);
/* An outermost entry while st->profile records: the time since the last call is no one's. */
void profile_enter(qjs_rt *st);
/* A host call of operation op returned while st->profile records: the time it took, when an
   interval or more, as samples of the JavaScript stack under the host's frame
   (QJS_MB_PROFILE_HOST). */
void profile_host_returned(qjs_rt *st, int32_t op);
/* Frees a profile (NULL: nothing). */
void profile_free(qjs_profile *p);

/* ---------- print and console (qjs_console.c) ---------- */

/* Installs print, readLine and console in a new realm. */
void console_install(JSContext *ctx, JSValueConst global);

/* ---------- promises, futures, timers (qjs_async.c) ---------- */

/* Installs the timer functions and queueMicrotask, and makes the realm's timer table;
   0 when that failed. */
int async_install(JSContext *ctx, JSValueConst global);
/* QuickJS's promise rejection tracker: keeps unhandled rejections for qjs_unhandled_take. */
void rejection_tracker(JSContext *ctx, JSValueConst promise, JSValueConst reason,
                       JS_BOOL is_handled, void *opaque);
/* Forgets the unhandled rejections of one context (NULL: of all). */
void unhandled_drop(qjs_rt *st, const JSContext *ctx);
/* Marks a promise handled (no unhandled rejection for it). */
void promise_mark_handled(JSContext *ctx, JSValueConst promise);
/* An integer id as a property key (JS_ATOM_NULL with an exception). */
JSAtom timer_atom(JSContext *ctx, int64_t id);
/* Drops the realm's promise of Java future `fid` (settled, or never handed out). */
void forget_future(JSContext *ctx, qjs_realm *rl, int64_t fid);
/* Publishes a (future id, resolvers handle, realm) triple for the host; -1 when out of memory. */
int bound_append(qjs_rt *st, int64_t id, int64_t handle, int64_t realm);

/* ---------- modules (qjs_modules.c) ---------- */

/* QuickJS's module name normalizer and loader: both ask the host. */
char *module_normalize(JSContext *ctx, const char *base, const char *name, void *opaque);
JSModuleDef *module_loader(JSContext *ctx, const char *name, void *opaque);
/* Installs require() in a new realm. */
void modules_install(JSContext *ctx, JSValueConst global);

#endif
