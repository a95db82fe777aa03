/*
 * qjs_async.c - promises, Java futures, timers and microtasks: the rejections no handler took
 * (kept for qjs_unhandled_take), promises watched for the host (qjs_promise_watch) and Java
 * futures settled by it (qjs_promise_settle), setTimeout/setInterval whose time the host keeps
 * (qjs_timer_fire), and queueMicrotask.
 */
#include "qjs_private.h"

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

static void unhandled_free(qjs_unhandled *u)
{
    JS_FreeValue(u->ctx, u->promise);
    JS_FreeValue(u->ctx, u->reason);
    JS_FreeContext(u->ctx);
}

/* Keeps the order: the first rejections are the ones a take reports. */
static void unhandled_free_at(qjs_rt *st, int32_t i)
{
    qjs_unhandled u = st->unhandled[i];
    memmove(st->unhandled + i, st->unhandled + i + 1,
            sizeof(qjs_unhandled) * (size_t)(st->unhandled_n - i - 1));
    st->unhandled_n--;
    st->mb[QJS_MB_UNHANDLED] = st->unhandled_n;
    unhandled_free(&u);
}

/* Forgets the unhandled rejections of one context (NULL: of all). */
void unhandled_drop(qjs_rt *st, const JSContext *ctx)
{
    int32_t i, kept = 0;
    for (i = 0; i < st->unhandled_n; i++) {
        if (!ctx || st->unhandled[i].ctx == ctx)
            unhandled_free(&st->unhandled[i]);
        else
            st->unhandled[kept++] = st->unhandled[i];
    }
    st->unhandled_n = kept;
    st->mb[QJS_MB_UNHANDLED] = kept;
}


void rejection_tracker(JSContext *ctx, JSValueConst promise, JSValueConst reason,
                              JS_BOOL is_handled, void *opaque)
{
    qjs_rt *st = opaque;
    int32_t i;
    if (!is_handled) {
        unhandled_add(st, ctx, JS_DupValue(ctx, promise), JS_DupValue(ctx, reason));
        return;
    }
    /* from the newest: a handler usually comes soon after the rejection (an await, a .catch
       in the same job), so a long list is not scanned for it */
    for (i = st->unhandled_n - 1; i >= 0; i--) {
        if (JS_IsObject(st->unhandled[i].promise) &&
            JS_VALUE_GET_PTR(st->unhandled[i].promise) == JS_VALUE_GET_PTR(promise)) {
            unhandled_free_at(st, i);
            return;
        }
    }
}

int32_t qjs_unhandled_take(qjs_rt *st)
{
    qjs_unhandled *taken;
    int32_t i, n, shown;
    if (!st)
        return QJS_BAD_INPUT;
    enter(st);
    /* the list is taken whole before anything is encoded: encoding may run getters, and one
       that handles or rejects a promise changes the runtime's list, not this one (a rejection
       it makes stays for the next take) */
    taken = st->unhandled;
    n = st->unhandled_n;
    st->unhandled = NULL;
    st->unhandled_n = 0;
    st->unhandled_cap = 0;
    st->mb[QJS_MB_UNHANDLED] = 0;
    shown = n < QJS_UNHANDLED_SHOWN_MAX ? n : QJS_UNHANDLED_SHOWN_MAX;
    buf_reset(&st->out);
    buf_i32(&st->out, shown);
    buf_i32(&st->out, n - shown);
    for (i = 0; i < shown; i++) {
        qjs_unhandled *u = &taken[i];
        buf_i64(&st->out, (int64_t)(uintptr_t)JS_GetContextOpaque(u->ctx));
        buf_u8(&st->out, JS_IsUndefined(u->promise) ? 1 : 0); /* 1: thrown by a microtask */
        enc_exception(u->ctx, st, &st->out, u->reason, QJS_STOP_NONE);
    }
    for (i = 0; i < n; i++)
        unhandled_free(&taken[i]);
    free(taken);
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

void promise_mark_handled(JSContext *ctx, JSValueConst promise)
{
    if (qjsi_promise_then(ctx, promise, JS_UNDEFINED, JS_UNDEFINED) < 0 && JS_HasException(ctx))
        JS_FreeValue(ctx, JS_GetException(ctx));
}

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

JSAtom timer_atom(JSContext *ctx, int64_t id)
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


/* ---------- Java futures ---------- */

/* Publishes a (future id, resolvers handle, realm) triple for the host; -1 when out of memory. */
int bound_append(qjs_rt *st, int64_t id, int64_t handle, int64_t realm)
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

/* Drops the realm's promise of Java future `fid` (settled, or never handed out). */
void forget_future(JSContext *ctx, qjs_realm *rl, int64_t fid)
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

int async_install(JSContext *ctx, JSValueConst global)
{
    int ok = 1;
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
    return ok;
}
