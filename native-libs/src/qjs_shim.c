/*
 * qjs_shim.c - the functions declared in qjs_shim.h: value handles, the value
 * encoding shared with Java, host callbacks, stack and interrupt guards.
 *
 * Two rules keep this file safe to call from a JVM:
 *  - nothing that Java sends (however malformed) reaches an assert or abort:
 *    every read of the input is bounds-checked and every handle is checked;
 *  - encoding a result never runs JavaScript, so a host callback that re-enters
 *    the runtime cannot overwrite an output that is half written. Values that
 *    need JavaScript (getters, ToString) are collected first, then encoded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <math.h>
#include <pthread.h>
#if defined(_WIN32)
#include <windows.h>
#else
#include <unistd.h>
#endif

#include "qjs_shim.h"
#include "qjs_internal.h"
#include "cutils.h"
#include "list.h"

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
} qjs_buf;

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
    int oom; /* set by the allocator when it refused memory during the current call */
    int64_t max_stack;
    struct list_head boxes;
    struct list_head realms;
    qjs_buf out; /* results of calls */
    qjs_buf up;  /* arguments of host callbacks */
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
    /* the stack bounds of the entries below, saved by entries from other threads */
    qjs_stack_save stack_saves[QJS_MAX_STACK_SAVES];
    int stack_saves_n;
};

/* Java objects seen from JavaScript, one class per QJS_VARIANT_* (see qjs_shim.h). */
#define HOST_VARIANTS (QJS_VARIANT_CLASS + 1)
/* Every context's opaque is its realm; the realm knows its runtime. */
static qjs_rt *rt_of(JSContext *ctx)
{
    return ((qjs_realm *)JS_GetContextOpaque(ctx))->st;
}

static JSClassID host_class_ids[HOST_VARIANTS], scope_class_id;
#define host_class_id host_class_ids[0]
static pthread_once_t class_ids_once = PTHREAD_ONCE_INIT;

static void init_class_ids(void)
{
    int i;
    for (i = 0; i < HOST_VARIANTS; i++)
        JS_NewClassID(&host_class_ids[i]);
    JS_NewClassID(&scope_class_id);
}

/* ---------- stack guard ---------- */

#if defined(_MSC_VER)
static __declspec(thread) uintptr_t t_stack_low;
#else
static __thread uintptr_t t_stack_low;
#endif

static uintptr_t thread_stack_low(void)
{
    if (t_stack_low == 0) {
        uintptr_t low = 1;
#if defined(_WIN32)
        ULONG_PTR lo, hi;
        GetCurrentThreadStackLimits(&lo, &hi);
        low = (uintptr_t)lo;
#elif defined(__APPLE__)
        pthread_t self = pthread_self();
        low = (uintptr_t)pthread_get_stackaddr_np(self) - pthread_get_stacksize_np(self);
#else
        pthread_attr_t attr;
        void *addr;
        size_t size;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            if (pthread_attr_getstack(&attr, &addr, &size) == 0)
                low = (uintptr_t)addr;
            pthread_attr_destroy(&attr);
        }
#endif
        t_stack_low = low;
    }
    return t_stack_low;
}

/* Room left below the limit: the JVM's guard and shadow zones (about 24 pages
   on 64-bit HotSpot) plus headroom for host callbacks that run Java code. */
static uintptr_t stack_reserve(void)
{
#if defined(_WIN32)
    uintptr_t page = 4096;
#else
    long p = sysconf(_SC_PAGESIZE);
    uintptr_t page = p > 0 ? (uintptr_t)p : 4096;
#endif
    return 26 * page + 96 * 1024;
}

/* This thread's identity: the address of one of its thread-local variables. */
static uintptr_t this_thread(void)
{
    return (uintptr_t)&t_stack_low;
}

/* Points QuickJS's stack check at the calling thread's stack, from here down. */
static void measure_this_stack(qjs_rt *st)
{
    uintptr_t top = (uintptr_t)__builtin_frame_address(0);
    uintptr_t low = thread_stack_low();
    uintptr_t limit = 0;
    if (low > 1) {
        limit = low + stack_reserve();
        if (limit >= top)
            limit = top; /* no room at all: every JS call is a RangeError */
    }
    if (st->max_stack > 0 && top > (uintptr_t)st->max_stack &&
        top - (uintptr_t)st->max_stack > limit)
        limit = top - (uintptr_t)st->max_stack;
    qjsi_set_stack(st->rt, top, limit);
    st->stack_thread = this_thread();
}

static void enter(qjs_rt *st)
{
    if (st->depth++ == 0) {
        measure_this_stack(st);
        __atomic_store_n(&st->mb[QJS_MB_STOP_REASON], QJS_STOP_NONE, __ATOMIC_RELAXED);
        st->oom = 0;
    } else if (st->stack_thread != this_thread() && st->stack_saves_n < QJS_MAX_STACK_SAVES) {
        /* an entry from another thread while the one below waits in a host call */
        qjs_stack_save *s = &st->stack_saves[st->stack_saves_n++];
        s->depth = st->depth;
        s->thread = st->stack_thread;
        qjsi_get_stack(st->rt, &s->top, &s->limit);
        measure_this_stack(st);
    }
}

static void leave(qjs_rt *st)
{
    if (st->stack_saves_n > 0 && st->stack_saves[st->stack_saves_n - 1].depth == st->depth) {
        qjs_stack_save *s = &st->stack_saves[--st->stack_saves_n];
        qjsi_set_stack(st->rt, s->top, s->limit);
        st->stack_thread = s->thread;
    }
    st->depth--;
    st->mb[QJS_MB_MALLOC_SIZE] = qjsi_malloc_size(st->rt);
}

/* ---------- interrupts ---------- */

static int64_t monotonic_ns(void)
{
#if defined(_WIN32)
    LARGE_INTEGER f, c;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c);
    return (int64_t)((double)c.QuadPart * 1e9 / (double)f.QuadPart);
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
#endif
}

static int interrupt_handler(JSRuntime *rt, void *opaque)
{
    qjs_rt *st = opaque;
    int64_t deadline;
    (void)rt;
    if (__atomic_load_n(&st->mb[QJS_MB_INTERRUPT], __ATOMIC_RELAXED)) {
        __atomic_store_n(&st->mb[QJS_MB_STOP_REASON], QJS_STOP_INTERRUPTED, __ATOMIC_RELAXED);
        return 1;
    }
    deadline = __atomic_load_n(&st->mb[QJS_MB_DEADLINE], __ATOMIC_RELAXED);
    if (deadline != 0 && monotonic_ns() >= deadline) {
        __atomic_store_n(&st->mb[QJS_MB_STOP_REASON], QJS_STOP_DEADLINE, __ATOMIC_RELAXED);
        return 1;
    }
    return 0;
}

/* ---------- buffers ---------- */

static int buf_reserve(qjs_buf *b, size_t n)
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

static void buf_reset(qjs_buf *b)
{
    b->len = 0;
    b->failed = 0;
    /* give back a huge buffer once it has been used */
    if (b->cap > (16u << 20)) {
        free(b->data);
        b->data = NULL;
        b->cap = 0;
    }
}

static void buf_put(qjs_buf *b, const void *p, size_t n)
{
    if (buf_reserve(b, n) == 0) {
        memcpy(b->data + b->len, p, n);
        b->len += n;
    }
}

static void buf_u8(qjs_buf *b, uint8_t v) { buf_put(b, &v, 1); }
static void buf_i32(qjs_buf *b, int32_t v) { buf_put(b, &v, 4); }
static void buf_i64(qjs_buf *b, int64_t v) { buf_put(b, &v, 8); }
static void buf_f64(qjs_buf *b, double v) { buf_put(b, &v, 8); }

typedef struct reader {
    const uint8_t *p, *end;
} reader;

static int rd_u8(reader *r, uint8_t *v)
{
    if (r->end - r->p < 1) return -1;
    *v = *r->p++;
    return 0;
}

static int rd_i32(reader *r, int32_t *v)
{
    if (r->end - r->p < 4) return -1;
    memcpy(v, r->p, 4);
    r->p += 4;
    return 0;
}

static int rd_i64(reader *r, int64_t *v)
{
    if (r->end - r->p < 8) return -1;
    memcpy(v, r->p, 8);
    r->p += 8;
    return 0;
}

/* ---------- handles ---------- */

static int64_t box_new(qjs_rt *st, JSValue v)
{
    qjs_box *b = malloc(sizeof(*b));
    if (!b)
        return 0;
    b->magic = BOX_MAGIC;
    b->v = v;
    list_add_tail(&b->link, &st->boxes);
    if (st->track_depth && st->depth == st->track_depth) {
        if (st->track_n == st->track_cap) {
            uint32_t cap = st->track_cap ? st->track_cap * 2 : 16;
            int64_t *t = realloc(st->track, sizeof(int64_t) * cap);
            if (t) {
                st->track = t;
                st->track_cap = cap;
            }
        }
        if (st->track_n < st->track_cap)
            st->track[st->track_n++] = (int64_t)(uintptr_t)b;
    }
    return (int64_t)(uintptr_t)b;
}

static qjs_box *box_get(int64_t h)
{
    qjs_box *b = (qjs_box *)(uintptr_t)h;
    if (!b || b->magic != BOX_MAGIC)
        return NULL;
    return b;
}

static void box_free(qjs_rt *st, qjs_box *b)
{
    list_del(&b->link);
    b->magic = 0;
    JS_FreeValueRT(st->rt, b->v);
    free(b);
}

/* ---------- host callbacks ---------- */

/* Calls the host; on success *reply points at the host's reply bytes. Returns
   0 on success, 1 when the host threw (the JS exception is already set). */
static JSValue host_object_new(JSContext *ctx, int32_t id);
static int dec_value(JSContext *ctx, qjs_rt *st, reader *r, JSValue *out);
static void promise_mark_handled(JSContext *ctx, JSValueConst promise);
static JSAtom timer_atom(JSContext *ctx, int64_t id);

/* An Error for a Java throwable: message from the reader (when given and not empty), and
   javaException = the host object `id` (when id >= 0). */
static JSValue host_error(JSContext *ctx, qjs_rt *st, int32_t id, reader *r)
{
    JSValue err, msg = JS_UNDEFINED;
    err = JS_NewError(ctx);
    if (JS_IsException(err))
        return err;
    if (r && r->end - r->p > 0) {
        if (dec_value(ctx, st, r, &msg) < 0) {
            if (JS_HasException(ctx))
                JS_FreeValue(ctx, JS_GetException(ctx));
            msg = JS_UNDEFINED;
        }
    }
    if (!JS_IsUndefined(msg))
        JS_DefinePropertyValueStr(ctx, err, "message", msg,
                                  JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    if (id >= 0) {
        JSValue h = host_object_new(ctx, id);
        if (!JS_IsException(h))
            JS_DefinePropertyValueStr(ctx, err, "javaException", h, JS_PROP_CONFIGURABLE);
        else
            JS_FreeValue(ctx, JS_GetException(ctx));
    }
    return err;
}

static int call_host(JSContext *ctx, qjs_rt *st, int32_t op, int64_t a, reader *reply)
{
    int32_t rc;
    st->mb[QJS_MB_REPLY_PTR] = 0;
    st->mb[QJS_MB_REPLY_LEN] = 0;
    st->mb[QJS_MB_REALM] = ctx ? (int64_t)(uintptr_t)JS_GetContextOpaque(ctx) : 0;
    if (st->up.failed && ctx) {
        JS_ThrowOutOfMemory(ctx);
        return 1;
    }
    rc = st->host(st->token, op, a, st->up.data, (int32_t)st->up.len);
    reply->p = (const uint8_t *)(uintptr_t)st->mb[QJS_MB_REPLY_PTR];
    reply->end = reply->p ? reply->p + st->mb[QJS_MB_REPLY_LEN] : NULL;
    if (rc == QJS_REPLY_RETHROW) {
        /* a JavaScript error that went out through Java comes back as itself */
        JSValue thrown = JS_UNDEFINED;
        if (!ctx)
            return 1;
        if (!reply->p || dec_value(ctx, st, reply, &thrown) < 0) {
            if (!JS_HasException(ctx))
                JS_ThrowInternalError(ctx, "bad host reply");
            return 1;
        }
        JS_Throw(ctx, thrown);
        return 1;
    }
    if (rc == QJS_REPLY_TYPE_ERROR) {
        /* the host refused (no such member, a blocked type, a bad argument): a TypeError */
        JSValue msg = JS_UNDEFINED;
        const char *text;
        if (!ctx)
            return 1;
        if (reply->p && dec_value(ctx, st, reply, &msg) < 0)
            msg = JS_UNDEFINED;
        text = JS_IsString(msg) ? JS_ToCString(ctx, msg) : NULL;
        JS_ThrowTypeError(ctx, "%s", text ? text : "not allowed on a Java object");
        if (text)
            JS_FreeCString(ctx, text);
        JS_FreeValue(ctx, msg);
        return 1;
    }
    if (rc != QJS_REPLY_OK) { /* QJS_REPLY_THREW, or any other code */
        int32_t id = -1;
        JSValue err;
        if (!ctx)
            return 1;
        if (reply->p)
            rd_i32(reply, &id);
        err = host_error(ctx, st, id, reply->p ? reply : NULL);
        if (!JS_IsException(err))
            JS_Throw(ctx, err);
        return 1;
    }
    return 0;
}

static int host_variant(JSValueConst v)
{
    JSClassID c = JS_GetClassID((JSValue)v);
    int i;
    if (c == 0)
        return -1;
    for (i = 0; i < HOST_VARIANTS; i++) {
        if (host_class_ids[i] == c)
            return i;
    }
    return -1;
}

static int32_t host_id_of(JSValueConst v)
{
    int variant = host_variant(v);
    if (variant < 0)
        return -1;
    return (int32_t)(intptr_t)JS_GetOpaque((JSValue)v, host_class_ids[variant]);
}

/* Records that the host must give back one count of id; published in the mailbox and
   consumed (count reset to 0) by the host after its outermost call. */
static void host_release(qjs_rt *st, int32_t id)
{
    int64_t n = st->mb[QJS_MB_RELEASED_COUNT];
    if (n >= st->released_cap) {
        int32_t cap = st->released_cap ? st->released_cap * 2 : 64;
        int32_t *a = realloc(st->released, sizeof(int32_t) * (size_t)cap);
        if (!a)
            return; /* the Java object then stays referenced until the engine closes */
        st->released = a;
        st->released_cap = cap;
        st->mb[QJS_MB_RELEASED_PTR] = (int64_t)(uintptr_t)a;
    }
    st->released[n] = id;
    st->mb[QJS_MB_RELEASED_COUNT] = n + 1;
}

/* Publishes a (future id, resolvers handle, realm) triple for the host; -1 when out of memory. */
static int bound_append(qjs_rt *st, int64_t id, int64_t handle, int64_t realm)
{
    int64_t n = st->mb[QJS_MB_BOUND_COUNT];
    if (n >= st->bound_cap) {
        int32_t cap = st->bound_cap ? st->bound_cap * 2 : 16;
        int64_t *a = realloc(st->bound, sizeof(int64_t) * 3 * (size_t)cap);
        if (!a)
            return -1;
        st->bound = a;
        st->bound_cap = cap;
        st->mb[QJS_MB_BOUND_PTR] = (int64_t)(uintptr_t)a;
    }
    st->bound[3 * n] = id;
    st->bound[3 * n + 1] = handle;
    st->bound[3 * n + 2] = realm;
    st->mb[QJS_MB_BOUND_COUNT] = n + 1;
    return 0;
}

static void host_finalizer(JSRuntime *rt, JSValue val)
{
    qjs_rt *st = JS_GetRuntimeOpaque(rt);
    int32_t id = host_id_of(val);
    if (!st || id < 0)
        return;
    {
        struct list_head *el;
        void *ptr = JS_VALUE_GET_PTR(val);
        list_for_each(el, &st->realms) {
            qjs_realm *r = list_entry(el, qjs_realm, link);
            if (id < r->wrappers_cap && r->wrappers[id] == ptr)
                r->wrappers[id] = NULL;
        }
    }
    host_release(st, id);
}

/* An ArrayBuffer over a direct ByteBuffer's memory: the Java buffer stays referenced by its
   host id until the ArrayBuffer is freed or detached, so the memory outlives every view. */
static void host_buffer_free(JSRuntime *rt, void *opaque, void *ptr)
{
    qjs_rt *st = JS_GetRuntimeOpaque(rt);
    (void)ptr;
    if (st)
        host_release(st, (int32_t)(intptr_t)opaque);
}

/* The wrapper of host id (the host gave one count for it). Reuses the live wrapper. */
static JSValue host_object_new_variant(JSContext *ctx, int32_t id, int variant)
{
    qjs_realm *realm = JS_GetContextOpaque(ctx);
    qjs_rt *st = realm->st;
    JSValue obj;
    if (id < realm->wrappers_cap && realm->wrappers[id]) {
        host_release(st, id); /* the existing wrapper already holds a count */
        return JS_DupValue(ctx, JS_MKPTR(JS_TAG_OBJECT, realm->wrappers[id]));
    }
    if (variant < 0 || variant >= HOST_VARIANTS)
        variant = QJS_VARIANT_OBJECT;
    obj = JS_NewObjectClass(ctx, host_class_ids[variant]);
    if (JS_IsException(obj)) {
        host_release(st, id);
        return obj;
    }
    JS_SetOpaque(obj, (void *)(intptr_t)id);
    if (variant == QJS_VARIANT_CLASS)
        JS_SetConstructorBit(ctx, obj, 1);
    if (id >= realm->wrappers_cap) {
        int32_t cap = realm->wrappers_cap ? realm->wrappers_cap : 64;
        void **w;
        while (cap <= id)
            cap *= 2;
        w = realloc(realm->wrappers, sizeof(void *) * (size_t)cap);
        if (!w)
            return obj; /* still correct, only not deduplicated */
        memset(w + realm->wrappers_cap, 0, sizeof(void *) * (size_t)(cap - realm->wrappers_cap));
        realm->wrappers = w;
        realm->wrappers_cap = cap;
    }
    realm->wrappers[id] = JS_VALUE_GET_PTR(obj);
    return obj;
}

static JSValue host_object_new(JSContext *ctx, int32_t id)
{
    return host_object_new_variant(ctx, id, QJS_VARIANT_OBJECT);
}

/* ---------- encoding ---------- */

static void enc_string_data(qjs_buf *b, const void *data, uint32_t len, int wide)
{
    buf_u8(b, wide ? QJS_T_STRING16 : QJS_T_STRING8);
    buf_i32(b, (int32_t)len);
    buf_put(b, data, wide ? (size_t)len * 2 : len);
}

/* Encodes a string-like value (string, rope). Never runs JavaScript. */
static void enc_string(JSContext *ctx, qjs_buf *b, JSValueConst v)
{
    const void *data;
    uint32_t len;
    int wide;
    JSValue flat = qjsi_flat_string(ctx, v, &data, &len, &wide);
    if (JS_IsException(flat)) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        b->failed = 1;
        return;
    }
    enc_string_data(b, data, len, wide);
    JS_FreeValue(ctx, flat);
}

static int object_kind(JSContext *ctx, JSValueConst v)
{
    if (JS_IsFunction(ctx, v))
        return QJS_KIND_FUNCTION;
    if (JS_IsArray(ctx, v) == 1)
        return QJS_KIND_ARRAY;
    if (JS_IsError(ctx, v))
        return QJS_KIND_ERROR;
    if ((int)JS_PromiseState(ctx, (JSValue)v) >= 0)
        return QJS_KIND_PROMISE;
    return QJS_KIND_OBJECT;
}

