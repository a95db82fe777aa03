/*
 * qjs_result.c - the end of every call: the microtask checkpoint of an outermost call, then its
 * result written to the runtime's output buffer and published in the mailbox: a value
 * (finish_value) or the pending exception with its name, message, stack, stop reason and cause
 * chain (finish_exception), described under a time budget of its own.
 */
#include "qjs_private.h"

/* A microtask checkpoint: at the end of an outermost call, run the promise jobs
   the call queued, before the result is encoded. A pending exception is kept.
   Returns 1 when a limit or interrupt stopped the jobs: an endless chain of short jobs never
   reaches QuickJS's own polling, so the limits are checked between jobs too. */
int run_jobs_outermost(JSContext *ctx, qjs_rt *st)
{
    JSContext *job_ctx;
    JSValue saved;
    int had_exception, r, stopped = 0;
    if (st->depth != 1 || !JS_IsJobPending(st->rt))
        return 0;
    had_exception = JS_HasException(ctx);
    saved = had_exception ? JS_GetException(ctx) : JS_UNDEFINED;
    for (;;) {
        if (limits_reached(st)) {
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

int32_t finish_value(JSContext *ctx, qjs_rt *st, JSValue v)
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

JSValue get_prop_quiet(JSContext *ctx, JSValueConst obj, const char *name)
{
    JSValue v = JS_GetPropertyStr(ctx, obj, name);
    if (JS_IsException(v)) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        return JS_UNDEFINED;
    }
    return v;
}

JSValue to_string_quiet(JSContext *ctx, JSValueConst v)
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

int is_string_equal(JSContext *ctx, JSValueConst v, const char *text)
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

/* Encodes one thrown value or cause (borrowed): [value][name][message][stack][java host id i32]
   [variables of the failing frame (debug mode), or undefined]. The variables are read first:
   reading `stack` may run the host's source mapping. */
static void enc_error_parts(JSContext *ctx, qjs_rt *st, qjs_buf *b, JSValueConst exc)
{
    JSValue name = JS_UNDEFINED, msg, stack = JS_UNDEFINED, vars = JS_UNDEFINED;
    int32_t host_id = -1;

    if (JS_IsError(ctx, exc)) {
        vars = qjsi_error_variables(ctx, exc);
        JSValue jex, n = get_prop_quiet(ctx, exc, "name");
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
    enc_value(ctx, st, b, vars);
    JS_FreeValue(ctx, vars);
    JS_FreeValue(ctx, name);
    JS_FreeValue(ctx, msg);
    JS_FreeValue(ctx, stack);
}

#define MAX_CAUSES 32

/* Encodes an exception value (borrowed): its parts as enc_error_parts, [stop reason i32], then
   [n i32] and the parts of each error in its `cause` chain: at most MAX_CAUSES, each error once
   (a cycle ends the chain), none after a cause that is not an Error or that wraps a Java
   exception (its own causes are Java's). An undefined cause or a throwing getter is no cause. */
void enc_exception(JSContext *ctx, qjs_rt *st, qjs_buf *b, JSValueConst exc, int32_t reason)
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

void publish_out(qjs_rt *st)
{
    st->mb[QJS_MB_OUT_PTR] = (int64_t)(uintptr_t)st->out.data;
    st->mb[QJS_MB_OUT_LEN] = (int64_t)st->out.len;
}

/* Output: the pending exception, encoded as enc_exception does. */
int32_t finish_exception(JSContext *ctx, qjs_rt *st)
{
    JSValue exc;
    int32_t reason;
    if (st->depth == 1 && st->mb[QJS_MB_STOP_REASON] != QJS_STOP_NONE)
        qjsi_drop_jobs(st->rt); /* the stopped call's jobs go with it */
    run_jobs_outermost(ctx, st);
    exc = JS_GetException(ctx);
    reason = (int32_t)st->mb[QJS_MB_STOP_REASON];
    if (reason == QJS_STOP_NONE && st->heap.oom)
        reason = QJS_STOP_MEMORY; /* the heap was full: whatever was thrown, this call ran out of memory */
    buf_reset(&st->out);
    enc_exception(ctx, st, &st->out, exc, reason);
    JS_FreeValue(ctx, exc);
    publish_out(st);
    return st->out.failed ? QJS_OUT_OF_MEMORY : QJS_EXCEPTION;
}

int32_t finish(JSContext *ctx, qjs_rt *st, JSValue v)
{
    if (JS_IsException(v))
        return finish_exception(ctx, st);
    return finish_value(ctx, st, v);
}

/* A number or undefined needs no output buffer: its bits go into one mailbox slot, and Java
   boxes it without decoding (the microtask checkpoint runs first, exactly as in finish_value). */
int32_t finish_small(JSContext *ctx, qjs_rt *st, JSValue v)
{
    int tag = JS_VALUE_GET_NORM_TAG(v);
    double d;
    if (tag != JS_TAG_INT && tag != JS_TAG_FLOAT64 && tag != JS_TAG_UNDEFINED && tag != JS_TAG_NULL)
        return finish(ctx, st, v);
    if (run_jobs_outermost(ctx, st)) {
        JS_ThrowInternalError(ctx, "interrupted");
        return finish_exception(ctx, st);
    }
    if (tag == JS_TAG_INT) {
        st->mb[QJS_MB_RESULT] = JS_VALUE_GET_INT(v);
        return QJS_OK_INT;
    }
    if (tag == JS_TAG_FLOAT64) {
        d = JS_VALUE_GET_FLOAT64(v);
        memcpy(&st->mb[QJS_MB_RESULT], &d, sizeof d);
        return QJS_OK_DOUBLE;
    }
    return QJS_OK_UNDEFINED;
}

/* A decode failure: either malformed input or a pending JS exception. */
int32_t finish_decode_error(JSContext *ctx, qjs_rt *st, int rc)
{
    if (rc == -2 && JS_HasException(ctx))
        return finish_exception(ctx, st);
    return QJS_BAD_INPUT;
}
