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

/* ---------- CPU profiler and heap summary (qjs_profile.c, qjs_heap.c) ---------- */

/* Copies a string value's characters into buf as UTF-8 (NUL-terminated, cut at size). */
static void string_utf8(const JSString *s, char *buf, int size)
{
    int i, n = 0;
    for (i = 0; i < (int)s->len && n < size - 4; i++) {
        uint32_t c = s->is_wide_char ? s->u.str16[i] : s->u.str8[i];
        if (c >= 0xd800 && c <= 0xdfff)
            c = '?'; /* a lone or paired surrogate: no need for the exact character here */
        if (c < 0x80) {
            buf[n++] = (char)c;
        } else if (c < 0x800) {
            buf[n++] = (char)(0xc0 | (c >> 6));
            buf[n++] = (char)(0x80 | (c & 0x3f));
        } else {
            buf[n++] = (char)(0xe0 | (c >> 12));
            buf[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
            buf[n++] = (char)(0x80 | (c & 0x3f));
        }
    }
    buf[n] = '\0';
}

/* The own data property `name` of a function object when it is a string (no getter runs). */
static int own_name(JSObject *p, char *buf, int size)
{
    JSProperty *pr;
    JSShapeProperty *prs = find_own_property(&pr, p, JS_ATOM_name);
    buf[0] = '\0';
    if (!prs || (prs->flags & JS_PROP_TMASK) != JS_PROP_NORMAL ||
        JS_VALUE_GET_TAG(pr->u.value) != JS_TAG_STRING)
        return 0;
    string_utf8(JS_VALUE_GET_STRING(pr->u.value), buf, size);
    return 1;
}

void qjsi_atom_text(JSRuntime *rt, JSAtom atom, char *buf, int size)
{
    if (atom == JS_ATOM_NULL) {
        buf[0] = '\0';
        return;
    }
    {
        /* an ASCII atom's own characters come back, not a copy in buf */
        const char *text = JS_AtomGetStrRT(rt, buf, size, atom);
        if (text != buf)
            (void)snprintf(buf, (size_t)size, "%s", text);
    }
}

int qjsi_stack_frames(JSRuntime *rt, qjsi_frame *out, int max, int *more)
{
    JSStackFrame *sf;
    int n = 0, js_seen = 0;
    *more = 0;
    for (sf = rt->current_stack_frame; sf != NULL; sf = sf->prev_frame) {
        JSObject *p;
        qjsi_frame *f;
        if (JS_VALUE_GET_TAG(sf->cur_func) != JS_TAG_OBJECT)
            continue;
        if (n == max) {
            *more = 1;
            break;
        }
        f = &out[n++];
        memset(f, 0, sizeof(*f));
        p = JS_VALUE_GET_OBJ(sf->cur_func);
        if (js_class_has_bytecode(p->class_id) && p->u.func.function_bytecode) {
            JSFunctionBytecode *b = p->u.func.function_bytecode;
            const uint8_t *pc = sf->cur_pc;
            f->key = b;
            f->name = b->func_name;
            if (b->has_debug) {
                f->file = b->debug.filename;
                f->def_line = find_line_num(b->realm, b, -1, &f->def_col);
                /* the line of the innermost JavaScript frame only (a walk of its line table) */
                if (!js_seen && pc && pc > b->byte_code_buf &&
                    pc <= b->byte_code_buf + b->byte_code_len)
                    f->line = find_line_num(b->realm, b, (uint32_t)(pc - b->byte_code_buf - 1),
                                            &f->col);
                else
                    f->line = f->def_line;
            }
            js_seen = 1;
        } else {
            own_name(p, f->native_name, (int)sizeof(f->native_name));
        }
    }
    return n;
}

/* What a JS object of this class holds besides its header and properties, as far as known. */
static size_t object_extra_bytes(JSObject *p)
{
    switch (p->class_id) {
    case JS_CLASS_ARRAY:
    case JS_CLASS_ARGUMENTS:
        return p->fast_array ? (size_t)p->u.array.u1.size * sizeof(JSValue) : 0;
    case JS_CLASS_ARRAY_BUFFER:
    case JS_CLASS_SHARED_ARRAY_BUFFER:
        if (p->u.array_buffer)
            return sizeof(JSArrayBuffer) + (size_t)p->u.array_buffer->byte_length;
        return 0;
    case JS_CLASS_BYTECODE_FUNCTION:
    case JS_CLASS_GENERATOR_FUNCTION:
    case JS_CLASS_ASYNC_FUNCTION:
    case JS_CLASS_ASYNC_GENERATOR_FUNCTION:
        if (p->u.func.function_bytecode)
            return (size_t)p->u.func.function_bytecode->closure_var_count * sizeof(JSVarRef *);
        return 0;
    default:
        if (p->class_id >= JS_CLASS_UINT8C_ARRAY && p->class_id <= JS_CLASS_FLOAT64_ARRAY)
            return sizeof(JSTypedArray); /* its bytes are its ArrayBuffer's */
        return 0;
    }
}

static size_t bytecode_bytes(JSFunctionBytecode *b)
{
    size_t n = sizeof(*b);
    n += (size_t)(b->arg_count + b->var_count) * sizeof(JSVarDef);
    n += (size_t)b->cpool_count * sizeof(JSValue);
    n += (size_t)b->closure_var_count * sizeof(JSClosureVar);
    if (!b->read_only_bytecode)
        n += (size_t)b->byte_code_len;
    if (b->has_debug)
        n += (size_t)b->debug.pc2line_len + (b->debug.source ? (size_t)b->debug.source_len + 1 : 0);
    return n;
}

/* The constructor of a plain object: its prototype's own data property `constructor` when that
   is a function object; NULL otherwise. Reads slots only: no getter or proxy trap runs. */
static JSObject *plain_constructor(JSObject *p)
{
    JSProperty *pr;
    JSShapeProperty *prs;
    JSObject *proto = p->shape ? p->shape->proto : NULL;
    if (!proto)
        return NULL;
    prs = find_own_property(&pr, proto, JS_ATOM_constructor);
    if (!prs || (prs->flags & JS_PROP_TMASK) != JS_PROP_NORMAL ||
        JS_VALUE_GET_TAG(pr->u.value) != JS_TAG_OBJECT)
        return NULL;
    return JS_VALUE_GET_OBJ(pr->u.value);
}

void qjsi_heap_walk(JSRuntime *rt, qjsi_heap_fn *fn, void *opaque)
{
    struct list_head *el;
    list_for_each(el, &rt->gc_obj_list) {
        JSGCObjectHeader *gp = list_entry(el, JSGCObjectHeader, link);
        switch (gp->gc_obj_type) {
        case JS_GC_OBJ_TYPE_JS_OBJECT: {
            JSObject *p = (JSObject *)gp;
            size_t n = sizeof(JSObject) + object_extra_bytes(p);
            if (p->shape)
                n += (size_t)p->shape->prop_size * sizeof(JSProperty);
            fn(opaque, (int)p->class_id,
               p->class_id == JS_CLASS_OBJECT ? plain_constructor(p) : NULL, n);
            break;
        }
        case JS_GC_OBJ_TYPE_FUNCTION_BYTECODE:
            fn(opaque, QJSI_HEAP_BYTECODE, NULL, bytecode_bytes((JSFunctionBytecode *)gp));
            break;
        case JS_GC_OBJ_TYPE_SHAPE: {
            JSShape *sh = (JSShape *)gp;
            fn(opaque, QJSI_HEAP_SHAPE, NULL,
               get_shape_size((size_t)sh->prop_hash_mask + 1, (size_t)sh->prop_size));
            break;
        }
        case JS_GC_OBJ_TYPE_VAR_REF:
            fn(opaque, QJSI_HEAP_VAR_REF, NULL, sizeof(JSVarRef));
            break;
        case JS_GC_OBJ_TYPE_ASYNC_FUNCTION: {
            JSAsyncFunctionState *s = (JSAsyncFunctionState *)gp;
            size_t n = sizeof(*s);
            if (!s->is_completed && JS_VALUE_GET_TAG(s->frame.cur_func) == JS_TAG_OBJECT) {
                JSObject *f = JS_VALUE_GET_OBJ(s->frame.cur_func);
                if (js_class_has_bytecode(f->class_id) && f->u.func.function_bytecode) {
                    JSFunctionBytecode *b = f->u.func.function_bytecode;
                    n += (size_t)(max_int(s->argc, b->arg_count) + b->var_count + b->stack_size) *
                         sizeof(JSValue);
                }
            }
            fn(opaque, QJSI_HEAP_ASYNC_STATE, NULL, n);
            break;
        }
        case JS_GC_OBJ_TYPE_JS_CONTEXT:
            fn(opaque, QJSI_HEAP_REALM, NULL,
               sizeof(JSContext) + (size_t)rt->class_count * sizeof(JSValue));
            break;
        default:
            fn(opaque, QJSI_HEAP_OTHER, NULL, 0);
            break;
        }
    }
}

void qjsi_class_name(JSRuntime *rt, int class_id, char *buf, int size)
{
    if (class_id < 0 || class_id >= rt->class_count) {
        (void)snprintf(buf, (size_t)size, "class %d", class_id);
        return;
    }
    qjsi_atom_text(rt, rt->class_array[class_id].class_name, buf, size);
}

int qjsi_function_name(const void *func, char *buf, int size)
{
    return own_name((JSObject *)(uintptr_t)func, buf, size);
}