/* Encodes v (borrowed). Objects become new handles owned by the receiver. */
static void enc_value(JSContext *ctx, qjs_rt *st, qjs_buf *b, JSValueConst v)
{
    int tag = JS_VALUE_GET_NORM_TAG(v);
    switch (tag) {
    case JS_TAG_INT:
        buf_u8(b, QJS_T_INT);
        buf_i32(b, JS_VALUE_GET_INT(v));
        return;
    case JS_TAG_BOOL:
        buf_u8(b, JS_VALUE_GET_BOOL(v) ? QJS_T_TRUE : QJS_T_FALSE);
        return;
    case JS_TAG_NULL:
        buf_u8(b, QJS_T_NULL);
        return;
    case JS_TAG_FLOAT64:
        buf_u8(b, QJS_T_DOUBLE);
        buf_f64(b, JS_VALUE_GET_FLOAT64(v));
        return;
    case JS_TAG_STRING:
    case JS_TAG_STRING_ROPE:
        enc_string(ctx, b, v);
        return;
    case JS_TAG_SHORT_BIG_INT:
    case JS_TAG_BIG_INT: {
        JSValue s = JS_ToString(ctx, v); /* no user code runs for a BigInt */
        const void *data;
        uint32_t len;
        int wide;
        JSValue flat;
        if (JS_IsException(s)) {
            JS_FreeValue(ctx, JS_GetException(ctx));
            b->failed = 1;
            return;
        }
        flat = qjsi_flat_string(ctx, s, &data, &len, &wide);
        JS_FreeValue(ctx, s);
        if (JS_IsException(flat) || wide) {
            b->failed = 1;
            return;
        }
        buf_u8(b, QJS_T_BIGINT);
        buf_i32(b, (int32_t)len);
        buf_put(b, data, len);
        JS_FreeValue(ctx, flat);
        return;
    }
    case JS_TAG_OBJECT:
        if (host_variant(v) >= 0) {
            buf_u8(b, QJS_T_HOST);
            buf_i32(b, host_id_of(v));
            return;
        }
        {
            double ms;
            uint32_t n;
            const uint8_t *bytes;
            if (qjsi_date_value(v, &ms) && !isnan(ms)) {
                buf_u8(b, QJS_T_DATE);
                buf_f64(b, ms);
                return;
            }
            if ((bytes = qjsi_uint8_array(ctx, v, &n)) != NULL) {
                buf_u8(b, QJS_T_BYTES);
                buf_i32(b, (int32_t)n);
                buf_put(b, bytes, n);
                return;
            }
            {
                JSFreeArrayBufferDataFunc *free_func;
                void *opaque;
                if (qjsi_array_buffer(v, &bytes, &n, &free_func, &opaque)) {
                    if (free_func == host_buffer_free) {
                        /* over a Java ByteBuffer: that same buffer */
                        buf_u8(b, QJS_T_HOST);
                        buf_i32(b, (int32_t)(intptr_t)opaque);
                    } else {
                        buf_u8(b, QJS_T_ARRAYBUF);
                        buf_i32(b, (int32_t)n);
                        buf_put(b, bytes, n);
                    }
                    return;
                }
            }
        }
        /* fall through */
    case JS_TAG_SYMBOL:
    case JS_TAG_FUNCTION_BYTECODE: {
        int kind = tag == JS_TAG_SYMBOL ? QJS_KIND_SYMBOL
                 : tag == JS_TAG_FUNCTION_BYTECODE ? QJS_KIND_BYTECODE
                 : object_kind(ctx, v);
        int64_t h = box_new(st, JS_DupValue(ctx, v));
        if (!h) {
            JS_FreeValue(ctx, (JSValue)v);
            b->failed = 1;
            return;
        }
        buf_u8(b, QJS_T_OBJECT);
        buf_i64(b, h);
        buf_u8(b, (uint8_t)kind);
        buf_i64(b, (int64_t)(uintptr_t)JS_VALUE_GET_PTR(v));
        return;
    }
    default:
        buf_u8(b, QJS_T_UNDEFINED);
        return;
    }
}

/* ---------- decoding ---------- */

/* The end of decoding one value that had to be made: 0, or -2 (a JS exception is
   pending) with *out left undefined. */
static int made(JSValue *out)
{
    if (JS_IsException(*out)) {
        *out = JS_UNDEFINED;
        return -2;
    }
    return 0;
}

/* Drops the realm's promise of Java future `fid` (settled, or never handed out). */
static void forget_future(JSContext *ctx, qjs_realm *rl, int64_t fid)
{
    JSAtom key;
    if (!JS_IsObject(rl->futures))
        return;
    key = timer_atom(ctx, fid);
    if (key == JS_ATOM_NULL) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        return;
    }
    JS_DeleteProperty(ctx, rl->futures, key, 0);
    JS_FreeAtom(ctx, key);
}

static int dec_value(JSContext *ctx, qjs_rt *st, reader *r, JSValue *out)
{
    uint8_t tag;
    int32_t i, len;
    int64_t h;
    double d;
    *out = JS_UNDEFINED;
    if (rd_u8(r, &tag) < 0)
        return -1;
    switch (tag) {
    case QJS_T_UNDEFINED: return 0;
    case QJS_T_NULL: *out = JS_NULL; return 0;
    case QJS_T_FALSE: *out = JS_FALSE; return 0;
    case QJS_T_TRUE: *out = JS_TRUE; return 0;
    case QJS_T_INT:
        if (rd_i32(r, &i) < 0) return -1;
        *out = JS_NewInt32(ctx, i);
        return 0;
    case QJS_T_DOUBLE:
        if (r->end - r->p < 8) return -1;
        memcpy(&d, r->p, 8);
        r->p += 8;
        *out = JS_NewFloat64(ctx, d);
        return 0;
    case QJS_T_STRING8:
    case QJS_T_STRING16: {
        size_t bytes;
        if (rd_i32(r, &len) < 0 || len < 0) return -1;
        bytes = tag == QJS_T_STRING16 ? (size_t)len * 2 : (size_t)len;
        if ((size_t)(r->end - r->p) < bytes) return -1;
        if (tag == QJS_T_STRING8) {
            *out = qjsi_new_string8(ctx, r->p, (uint32_t)len);
        } else {
            /* copy to an aligned buffer only when needed */
            if (((uintptr_t)r->p & 1) == 0) {
                *out = qjsi_new_string16(ctx, (const uint16_t *)r->p, (uint32_t)len);
            } else {
                uint16_t *tmp = malloc(bytes ? bytes : 1);
                if (!tmp) {
                    *out = JS_ThrowOutOfMemory(ctx);
                } else {
                    memcpy(tmp, r->p, bytes);
                    *out = qjsi_new_string16(ctx, tmp, (uint32_t)len);
                    free(tmp);
                }
            }
        }
        r->p += bytes;
        return made(out);
    }
    case QJS_T_BIGINT:
        if (rd_i32(r, &len) < 0 || len < 0 || r->end - r->p < len) return -1;
        *out = qjsi_new_bigint(ctx, (const char *)r->p, (size_t)len);
        r->p += len;
        return made(out);
    case QJS_T_DATE:
        if (r->end - r->p < 8) return -1;
        memcpy(&d, r->p, 8);
        r->p += 8;
        *out = JS_NewDate(ctx, d);
        return made(out);
    case QJS_T_BYTES: {
        JSValue ab;
        if (rd_i32(r, &len) < 0 || len < 0 || r->end - r->p < len) return -1;
        ab = JS_NewArrayBufferCopy(ctx, r->p, (size_t)len);
        r->p += len;
        if (JS_IsException(ab)) return -2;
        {
            /* QuickJS reads argv[1] and argv[2] (offset, length) whatever argc says */
            JSValue argv3[3] = { ab, JS_UNDEFINED, JS_UNDEFINED };
            *out = JS_NewTypedArray(ctx, 3, (JSValueConst *)argv3, JS_TYPED_ARRAY_UINT8);
        }
        JS_FreeValue(ctx, ab);
        return made(out);
    }
    case QJS_T_JSON:
        /* JSON text (UTF-8, NUL-terminated after len bytes): a Jackson JsonNode, say */
        if (rd_i32(r, &len) < 0 || len < 0 || r->end - r->p < (ptrdiff_t)len + 1 || r->p[len] != 0)
            return -1;
        *out = JS_ParseJSON(ctx, (const char *)r->p, (size_t)len, "<json>");
        r->p += len + 1;
        return made(out);
    case QJS_T_ARRAYBUF:
        if (rd_i32(r, &len) < 0 || len < 0 || r->end - r->p < len) return -1;
        *out = JS_NewArrayBufferCopy(ctx, r->p, (size_t)len);
        r->p += len;
        return made(out);
    case QJS_T_EXTBUF: {
        /* [host id i32][address i64][length i64]: a direct ByteBuffer, shared, not copied */
        int64_t addr, n64;
        if (rd_i32(r, &i) < 0 || i < 0 || rd_i64(r, &addr) < 0 || rd_i64(r, &n64) < 0 ||
            n64 < 0 || n64 > INT32_MAX || (addr == 0 && n64 > 0))
            return -1;
        *out = JS_NewArrayBuffer(ctx, (uint8_t *)(uintptr_t)addr, (size_t)n64, host_buffer_free,
                                 (void *)(intptr_t)i, 0);
        if (JS_IsException(*out)) {
            host_release(st, i);
            *out = JS_UNDEFINED;
            return -2;
        }
        return 0;
    }
    case QJS_T_HANDLE: {
        qjs_box *b;
        if (rd_i64(r, &h) < 0) return -1;
        b = box_get(h);
        if (!b) return -1;
        *out = JS_DupValue(ctx, b->v);
        return 0;
    }
    case QJS_T_FUTURE: {
        /* a Java CompletionStage: its promise in this realm (one per pending future), settled
           later by qjs_promise_settle */
        JSValue funcs[2], pair, known;
        JSAtom key;
        qjs_realm *rl = JS_GetContextOpaque(ctx);
        int64_t fid, ph;
        if (rd_i64(r, &fid) < 0) return -1;
        if (JS_IsUndefined(rl->futures)) {
            rl->futures = JS_NewObjectProto(ctx, JS_NULL);
            if (JS_IsException(rl->futures)) {
                rl->futures = JS_UNDEFINED;
                return -2;
            }
        }
        key = timer_atom(ctx, fid);
        if (key == JS_ATOM_NULL)
            return -2;
        known = JS_GetProperty(ctx, rl->futures, key);
        if (JS_IsObject(known)) {
            JS_FreeAtom(ctx, key);
            *out = known;
            return 0;
        }
        JS_FreeValue(ctx, known);
        *out = JS_NewPromiseCapability(ctx, funcs);
        if (!JS_IsException(*out) &&
            JS_DefinePropertyValue(ctx, rl->futures, key, JS_DupValue(ctx, *out), JS_PROP_C_W_E) < 0) {
            JS_FreeValue(ctx, funcs[0]);
            JS_FreeValue(ctx, funcs[1]);
            JS_FreeValue(ctx, *out);
            *out = JS_EXCEPTION;
        }
        JS_FreeAtom(ctx, key);
        if (JS_IsException(*out)) {
            *out = JS_UNDEFINED;
            return -2;
        }
        pair = JS_NewArray(ctx);
        if (JS_IsException(pair)) {
            JS_FreeValue(ctx, funcs[0]);
            JS_FreeValue(ctx, funcs[1]);
            JS_FreeValue(ctx, *out);
            *out = JS_UNDEFINED;
            forget_future(ctx, rl, fid);
            return -2;
        }
        JS_SetPropertyUint32(ctx, pair, 0, funcs[0]);
        JS_SetPropertyUint32(ctx, pair, 1, funcs[1]);
        JS_SetPropertyUint32(ctx, pair, 2, JS_NewInt64(ctx, fid));
        /* a failed Java future is Java's to report: its promise never counts as unhandled
           (what a script derives from it, an awaiting async function, still does) */
        promise_mark_handled(ctx, *out);
        ph = box_new(st, pair);
        if (!ph || bound_append(st, fid, ph, (int64_t)(uintptr_t)JS_GetContextOpaque(ctx)) < 0) {
            if (ph)
                box_free(st, box_get(ph));
            else
                JS_FreeValue(ctx, pair);
            JS_FreeValue(ctx, *out);
            forget_future(ctx, rl, fid);
            *out = JS_ThrowOutOfMemory(ctx);
            return made(out);
        }
        return 0;
    }
    case QJS_T_HOST: {
        uint8_t variant;
        if (rd_i32(r, &i) < 0 || i < 0 || rd_u8(r, &variant) < 0) return -1;
        *out = host_object_new_variant(ctx, i, variant);
        return made(out);
    }
    default:
        return -1;
    }
}


/* ---------- results ---------- */

/* A microtask checkpoint: at the end of an outermost call, run the promise jobs
   the call queued, before the result is encoded. A pending exception is kept. */
static int interrupt_handler(JSRuntime *rt, void *opaque);

/* Returns 1 when a time limit or interrupt stopped the jobs: an endless chain of short jobs
   never reaches QuickJS's own polling, so the limits are checked between jobs too. */
static int run_jobs_outermost(JSContext *ctx, qjs_rt *st)
{
    JSContext *job_ctx;
    JSValue saved;
    int had_exception, r, stopped = 0;
    if (st->depth != 1 || !JS_IsJobPending(st->rt))
        return 0;
    had_exception = JS_HasException(ctx);
    saved = had_exception ? JS_GetException(ctx) : JS_UNDEFINED;
    for (;;) {
        if (interrupt_handler(st->rt, st)) {
            stopped = 1;
            qjsi_drop_jobs(st->rt);
            break;
        }
        r = JS_ExecutePendingJob(st->rt, &job_ctx);
        if (r == 0)
            break;
        if (r < 0) /* a job's own failure has no caller to go to */
            JS_FreeValue(job_ctx, JS_GetException(job_ctx));
    }
    if (had_exception)
        JS_Throw(ctx, saved);
    return stopped;
}

static int32_t finish_exception(JSContext *ctx, qjs_rt *st);

static int32_t finish_value(JSContext *ctx, qjs_rt *st, JSValue v)
{
    if (run_jobs_outermost(ctx, st)) {
        JS_FreeValue(ctx, v);
        JS_ThrowInternalError(ctx, "interrupted");
        return finish_exception(ctx, st);
    }
    buf_reset(&st->out);
    enc_value(ctx, st, &st->out, v);
    JS_FreeValue(ctx, v);
    st->mb[QJS_MB_OUT_PTR] = (int64_t)(uintptr_t)st->out.data;
    st->mb[QJS_MB_OUT_LEN] = (int64_t)st->out.len;
    return st->out.failed ? QJS_OUT_OF_MEMORY : QJS_OK;
}

static JSValue get_prop_quiet(JSContext *ctx, JSValueConst obj, const char *name)
{
    JSValue v = JS_GetPropertyStr(ctx, obj, name);
    if (JS_IsException(v)) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        return JS_UNDEFINED;
    }
    return v;
}

static JSValue to_string_quiet(JSContext *ctx, JSValueConst v)
{
    JSValue s;
    if (JS_IsSymbol(v)) {
        s = qjsi_symbol_to_string(ctx, v); /* String(sym), as JS shows it */
    } else {
        s = JS_ToString(ctx, v);
    }
    if (JS_IsException(s)) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        return JS_UNDEFINED;
    }
    return s;
}

/* Script code run while describing a value (a thrown object's toString, a getter on `cause`,
   toJSON) runs under the call's own limits and under a budget of its own, so that a toString
   that loops ends even when the call has no time limit. The call's deadline and stop reason are
   put back afterwards: the budget running out is no reason to stop the call. */
#define DESCRIBE_BUDGET_NS 100000000LL /* 100 ms for everything one exception's text runs */

typedef struct describe_budget {
    int64_t deadline;
    int64_t reason;
} describe_budget;

static void describe_begin(qjs_rt *st, describe_budget *b)
{
    int64_t mine = monotonic_ns() + DESCRIBE_BUDGET_NS;
    b->deadline = __atomic_load_n(&st->mb[QJS_MB_DEADLINE], __ATOMIC_RELAXED);
    b->reason = __atomic_load_n(&st->mb[QJS_MB_STOP_REASON], __ATOMIC_RELAXED);
    if (b->deadline == 0 || mine < b->deadline)
        __atomic_store_n(&st->mb[QJS_MB_DEADLINE], mine, __ATOMIC_RELAXED);
}

static void describe_end(qjs_rt *st, describe_budget *b)
{
    __atomic_store_n(&st->mb[QJS_MB_DEADLINE], b->deadline, __ATOMIC_RELAXED);
    __atomic_store_n(&st->mb[QJS_MB_STOP_REASON], b->reason, __ATOMIC_RELAXED);
}

static int is_string_equal(JSContext *ctx, JSValueConst v, const char *text)
{
    const char *c;
    int eq;
    if (!JS_IsString(v))
        return 0;
    c = JS_ToCString(ctx, v);
    if (!c) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        return 0;
    }
    eq = strcmp(c, text) == 0;
    JS_FreeCString(ctx, c);
    return eq;
}

/* The text of a thrown value that is not an Error, as Nashorn and GraalJS show it: String(value);
   for an object whose conversion throws or says only "[object Object]", its JSON, else
   "[object Object]". A new string, or undefined. */
static JSValue thrown_text(JSContext *ctx, JSValueConst v)
{
    JSValue s, json;
    if (!JS_IsObject(v) || JS_IsFunction(ctx, v) || host_variant(v) >= 0)
        return to_string_quiet(ctx, v); /* a Java object reads as its toString() */
    s = to_string_quiet(ctx, v);
    if (JS_IsString(s) && !is_string_equal(ctx, s, "[object Object]"))
        return s;
    JS_FreeValue(ctx, s);
    json = JS_JSONStringify(ctx, v, JS_UNDEFINED, JS_UNDEFINED);
    if (JS_IsException(json)) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        json = JS_UNDEFINED;
    }
    if (JS_IsString(json))
        return json;
    JS_FreeValue(ctx, json);
    return JS_NewString(ctx, "[object Object]");
}

/* Encodes one thrown value or cause (borrowed): [value][name][message][stack][java host id i32]. */
static void enc_error_parts(JSContext *ctx, qjs_rt *st, qjs_buf *b, JSValueConst exc)
{
    JSValue name = JS_UNDEFINED, msg = JS_UNDEFINED, stack = JS_UNDEFINED, jex = JS_UNDEFINED;
    int32_t host_id = -1;

    if (JS_IsError(ctx, exc)) {
        JSValue n = get_prop_quiet(ctx, exc, "name");
        name = to_string_quiet(ctx, n);
        JS_FreeValue(ctx, n); /* to_string_quiet borrows: the property value is ours to free */
        msg = get_prop_quiet(ctx, exc, "message");
        if (!JS_IsUndefined(msg)) {
            JSValue s = to_string_quiet(ctx, msg);
            JS_FreeValue(ctx, msg);
            msg = s;
        }
        stack = get_prop_quiet(ctx, exc, "stack");
        if (!JS_IsString(stack)) {
            JS_FreeValue(ctx, stack);
            stack = JS_UNDEFINED;
        }
        jex = get_prop_quiet(ctx, exc, "javaException");
        host_id = host_id_of(jex);
        JS_FreeValue(ctx, jex);
    } else {
        msg = thrown_text(ctx, exc);
    }
    if (JS_HasException(ctx))
        JS_FreeValue(ctx, JS_GetException(ctx));

    enc_value(ctx, st, b, exc);
    enc_value(ctx, st, b, name);
    enc_value(ctx, st, b, msg);
    enc_value(ctx, st, b, stack);
    buf_i32(b, host_id);
    JS_FreeValue(ctx, name);
    JS_FreeValue(ctx, msg);
    JS_FreeValue(ctx, stack);
}

#define MAX_CAUSES 32

/* Encodes an exception value (borrowed): its parts as enc_error_parts, [stop reason i32], then
   [n i32] and the parts of each error in its `cause` chain: at most MAX_CAUSES, each error once
   (a cycle ends the chain), none after a cause that is not an Error or that wraps a Java
   exception (its own causes are Java's). An undefined cause or a throwing getter is no cause. */
