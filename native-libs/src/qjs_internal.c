/*
 * qjs_internal.c - compiles QuickJS in this translation unit so that the shim
 * can reach the internals listed in qjs_internal.h. Nothing here is exported.
 */
#include "quickjs.c" /* NOLINT(bugprone-suspicious-include): this file is where QuickJS is compiled */
#include "qjs_internal.h"

JSValue qjsi_flat_string(JSContext *ctx, JSValueConst str, const void **data,
                         uint32_t *len, int *wide)
{
    JSValue flat = JS_ToString(ctx, str);
    JSString *p;
    if (JS_IsException(flat))
        return flat;
    p = JS_VALUE_GET_STRING(flat);
    *len = p->len;
    *wide = p->is_wide_char;
    *data = p->is_wide_char ? (const void *)p->u.str16 : (const void *)p->u.str8;
    return flat;
}

JSValue qjsi_new_string8(JSContext *ctx, const uint8_t *buf, uint32_t len)
{
    if (len > JS_STRING_LEN_MAX)
        return JS_ThrowRangeError(ctx, "string too long");
    return js_new_string8_len(ctx, (const char *)buf, (int)len);
}

JSValue qjsi_new_string16(JSContext *ctx, const uint16_t *buf, uint32_t len)
{
    if (len > JS_STRING_LEN_MAX)
        return JS_ThrowRangeError(ctx, "string too long");
    if (len == 0)
        return JS_AtomToString(ctx, JS_ATOM_empty_string);
    return js_new_string16_len(ctx, buf, (int)len);
}

int qjsi_context_alive(JSRuntime *rt, const JSContext *ctx)
{
    struct list_head *el;
    list_for_each(el, &rt->context_list) {
        if (list_entry(el, JSContext, link) == ctx)
            return 1;
    }
    return 0;
}

void qjsi_set_stack(JSRuntime *rt, uintptr_t top, uintptr_t limit)
{
    rt->stack_top = top;
    if (limit == 0 || limit >= top) {
        rt->stack_size = 0;
        rt->stack_limit = limit;
    } else {
        rt->stack_size = top - limit;
        rt->stack_limit = limit;
    }
}

void qjsi_get_stack(JSRuntime *rt, uintptr_t *top, uintptr_t *limit)
{
    *top = rt->stack_top;
    *limit = rt->stack_limit;
}

void qjsi_arm_polls(JSContext *ctx, int n)
{
    ctx->interrupt_counter = n;
}

int qjsi_polls_made(JSContext *ctx, int armed, int *reached)
{
    int left = ctx->interrupt_counter;
    if (left == JS_INTERRUPT_COUNTER_INIT) { /* the armed count ran out: QuickJS set it back */
        *reached = 1;
        return armed;
    }
    *reached = 0;
    return left < armed ? armed - left : 0;
}

int64_t qjsi_malloc_size(JSRuntime *rt)
{
    return (int64_t)rt->malloc_state.malloc_size;
}

JSValue qjsi_new_bigint(JSContext *ctx, const char *decimal, size_t len)
{
    JSValue s = JS_NewStringLen(ctx, decimal, len);
    if (JS_IsException(s))
        return s;
    return JS_StringToBigIntErr(ctx, s);
}

JSValue qjsi_symbol_to_string(JSContext *ctx, JSValueConst sym)
{
    if (!JS_IsSymbol(sym))
        return JS_ThrowTypeError(ctx, "not a symbol");
    return js_string_constructor(ctx, JS_UNDEFINED, 1, &sym);
}

int qjsi_date_value(JSValueConst v, double *ms)
{
    JSObject *p;
    if (JS_VALUE_GET_TAG(v) != JS_TAG_OBJECT)
        return 0;
    p = JS_VALUE_GET_OBJ(v);
    if (p->class_id != JS_CLASS_DATE)
        return 0;
    if (JS_VALUE_GET_TAG(p->u.object_data) == JS_TAG_FLOAT64)
        *ms = JS_VALUE_GET_FLOAT64(p->u.object_data);
    else
        *ms = JS_VALUE_GET_INT(p->u.object_data);
    return 1;
}

const uint8_t *qjsi_uint8_array(JSContext *ctx, JSValueConst v, uint32_t *len)
{
    JSObject *p;
    if (JS_VALUE_GET_TAG(v) != JS_TAG_OBJECT)
        return NULL;
    p = JS_VALUE_GET_OBJ(v);
    if (p->class_id != JS_CLASS_UINT8_ARRAY)
        return NULL;
    if (typed_array_is_detached(ctx, p)) {
        *len = 0;
        return (const uint8_t *)"";
    }
    *len = p->u.array.count;
    return p->u.array.u.uint8_ptr ? p->u.array.u.uint8_ptr : (const uint8_t *)"";
}

