/*
 * qjs_trace.c - the host's side of the diagnostics that qjs_internal.c records (patch 8):
 * which the runtime wants (QJS_MB_TRACE, set by the host), `stack` source-mapped by the host
 * when a script reads it (QJS_OP_MAP_STACK), and the host's hook for `debugger;`
 * (QJS_OP_DEBUGGER). Each is an ordinary host call from a running script, made only while the
 * host has asked for it: with QJS_MB_TRACE 0 a backtrace is the text QuickJS writes (plus a
 * line where Java called into JavaScript, trace_entry_frames) and `debugger;` does nothing.
 */
#include "qjs_private.h"

int trace_entry_frames(JSContext *ctx, const void *const **frames)
{
    qjs_realm *r = JS_GetContextOpaque(ctx);
    int n;
    if (!r || !r->st)
        return 0;
    n = r->st->depth < QJS_MAX_ENTRY_FRAMES ? r->st->depth : QJS_MAX_ENTRY_FRAMES;
    *frames = r->st->entry_frames;
    return n;
}

int trace_flags(JSContext *ctx)
{
    qjs_realm *r = JS_GetContextOpaque(ctx);
    if (!r || !r->st)
        return 0;
    return (int)__atomic_load_n(&r->st->mb[QJS_MB_TRACE], __ATOMIC_RELAXED) &
           (QJS_TRACE_MAPPED | QJS_TRACE_VARIABLES | QJS_TRACE_DEBUGGER);
}

JSValue trace_map_stack(JSContext *ctx, JSValueConst raw, JSValueConst defs)
{
    qjs_rt *st = rt_of(ctx);
    reader reply;
    JSValue mapped = JS_UNDEFINED;
    if (!(trace_flags(ctx) & QJS_TRACE_MAPPED))
        return JS_DupValue(ctx, raw);
    buf_reset(&st->up);
    enc_value(ctx, st, &st->up, raw);
    enc_value(ctx, st, &st->up, defs);
    if (call_host(ctx, st, QJS_OP_MAP_STACK, 0, &reply))
        return JS_EXCEPTION;
    if (!reply.p || dec_value(ctx, st, &reply, &mapped) < 0 || !JS_IsString(mapped)) {
        JS_FreeValue(ctx, mapped);
        return JS_DupValue(ctx, raw);
    }
    return mapped;
}

int trace_debugger(JSContext *ctx, JSValueConst stack, JSValueConst defs, JSValueConst variables)
{
    qjs_rt *st = rt_of(ctx);
    reader reply;
    buf_reset(&st->up);
    enc_value(ctx, st, &st->up, stack);
    enc_value(ctx, st, &st->up, defs);
    enc_value(ctx, st, &st->up, variables);
    return call_host(ctx, st, QJS_OP_DEBUGGER, 0, &reply) ? -1 : 0;
}