static void enc_exception(JSContext *ctx, qjs_rt *st, qjs_buf *b, JSValueConst exc, int32_t reason)
{
    describe_budget budget;
    void *seen[MAX_CAUSES + 1];
    JSValue causes[MAX_CAUSES];
    JSValueConst cur = exc;
    int n = 0, nseen = 0, i;

    describe_begin(st, &budget);
    enc_error_parts(ctx, st, b, exc);
    buf_i32(b, reason);
    if (JS_IsObject(exc))
        seen[nseen++] = JS_VALUE_GET_PTR(exc);
    while (n < MAX_CAUSES && JS_IsError(ctx, cur)) {
        JSValue jex = get_prop_quiet(ctx, cur, "javaException");
        int wraps_java = host_id_of(jex) >= 0;
        JSValue c;
        int cycle = 0;
        JS_FreeValue(ctx, jex);
        if (wraps_java)
            break;
        c = get_prop_quiet(ctx, cur, "cause");
        if (JS_HasException(ctx))
            JS_FreeValue(ctx, JS_GetException(ctx));
        if (JS_IsUndefined(c))
            break;
        if (JS_IsObject(c)) {
            for (i = 0; i < nseen; i++)
                cycle |= seen[i] == JS_VALUE_GET_PTR(c);
            if (cycle) {
                JS_FreeValue(ctx, c);
                break;
            }
            seen[nseen++] = JS_VALUE_GET_PTR(c);
        }
        causes[n++] = c;
        cur = c;
    }
    buf_i32(b, n);
    for (i = 0; i < n; i++)
        enc_error_parts(ctx, st, b, causes[i]);
    for (i = 0; i < n; i++)
        JS_FreeValue(ctx, causes[i]);
    describe_end(st, &budget);
}

static void publish_out(qjs_rt *st)
{
    st->mb[QJS_MB_OUT_PTR] = (int64_t)(uintptr_t)st->out.data;
    st->mb[QJS_MB_OUT_LEN] = (int64_t)st->out.len;
}

/* Output: the pending exception, encoded as enc_exception does. */
static int32_t finish_exception(JSContext *ctx, qjs_rt *st)
{
    JSValue exc;
    int32_t reason;
    if (st->depth == 1 && st->mb[QJS_MB_STOP_REASON] != QJS_STOP_NONE)
        qjsi_drop_jobs(st->rt); /* the stopped call's jobs go with it */
    run_jobs_outermost(ctx, st);
    exc = JS_GetException(ctx);
    reason = (int32_t)st->mb[QJS_MB_STOP_REASON];
    if (reason == QJS_STOP_NONE && st->oom)
        reason = QJS_STOP_MEMORY; /* the heap was full: whatever was thrown, this call ran out of memory */
    buf_reset(&st->out);
    enc_exception(ctx, st, &st->out, exc, reason);
    JS_FreeValue(ctx, exc);
    publish_out(st);
    return st->out.failed ? QJS_OUT_OF_MEMORY : QJS_EXCEPTION;
}

static int32_t finish(JSContext *ctx, qjs_rt *st, JSValue v)
{
    if (JS_IsException(v))
        return finish_exception(ctx, st);
    return finish_value(ctx, st, v);
}

/* A decode failure: either malformed input or a pending JS exception. */
static int32_t finish_decode_error(JSContext *ctx, qjs_rt *st, int rc)
{
    if (rc == -2 && JS_HasException(ctx))
        return finish_exception(ctx, st);
    return QJS_BAD_INPUT;
}

/* ---------- global functions installed in every realm ---------- */

/* ---------- console: format specifiers, text that never throws ---------- */

#define CONSOLE_FORMAT 8 /* magic bit of the console methods: the first string is a format */
#define INSPECT_MAX_ITEMS 100

/* String(v) as a console shows it, never throwing: a BigInt with its "n" when asked, a
   value whose conversion throws as Object.prototype.toString would say. A new string. */
static JSValue console_text(JSContext *ctx, JSValueConst v, int bigint_suffix)
{
    JSValue s = to_string_quiet(ctx, v);
    if (JS_IsString(s) && bigint_suffix && JS_IsBigInt(ctx, v)) {
        size_t len;
        const char *c = JS_ToCStringLen(ctx, &len, s);
        char *t = c ? malloc(len + 2) : NULL;
        JSValue n = JS_UNDEFINED;
        if (t) {
            memcpy(t, c, len);
            t[len] = 'n';
            n = JS_NewStringLen(ctx, t, len + 1);
            free(t);
        }
        if (c)
            JS_FreeCString(ctx, c);
        if (JS_IsString(n)) {
            JS_FreeValue(ctx, s);
            return n;
        }
        if (JS_HasException(ctx))
            JS_FreeValue(ctx, JS_GetException(ctx));
        return s;
    }
    if (JS_IsString(s))
        return s;
    JS_FreeValue(ctx, s);
    if (JS_IsFunction(ctx, v))
        return JS_NewString(ctx, "[object Function]");
    if (JS_IsArray(ctx, v) > 0)
        return JS_NewString(ctx, "[object Array]");
    if (JS_HasException(ctx))
        JS_FreeValue(ctx, JS_GetException(ctx));
    return JS_NewString(ctx, JS_IsObject(v) ? "[object Object]" : "?");
}

static void sb_cstr(qjs_buf *b, const char *s) { buf_put(b, s, strlen(s)); }

/* Appends a JS string as UTF-8. */
static void sb_value(JSContext *ctx, qjs_buf *b, JSValueConst s)
{
    size_t len;
    const char *c = JS_ToCStringLen(ctx, &len, s);
    if (!c) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        return;
    }
    buf_put(b, c, len);
    JS_FreeCString(ctx, c);
}

static void sb_text(JSContext *ctx, qjs_buf *b, JSValueConst v, int bigint_suffix)
{
    JSValue s = console_text(ctx, v, bigint_suffix);
    sb_value(ctx, b, s);
    JS_FreeValue(ctx, s);
}

/* The number text of a leading numeric prefix of String(v) (parseInt with integer_only,
   parseFloat otherwise), "NaN" when there is none. */
static void sb_parsed_number(JSContext *ctx, qjs_buf *b, JSValueConst v, int integer_only)
{
    JSValue s = console_text(ctx, v, 0);
    size_t len = 0, i = 0, start, digits = 0;
    const char *c = JS_ToCStringLen(ctx, &len, s);
    JS_FreeValue(ctx, s);
    if (!c) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        sb_cstr(b, "NaN");
        return;
    }
    while (i < len && (c[i] == ' ' || c[i] == '\t' || c[i] == '\n' || c[i] == '\r'))
        i++;
    start = i;
    if (i < len && (c[i] == '-' || c[i] == '+'))
        i++;
    if (!integer_only && len - i >= 8 && strncmp(c + i, "Infinity", 8) == 0) {
        if (c[start] == '-')
            buf_u8(b, '-');
        sb_cstr(b, "Infinity");
        JS_FreeCString(ctx, c);
        return;
    }
    while (i < len && c[i] >= '0' && c[i] <= '9')
        i++, digits++;
    if (!integer_only && i < len && c[i] == '.') {
        i++;
        while (i < len && c[i] >= '0' && c[i] <= '9')
            i++, digits++;
    }
    if (!integer_only && digits && i < len && (c[i] == 'e' || c[i] == 'E')) {
        size_t e = i + 1;
        if (e < len && (c[e] == '-' || c[e] == '+'))
            e++;
        if (e < len && c[e] >= '0' && c[e] <= '9') {
            while (e < len && c[e] >= '0' && c[e] <= '9')
                e++;
            i = e;
        }
    }
    if (!digits) {
        sb_cstr(b, "NaN");
    } else {
        /* QuickJS's own number reading, then its own number printing ("3.50" → 3.5) */
        JSValue text = JS_NewStringLen(ctx, c + start, i - start);
        double d;
        if (!JS_IsException(text) && JS_ToFloat64(ctx, &d, text) == 0) {
            JSValue n = JS_NewFloat64(ctx, d);
            sb_text(ctx, b, n, 0);
        } else {
            if (JS_HasException(ctx))
                JS_FreeValue(ctx, JS_GetException(ctx));
            sb_cstr(b, "NaN");
        }
        JS_FreeValue(ctx, text);
    }
    JS_FreeCString(ctx, c);
}

/* %d: Number(v); a BigInt as itself, a Symbol NaN. */
static void sb_number(JSContext *ctx, qjs_buf *b, JSValueConst v)
{
    double d;
    if (JS_IsBigInt(ctx, v)) {
        sb_text(ctx, b, v, 1);
        return;
    }
    if (JS_IsSymbol(v) || JS_ToFloat64(ctx, &d, v) < 0) {
        if (JS_HasException(ctx))
            JS_FreeValue(ctx, JS_GetException(ctx));
        sb_cstr(b, "NaN");
        return;
    }
    sb_text(ctx, b, JS_NewFloat64(ctx, d), 0);
}

static int is_identifier(const char *s, size_t len)
{
    size_t i;
    if (len == 0 || (s[0] >= '0' && s[0] <= '9'))
        return 0;
    for (i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '$'))
            return 0;
    }
    return 1;
}

static void sb_quoted(JSContext *ctx, qjs_buf *b, JSValueConst s)
{
    size_t len, i;
    const char *c = JS_ToCStringLen(ctx, &len, s);
    if (!c) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        return;
    }
    buf_u8(b, '\'');
    for (i = 0; i < len; i++) {
        if (c[i] == '\'' || c[i] == '\\')
            buf_u8(b, '\\');
        if (c[i] == '\n')
            sb_cstr(b, "\\n");
        else
            buf_u8(b, (uint8_t)c[i]);
    }
    buf_u8(b, '\'');
    JS_FreeCString(ctx, c);
}

/* A readable inspection as Node's util.inspect gives it, in brief: strings quoted, arrays and
   objects to `depth` levels (own enumerable string keys; a getter shows as [Getter], never
   run), [Circular] for an object already being shown, at most INSPECT_MAX_ITEMS entries each. */
static void sb_inspect(JSContext *ctx, qjs_buf *b, JSValueConst v, int depth, void **seen, int nseen)
{
    int i, is_array;
    if (JS_IsString(v)) {
        sb_quoted(ctx, b, v);
        return;
    }
    if (!JS_IsObject(v)) {
        sb_text(ctx, b, v, 1);
        return;
    }
    for (i = 0; i < nseen; i++) {
        if (seen[i] == JS_VALUE_GET_PTR(v)) {
            sb_cstr(b, "[Circular]");
            return;
        }
    }
    if (JS_IsFunction(ctx, v)) {
        JSValue name = get_prop_quiet(ctx, v, "name");
        sb_cstr(b, "[Function");
        if (JS_IsString(name) && !is_string_equal(ctx, name, "")) {
            sb_cstr(b, ": ");
            sb_value(ctx, b, name);
        } else {
            sb_cstr(b, " (anonymous)");
        }
        buf_u8(b, ']');
        JS_FreeValue(ctx, name);
        return;
    }
    if (host_variant(v) >= 0 || JS_IsError(ctx, v)) {
        sb_text(ctx, b, v, 0); /* a Java object's toString(); an error's "Name: message" */
        return;
    }
    is_array = JS_IsArray(ctx, v) > 0;
    if (depth <= 0) {
        sb_cstr(b, is_array ? "[Array]" : "[Object]");
        return;
    }
    seen[nseen++] = JS_VALUE_GET_PTR(v);
    if (is_array) {
        int64_t len = 0, k;
        JSValue l = get_prop_quiet(ctx, v, "length");
        if (JS_ToInt64(ctx, &len, l) < 0) {
            JS_FreeValue(ctx, JS_GetException(ctx));
            len = 0;
        }
        JS_FreeValue(ctx, l);
        sb_cstr(b, len ? "[ " : "[");
        for (k = 0; k < len && k < INSPECT_MAX_ITEMS; k++) {
            JSValue e = JS_GetPropertyUint32(ctx, v, (uint32_t)k);
            if (JS_IsException(e)) {
                JS_FreeValue(ctx, JS_GetException(ctx));
                e = JS_UNDEFINED;
            }
            if (k)
                sb_cstr(b, ", ");
            sb_inspect(ctx, b, e, depth - 1, seen, nseen);
            JS_FreeValue(ctx, e);
        }
        if (len > INSPECT_MAX_ITEMS) {
            char more[64];
            snprintf(more, sizeof more, ", ... %lld more items", (long long)(len - INSPECT_MAX_ITEMS));
            sb_cstr(b, more);
        }
        sb_cstr(b, len ? " ]" : "]");
    } else {
        JSPropertyEnum *props = NULL;
        uint32_t count = 0, k;
        if (JS_GetOwnPropertyNames(ctx, &props, &count, v, JS_GPN_STRING_MASK | JS_GPN_ENUM_ONLY) < 0) {
            JS_FreeValue(ctx, JS_GetException(ctx));
            sb_text(ctx, b, v, 0);
            return;
        }
        sb_cstr(b, count ? "{ " : "{}");
        for (k = 0; k < count && k < INSPECT_MAX_ITEMS; k++) {
            JSPropertyDescriptor desc;
            JSValue key = JS_AtomToString(ctx, props[k].atom);
            size_t klen = 0;
            const char *kc = JS_IsException(key) ? NULL : JS_ToCStringLen(ctx, &klen, key);
            int got;
            if (k)
                sb_cstr(b, ", ");
            if (kc && is_identifier(kc, klen))
                buf_put(b, kc, klen);
            else if (!JS_IsException(key))
                sb_quoted(ctx, b, key);
            if (kc)
                JS_FreeCString(ctx, kc);
            JS_FreeValue(ctx, key);
            if (JS_HasException(ctx))
                JS_FreeValue(ctx, JS_GetException(ctx));
            sb_cstr(b, ": ");
            got = JS_GetOwnProperty(ctx, &desc, v, props[k].atom);
            if (got < 0) {
                JS_FreeValue(ctx, JS_GetException(ctx));
                sb_cstr(b, "?");
            } else if (got == 0) {
                sb_cstr(b, "undefined");
            } else {
                if (desc.flags & JS_PROP_GETSET)
                    sb_cstr(b, JS_IsUndefined(desc.setter) ? "[Getter]"
                               : JS_IsUndefined(desc.getter) ? "[Setter]" : "[Getter/Setter]");
                else
                    sb_inspect(ctx, b, desc.value, depth - 1, seen, nseen);
                JS_FreeValue(ctx, desc.value);
                JS_FreeValue(ctx, desc.getter);
                JS_FreeValue(ctx, desc.setter);
            }
        }
        if (count > INSPECT_MAX_ITEMS) {
            char more[64];
            snprintf(more, sizeof more, ", ... %u more", count - INSPECT_MAX_ITEMS);
            sb_cstr(b, more);
        }
        if (count)
            sb_cstr(b, " }");
        for (k = 0; k < count; k++)
            JS_FreeAtom(ctx, props[k].atom);
        js_free(ctx, props);
    }
}

/* %j: JSON.stringify; "[Circular]" for a cyclic value, String(v) when it cannot be JSON. */
static void sb_json(JSContext *ctx, qjs_buf *b, JSValueConst v)
{
    JSValue json = JS_JSONStringify(ctx, v, JS_UNDEFINED, JS_UNDEFINED);
    if (JS_IsException(json)) {
        JSValue e = JS_GetException(ctx);
        JSValue m = JS_IsError(ctx, e) ? get_prop_quiet(ctx, e, "message") : JS_UNDEFINED;
        const char *c = JS_IsString(m) ? JS_ToCString(ctx, m) : NULL;
        int circular = c && strstr(c, "circular") != NULL;
        if (c)
            JS_FreeCString(ctx, c);
        JS_FreeValue(ctx, m);
        JS_FreeValue(ctx, e);
        if (circular) {
            sb_cstr(b, "[Circular]");
            return;
        }
        json = JS_UNDEFINED;
    }
    if (JS_IsString(json))
        sb_value(ctx, b, json);
    else
        sb_text(ctx, b, v, 1);
    JS_FreeValue(ctx, json);
}

/* Node's and the browsers' console format: %s %d %i %f %o %O %j %c %%, applied when the first
   argument is a string; a specifier without an argument stays as written. Returns the formatted
   text (a new string) and sets *used to the arguments it consumed (the format included). */
static JSValue console_format(JSContext *ctx, int argc, JSValueConst *argv, int *used)
{
    qjs_buf b = {0};
    size_t len, i;
    int next = 1;
    void *seen[8];
    JSValue r;
    const char *f = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!f)
        return JS_EXCEPTION;
    for (i = 0; i < len; i++) {
        char c = f[i];
        char spec = i + 1 < len ? f[i + 1] : 0;
        if (c != '%' || !spec || !strchr("sdifoOjc%", spec)) {
            buf_u8(&b, (uint8_t)c);
            continue;
        }
        if (spec == '%') {
            buf_u8(&b, '%');
            i++;
            continue;
        }
        if (next >= argc) { /* nothing left to show: the specifier as written */
            buf_u8(&b, '%');
            buf_u8(&b, (uint8_t)spec);
            i++;
            continue;
        }
        switch (spec) {
        case 's': sb_text(ctx, &b, argv[next], 1); break;
        case 'd': sb_number(ctx, &b, argv[next]); break;
        case 'i':
            if (JS_IsBigInt(ctx, argv[next]))
                sb_text(ctx, &b, argv[next], 1);
            else if (JS_IsSymbol(argv[next]))
                sb_cstr(&b, "NaN");
            else
                sb_parsed_number(ctx, &b, argv[next], 1);
            break;
        case 'f':
            if (JS_IsSymbol(argv[next]))
                sb_cstr(&b, "NaN");
            else
                sb_parsed_number(ctx, &b, argv[next], 0);
            break;
        case 'o': sb_inspect(ctx, &b, argv[next], 4, seen, 0); break;
        case 'O': sb_inspect(ctx, &b, argv[next], 2, seen, 0); break;
        case 'j': sb_json(ctx, &b, argv[next]); break;
        case 'c': break; /* CSS: nothing to show in text */
        }
        if (JS_HasException(ctx))
            JS_FreeValue(ctx, JS_GetException(ctx));
        next++;
        i++;
    }
    JS_FreeCString(ctx, f);
    *used = next;
    if (b.failed) {
        free(b.data);
        return JS_ThrowOutOfMemory(ctx);
    }
    r = JS_NewStringLen(ctx, b.data ? (const char *)b.data : "", b.len);
    free(b.data);
    return r;
}

/* print(...) and console.log/info/debug/warn/error/trace(...): one line of the arguments'
   strings joined by spaces. print converts as String() does (a throwing toString throws);
   a console method formats (CONSOLE_FORMAT) and never throws for a value it cannot show. */
static JSValue js_print(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    qjs_rt *st = rt_of(ctx);
    JSValue *strs;
    reader reply;
    int i, n = 0, first = 0, console = magic & CONSOLE_FORMAT;
    (void)this_val;
    magic &= ~CONSOLE_FORMAT;
    strs = js_malloc(ctx, sizeof(JSValue) * (argc > 0 ? argc : 1));
    if (!strs)
        return JS_EXCEPTION;
    if (console && argc > 0 && JS_IsString(argv[0])) {
        strs[n] = console_format(ctx, argc, argv, &first);
        if (JS_IsException(strs[n])) {
            js_free(ctx, strs);
            return JS_EXCEPTION;
        }
        n++;
    }
    for (i = first; i < argc; i++) {
        strs[n] = console ? console_text(ctx, argv[i], 0) : JS_ToString(ctx, argv[i]);
        if (JS_IsException(strs[n])) {
            while (--n >= 0)
                JS_FreeValue(ctx, strs[n]);
            js_free(ctx, strs);
            return JS_EXCEPTION;
        }
        n++;
    }
    buf_reset(&st->up);
    buf_i32(&st->up, n);
    for (i = 0; i < n; i++) {
        enc_string(ctx, &st->up, strs[i]);
        JS_FreeValue(ctx, strs[i]);
    }
    js_free(ctx, strs);
    if (call_host(ctx, st, QJS_OP_PRINT, magic, &reply))
        return JS_EXCEPTION;
    return JS_UNDEFINED;
}