int qjsi_check_stack(JSContext *ctx)
{
    if (js_check_stack_overflow(ctx->rt, 0)) {
        JS_ThrowStackOverflow(ctx);
        return -1;
    }
    return 0;
}

int qjsi_array_buffer(JSValueConst v, const uint8_t **data, uint32_t *len,
                      JSFreeArrayBufferDataFunc **free_func, void **opaque)
{
    JSObject *p;
    JSArrayBuffer *abuf;
    if (JS_VALUE_GET_TAG(v) != JS_TAG_OBJECT)
        return 0;
    p = JS_VALUE_GET_OBJ(v);
    if (p->class_id != JS_CLASS_ARRAY_BUFFER)
        return 0;
    abuf = p->u.array_buffer;
    *data = abuf->detached || !abuf->data ? (const uint8_t *)"" : abuf->data;
    *len = abuf->detached ? 0 : (uint32_t)abuf->byte_length;
    *free_func = abuf->free_func;
    *opaque = abuf->opaque;
    return 1;
}

void qjsi_drop_jobs(JSRuntime *rt)
{
    struct list_head *el, *el1;
    int i;
    list_for_each_safe(el, el1, &rt->job_list) {
        JSJobEntry *e = list_entry(el, JSJobEntry, link);
        list_del(&e->link);
        for (i = 0; i < e->argc; i++)
            JS_FreeValueRT(rt, e->argv[i]);
        js_free_rt(rt, e);
    }
}

/* QuickJS's own allocator, noting in *opaque every allocation it refused: an out-of-memory
   error may fail to be made itself (the script then sees a bare `null` thrown), so the host
   asks this flag, not the thrown value, whether a call ran out of memory. */
static void *qjsi_malloc(JSMallocState *s, size_t size)
{
    void *p = js_def_malloc(s, size);
    if (!p && s->opaque)
        *(int *)s->opaque = 1;
    return p;
}

static void *qjsi_realloc(JSMallocState *s, void *ptr, size_t size)
{
    void *p = js_def_realloc(s, ptr, size);
    if (!p && size != 0 && s->opaque)
        *(int *)s->opaque = 1;
    return p;
}

static const JSMallocFunctions qjsi_malloc_funcs = {
    qjsi_malloc,
    js_def_free,
    qjsi_realloc,
    js_def_malloc_usable_size,
};

JSRuntime *qjsi_new_runtime(int *oom_flag)
{
    return JS_NewRuntime2(&qjsi_malloc_funcs, oom_flag);
}

int qjsi_promise_then(JSContext *ctx, JSValueConst promise, JSValueConst on_fulfilled,
                      JSValueConst on_rejected)
{
    JSValueConst handlers[2], no_result[2];
    if (!JS_GetOpaque(promise, JS_CLASS_PROMISE))
        return -1;
    handlers[0] = on_fulfilled;
    handlers[1] = on_rejected;
    no_result[0] = JS_UNDEFINED; /* QuickJS's own extension: no derived promise */
    no_result[1] = JS_UNDEFINED;
    return perform_promise_then(ctx, promise, handlers, no_result);
}

JSValue qjsi_require_module(JSContext *ctx, const char *id)
{
    JSModuleDef *m;
    JSValue promise, result;
    int state;
    m = js_host_resolve_imported_module(ctx, id, id);
    if (!m)
        return JS_EXCEPTION;
    if (js_resolve_module(ctx, m) < 0) {
        js_free_modules(ctx, JS_FREE_MODULE_NOT_RESOLVED);
        return JS_EXCEPTION;
    }
    promise = JS_EvalFunction(ctx, JS_NewModuleValue(ctx, m));
    if (JS_IsException(promise))
        return promise;
    state = (int)JS_PromiseState(ctx, promise);
    if (state != JS_PROMISE_PENDING)
        qjsi_promise_then(ctx, promise, JS_UNDEFINED, JS_UNDEFINED); /* handled: it is thrown here */
    if (state == JS_PROMISE_FULFILLED) {
        result = JS_GetModuleNamespace(ctx, m);
    } else if (state == JS_PROMISE_REJECTED) {
        result = JS_Throw(ctx, JS_PromiseResult(ctx, promise));
    } else {
        result = JS_ThrowTypeError(ctx, "require() of the ES module %s, which awaits at its top level: load it with import()", id);
    }
    JS_FreeValue(ctx, promise);
    return result;
}