static JSValue js_read_line(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    qjs_rt *st = rt_of(ctx);
    reader reply;
    JSValue v;
    (void)this_val; (void)argc; (void)argv;
    buf_reset(&st->up);
    if (call_host(ctx, st, QJS_OP_READ_LINE, (int64_t)(uintptr_t)ctx, &reply))
        return JS_EXCEPTION;
    if (!reply.p)
        return JS_NULL;
    if (dec_value(ctx, st, &reply, &v) < 0)
        return JS_HasException(ctx) ? JS_EXCEPTION : JS_ThrowInternalError(ctx, "bad host reply");
    return v;
}

static JSValue js_host_to_string(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    qjs_rt *st = rt_of(ctx);
    reader reply;
    JSValue v;
    (void)argc; (void)argv;
    if (host_variant(this_val) < 0)
        return JS_NewString(ctx, "[object JavaObject]");
    buf_reset(&st->up);
    if (call_host(ctx, st, QJS_OP_HOST_TO_STRING, host_id_of(this_val), &reply))
        return JS_EXCEPTION;
    if (!reply.p || dec_value(ctx, st, &reply, &v) < 0)
        return JS_HasException(ctx) ? JS_EXCEPTION : JS_ThrowInternalError(ctx, "bad host reply");
    return v;
}

/* ---------- Java objects: members through the host ---------- */

/* Encodes the property key as a string into the upcall buffer; 0 for symbols (which
   Java objects never have: they come from the prototype). */
static int host_key(JSContext *ctx, qjs_rt *st, JSAtom prop)
{
    JSValue k = JS_AtomToValue(ctx, prop);
    if (JS_IsException(k))
        return -1;
    if (JS_IsSymbol(k)) {
        JS_FreeValue(ctx, k);
        return 0;
    }
    JS_FreeValue(ctx, k);
    k = JS_AtomToString(ctx, prop);
    if (JS_IsException(k))
        return -1;
    enc_string(ctx, &st->up, k);
    JS_FreeValue(ctx, k);
    return 1;
}

static JSValue host_method_call(JSContext *ctx, JSValueConst this_val, int argc,
                                JSValueConst *argv, int magic, JSValue *data)
{
    qjs_rt *st = rt_of(ctx);
    reader reply;
    JSValue v;
    int i;
    (void)this_val; (void)magic;
    buf_reset(&st->up);
    enc_string(ctx, &st->up, data[1]);
    buf_i32(&st->up, argc);
    for (i = 0; i < argc; i++)
        enc_value(ctx, st, &st->up, argv[i]);
    if (call_host(ctx, st, QJS_OP_HOST_INVOKE, host_id_of(data[0]), &reply))
        return JS_EXCEPTION;
    if (!reply.p)
        return JS_UNDEFINED;
    if (dec_value(ctx, st, &reply, &v) < 0)
        return JS_HasException(ctx) ? JS_EXCEPTION : JS_ThrowInternalError(ctx, "bad host reply");
    return v;
}

static JSValue host_call(JSContext *ctx, JSValueConst func_obj, JSValueConst this_val,
                         int argc, JSValueConst *argv, int flags)
{
    qjs_rt *st = rt_of(ctx);
    reader reply;
    JSValue v;
    int i;
    (void)this_val;
    buf_reset(&st->up);
    buf_u8(&st->up, (flags & JS_CALL_FLAG_CONSTRUCTOR) ? 1 : 0);
    buf_i32(&st->up, argc);
    for (i = 0; i < argc; i++)
        enc_value(ctx, st, &st->up, argv[i]);
    if (call_host(ctx, st, QJS_OP_HOST_CALL, host_id_of(func_obj), &reply))
        return JS_EXCEPTION;
    if (!reply.p)
        return JS_UNDEFINED;
    if (dec_value(ctx, st, &reply, &v) < 0)
        return JS_HasException(ctx) ? JS_EXCEPTION : JS_ThrowInternalError(ctx, "bad host reply");
    return v;
}

static JSValue host_property_getter(JSContext *ctx, JSValueConst this_val, int argc,
                                    JSValueConst *argv, int magic, JSValue *data);

/* Asks the host for a member. Returns -1 on exception, 0 when the object has no such
   member, 1 with *out set: *kind is QJS_GOT_VALUE, QJS_GOT_METHOD (*out a bound function) or
   QJS_GOT_GETTER for a property with a getter (QJS_GET_DESCRIBE only: *out is the getter, nothing was read). In
   QJS_GET_CALL mode, 0 leaves in *missing the host's message naming the member (a new string)
   when the host has one. */
static int host_get(JSContext *ctx, JSValueConst obj, JSAtom prop, int mode, JSValue *out,
                    int *kind, JSValue *missing)
{
    qjs_rt *st = rt_of(ctx);
    reader reply;
    uint8_t k8;
    int k;
    buf_reset(&st->up);
    k = host_key(ctx, st, prop);
    if (k <= 0)
        return k;
    buf_u8(&st->up, (uint8_t)mode);
    if (call_host(ctx, st, QJS_OP_HOST_GET, host_id_of(obj), &reply))
        return -1;
    if (!reply.p || rd_u8(&reply, &k8) < 0 || k8 == QJS_GOT_NONE)
        return 0;
    if (k8 == QJS_GOT_NO_METHOD) {
        if (missing && dec_value(ctx, st, &reply, missing) < 0)
            return JS_HasException(ctx) ? -1 : (JS_ThrowInternalError(ctx, "bad host reply"), -1);
        return 0;
    }
    *kind = k8;
    if (k8 == QJS_GOT_METHOD || k8 == QJS_GOT_GETTER) {
        JSValue data[2];
        data[0] = (JSValue)obj;
        data[1] = JS_AtomToString(ctx, prop);
        if (JS_IsException(data[1]))
            return -1;
        *out = k8 == QJS_GOT_METHOD ? JS_NewCFunctionData(ctx, host_method_call, 0, 0, 2, data)
                       : JS_NewCFunctionData(ctx, host_property_getter, 0, 0, 2, data);
        JS_FreeValue(ctx, data[1]);
        return JS_IsException(*out) ? -1 : 1;
    }
    if (dec_value(ctx, st, &reply, out) < 0)
        return JS_HasException(ctx) ? -1 : (JS_ThrowInternalError(ctx, "bad host reply"), -1);
    return 1;
}

/* The getter of a bean property's descriptor: reads the property when called. */
static JSValue host_property_getter(JSContext *ctx, JSValueConst this_val, int argc,
                                    JSValueConst *argv, int magic, JSValue *data)
{
    JSValue v;
    int kind = 0;
    JSAtom prop;
    int r;
    (void)this_val; (void)argc; (void)argv; (void)magic;
    prop = JS_ValueToAtom(ctx, data[1]);
    if (prop == JS_ATOM_NULL)
        return JS_EXCEPTION;
    r = host_get(ctx, data[0], prop, QJS_GET_VALUE, &v, &kind, NULL);
    JS_FreeAtom(ctx, prop);
    if (r < 0)
        return JS_EXCEPTION;
    return r > 0 ? v : JS_UNDEFINED;
}

static JSValue host_get_property_mode(JSContext *ctx, JSValueConst obj, JSAtom prop,
                                      JSValueConst receiver, int mode)
{
    JSValue v, proto, missing = JS_UNDEFINED;
    int kind = 0;
    int r = host_get(ctx, obj, prop, mode, &v, &kind, &missing);
    if (r < 0)
        return JS_EXCEPTION;
    if (r > 0)
        return v;
    proto = JS_GetPrototype(ctx, obj);
    if (JS_IsException(proto)) {
        JS_FreeValue(ctx, missing);
        return proto;
    }
    v = JS_IsObject(proto) ? JS_GetPropertyInternal(ctx, proto, prop, receiver, 0) : JS_UNDEFINED;
    JS_FreeValue(ctx, proto);
    if (JS_IsUndefined(v) && JS_IsString(missing)) {
        /* a method call of a member that neither the Java object nor its prototype has */
        const char *msg = JS_ToCString(ctx, missing);
        JS_FreeValue(ctx, missing);
        if (!msg)
            return JS_EXCEPTION;
        JS_ThrowTypeError(ctx, "%s", msg);
        JS_FreeCString(ctx, msg);
        return JS_EXCEPTION;
    }
    JS_FreeValue(ctx, missing);
    return v;
}

static JSValue host_get_property(JSContext *ctx, JSValueConst obj, JSAtom prop, JSValueConst receiver)
{
    return host_get_property_mode(ctx, obj, prop, receiver, QJS_GET_VALUE);
}

/* The read of `obj.prop` for a method call `obj.prop(...)` (quickjs-jsr223 patch 7 in
   build.sh): for a Java object, its Java method of that name before a property (a record's
   `p.x()` is its accessor, `p.x` the value), and a TypeError naming the member and the class
   when neither the object nor its prototype has it. Called for objects of classes made
   outside QuickJS; others read as before. Not static: quickjs.c calls it. */
JSValue qjs_get_method_field(JSContext *ctx, JSValueConst obj, JSAtom atom)
{
    if (host_variant(obj) < 0)
        return JS_GetProperty(ctx, obj, atom);
    return host_get_property_mode(ctx, obj, atom, obj, QJS_GET_CALL);
}

static int host_get_own_property(JSContext *ctx, JSPropertyDescriptor *desc,
                                 JSValueConst obj, JSAtom prop)
{
    JSValue v;
    int kind = 0;
    /* describing never runs a getter: Object.keys, for-in and hasOwnProperty list and test
       a bean's properties without reading them */
    int r = host_get(ctx, obj, prop, QJS_GET_DESCRIBE, &v, &kind, NULL);
    if (r <= 0)
        return r;
    if (desc) {
        if (kind == QJS_GOT_GETTER) {
            desc->flags = JS_PROP_GETSET | JS_PROP_ENUMERABLE | JS_PROP_CONFIGURABLE;
            desc->value = JS_UNDEFINED;
            desc->getter = v;
        } else {
            desc->flags = kind == QJS_GOT_METHOD ? JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE
                                    : JS_PROP_WRITABLE | JS_PROP_ENUMERABLE | JS_PROP_CONFIGURABLE;
            desc->value = v;
            desc->getter = JS_UNDEFINED;
        }
        desc->setter = JS_UNDEFINED;
    } else {
        JS_FreeValue(ctx, v);
    }
    return 1;
}

static int host_set(JSContext *ctx, JSValueConst obj, JSAtom prop, JSValueConst val)
{
    qjs_rt *st = rt_of(ctx);
    reader reply;
    int k;
    buf_reset(&st->up);
    k = host_key(ctx, st, prop);
    if (k < 0)
        return -1;
    if (k == 0) {
        JS_ThrowTypeError(ctx, "a Java object has no symbol-keyed properties");
        return -1;
    }
    enc_value(ctx, st, &st->up, val);
    if (call_host(ctx, st, QJS_OP_HOST_SET, host_id_of(obj), &reply))
        return -1;
    return 1;
}

static int host_set_property(JSContext *ctx, JSValueConst obj, JSAtom prop, JSValueConst val,
                             JSValueConst receiver, int flags)
{
    (void)flags;
    if (JS_VALUE_GET_PTR(obj) != JS_VALUE_GET_PTR(receiver)) {
        /* a Java object in another object's prototype chain: the receiver gets the property */
        return JS_DefinePropertyValue(ctx, receiver, prop, JS_DupValue(ctx, val), JS_PROP_C_W_E);
    }
    return host_set(ctx, obj, prop, val);
}

static int host_define_own_property(JSContext *ctx, JSValueConst this_obj, JSAtom prop,
                                    JSValueConst val, JSValueConst getter, JSValueConst setter,
                                    int flags)
{
    (void)getter; (void)setter;
    if (!(flags & JS_PROP_HAS_VALUE)) {
        /* Object.freeze/seal, or defineProperty with get/set or attributes only */
        JS_ThrowTypeError(ctx, "a Java object cannot be frozen or sealed, nor have accessors or "
                          "property attributes defined: its properties are the Java object's "
                          "live data. Copy it into a JavaScript object first, e.g. {...obj} or "
                          "Object.assign({}, obj)");
        return -1;
    }
    return host_set(ctx, this_obj, prop, val);
}

static int host_delete_property(JSContext *ctx, JSValueConst obj, JSAtom prop)
{
    qjs_rt *st = rt_of(ctx);
    reader reply;
    uint8_t ok = 0;
    int k;
    buf_reset(&st->up);
    k = host_key(ctx, st, prop);
    if (k <= 0)
        return k < 0 ? -1 : 1;
    if (call_host(ctx, st, QJS_OP_HOST_DELETE, host_id_of(obj), &reply))
        return -1;
    if (reply.p)
        rd_u8(&reply, &ok);
    return ok;
}

static int host_get_own_property_names(JSContext *ctx, JSPropertyEnum **ptab, uint32_t *plen,
                                       JSValueConst obj)
{
    qjs_rt *st = rt_of(ctx);
    reader reply;
    int32_t n = 0, i;
    JSPropertyEnum *tab;
    buf_reset(&st->up);
    *ptab = NULL;
    *plen = 0;
    if (call_host(ctx, st, QJS_OP_HOST_KEYS, host_id_of(obj), &reply))
        return -1;
    if (!reply.p || rd_i32(&reply, &n) < 0 || n <= 0)
        return 0;
    if (n > (reply.end - reply.p) / 5)
        return JS_ThrowInternalError(ctx, "bad host reply"), -1;
    tab = js_malloc(ctx, sizeof(JSPropertyEnum) * (size_t)n);
    if (!tab)
        return -1;
    for (i = 0; i < n; i++) {
        JSValue k;
        if (dec_value(ctx, st, &reply, &k) < 0) {
            while (--i >= 0)
                JS_FreeAtom(ctx, tab[i].atom);
            js_free(ctx, tab);
            if (!JS_HasException(ctx))
                JS_ThrowInternalError(ctx, "bad host reply");
            return -1;
        }
        tab[i].atom = JS_ValueToAtom(ctx, k);
        tab[i].is_enumerable = 1;
        JS_FreeValue(ctx, k);
        if (tab[i].atom == JS_ATOM_NULL) {
            while (--i >= 0)
                JS_FreeAtom(ctx, tab[i].atom);
            js_free(ctx, tab);
            return -1;
        }
    }
    *ptab = tab;
    *plen = (uint32_t)n;
    return 0;
}

static JSClassExoticMethods host_exotic = {
    .get_own_property = host_get_own_property,
    .get_own_property_names = host_get_own_property_names,
    .delete_property = host_delete_property,
    .define_own_property = host_define_own_property,
    .get_property = host_get_property,
    .set_property = host_set_property,
};

/* The scope object sits between the global object and Object.prototype: names
   missing from the global object are looked up in the host's GLOBAL_SCOPE. */
static int scope_get_own_property(JSContext *ctx, JSPropertyDescriptor *desc,
                                  JSValueConst obj, JSAtom prop)
{
    qjs_rt *st = rt_of(ctx);
    JSValue name;
    reader reply;
    uint8_t found;
    JSValue v;
    (void)obj;
    name = JS_AtomToValue(ctx, prop);
    if (JS_IsException(name))
        return -1;
    if (!JS_IsString(name)) {
        JS_FreeValue(ctx, name);
        return 0;
    }
    buf_reset(&st->up);
    enc_string(ctx, &st->up, name);
    JS_FreeValue(ctx, name);
    if (call_host(ctx, st, QJS_OP_LOOKUP, (int64_t)(uintptr_t)ctx, &reply))
        return -1;
    if (!reply.p || rd_u8(&reply, &found) < 0 || !found)
        return 0;
    if (dec_value(ctx, st, &reply, &v) < 0)
        return JS_HasException(ctx) ? -1 : 0;
    if (desc) {
        desc->flags = JS_PROP_WRITABLE | JS_PROP_ENUMERABLE | JS_PROP_CONFIGURABLE;
        desc->value = v;
        desc->getter = JS_UNDEFINED;
        desc->setter = JS_UNDEFINED;
    } else {
        JS_FreeValue(ctx, v);
    }
    return 1;
}

static JSClassExoticMethods scope_exotic = {
    .get_own_property = scope_get_own_property,
};

/* Array.isArray, also true for a Java List or array: libraries (Mustache, Handlebars) decide
   with it whether to iterate a value, as GraalJS does for foreign arrays. */
static JSValue js_is_array(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int r;
    (void)this_val;
    if (argc < 1)
        return JS_FALSE;
    if (host_variant(argv[0]) == QJS_VARIANT_LIST)
        return JS_TRUE;
    r = JS_IsArray(ctx, argv[0]);
    return r < 0 ? JS_EXCEPTION : JS_NewBool(ctx, r);
}

/* ---------- promises, Java futures, timers, unhandled rejections ---------- */

static void enc_cstr(JSContext *ctx, qjs_buf *b, const char *str)
{
    JSValue v = JS_NewString(ctx, str ? str : "");
    if (JS_IsException(v)) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        b->failed = 1;
        return;
    }
    enc_string(ctx, b, v);
    JS_FreeValue(ctx, v);
}

/* Takes promise and reason (owned). */
static void unhandled_add(qjs_rt *st, JSContext *ctx, JSValue promise, JSValue reason)
{
    if (st->unhandled_n == st->unhandled_cap) {
        int32_t cap = st->unhandled_cap ? st->unhandled_cap * 2 : 8;
        qjs_unhandled *a = realloc(st->unhandled, sizeof(*a) * (size_t)cap);
        if (!a) {
            JS_FreeValue(ctx, promise);
            JS_FreeValue(ctx, reason);
            return;
        }
        st->unhandled = a;
        st->unhandled_cap = cap;
    }
    st->unhandled[st->unhandled_n].ctx = JS_DupContext(ctx);
    st->unhandled[st->unhandled_n].promise = promise;
    st->unhandled[st->unhandled_n].reason = reason;
    st->unhandled_n++;
    st->mb[QJS_MB_UNHANDLED] = st->unhandled_n;
}

static void unhandled_free_at(qjs_rt *st, int32_t i)
{
    qjs_unhandled u = st->unhandled[i];
    st->unhandled[i] = st->unhandled[--st->unhandled_n];
    st->mb[QJS_MB_UNHANDLED] = st->unhandled_n;
    JS_FreeValue(u.ctx, u.promise);
    JS_FreeValue(u.ctx, u.reason);
    JS_FreeContext(u.ctx);
}

/* Forgets the unhandled rejections of one context (NULL: of all). */
static void unhandled_drop(qjs_rt *st, JSContext *ctx)
{
    int32_t i = 0;
    while (i < st->unhandled_n) {
        if (!ctx || st->unhandled[i].ctx == ctx)
            unhandled_free_at(st, i);
        else
            i++;
    }
}

/* Frees what the realm holds for the shim (before its context goes). */
static void realm_release_values(qjs_realm *r)
{
    unhandled_drop(r->st, r->ctx);
    JS_FreeValue(r->ctx, r->timers);
    JS_FreeValue(r->ctx, r->cjs_cache);
    JS_FreeValue(r->ctx, r->futures);
    r->timers = JS_UNDEFINED;
    r->cjs_cache = JS_UNDEFINED;
    r->futures = JS_UNDEFINED;
}

static void rejection_tracker(JSContext *ctx, JSValueConst promise, JSValueConst reason,
                              JS_BOOL is_handled, void *opaque)
{
    qjs_rt *st = opaque;
    int32_t i;
    if (!is_handled) {
        unhandled_add(st, ctx, JS_DupValue(ctx, promise), JS_DupValue(ctx, reason));
        return;
    }
    for (i = 0; i < st->unhandled_n; i++) {
        if (JS_IsObject(st->unhandled[i].promise) &&
            JS_VALUE_GET_PTR(st->unhandled[i].promise) == JS_VALUE_GET_PTR(promise)) {
            unhandled_free_at(st, i);
            return;
        }
    }
}

int32_t qjs_unhandled_take(qjs_rt *st)
{
    int32_t i, n;
    if (!st)
        return QJS_BAD_INPUT;
    enter(st);
    n = st->unhandled_n;
    buf_reset(&st->out);
    buf_i32(&st->out, n);
    /* encoding may run getters that queue more: those stay for the next take */
    for (i = 0; i < n; i++) {
        qjs_unhandled *u = &st->unhandled[i];
        buf_i64(&st->out, (int64_t)(uintptr_t)JS_GetContextOpaque(u->ctx));
        buf_u8(&st->out, JS_IsUndefined(u->promise) ? 1 : 0); /* 1: thrown by a microtask */
        enc_exception(u->ctx, st, &st->out, u->reason, QJS_STOP_NONE);
    }
    for (i = 0; i < n; i++) {
        JS_FreeValue(st->unhandled[i].ctx, st->unhandled[i].promise);
        JS_FreeValue(st->unhandled[i].ctx, st->unhandled[i].reason);
        JS_FreeContext(st->unhandled[i].ctx);
    }
    memmove(st->unhandled, st->unhandled + n, sizeof(qjs_unhandled) * (size_t)(st->unhandled_n - n));
    st->unhandled_n -= n;
    st->mb[QJS_MB_UNHANDLED] = st->unhandled_n;
    publish_out(st);
    leave(st);
    return st->out.failed ? QJS_OUT_OF_MEMORY : QJS_OK;
}

/* A reaction of a watched promise: reports the settlement to the host; magic is
   QJS_SETTLE_FULFIL or QJS_SETTLE_REJECT. */
static JSValue js_promise_settled(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv, int magic, JSValue *data)
{
    qjs_rt *st = rt_of(ctx);
    reader reply;
    int64_t id;
    JSValueConst v = argc > 0 ? argv[0] : JS_UNDEFINED;
    (void)this_val;
    if (JS_ToInt64(ctx, &id, data[0]) < 0)
        return JS_EXCEPTION;
    buf_reset(&st->up);
    buf_u8(&st->up, (uint8_t)magic);
    if (magic == QJS_SETTLE_REJECT)
        enc_exception(ctx, st, &st->up, v, QJS_STOP_NONE);
    else
        enc_value(ctx, st, &st->up, v);
    if (call_host(ctx, st, QJS_OP_PROMISE_SETTLED, id, &reply))
        return JS_EXCEPTION;
    return JS_UNDEFINED;
}

static void promise_mark_handled(JSContext *ctx, JSValueConst promise)
{
    if (qjsi_promise_then(ctx, promise, JS_UNDEFINED, JS_UNDEFINED) < 0 && JS_HasException(ctx))
        JS_FreeValue(ctx, JS_GetException(ctx));
}

static int32_t finish_value(JSContext *ctx, qjs_rt *st, JSValue v);

#define BEGIN(realm)                                  \
    JSContext *ctx;                                   \
    int32_t rc;                                       \
    if (!st || !(ctx = realm_ctx(realm)))             \
        return QJS_BAD_INPUT;                         \
    enter(st);

#define END() leave(st); return rc;

static JSContext *realm_ctx(int64_t realm);

int32_t qjs_promise_watch(qjs_rt *st, int64_t realm, int64_t promise, int64_t id)
{
    qjs_box *b = box_get(promise);
    JSValue p, handlers[2], idv;
    int state;
    BEGIN(realm);
    if (!b || (int)JS_PromiseState(ctx, b->v) < 0) {
        rc = QJS_BAD_INPUT;
        END();
    }
    p = JS_DupValue(ctx, b->v);
    state = (int)JS_PromiseState(ctx, p);
    if (state == JS_PROMISE_PENDING) {
        idv = JS_NewInt64(ctx, id);
        handlers[0] = JS_NewCFunctionData(ctx, js_promise_settled, 1, QJS_SETTLE_FULFIL, 1, &idv);
        handlers[1] = JS_NewCFunctionData(ctx, js_promise_settled, 1, QJS_SETTLE_REJECT, 1, &idv);
        if (JS_IsException(handlers[0]) || JS_IsException(handlers[1]) ||
            qjsi_promise_then(ctx, p, handlers[0], handlers[1]) < 0) {
            JS_FreeValue(ctx, handlers[0]);
            JS_FreeValue(ctx, handlers[1]);
            JS_FreeValue(ctx, p);
            if (!JS_HasException(ctx))
                JS_ThrowOutOfMemory(ctx);
            rc = finish_exception(ctx, st);
            END();
        }
        JS_FreeValue(ctx, handlers[0]);
        JS_FreeValue(ctx, handlers[1]);
        JS_FreeValue(ctx, p);
        buf_reset(&st->out);
        publish_out(st);
        rc = QJS_PENDING;
        END();
    }
    promise_mark_handled(ctx, p);
    if (state == JS_PROMISE_FULFILLED) {
        rc = finish_value(ctx, st, JS_PromiseResult(ctx, p));
    } else {
        JS_Throw(ctx, JS_PromiseResult(ctx, p));
        rc = finish_exception(ctx, st);
    }
    JS_FreeValue(ctx, p);
    END();
}

int32_t qjs_promise_settle(qjs_rt *st, int64_t realm, int64_t resolvers, const uint8_t *in,
                           int32_t len)
{
    qjs_box *b = box_get(resolvers);
    reader r = { in, in ? in + len : NULL };
    uint8_t form = 0;
    int32_t hid = -1;
    JSValue fn, v = JS_UNDEFINED, res;
    int drc = 0;
    BEGIN(realm);
    if (!b || !in || len < 1 || !JS_IsArray(ctx, b->v) || rd_u8(&r, &form) < 0 || form > QJS_SETTLE_THROWABLE ||
        (form == QJS_SETTLE_THROWABLE && rd_i32(&r, &hid) < 0)) {
        rc = QJS_BAD_INPUT;
        END();
    }
    if (form == QJS_SETTLE_THROWABLE)
        v = host_error(ctx, st, hid, &r);
    else
        drc = dec_value(ctx, st, &r, &v);
    fn = JS_GetPropertyUint32(ctx, b->v, form == QJS_SETTLE_FULFIL ? 0 : 1);
    {
        JSValue idv = JS_GetPropertyUint32(ctx, b->v, 2);
        int64_t fid;
        if (JS_IsNumber(idv) && JS_ToInt64(ctx, &fid, idv) == 0)
            forget_future(ctx, (qjs_realm *)(uintptr_t)realm, fid);
        JS_FreeValue(ctx, idv);
    }
    box_free(st, b);
    if (drc < 0 || JS_IsException(v)) {
        JS_FreeValue(ctx, fn);
        if (drc == -1 && !JS_HasException(ctx))
            JS_ThrowTypeError(ctx, "malformed settlement of a Java future");
        rc = finish_exception(ctx, st);
        END();
    }
    res = JS_Call(ctx, fn, JS_UNDEFINED, 1, (JSValueConst *)&v);
    JS_FreeValue(ctx, fn);
    JS_FreeValue(ctx, v);
    if (JS_IsException(res)) {
        rc = finish_exception(ctx, st);
        END();
    }
    JS_FreeValue(ctx, res);
    rc = finish_value(ctx, st, JS_UNDEFINED);
    END();
}

static JSAtom timer_atom(JSContext *ctx, int64_t id)
{
    JSValue key = JS_NewInt64(ctx, id);
    JSAtom atom = JS_ValueToAtom(ctx, key);
    JS_FreeValue(ctx, key);
    return atom;
}

/* setTimeout (magic 0) and setInterval (magic 1): the callback and its arguments stay in the
   realm's timer table; the host keeps the time and calls qjs_timer_fire. */
static JSValue js_set_timer(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                            int magic)
{
    qjs_rt *st = rt_of(ctx);
    qjs_realm *rl = JS_GetContextOpaque(ctx);
    double delay = 0;
    int64_t id;
    JSValue entry;
    JSAtom atom;
    reader reply;
    int i;
    (void)this_val;
    if (argc < 1 || !JS_IsFunction(ctx, argv[0]))
        return JS_ThrowTypeError(ctx, "%s: the callback must be a function",
                                 magic ? "setInterval" : "setTimeout");
    if (argc > 1 && JS_ToFloat64(ctx, &delay, argv[1]) < 0)
        return JS_EXCEPTION;
    if (!(delay >= 1))
        delay = magic ? 1 : 0; /* NaN, negative, or an interval below 1 ms */
    if (delay > 2147483647.0)
        delay = 1; /* as Node and browsers do with delays past 2^31 - 1 ms */
    entry = JS_NewArray(ctx);
    if (JS_IsException(entry))
        return JS_EXCEPTION;
    JS_SetPropertyUint32(ctx, entry, 0, JS_DupValue(ctx, argv[0]));
    JS_SetPropertyUint32(ctx, entry, 1, JS_NewBool(ctx, magic));
    for (i = 2; i < argc; i++)
        JS_SetPropertyUint32(ctx, entry, (uint32_t)i, JS_DupValue(ctx, argv[i]));
    id = ++rl->next_timer;
    atom = timer_atom(ctx, id);
    if (atom == JS_ATOM_NULL) {
        JS_FreeValue(ctx, entry);
        return JS_EXCEPTION;
    }
    if (JS_DefinePropertyValue(ctx, rl->timers, atom, entry, JS_PROP_C_W_E) < 0) {
        JS_FreeAtom(ctx, atom);
        return JS_EXCEPTION;
    }
    buf_reset(&st->up);
    buf_f64(&st->up, delay);
    buf_u8(&st->up, (uint8_t)magic);
    if (call_host(ctx, st, QJS_OP_TIMER, id, &reply)) {
        JS_DeleteProperty(ctx, rl->timers, atom, 0);
        JS_FreeAtom(ctx, atom);
        return JS_EXCEPTION;
    }
    JS_FreeAtom(ctx, atom);
    return JS_NewInt64(ctx, id);
}

/* clearTimeout and clearInterval (either clears both kinds, as in browsers and Node). */
static JSValue js_clear_timer(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    qjs_rt *st = rt_of(ctx);
    qjs_realm *rl = JS_GetContextOpaque(ctx);
    int64_t id;
    JSAtom atom;
    int had;
    reader reply;
    (void)this_val;
    if (argc < 1 || !JS_IsNumber(argv[0]))
        return JS_UNDEFINED;
    if (JS_ToInt64(ctx, &id, argv[0]) < 0)
        return JS_EXCEPTION;
    if (id <= 0 || id > rl->next_timer)
        return JS_UNDEFINED;
    atom = timer_atom(ctx, id);
    if (atom == JS_ATOM_NULL)
        return JS_EXCEPTION;
    had = JS_GetOwnProperty(ctx, NULL, rl->timers, atom);
    if (had > 0)
        JS_DeleteProperty(ctx, rl->timers, atom, 0);
    JS_FreeAtom(ctx, atom);
    if (had < 0)
        return JS_EXCEPTION;
    if (had > 0) {
        buf_reset(&st->up);
        if (call_host(ctx, st, QJS_OP_TIMER_CANCEL, id, &reply))
            return JS_EXCEPTION;
    }
    return JS_UNDEFINED;
}

int32_t qjs_timer_fire(qjs_rt *st, int64_t realm, int64_t id)
{
    qjs_realm *rl = (qjs_realm *)(uintptr_t)realm;
    JSValue entry, fn, ret, len_v, *args = NULL;
    JSAtom atom;
    uint32_t len = 0, argc = 0, i;
    int repeat;
    BEGIN(realm);
    atom = timer_atom(ctx, id);
    if (atom == JS_ATOM_NULL) {
        rc = finish_exception(ctx, st);
        END();
    }
    entry = JS_GetProperty(ctx, rl->timers, atom);
    if (!JS_IsObject(entry)) { /* cleared meanwhile */
        JS_FreeAtom(ctx, atom);
        JS_FreeValue(ctx, entry);
        rc = finish_value(ctx, st, JS_UNDEFINED);
        END();
    }
    fn = JS_GetPropertyUint32(ctx, entry, 0);
    repeat = JS_ToBool(ctx, JS_GetPropertyUint32(ctx, entry, 1)); /* a boolean: nothing to free */
    if (!repeat)
        JS_DeleteProperty(ctx, rl->timers, atom, 0);
    JS_FreeAtom(ctx, atom);
    len_v = JS_GetPropertyStr(ctx, entry, "length");
    if (JS_ToUint32(ctx, &len, len_v) < 0)
        len = 2;
    JS_FreeValue(ctx, len_v);
    argc = len > 2 ? len - 2 : 0;
    args = js_malloc(ctx, sizeof(JSValue) * (argc ? argc : 1));
    if (!args) {
        JS_FreeValue(ctx, fn);
        JS_FreeValue(ctx, entry);
        rc = finish_exception(ctx, st);
        END();
    }
    for (i = 0; i < argc; i++)
        args[i] = JS_GetPropertyUint32(ctx, entry, i + 2);
    JS_FreeValue(ctx, entry);
    ret = JS_Call(ctx, fn, JS_UNDEFINED, (int)argc, (JSValueConst *)args);
    for (i = 0; i < argc; i++)
        JS_FreeValue(ctx, args[i]);
    js_free(ctx, args);
    JS_FreeValue(ctx, fn);
    if (!JS_IsException(ret)) {
        JS_FreeValue(ctx, ret); /* nobody reads a timer callback's result */
        ret = JS_UNDEFINED;
    }
    rc = finish(ctx, st, ret);
    END();
}

/* The job of queueMicrotask: an exception has no caller, so it is reported like an unhandled
   rejection rather than lost. */
static JSValue microtask_job(JSContext *ctx, int argc, JSValueConst *argv)
{
    JSValue ret = JS_Call(ctx, argv[0], JS_UNDEFINED, 0, NULL);
    (void)argc;
    if (JS_IsException(ret)) {
        JSValue exc = JS_GetException(ctx);
        unhandled_add(rt_of(ctx), ctx, JS_UNDEFINED, exc);
        return JS_UNDEFINED;
    }
    JS_FreeValue(ctx, ret);
    return JS_UNDEFINED;
}

static JSValue js_queue_microtask(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv)
{
    (void)this_val;
    if (argc < 1 || !JS_IsFunction(ctx, argv[0]))
        return JS_ThrowTypeError(ctx, "queueMicrotask: the callback must be a function");
    if (JS_EnqueueJob(ctx, microtask_job, 1, argv) < 0)
        return JS_EXCEPTION;
    return JS_UNDEFINED;
}

/* ---------- modules and CommonJS ---------- */


/* The id of `specifier` asked for from `referrer` (NULL: the script being run), through the
   host's loaders; a new string (JS_FreeValue) or JS_EXCEPTION. */
static JSValue module_resolve(JSContext *ctx, qjs_rt *st, JSValueConst referrer,
                              JSValueConst specifier, int require)
{
    reader reply;
    JSValue id = JS_UNDEFINED;
    buf_reset(&st->up);
    enc_value(ctx, st, &st->up, referrer);
    enc_value(ctx, st, &st->up, specifier);
    if (call_host(ctx, st, QJS_OP_MODULE_RESOLVE,
                  require ? QJS_MODULE_REQUIRE : QJS_MODULE_IMPORT, &reply))
        return JS_EXCEPTION;
    if (!reply.p || dec_value(ctx, st, &reply, &id) < 0 || !JS_IsString(id)) {
        JS_FreeValue(ctx, id);
        if (!JS_HasException(ctx))
            JS_ThrowInternalError(ctx, "bad module id from the host");
        return JS_EXCEPTION;
    }
    return id;
}

static char *module_normalize(JSContext *ctx, const char *base, const char *name, void *opaque)
{
    qjs_rt *st = opaque;
    JSValue referrer, specifier, id;
    const char *s;
    char *res;
    referrer = base && *base ? JS_NewString(ctx, base) : JS_UNDEFINED;
    specifier = JS_NewString(ctx, name);
    if (JS_IsException(referrer) || JS_IsException(specifier)) {
        JS_FreeValue(ctx, referrer);
        JS_FreeValue(ctx, specifier);
        return NULL;
    }
    id = module_resolve(ctx, st, referrer, specifier, 0);
    JS_FreeValue(ctx, referrer);
    JS_FreeValue(ctx, specifier);
    if (JS_IsException(id))
        return NULL;
    s = JS_ToCString(ctx, id);
    JS_FreeValue(ctx, id);
    if (!s)
        return NULL;
    res = js_strdup(ctx, s);
    JS_FreeCString(ctx, s);
    return res;
}

/* Asks the host for module `id`: its format, and the source (a new string) and, for
   CommonJS, dirname; host modules give their export names through *names / *count. */
static int module_fetch(JSContext *ctx, qjs_rt *st, JSValueConst id, int require,
                        JSValue *source, JSValue *dirname, char ***names, int32_t *count)
{
    reader reply;
    uint8_t format;
    *source = JS_UNDEFINED;
    *dirname = JS_UNDEFINED;
    buf_reset(&st->up);
    enc_value(ctx, st, &st->up, id);
    if (call_host(ctx, st, QJS_OP_MODULE_LOAD,
                  require ? QJS_MODULE_REQUIRE : QJS_MODULE_IMPORT, &reply))
        return -1;
    if (!reply.p || rd_u8(&reply, &format) < 0 || format > QJS_FORMAT_HOST)
        goto bad;
    if (format == QJS_FORMAT_HOST) {
        int32_t n, i;
        if (!names) /* require(): the names are not needed */
            return format;
        if (rd_i32(&reply, &n) < 0 || n < 0 || n > 100000)
            goto bad;
        *names = js_mallocz(ctx, sizeof(char *) * (size_t)(n + 1));
        if (!*names)
            return -1;
        for (i = 0; i < n; i++) {
            JSValue nm;
            const char *c;
            if (dec_value(ctx, st, &reply, &nm) < 0 || !JS_IsString(nm)) {
                JS_FreeValue(ctx, nm);
                goto bad_names;
            }
            c = JS_ToCString(ctx, nm);
            JS_FreeValue(ctx, nm);
            if (!c)
                goto bad_names;
            (*names)[i] = js_strdup(ctx, c);
            JS_FreeCString(ctx, c);
            if (!(*names)[i])
                goto bad_names;
        }
        *count = n;
        return format;
    bad_names:
        for (i = 0; (*names)[i]; i++)
            js_free(ctx, (*names)[i]);
        js_free(ctx, *names);
        *names = NULL;
        goto bad;
    }
    if (dec_value(ctx, st, &reply, source) < 0 || !JS_IsString(*source))
        goto bad;
    if (format == QJS_FORMAT_COMMONJS &&
        (dec_value(ctx, st, &reply, dirname) < 0 || !JS_IsString(*dirname)))
        goto bad;
    return format;
bad:
    JS_FreeValue(ctx, *source);
    JS_FreeValue(ctx, *dirname);
    *source = JS_UNDEFINED;
    *dirname = JS_UNDEFINED;
    if (!JS_HasException(ctx))
        JS_ThrowInternalError(ctx, "bad module from the host");
    return -1;
}

/* The exports of a host module as one object: asks the host (one call). */
static JSValue host_module_object(JSContext *ctx, qjs_rt *st, JSValueConst id)
{
    reader reply;
    int32_t n, i;
    JSValue obj;
    buf_reset(&st->up);
    enc_value(ctx, st, &st->up, id);
    if (call_host(ctx, st, QJS_OP_HOST_MODULE, 0, &reply))
        return JS_EXCEPTION;
    if (!reply.p || rd_i32(&reply, &n) < 0 || n < 0)
        return JS_ThrowInternalError(ctx, "bad host module reply");
    obj = JS_NewObject(ctx);
    if (JS_IsException(obj))
        return obj;
    for (i = 0; i < n; i++) {
        JSValue name, value;
        JSAtom atom;
        if (dec_value(ctx, st, &reply, &name) < 0 || !JS_IsString(name) ||
            dec_value(ctx, st, &reply, &value) < 0) {
            JS_FreeValue(ctx, name);
            JS_FreeValue(ctx, obj);
            if (!JS_HasException(ctx))
                JS_ThrowInternalError(ctx, "bad host module reply");
            return JS_EXCEPTION;
        }
        atom = JS_ValueToAtom(ctx, name);
        JS_FreeValue(ctx, name);
        if (atom == JS_ATOM_NULL ||
            JS_DefinePropertyValue(ctx, obj, atom, value, JS_PROP_ENUMERABLE) < 0) {
            if (atom != JS_ATOM_NULL)
                JS_FreeAtom(ctx, atom);
            JS_FreeValue(ctx, obj);
            return JS_EXCEPTION;
        }
        JS_FreeAtom(ctx, atom);
    }
    return obj;
}

static JSValue cjs_load(JSContext *ctx, qjs_rt *st, JSValueConst id);

/* require(specifier), bound to the module that asks (data[0]: its id, or undefined). */
static JSValue js_require(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                          int magic, JSValue *data)
{
    qjs_rt *st = rt_of(ctx);
    JSValue id, exports;
    (void)this_val;
    if (argc < 1 || !JS_IsString(argv[0]))
        return JS_ThrowTypeError(ctx, "%s: the module name must be a string",
                                 magic ? "require.resolve" : "require");
    id = module_resolve(ctx, st, data[0], argv[0], 1);
    if (JS_IsException(id) || magic)
        return id;
    exports = cjs_load(ctx, st, id);
    JS_FreeValue(ctx, id);
    return exports;
}

static JSValue cjs_cache(JSContext *ctx)
{
    qjs_realm *rl = JS_GetContextOpaque(ctx);
    if (JS_IsUndefined(rl->cjs_cache)) {
        rl->cjs_cache = JS_NewObjectProto(ctx, JS_NULL);
        if (JS_IsException(rl->cjs_cache)) {
            rl->cjs_cache = JS_UNDEFINED;
            return JS_EXCEPTION;
        }
    }
    return JS_DupValue(ctx, rl->cjs_cache);
}

/* A require function for code of module `referrer` (a string, or undefined for scripts). */
static JSValue cjs_require_fn(JSContext *ctx, JSValueConst referrer)
{
    JSValue fn, resolve, cache;
    fn = JS_NewCFunctionData(ctx, js_require, 1, 0, 1, &referrer);
    if (JS_IsException(fn))
        return fn;
    resolve = JS_NewCFunctionData(ctx, js_require, 1, 1, 1, &referrer);
    cache = cjs_cache(ctx);
    if (JS_IsException(resolve) || JS_IsException(cache)) {
        JS_FreeValue(ctx, resolve);
        JS_FreeValue(ctx, fn);
        return JS_EXCEPTION;
    }
    JS_DefinePropertyValueStr(ctx, fn, "resolve", resolve, JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, fn, "cache", cache, JS_PROP_C_W_E);
    return fn;
}

/* Loads and runs a CommonJS or JSON module once per realm; its module.exports. */
static JSValue cjs_load(JSContext *ctx, qjs_rt *st, JSValueConst id)
{
    /* `global` is Node's name for the global object: code written for Node reads it
       (handlebars: `typeof global !== 'undefined' ? global : window`), as bundlers provide */
    static const char head[] = "(function (exports, require, module, __filename, __dirname, global) {";
    static const char tail[] = "\n})";
    JSValue cache, module = JS_UNDEFINED, exports = JS_UNDEFINED, source = JS_UNDEFINED;
    JSValue dirname = JS_UNDEFINED, fn, req, ret = JS_EXCEPTION, args[6];
    JSAtom atom;
    const char *id_c = NULL, *src = NULL;
    size_t src_len;
    char *text;
    int format;

    cache = cjs_cache(ctx);
    if (JS_IsException(cache))
        return cache;
    atom = JS_ValueToAtom(ctx, id);
    if (atom == JS_ATOM_NULL) {
        JS_FreeValue(ctx, cache);
        return JS_EXCEPTION;
    }
    module = JS_GetProperty(ctx, cache, atom);
    if (JS_IsObject(module)) { /* loaded, or loading (a cycle): its exports so far */
        ret = JS_GetPropertyStr(ctx, module, "exports");
        goto done;
    }
    JS_FreeValue(ctx, module);
    module = JS_UNDEFINED;
    format = module_fetch(ctx, st, id, 1, &source, &dirname, NULL, NULL);
    if (format < 0)
        goto done;
    if (format == QJS_FORMAT_ESM) { /* as Node 22 does: the namespace, when it needs no await */
        id_c = JS_ToCString(ctx, id);
        exports = id_c ? qjsi_require_module(ctx, id_c) : JS_EXCEPTION;
    } else {
        exports = JS_NewObject(ctx);
    }
    if (JS_IsException(exports)) {
        exports = JS_UNDEFINED;
        goto done;
    }
    module = JS_NewObject(ctx);
    if (JS_IsException(module)) {
        module = JS_UNDEFINED;
        goto done;
    }
    JS_DefinePropertyValueStr(ctx, module, "id", JS_DupValue(ctx, id), JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, module, "filename", JS_DupValue(ctx, id), JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, module, "loaded", JS_FALSE, JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, module, "exports", JS_DupValue(ctx, exports), JS_PROP_C_W_E);
    JS_DefinePropertyValue(ctx, cache, atom, JS_DupValue(ctx, module), JS_PROP_C_W_E);

    if (format == QJS_FORMAT_HOST) {
        ret = host_module_object(ctx, st, id);
        if (JS_IsException(ret))
            goto fail_loading;
        JS_SetPropertyStr(ctx, module, "exports", ret);
    } else if (format == QJS_FORMAT_JSON) {
        src = JS_ToCStringLen(ctx, &src_len, source);
        id_c = JS_ToCString(ctx, id);
        if (!src || !id_c)
            goto fail_loading;
        ret = JS_ParseJSON(ctx, src, src_len, id_c);
        if (JS_IsException(ret))
            goto fail_loading;
        JS_SetPropertyStr(ctx, module, "exports", ret);
    } else if (format == QJS_FORMAT_COMMONJS) {
        src = JS_ToCStringLen(ctx, &src_len, source);
        id_c = JS_ToCString(ctx, id);
        if (!src || !id_c)
            goto fail_loading;
        text = js_malloc(ctx, sizeof(head) - 1 + src_len + sizeof(tail));
        if (!text)
            goto fail_loading;
        memcpy(text, head, sizeof(head) - 1);
        memcpy(text + sizeof(head) - 1, src, src_len);
        if (src_len >= 2 && src[0] == '#' && src[1] == '!')
            memcpy(text + sizeof(head) - 1, "//", 2); /* a shebang line, as Node skips it */
        memcpy(text + sizeof(head) - 1 + src_len, tail, sizeof(tail));
        fn = JS_Eval(ctx, text, sizeof(head) - 1 + src_len + sizeof(tail) - 1, id_c,
                     JS_EVAL_TYPE_GLOBAL);
        js_free(ctx, text);
        if (JS_IsException(fn))
            goto fail_loading;
        req = cjs_require_fn(ctx, id);
        if (JS_IsException(req)) {
            JS_FreeValue(ctx, fn);
            goto fail_loading;
        }
        args[0] = exports;
        args[1] = req;
        args[2] = module;
        args[3] = (JSValue)id;
        args[4] = dirname;
        args[5] = JS_GetGlobalObject(ctx);
        ret = JS_Call(ctx, fn, exports, 6, (JSValueConst *)args);
        JS_FreeValue(ctx, args[5]);
        JS_FreeValue(ctx, fn);
        JS_FreeValue(ctx, req);
        if (JS_IsException(ret))
            goto fail_loading;
        JS_FreeValue(ctx, ret);
    }
    JS_SetPropertyStr(ctx, module, "loaded", JS_TRUE);
    ret = JS_GetPropertyStr(ctx, module, "exports");
    goto done;

fail_loading: /* a failed module is forgotten, so a later require tries again */
    {
        JSValue exc = JS_GetException(ctx);
        JS_DeleteProperty(ctx, cache, atom, 0);
        JS_Throw(ctx, exc);
    }
    ret = JS_EXCEPTION;
done:
    JS_FreeValue(ctx, module);
    JS_FreeValue(ctx, exports);
    JS_FreeValue(ctx, cache);
    JS_FreeValue(ctx, source);
    JS_FreeValue(ctx, dirname);
    if (src)
        JS_FreeCString(ctx, src);
    if (id_c)
        JS_FreeCString(ctx, id_c);
    JS_FreeAtom(ctx, atom);
    return ret;
}

/* 1 and the value (a new reference) when obj has an own property `name`, 0 when not, -1 on error. */
static int own_property_str(JSContext *ctx, JSValueConst obj, const char *name, JSValue *out)
{
    JSPropertyDescriptor desc;
    JSAtom atom = JS_NewAtom(ctx, name);
    int has;
    if (atom == JS_ATOM_NULL)
        return -1;
    has = JS_GetOwnProperty(ctx, &desc, obj, atom);
    JS_FreeAtom(ctx, atom);
    if (has <= 0)
        return has;
    JS_FreeValue(ctx, desc.getter);
    JS_FreeValue(ctx, desc.setter);
    *out = desc.value;
    return 1;
}

/* A CommonJS, JSON or host module imported from an ES module: its module.exports as the
   default export, filled when the module is evaluated; a host module also exports each of its
   names. */
static int synthetic_module_fill(JSContext *ctx, JSModuleDef *m, int named)
{
    qjs_rt *st = rt_of(ctx);
    JSAtom name = JS_GetModuleName(ctx, m);
    JSValue id = JS_AtomToString(ctx, name);
    JSValue exports;
    JS_FreeAtom(ctx, name);
    if (JS_IsException(id))
        return -1;
    exports = cjs_load(ctx, st, id);
    JS_FreeValue(ctx, id);
    if (JS_IsException(exports))
        return -1;
    if (named && JS_IsObject(exports)) {
        JSPropertyEnum *tab;
        uint32_t len, i;
        if (JS_GetOwnPropertyNames(ctx, &tab, &len, exports,
                                   JS_GPN_STRING_MASK | JS_GPN_ENUM_ONLY) < 0) {
            JS_FreeValue(ctx, exports);
            return -1;
        }
        for (i = 0; i < len; i++) {
            const char *key = JS_AtomToCString(ctx, tab[i].atom);
            if (key && strcmp(key, "default") != 0) {
                JSValue v = JS_GetProperty(ctx, exports, tab[i].atom);
                if (JS_IsException(v))
                    JS_FreeValue(ctx, JS_GetException(ctx));
                else
                    JS_SetModuleExport(ctx, m, key, v);
            }
            if (key)
                JS_FreeCString(ctx, key);
            JS_FreeAtom(ctx, tab[i].atom);
        }
        js_free(ctx, tab);
    }
    if (named && JS_IsObject(exports)) {
        /* a host module's own entry named "default" is its default export */
        JSValue def = JS_UNDEFINED;
        int has = own_property_str(ctx, exports, "default", &def);
        if (has > 0) {
            JS_FreeValue(ctx, exports);
            return JS_SetModuleExport(ctx, m, "default", def);
        }
    }
    return JS_SetModuleExport(ctx, m, "default", exports);
}

static int cjs_module_init(JSContext *ctx, JSModuleDef *m)
{
    return synthetic_module_fill(ctx, m, 0);
}

static int host_module_init(JSContext *ctx, JSModuleDef *m)
{
    return synthetic_module_fill(ctx, m, 1);
}

static JSModuleDef *module_loader(JSContext *ctx, const char *name, void *opaque)
{
    qjs_rt *st = opaque;
    JSValue id, source, dirname, fn, meta;
    JSModuleDef *m = NULL;
    char **names = NULL;
    int32_t count = 0, i;
    int format;
    const char *src;
    size_t src_len;

    id = JS_NewString(ctx, name);
    if (JS_IsException(id))
        return NULL;
    format = module_fetch(ctx, st, id, 0, &source, &dirname, &names, &count);
    JS_FreeValue(ctx, id);
    JS_FreeValue(ctx, dirname);
    if (format < 0)
        return NULL;
    if (format == QJS_FORMAT_ESM) {
        src = JS_ToCStringLen(ctx, &src_len, source);
        JS_FreeValue(ctx, source);
        if (!src)
            return NULL;
        fn = JS_Eval(ctx, src, src_len, name, JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
        JS_FreeCString(ctx, src);
        if (JS_IsException(fn))
            return NULL;
        m = JS_VALUE_GET_PTR(fn);
        JS_FreeValue(ctx, fn);
        meta = JS_GetImportMeta(ctx, m);
        if (!JS_IsException(meta)) {
            JS_DefinePropertyValueStr(ctx, meta, "url", JS_NewString(ctx, name), JS_PROP_C_W_E);
            JS_FreeValue(ctx, meta);
        } else {
            JS_FreeValue(ctx, JS_GetException(ctx));
        }
        return m;
    }
    JS_FreeValue(ctx, source);
    m = JS_NewCModule(ctx, name, format == QJS_FORMAT_HOST ? host_module_init : cjs_module_init);
    if (m) {
        for (i = 0; i < count; i++) {
            if (strcmp(names[i], "default") != 0 && JS_AddModuleExport(ctx, m, names[i]) < 0) {
                m = NULL;
                break;
            }
        }
        if (m && JS_AddModuleExport(ctx, m, "default") < 0)
            m = NULL;
    }
    if (names) {
        for (i = 0; i < count; i++)
            js_free(ctx, names[i]);
        js_free(ctx, names);
    }
    return m;
}

static int install_realm(JSContext *ctx)
{
    JSValue global = JS_GetGlobalObject(ctx);
    JSValue console, proto, scope, objproto;
    int ok = 1;

    JS_DefinePropertyValueStr(ctx, global, "print",
        JS_NewCFunctionMagic(ctx, js_print, "print", 1, JS_CFUNC_generic_magic, QJS_PRINT_LOG),
        JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    JS_DefinePropertyValueStr(ctx, global, "readLine",
        JS_NewCFunction(ctx, js_read_line, "readLine", 0),
        JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    console = JS_NewObject(ctx);
    JS_DefinePropertyValueStr(ctx, console, "log",
        JS_NewCFunctionMagic(ctx, js_print, "log", 1, JS_CFUNC_generic_magic,
                             QJS_PRINT_LOG | CONSOLE_FORMAT), JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, console, "info",
        JS_NewCFunctionMagic(ctx, js_print, "info", 1, JS_CFUNC_generic_magic,
                             QJS_PRINT_INFO | CONSOLE_FORMAT), JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, console, "debug",
        JS_NewCFunctionMagic(ctx, js_print, "debug", 1, JS_CFUNC_generic_magic,
                             QJS_PRINT_DEBUG | CONSOLE_FORMAT), JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, console, "warn",
        JS_NewCFunctionMagic(ctx, js_print, "warn", 1, JS_CFUNC_generic_magic,
                             QJS_PRINT_WARN | CONSOLE_FORMAT), JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, console, "error",
        JS_NewCFunctionMagic(ctx, js_print, "error", 1, JS_CFUNC_generic_magic,
                             QJS_PRINT_ERROR | CONSOLE_FORMAT), JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, console, "trace",
        JS_NewCFunctionMagic(ctx, js_print, "trace", 1, JS_CFUNC_generic_magic,
                             QJS_PRINT_ERROR | CONSOLE_FORMAT), JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, global, "console", console,
                              JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);

    /* timers and microtasks, as in browsers and Node; require() through the host's loaders */
    {
        qjs_realm *rl = JS_GetContextOpaque(ctx);
        rl->timers = JS_NewObjectProto(ctx, JS_NULL);
        if (JS_IsException(rl->timers)) {
            rl->timers = JS_UNDEFINED;
            ok = 0;
        }
        JS_DefinePropertyValueStr(ctx, global, "setTimeout",
            JS_NewCFunctionMagic(ctx, js_set_timer, "setTimeout", 2, JS_CFUNC_generic_magic, 0),
            JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
        JS_DefinePropertyValueStr(ctx, global, "setInterval",
            JS_NewCFunctionMagic(ctx, js_set_timer, "setInterval", 2, JS_CFUNC_generic_magic, 1),
            JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
        JS_DefinePropertyValueStr(ctx, global, "clearTimeout",
            JS_NewCFunction(ctx, js_clear_timer, "clearTimeout", 1),
            JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
        JS_DefinePropertyValueStr(ctx, global, "clearInterval",
            JS_NewCFunction(ctx, js_clear_timer, "clearInterval", 1),
            JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
        JS_DefinePropertyValueStr(ctx, global, "queueMicrotask",
            JS_NewCFunction(ctx, js_queue_microtask, "queueMicrotask", 1),
            JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
        JS_DefinePropertyValueStr(ctx, global, "require", cjs_require_fn(ctx, JS_UNDEFINED),
            JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    }

    /* prototypes of Java objects: Object.prototype for beans and maps, Array.prototype for
       lists and arrays (so map, filter, join … work on them), Function.prototype for
       functional interfaces; each with toString() = the Java toString() */
    {
        static const char *const bases[HOST_VARIANTS] = { "Object", "Object", "Array", "Function",
                                                          "Function" };
        int i;
        for (i = 0; i < HOST_VARIANTS; i++) {
            JSValue ctor = JS_GetPropertyStr(ctx, global, bases[i]);
            JSValue base = JS_GetPropertyStr(ctx, ctor, "prototype");
            JS_FreeValue(ctx, ctor);
            proto = JS_NewObjectProto(ctx, base);
            JS_FreeValue(ctx, base);
            JS_DefinePropertyValueStr(ctx, proto, "toString",
                JS_NewCFunction(ctx, js_host_to_string, "toString", 0),
                JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
            if (i == QJS_VARIANT_LIST) {
                /* [].concat(list) spreads it, as for a JS array */
                JSValue symbol = JS_GetPropertyStr(ctx, global, "Symbol");
                JSValue spreadable = JS_GetPropertyStr(ctx, symbol, "isConcatSpreadable");
                JSAtom atom = JS_ValueToAtom(ctx, spreadable);
                if (atom != JS_ATOM_NULL) {
                    JS_DefinePropertyValue(ctx, proto, atom, JS_TRUE, JS_PROP_CONFIGURABLE);
                    JS_FreeAtom(ctx, atom);
                }
                JS_FreeValue(ctx, spreadable);
                JS_FreeValue(ctx, symbol);
            }
            if (i == QJS_VARIANT_LIST) {
                /* JSON.stringify(list) gives an array, as for a JS array */
                JSValue to_json = JS_Eval(ctx, "(function toJSON() { return Array.from(this) })",
                                          sizeof("(function toJSON() { return Array.from(this) })") - 1,
                                          "<quickjs-jsr223>", JS_EVAL_TYPE_GLOBAL);
                if (!JS_IsException(to_json))
                    JS_DefinePropertyValueStr(ctx, proto, "toJSON", to_json,
                                              JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
            }
            JS_SetClassProto(ctx, host_class_ids[i], proto);
        }
    }

    {
        JSValue array_ctor = JS_GetPropertyStr(ctx, global, "Array");
        JS_DefinePropertyValueStr(ctx, array_ctor, "isArray",
            JS_NewCFunction(ctx, js_is_array, "isArray", 1),
            JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
        JS_FreeValue(ctx, array_ctor);
    }
    objproto = JS_GetPrototype(ctx, global);
    scope = JS_NewObjectProtoClass(ctx, objproto, scope_class_id);
    JS_FreeValue(ctx, objproto);
    if (JS_IsException(scope) || JS_SetPrototype(ctx, global, scope) < 0)
        ok = 0;
    JS_FreeValue(ctx, scope);
    JS_FreeValue(ctx, global);
    if (JS_HasException(ctx)) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        ok = 0;
    }
    return ok;
}

/* ---------- runtime ---------- */

qjs_rt *qjs_runtime_new(int64_t *mailbox, qjs_host_fn host, int32_t token)
{
    qjs_rt *st;
    JSClassDef host_defs[HOST_VARIANTS] = {
        { .class_name = "JavaObject", .finalizer = host_finalizer, .exotic = &host_exotic },
        { .class_name = "JavaMap", .finalizer = host_finalizer, .exotic = &host_exotic },
        { .class_name = "JavaList", .finalizer = host_finalizer, .exotic = &host_exotic },
        { .class_name = "JavaFunction", .finalizer = host_finalizer, .exotic = &host_exotic,
          .call = host_call },
        { .class_name = "JavaClass", .finalizer = host_finalizer, .exotic = &host_exotic,
          .call = host_call },
    };
    int v;
    JSClassDef scope_def = { .class_name = "HostScope", .exotic = &scope_exotic };

    if (!mailbox || !host)
        return NULL;
    pthread_once(&class_ids_once, init_class_ids);
    st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    st->rt = qjsi_new_runtime(&st->oom);
    if (!st->rt) {
        free(st);
        return NULL;
    }
    st->mb = mailbox;
    st->host = host;
    st->token = token;
    init_list_head(&st->boxes);
    init_list_head(&st->realms);
    JS_SetRuntimeOpaque(st->rt, st);
    JS_SetMaxStackSize(st->rt, 0);
    JS_SetInterruptHandler(st->rt, interrupt_handler, st);
    JS_SetHostPromiseRejectionTracker(st->rt, rejection_tracker, st);
    JS_SetModuleLoaderFunc(st->rt, module_normalize, module_loader, st);
    for (v = 0; v < HOST_VARIANTS; v++) {
        if (JS_NewClass(st->rt, host_class_ids[v], &host_defs[v]) < 0) {
            JS_FreeRuntime(st->rt);
            free(st);
            return NULL;
        }
    }
    if (JS_NewClass(st->rt, scope_class_id, &scope_def) < 0) {
        JS_FreeRuntime(st->rt);
        free(st);
        return NULL;
    }
    st->mb[QJS_MB_MALLOC_SIZE] = qjsi_malloc_size(st->rt);
    return st;
}

void qjs_runtime_free(qjs_rt *st)
{
    struct list_head *el, *el1;
    if (!st)
        return;
    enter(st);
    list_for_each_safe(el, el1, &st->boxes) {
        box_free(st, list_entry(el, qjs_box, link));
    }
    unhandled_drop(st, NULL);
    list_for_each_safe(el, el1, &st->realms) {
        qjs_realm *r = list_entry(el, qjs_realm, link);
        list_del(&r->link);
        realm_release_values(r);
        JS_FreeContext(r->ctx);
        free(r->wrappers);
        free(r);
    }
    JS_FreeRuntime(st->rt);
    free(st->out.data);
    free(st->up.data);
    free(st->track);
    free(st->released);
    free(st->bound);
    free(st->unhandled);
    free(st);
}

void qjs_runtime_set_limits(qjs_rt *st, int64_t memory_limit, int64_t max_stack, int64_t gc_threshold)
{
    if (!st)
        return;
    JS_SetMemoryLimit(st->rt, memory_limit > 0 ? (size_t)memory_limit : (size_t)-1); /* -1: none */
    st->max_stack = max_stack > 0 ? max_stack : 0;
    if (gc_threshold > 0)
        JS_SetGCThreshold(st->rt, (size_t)gc_threshold);
}

void qjs_runtime_gc(qjs_rt *st)
{
    if (!st)
        return;
    enter(st);
    JS_RunGC(st->rt);
    leave(st);
}

void qjs_runtime_memory(qjs_rt *st, int64_t *out)
{
    JSMemoryUsage u;
    if (!st || !out)
        return;
    JS_ComputeMemoryUsage(st->rt, &u);
    out[0] = u.malloc_size; out[1] = u.malloc_limit; out[2] = u.memory_used_size;
    out[3] = u.malloc_count; out[4] = u.memory_used_count; out[5] = u.atom_count;
    out[6] = u.atom_size; out[7] = u.str_count; out[8] = u.str_size;
    out[9] = u.obj_count; out[10] = u.obj_size; out[11] = u.prop_count;
    out[12] = u.prop_size; out[13] = u.shape_count; out[14] = u.shape_size;
    out[15] = u.js_func_count; out[16] = u.js_func_size; out[17] = u.js_func_code_size;
    out[18] = u.js_func_pc2line_count; out[19] = u.js_func_pc2line_size;
    out[20] = u.c_func_count; out[21] = u.array_count; out[22] = u.fast_array_count;
    out[23] = u.fast_array_elements; out[24] = u.binary_object_count;
    out[25] = u.binary_object_size;
}

int64_t qjs_realm_new(qjs_rt *st)
{
    qjs_realm *r;
    if (!st)
        return 0;
    r = calloc(1, sizeof(*r));
    if (!r)
        return 0;
    enter(st);
    r->timers = JS_UNDEFINED;
    r->cjs_cache = JS_UNDEFINED;
    r->futures = JS_UNDEFINED;
    r->ctx = JS_NewContext(st->rt);
    if (r->ctx) {
        r->st = st;
        JS_SetContextOpaque(r->ctx, r);
        if (!install_realm(r->ctx)) {
            realm_release_values(r);
            JS_FreeContext(r->ctx);
            r->ctx = NULL;
        }
    }
    leave(st);
    if (!r->ctx) {
        free(r);
        return 0;
    }
    list_add_tail(&r->link, &st->realms);
    return (int64_t)(uintptr_t)r;
}

static JSContext *realm_ctx(int64_t realm)
{
    qjs_realm *r = (qjs_realm *)(uintptr_t)realm;
    return r ? r->ctx : NULL;
}

void qjs_realm_free(qjs_rt *st, int64_t realm)
{
    qjs_realm *r = (qjs_realm *)(uintptr_t)realm;
    if (!st || !r)
        return;
    enter(st);
    list_del(&r->link);
    realm_release_values(r);
    JS_FreeContext(r->ctx);
    free(r->wrappers);
    free(r);
    leave(st);
}

void qjs_handles_free(qjs_rt *st, const int64_t *handles, int32_t n)
{
    int32_t i;
    if (!st || !handles)
        return;
    enter(st);
    for (i = 0; i < n; i++) {
        qjs_box *b = box_get(handles[i]);
        if (b)
            box_free(st, b);
    }
    leave(st);
}

/* ---------- calls that run JavaScript ---------- */

/* Evaluates an ES module: its namespace, its error, or (QJS_PENDING) [promise][namespace]
   while a top-level await waits. */
static int32_t eval_module(JSContext *ctx, qjs_rt *st, const char *src, size_t len,
                           const char *name)
{
    JSValue fn, promise, ns, meta;
    JSModuleDef *m;
    int state;
    fn = JS_Eval(ctx, src, len, name, JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
    if (JS_IsException(fn))
        return finish_exception(ctx, st);
    m = JS_VALUE_GET_PTR(fn);
    meta = JS_GetImportMeta(ctx, m);
    if (JS_IsException(meta)) {
        JS_FreeValue(ctx, fn);
        return finish_exception(ctx, st);
    }
    JS_DefinePropertyValueStr(ctx, meta, "url", JS_NewString(ctx, name), JS_PROP_C_W_E);
    JS_FreeValue(ctx, meta);
    promise = JS_EvalFunction(ctx, fn); /* links and evaluates; frees the module on failure */
    if (JS_IsException(promise))
        return finish_exception(ctx, st);
    if (run_jobs_outermost(ctx, st)) {
        JS_FreeValue(ctx, promise);
        JS_ThrowInternalError(ctx, "interrupted");
        return finish_exception(ctx, st);
    }
    state = (int)JS_PromiseState(ctx, promise);
    if (state == JS_PROMISE_REJECTED) {
        promise_mark_handled(ctx, promise);
        JS_Throw(ctx, JS_PromiseResult(ctx, promise));
        JS_FreeValue(ctx, promise);
        return finish_exception(ctx, st);
    }
    ns = JS_GetModuleNamespace(ctx, m);
    if (JS_IsException(ns)) {
        JS_FreeValue(ctx, promise);
        return finish_exception(ctx, st);
    }
    if (state != JS_PROMISE_PENDING) {
        JS_FreeValue(ctx, promise);
        return finish_value(ctx, st, ns);
    }
    buf_reset(&st->out);
    enc_value(ctx, st, &st->out, promise);
    enc_value(ctx, st, &st->out, ns);
    JS_FreeValue(ctx, promise);
    JS_FreeValue(ctx, ns);
    publish_out(st);
    return st->out.failed ? QJS_OUT_OF_MEMORY : QJS_PENDING;
}

int32_t qjs_eval(qjs_rt *st, int64_t realm, const uint8_t *src, int32_t src_len,
                 const char *filename, int32_t flags)
{
    int eval_flags = JS_EVAL_TYPE_GLOBAL;
    JSValue fn, v;
    BEGIN(realm);
    if (!src || src_len < 0 || src[src_len] != 0) {
        rc = QJS_BAD_INPUT;
        END();
    }
    if (flags & QJS_EVAL_MODULE) {
        rc = eval_module(ctx, st, (const char *)src, (size_t)src_len,
                         filename ? filename : "<module>");
        END();
    }
    if (flags & QJS_EVAL_STRICT)
        eval_flags |= JS_EVAL_FLAG_STRICT;
    if (!(flags & (QJS_EVAL_COMPILE_ONLY | QJS_EVAL_KEEP_BYTECODE))) {
        rc = finish(ctx, st, JS_Eval(ctx, (const char *)src, (size_t)src_len,
                                     filename ? filename : "<eval>", eval_flags));
        END();
    }
    fn = JS_Eval(ctx, (const char *)src, (size_t)src_len, filename ? filename : "<eval>",
                 eval_flags | JS_EVAL_FLAG_COMPILE_ONLY);
    if ((flags & QJS_EVAL_COMPILE_ONLY) || JS_IsException(fn)) {
        rc = finish(ctx, st, fn);
        if ((flags & QJS_EVAL_KEEP_BYTECODE) && (rc == QJS_OK || rc == QJS_EXCEPTION)) {
            size_t n = st->out.len;
            if (buf_reserve(&st->out, 1) == 0) {
                memmove(st->out.data + 1, st->out.data, n);
                st->out.data[0] = 0;
                st->out.len = n + 1;
            }
            st->mb[QJS_MB_OUT_PTR] = (int64_t)(uintptr_t)st->out.data;
            st->mb[QJS_MB_OUT_LEN] = (int64_t)st->out.len;
            if (st->out.failed)
                rc = QJS_OUT_OF_MEMORY;
        }
        END();
    }
    /* compile, keep the bytecode for the caller's cache, then run it */
    {
        int64_t h = box_new(st, JS_DupValue(ctx, fn));
        v = JS_EvalFunction(ctx, fn);
        rc = finish(ctx, st, v);
        if (rc == QJS_OK || rc == QJS_EXCEPTION) {
            /* prepend [handle] by rewriting: output = [u8 1][i64 handle][result] */
            size_t n = st->out.len;
            if (h && buf_reserve(&st->out, 9) == 0) {
                memmove(st->out.data + 9, st->out.data, n);
                st->out.data[0] = 1;
                memcpy(st->out.data + 1, &h, 8);
                st->out.len = n + 9;
            } else {
                if (h)
                    box_free(st, box_get(h));
                if (buf_reserve(&st->out, 1) == 0) {
                    memmove(st->out.data + 1, st->out.data, n);
                    st->out.data[0] = 0;
                    st->out.len = n + 1;
                }
            }
            st->mb[QJS_MB_OUT_PTR] = (int64_t)(uintptr_t)st->out.data;
            st->mb[QJS_MB_OUT_LEN] = (int64_t)st->out.len;
            if (st->out.failed)
                rc = QJS_OUT_OF_MEMORY;
        } else if (h) {
            box_free(st, box_get(h));
        }
    }
    END();
}

int32_t qjs_eval_bytecode(qjs_rt *st, int64_t realm, int64_t bytecode)
{
    qjs_box *b = box_get(bytecode);
    BEGIN(realm);
    if (!b || JS_VALUE_GET_TAG(b->v) != JS_TAG_FUNCTION_BYTECODE) {
        rc = QJS_BAD_INPUT;
        END();
    }
    rc = finish(ctx, st, JS_EvalFunction(ctx, JS_DupValue(ctx, b->v)));
    END();
}

int32_t qjs_bytecode_write(qjs_rt *st, int64_t realm, int64_t bytecode)
{
    qjs_box *b = box_get(bytecode);
    uint8_t *bytes;
    size_t size;
    BEGIN(realm);
    if (!b || JS_VALUE_GET_TAG(b->v) != JS_TAG_FUNCTION_BYTECODE) {
        rc = QJS_BAD_INPUT;
        END();
    }
    bytes = JS_WriteObject(ctx, &size, b->v, JS_WRITE_OBJ_BYTECODE);
    if (!bytes) {
        rc = finish_exception(ctx, st);
        END();
    }
    buf_reset(&st->out);
    buf_put(&st->out, bytes, size);
    js_free(ctx, bytes);
    st->mb[QJS_MB_OUT_PTR] = (int64_t)(uintptr_t)st->out.data;
    st->mb[QJS_MB_OUT_LEN] = (int64_t)st->out.len;
    rc = st->out.failed ? QJS_OUT_OF_MEMORY : QJS_OK;
    END();
}

int32_t qjs_bytecode_read(qjs_rt *st, int64_t realm, const uint8_t *buf, int32_t len)
{
    JSValue v;
    BEGIN(realm);
    if (!buf || len <= 0) {
        rc = QJS_BAD_INPUT;
        END();
    }
    v = JS_ReadObject(ctx, buf, (size_t)len, JS_READ_OBJ_BYTECODE);
    if (!JS_IsException(v) && JS_VALUE_GET_TAG(v) != JS_TAG_FUNCTION_BYTECODE) {
        JS_FreeValue(ctx, v);
        v = JS_ThrowTypeError(ctx, "not a compiled script");
    }
    rc = finish(ctx, st, v);
    END();
}

/* Reads [object or undefined (the global object)] from the input. */
static int dec_target(JSContext *ctx, qjs_rt *st, reader *r, JSValue *out)
{
    int rc = dec_value(ctx, st, r, out);
    if (rc == 0 && JS_IsUndefined(*out))
        *out = JS_GetGlobalObject(ctx);
    return rc;
}

static int dec_key(JSContext *ctx, qjs_rt *st, reader *r, JSAtom *atom)
{
    JSValue k;
    int rc;
    if (r->end - r->p >= 5 && r->p[0] == QJS_T_STRING8) {
        /* the usual key, a short ASCII name: straight to an atom, no string made first */
        int32_t n, i;
        const uint8_t *q = r->p + 5;
        memcpy(&n, r->p + 1, 4);
        if (n >= 0 && n <= 256 && r->end - q >= n) {
            for (i = 0; i < n && q[i] < 0x80; i++)
                ;
            if (i == n) {
                *atom = JS_NewAtomLen(ctx, (const char *)q, (size_t)n);
                r->p = q + n;
                return *atom == JS_ATOM_NULL ? -2 : 0;
            }
        }
    }
    rc = dec_value(ctx, st, r, &k);
    if (rc < 0)
        return rc;
    *atom = JS_ValueToAtom(ctx, k);
    JS_FreeValue(ctx, k);
    return *atom == JS_ATOM_NULL ? -2 : 0;
}

int32_t qjs_invoke(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    reader r = { in, in ? in + len : NULL };
    JSValue target = JS_UNDEFINED, this_val = JS_UNDEFINED, fn;
    JSValue *args = NULL, small_args[8];
    JSAtom atom = JS_ATOM_NULL;
    int32_t argc = 0, i, n = 0;
    int drc, has_name = 0;
    BEGIN(realm);
    if (!in || len < 0) {
        rc = QJS_BAD_INPUT;
        END();
    }
    if ((drc = dec_value(ctx, st, &r, &target)) < 0 ||
        (drc = dec_value(ctx, st, &r, &this_val)) < 0) {
        rc = finish_decode_error(ctx, st, drc < 0 ? drc : -1);
        goto done;
    }
    if (r.p < r.end && r.p[0] == QJS_T_UNDEFINED) {
        r.p++; /* no name: call the target itself */
    } else if ((drc = dec_key(ctx, st, &r, &atom)) < 0) {
        rc = finish_decode_error(ctx, st, drc);
        goto done;
    } else {
        has_name = 1;
    }
    if ((drc = rd_i32(&r, &argc)) < 0 || argc < 0 || argc > 65535) {
        rc = finish_decode_error(ctx, st, drc < 0 ? drc : -1);
        goto done;
    }
    /* most calls pass a few arguments: keep them on the stack */
    args = argc <= 8 ? small_args : js_malloc(ctx, sizeof(JSValue) * (size_t)argc);
    if (!args) {
        rc = finish_exception(ctx, st);
        goto done;
    }
    for (n = 0; n < argc; n++) {
        if ((drc = dec_value(ctx, st, &r, &args[n])) < 0) {
            rc = finish_decode_error(ctx, st, drc);
            goto done;
        }
    }
    if (has_name) {
        if (JS_IsUndefined(target))
            target = JS_GetGlobalObject(ctx);
        if (!JS_IsObject(target)) {
            rc = QJS_BAD_INPUT;
            goto done;
        }
        fn = JS_GetProperty(ctx, target, atom);
        if (JS_IsException(fn)) {
            rc = finish_exception(ctx, st);
            goto done;
        }
        if (!JS_IsFunction(ctx, fn)) {
            JS_FreeValue(ctx, fn);
            rc = QJS_NOT_FUNCTION;
            goto done;
        }
        rc = finish(ctx, st, JS_Call(ctx, fn, target, argc, (JSValueConst *)args));
        JS_FreeValue(ctx, fn);
    } else {
        if (!JS_IsFunction(ctx, target)) {
            rc = QJS_NOT_FUNCTION;
            goto done;
        }
        rc = finish(ctx, st, JS_Call(ctx, target, this_val, argc, (JSValueConst *)args));
    }
done:
    for (i = 0; i < n; i++)
        JS_FreeValue(ctx, args[i]);
    if (args && args != small_args)
        js_free(ctx, args);
    JS_FreeValue(ctx, target);
    JS_FreeValue(ctx, this_val);
    if (atom != JS_ATOM_NULL)
        JS_FreeAtom(ctx, atom);
    END();
}

int32_t qjs_get(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    reader r = { in, in ? in + len : NULL };
    JSValue obj = JS_UNDEFINED;
    JSAtom atom = JS_ATOM_NULL;
    uint8_t own = 0;
    int drc;
    BEGIN(realm);
    if (!in || (drc = dec_target(ctx, st, &r, &obj)) < 0 || (drc = dec_key(ctx, st, &r, &atom)) < 0 ||
        (drc = rd_u8(&r, &own)) < 0) {
        rc = finish_decode_error(ctx, st, in ? drc : -1);
    } else if (own && JS_IsObject(obj)) {
        /* an own property only: what a Bindings view of the global object holds */
        JSPropertyDescriptor desc;
        int found = JS_GetOwnProperty(ctx, &desc, obj, atom);
        if (found < 0) {
            rc = finish_exception(ctx, st);
        } else if (!found) {
            rc = finish_value(ctx, st, JS_UNDEFINED);
        } else {
            JSValue v;
            if (desc.flags & JS_PROP_GETSET) {
                JS_FreeValue(ctx, desc.value);
                v = JS_GetProperty(ctx, obj, atom); /* run the getter */
            } else {
                v = desc.value;
            }
            JS_FreeValue(ctx, desc.getter);
            JS_FreeValue(ctx, desc.setter);
            rc = finish(ctx, st, v);
        }
    } else {
        rc = finish(ctx, st, JS_GetProperty(ctx, obj, atom));
    }
    if (atom != JS_ATOM_NULL)
        JS_FreeAtom(ctx, atom);
    JS_FreeValue(ctx, obj);
    END();
}

/* obj[atom] = v (takes v), like JS_SetProperty, except that on a realm's global object
   "__proto__" names a global variable like any other name: assigning it would run
   Object.prototype's __proto__ setter and re-parent the global object, cutting it off from
   the GLOBAL_SCOPE fallback and from Object.prototype. */
static int set_property(JSContext *ctx, JSValueConst obj, JSAtom atom, JSValue v)
{
    JSValue global;
    JSAtom proto;
    int is_global_proto;
    proto = JS_NewAtom(ctx, "__proto__");
    global = JS_GetGlobalObject(ctx);
    is_global_proto = atom == proto && JS_VALUE_GET_PTR(global) == JS_VALUE_GET_PTR(obj);
    JS_FreeValue(ctx, global);
    JS_FreeAtom(ctx, proto);
    if (is_global_proto)
        return JS_DefinePropertyValue(ctx, obj, atom, v, JS_PROP_C_W_E);
    return JS_SetProperty(ctx, obj, atom, v);
}

int32_t qjs_set(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    reader r = { in, in ? in + len : NULL };
    JSValue obj = JS_UNDEFINED, v = JS_UNDEFINED, old = JS_UNDEFINED;
    JSAtom atom = JS_ATOM_NULL;
    uint8_t want_old = 0;
    int drc;
    BEGIN(realm);
    if (!in || (drc = dec_target(ctx, st, &r, &obj)) < 0 || (drc = dec_key(ctx, st, &r, &atom)) < 0 ||
        (drc = dec_value(ctx, st, &r, &v)) < 0 || (drc = rd_u8(&r, &want_old)) < 0) {
        rc = finish_decode_error(ctx, st, in ? drc : -1);
    } else if (!JS_IsObject(obj)) {
        rc = QJS_BAD_INPUT;
    } else {
        int ok = 1;
        if (want_old) {
            old = JS_GetProperty(ctx, obj, atom);
            if (JS_IsException(old)) {
                old = JS_UNDEFINED;
                ok = -1;
            }
        }
        if (ok >= 0) {
            ok = set_property(ctx, obj, atom, v); /* takes v */
            v = JS_UNDEFINED;
        }
        if (ok < 0) {
            rc = finish_exception(ctx, st);
        } else if (want_old) {
            rc = finish_value(ctx, st, old);
            old = JS_UNDEFINED;
        } else {
            rc = finish_value(ctx, st, JS_NewBool(ctx, ok));
        }
    }
    if (atom != JS_ATOM_NULL)
        JS_FreeAtom(ctx, atom);
    JS_FreeValue(ctx, old);
    JS_FreeValue(ctx, v);
    JS_FreeValue(ctx, obj);
    END();
}

int32_t qjs_set_many(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    reader r = { in, in ? in + len : NULL };
    JSValue obj = JS_UNDEFINED;
    JSAtom *atoms = NULL;
    JSValue *vals = NULL;
    int32_t count = 0, i, n = 0;
    int drc = 0;
    BEGIN(realm);
    if (!in || (drc = dec_target(ctx, st, &r, &obj)) < 0 || (drc = rd_i32(&r, &count)) < 0 ||
        count < 0 || count > (r.end - r.p) / 2) {
        rc = finish_decode_error(ctx, st, in ? drc : -1);
        goto done;
    }
    if (!JS_IsObject(obj)) {
        rc = QJS_BAD_INPUT;
        goto done;
    }
    /* Decode every entry before setting any: a setter or a GLOBAL_SCOPE look-up run by
       JS_SetProperty can call back into Java, and a re-entrant call there reuses (and may
       free) the input buffer this function is reading. */
    atoms = js_malloc(ctx, sizeof(JSAtom) * (count ? count : 1));
    vals = js_malloc(ctx, sizeof(JSValue) * (count ? count : 1));
    if (!atoms || !vals) {
        rc = finish_exception(ctx, st);
        goto done;
    }
    for (n = 0; n < count; n++) {
        if ((drc = dec_key(ctx, st, &r, &atoms[n])) < 0) {
            rc = finish_decode_error(ctx, st, drc);
            goto done;
        }
        if ((drc = dec_value(ctx, st, &r, &vals[n])) < 0) {
            JS_FreeAtom(ctx, atoms[n]);
            rc = finish_decode_error(ctx, st, drc);
            goto done;
        }
    }
    rc = -100;
    for (i = 0; i < count; i++) {
        JSValue v = vals[i];
        vals[i] = JS_UNDEFINED;
        if (set_property(ctx, obj, atoms[i], v) < 0) { /* takes v */
            rc = finish_exception(ctx, st);
            break;
        }
    }
    if (rc == -100)
        rc = finish_value(ctx, st, JS_TRUE);
done:
    for (i = 0; i < n; i++) {
        JS_FreeAtom(ctx, atoms[i]);
        JS_FreeValue(ctx, vals[i]);
    }
    if (atoms)
        js_free(ctx, atoms);
    if (vals)
        js_free(ctx, vals);
    JS_FreeValue(ctx, obj);
    END();
}

int32_t qjs_delete(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    reader r = { in, in ? in + len : NULL };
    JSValue obj = JS_UNDEFINED;
    JSAtom atom = JS_ATOM_NULL;
    int drc;
    BEGIN(realm);
    if (!in || (drc = dec_target(ctx, st, &r, &obj)) < 0 || (drc = dec_key(ctx, st, &r, &atom)) < 0) {
        rc = finish_decode_error(ctx, st, in ? drc : -1);
    } else if (!JS_IsObject(obj)) {
        rc = QJS_BAD_INPUT;
    } else {
        int ok = JS_DeleteProperty(ctx, obj, atom, 0);
        if (ok == 0) {
            /* a `var` binding of the global object cannot be deleted: make it undefined */
            ok = JS_SetProperty(ctx, obj, atom, JS_UNDEFINED);
        }
        rc = ok < 0 ? finish_exception(ctx, st) : finish_value(ctx, st, JS_NewBool(ctx, ok));
    }
    if (atom != JS_ATOM_NULL)
        JS_FreeAtom(ctx, atom);
    JS_FreeValue(ctx, obj);
    END();
}

int32_t qjs_has(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    reader r = { in, in ? in + len : NULL };
    JSValue obj = JS_UNDEFINED;
    JSAtom atom = JS_ATOM_NULL;
    uint8_t own = 0;
    int drc;
    BEGIN(realm);
    if (!in || (drc = dec_target(ctx, st, &r, &obj)) < 0 || (drc = dec_key(ctx, st, &r, &atom)) < 0 ||
        (drc = rd_u8(&r, &own)) < 0) {
        rc = finish_decode_error(ctx, st, in ? drc : -1);
    } else if (!JS_IsObject(obj)) {
        rc = QJS_BAD_INPUT;
    } else {
        int ok = own ? JS_GetOwnProperty(ctx, NULL, obj, atom) : JS_HasProperty(ctx, obj, atom);
        rc = ok < 0 ? finish_exception(ctx, st) : finish_value(ctx, st, JS_NewBool(ctx, ok));
    }
    if (atom != JS_ATOM_NULL)
        JS_FreeAtom(ctx, atom);
    JS_FreeValue(ctx, obj);
    END();
}

int32_t qjs_entries(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    reader r = { in, in ? in + len : NULL };
    JSValue obj = JS_UNDEFINED;
    JSPropertyEnum *tab = NULL;
    JSValue *vals = NULL;
    uint32_t count = 0, i, nvals = 0;
    uint8_t with_values = 0;
    int drc;
    BEGIN(realm);
    if (!in || (drc = dec_target(ctx, st, &r, &obj)) < 0 || (drc = rd_u8(&r, &with_values)) < 0) {
        rc = finish_decode_error(ctx, st, in ? drc : -1);
        goto done;
    }
    if (!JS_IsObject(obj)) {
        rc = QJS_BAD_INPUT;
        goto done;
    }
    if (JS_GetOwnPropertyNames(ctx, &tab, &count, obj, JS_GPN_STRING_MASK | JS_GPN_ENUM_ONLY) < 0) {
        tab = NULL;
        rc = finish_exception(ctx, st);
        goto done;
    }
    if (with_values) {
        vals = js_malloc(ctx, sizeof(JSValue) * (count ? count : 1));
        if (!vals) {
            rc = finish_exception(ctx, st);
            goto done;
        }
        for (nvals = 0; nvals < count; nvals++) {
            vals[nvals] = JS_GetProperty(ctx, obj, tab[nvals].atom);
            if (JS_IsException(vals[nvals])) {
                rc = finish_exception(ctx, st);
                goto done;
            }
        }
    }
    buf_reset(&st->out);
    buf_i32(&st->out, (int32_t)count);
    for (i = 0; i < count; i++) {
        JSValue k = JS_AtomToString(ctx, tab[i].atom);
        if (JS_IsException(k)) {
            JS_FreeValue(ctx, JS_GetException(ctx));
            st->out.failed = 1;
        } else {
            enc_string(ctx, &st->out, k);
            JS_FreeValue(ctx, k);
        }
        if (with_values)
            enc_value(ctx, st, &st->out, vals[i]);
    }
    st->mb[QJS_MB_OUT_PTR] = (int64_t)(uintptr_t)st->out.data;
    st->mb[QJS_MB_OUT_LEN] = (int64_t)st->out.len;
    rc = st->out.failed ? QJS_OUT_OF_MEMORY : QJS_OK;
done:
    if (vals) {
        for (i = 0; i < nvals; i++)
            JS_FreeValue(ctx, vals[i]);
        js_free(ctx, vals);
    }
    if (tab) {
        for (i = 0; i < count; i++)
            JS_FreeAtom(ctx, tab[i].atom);
        js_free(ctx, tab);
    }
    JS_FreeValue(ctx, obj);
    END();
}

int32_t qjs_to_string(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    reader r = { in, in ? in + len : NULL };
    JSValue v = JS_UNDEFINED;
    int drc;
    BEGIN(realm);
    if (!in || (drc = dec_value(ctx, st, &r, &v)) < 0) {
        rc = finish_decode_error(ctx, st, in ? drc : -1);
    } else if (JS_IsSymbol(v)) {
        rc = finish_value(ctx, st, to_string_quiet(ctx, v));
    } else {
        JSValue text = JS_ToString(ctx, v);
        if (JS_IsException(text) && JS_IsObject(v) && st->mb[QJS_MB_STOP_REASON] == QJS_STOP_NONE) {
            /* no usable toString (a module namespace, an Object.create(null)): what
               Object.prototype.toString says, as a console would show it */
            JSValue saved = JS_GetException(ctx);
            JSValue global = JS_GetGlobalObject(ctx);
            JSValue object = JS_GetPropertyStr(ctx, global, "Object");
            JSValue proto = JS_GetPropertyStr(ctx, object, "prototype");
            JSValue fn = JS_GetPropertyStr(ctx, proto, "toString");
            text = JS_IsFunction(ctx, fn) ? JS_Call(ctx, fn, v, 0, NULL) : JS_EXCEPTION;
            JS_FreeValue(ctx, fn);
            JS_FreeValue(ctx, proto);
            JS_FreeValue(ctx, object);
            JS_FreeValue(ctx, global);
            if (JS_IsException(text)) {
                if (JS_HasException(ctx))
                    JS_FreeValue(ctx, JS_GetException(ctx));
                JS_Throw(ctx, saved);
            } else {
                JS_FreeValue(ctx, saved);
            }
        }
        rc = finish(ctx, st, text);
    }
    JS_FreeValue(ctx, v);
    END();
}

/* ---------- deep copies to plain Java values ---------- */

/* Objects met so far in one deep copy, by address, with their visit index: a value met
   again (shared or cyclic) is written as a reference to that index. */
typedef struct seen_set {
    void **keys;
    int32_t *index;
    uint32_t cap, count;
    /* a reference to every object met: a getter's fresh object must not be freed (and its
       address reused by the next one) while the copy is being made */
    JSValue *held;
    uint32_t held_cap;
    int depth;
} seen_set;

#define DEEP_COPY_MAX_DEPTH 1000

static int seen_find(seen_set *s, void *p, int32_t *index)
{
    uint32_t h;
    if (!s->cap)
        return 0;
    h = (uint32_t)(((uintptr_t)p >> 4) * 2654435761u) & (s->cap - 1);
    while (s->keys[h]) {
        if (s->keys[h] == p) {
            *index = s->index[h];
            return 1;
        }
        h = (h + 1) & (s->cap - 1);
    }
    return 0;
}

static int seen_hold(JSContext *ctx, seen_set *s, JSValueConst v)
{
    if (s->count >= s->held_cap) {
        uint32_t cap = s->held_cap ? s->held_cap * 2 : 64;
        JSValue *held = realloc(s->held, sizeof(JSValue) * cap);
        if (!held)
            return -1;
        s->held = held;
        s->held_cap = cap;
    }
    s->held[s->count] = JS_DupValue(ctx, v); /* index count: seen_add increments it */
    return 0;
}

static void seen_free(JSContext *ctx, seen_set *s)
{
    uint32_t i;
    for (i = 0; i < s->count && i < s->held_cap; i++)
        JS_FreeValue(ctx, s->held[i]);
    free(s->held);
    free(s->keys);
    free(s->index);
}

static int seen_add(seen_set *s, void *p)
{
    uint32_t h, i;
    if (s->count * 2 >= s->cap) {
        uint32_t cap = s->cap ? s->cap * 2 : 64;
        void **keys = calloc(cap, sizeof(void *));
        int32_t *index = calloc(cap, sizeof(int32_t));
        if (!keys || !index) {
            free(keys);
            free(index);
            return -1;
        }
        for (i = 0; i < s->cap; i++) {
            if (s->keys[i]) {
                h = (uint32_t)(((uintptr_t)s->keys[i] >> 4) * 2654435761u) & (cap - 1);
                while (keys[h])
                    h = (h + 1) & (cap - 1);
                keys[h] = s->keys[i];
                index[h] = s->index[i];
            }
        }
        free(s->keys);
        free(s->index);
        s->keys = keys;
        s->index = index;
        s->cap = cap;
    }
    h = (uint32_t)(((uintptr_t)p >> 4) * 2654435761u) & (s->cap - 1);
    while (s->keys[h])
        h = (h + 1) & (s->cap - 1);
    s->keys[h] = p;
    s->index[h] = (int32_t)s->count++;
    return 0;
}

/* Writes v as plain data: arrays as [T_LIST count values], other objects (not functions,
   Java objects, dates or byte arrays) as [T_MAP count (key value)*] of their own enumerable
   string keys, a container met before as [T_REF index]. Getters run, so JavaScript may run:
   this writes into a private buffer, never into st->out. Returns -1 with an exception. */
static int enc_deep(JSContext *ctx, qjs_rt *st, qjs_buf *b, JSValueConst v, seen_set *seen)
{
    void *ptr;
    int32_t index;
    int is_array;
    double ms;
    uint32_t n8;
    if (!JS_IsObject(v) || JS_IsFunction(ctx, v) || host_variant(v) >= 0 ||
        (qjsi_date_value(v, &ms) && !isnan(ms)) || qjsi_uint8_array(ctx, v, &n8)) {
        enc_value(ctx, st, b, v);
        return b->failed ? (JS_ThrowOutOfMemory(ctx), -1) : 0;
    }
    if (qjsi_check_stack(ctx) < 0)
        return -1;
    ptr = JS_VALUE_GET_PTR(v);
    if (seen_find(seen, ptr, &index)) {
        buf_u8(b, QJS_T_REF);
        buf_i32(b, index);
        return 0;
    }
    if (seen->depth >= DEEP_COPY_MAX_DEPTH) {
        JS_ThrowRangeError(ctx, "too deeply nested to copy (more than %d levels)", DEEP_COPY_MAX_DEPTH);
        return -1;
    }
    if (seen_hold(ctx, seen, v) < 0 || seen_add(seen, ptr) < 0) {
        JS_ThrowOutOfMemory(ctx);
        return -1;
    }
    seen->depth++;
    is_array = JS_IsArray(ctx, v);
    if (is_array < 0)
        return -1;
    if (is_array) {
        JSValue lenv = JS_GetPropertyStr(ctx, v, "length");
        int64_t len, i;
        if (JS_IsException(lenv) || JS_ToInt64(ctx, &len, lenv) < 0) {
            JS_FreeValue(ctx, lenv);
            return -1;
        }
        JS_FreeValue(ctx, lenv);
        if (len < 0 || len > INT32_MAX) {
            JS_ThrowRangeError(ctx, "array too long to copy");
            return -1;
        }
        buf_u8(b, QJS_T_LIST);
        buf_i32(b, (int32_t)len);
        for (i = 0; i < len; i++) {
            JSValue e = JS_GetPropertyUint32(ctx, v, (uint32_t)i);
            int rc;
            if (JS_IsException(e))
                return -1;
            rc = enc_deep(ctx, st, b, e, seen);
            JS_FreeValue(ctx, e);
            if (rc < 0)
                return -1;
        }
    } else {
        JSPropertyEnum *tab;
        uint32_t count, i;
        int rc = 0;
        if (JS_GetOwnPropertyNames(ctx, &tab, &count, v, JS_GPN_STRING_MASK | JS_GPN_ENUM_ONLY) < 0)
            return -1;
        buf_u8(b, QJS_T_MAP);
        buf_i32(b, (int32_t)count);
        for (i = 0; i < count && rc == 0; i++) {
            JSValue k = JS_AtomToString(ctx, tab[i].atom);
            JSValue e;
            if (JS_IsException(k)) {
                rc = -1;
                break;
            }
            enc_string(ctx, b, k);
            JS_FreeValue(ctx, k);
            e = JS_GetProperty(ctx, v, tab[i].atom);
            if (JS_IsException(e)) {
                rc = -1;
                break;
            }
            rc = enc_deep(ctx, st, b, e, seen);
            JS_FreeValue(ctx, e);
        }
        for (i = 0; i < count; i++)
            JS_FreeAtom(ctx, tab[i].atom);
        js_free(ctx, tab);
        if (rc < 0)
            return -1;
    }
    seen->depth--;
    if (b->failed) {
        JS_ThrowOutOfMemory(ctx);
        return -1;
    }
    return 0;
}

int32_t qjs_to_java(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    reader r = { in, in ? in + len : NULL };
    JSValue v = JS_UNDEFINED;
    qjs_buf deep = { 0 };
    seen_set seen = { 0 };
    int drc;
    BEGIN(realm);
    if (!in || (drc = dec_value(ctx, st, &r, &v)) < 0) {
        rc = finish_decode_error(ctx, st, in ? drc : -1);
    } else if ((st->track_depth = st->depth, st->track_n = 0,
                enc_deep(ctx, st, &deep, v, &seen)) < 0) {
        /* handles written into the partial copy will never reach the host: free them */
        uint32_t i;
        st->track_depth = 0;
        for (i = 0; i < st->track_n; i++) {
            qjs_box *b = box_get(st->track[i]);
            if (b)
                box_free(st, b);
        }
        rc = finish_exception(ctx, st);
    } else {
        run_jobs_outermost(ctx, st);
        buf_reset(&st->out);
        buf_put(&st->out, deep.data, deep.len);
        st->mb[QJS_MB_OUT_PTR] = (int64_t)(uintptr_t)st->out.data;
        st->mb[QJS_MB_OUT_LEN] = (int64_t)st->out.len;
        rc = st->out.failed ? QJS_OUT_OF_MEMORY : QJS_OK;
    }
    st->track_depth = 0;
    st->track_n = 0;
    free(deep.data);
    seen_free(ctx, &seen);
    JS_FreeValue(ctx, v);
    END();
}

int32_t qjs_to_json(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    reader r = { in, in ? in + len : NULL };
    JSValue v = JS_UNDEFINED, space = JS_UNDEFINED;
    int drc;
    BEGIN(realm);
    if (!in || (drc = dec_value(ctx, st, &r, &v)) < 0 || (drc = dec_value(ctx, st, &r, &space)) < 0) {
        rc = finish_decode_error(ctx, st, in ? drc : -1);
    } else {
        rc = finish(ctx, st, JS_JSONStringify(ctx, v, JS_UNDEFINED, space));
    }
    JS_FreeValue(ctx, v);
    JS_FreeValue(ctx, space);
    END();
}

int32_t qjs_echo(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    reader r = { in, in ? in + len : NULL };
    JSValue v = JS_UNDEFINED;
    int drc;
    BEGIN(realm);
    if (!in || (drc = dec_value(ctx, st, &r, &v)) < 0) {
        rc = finish_decode_error(ctx, st, in ? drc : -1);
    } else {
        rc = finish_value(ctx, st, v);
        v = JS_UNDEFINED;
    }
    JS_FreeValue(ctx, v);
    END();
}
