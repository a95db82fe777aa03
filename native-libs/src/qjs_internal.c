/*
 * qjs_internal.c - compiles QuickJS in this translation unit so that the shim
 * can reach the internals listed in qjs_internal.h. Nothing here is exported.
 * Everything that must read QuickJS's own structures lives here, because QuickJS
 * is compiled once, in this file: in sections, the string, stack and promise
 * helpers; diagnostics (backtraces with Java-entry marks, debug mode's safe
 * rendering of a frame's variables, the debugger; statement); and the stack and
 * heap walks of the CPU profiler and the heap summary. The step debugger's reads
 * of frames, variables, stop points and catch offsets (patch 11) are a part of
 * this file kept apart, qjs_internal_debug.inc, included at the end (it uses the
 * renderers above). The policy around each section lives in the shim file named
 * in its heading (the debugger's in qjs_debug.c).
 * Its size is the price of compiling QuickJS once: a section cannot move to a file
 * of its own without that file being included here, as the debugger's is.
 */
#include "quickjs.c" /* NOLINT(bugprone-suspicious-include): this file is where QuickJS is compiled */
#include "qjs_internal.h"
#include "qjs_shim.h"
#include <pthread.h>

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

JSRuntime *qjsi_new_runtime(qjsi_heap *heap)
{
    return JS_NewRuntime2(&qjsa_malloc_funcs, heap);
}

/* The memory limit is set aside from the first compilation that begins until the last one ends
   (they do not nest today; the count makes sure) and put back by qjsi_compile_end. */
void qjsi_compile_begin(JSContext *ctx)
{
    JSMallocState *s = &ctx->rt->malloc_state;
    qjsi_heap *heap = s->opaque;
    if (heap && heap->compiling++ == 0) {
        heap->limit = s->malloc_limit;
        s->malloc_limit = (size_t)-1;
    }
}

int qjsi_compile_end(JSContext *ctx, int failed)
{
    JSMallocState *s = &ctx->rt->malloc_state;
    qjsi_heap *heap = s->opaque;
    if (!heap)
        return 0;
    if (heap->compiling <= 0 || --heap->compiling > 0)
        return 0;
    s->malloc_limit = heap->limit;
    if (failed || s->malloc_size <= s->malloc_limit)
        return 0;
    heap->oom = 1;
    JS_ThrowOutOfMemory(ctx);
    return -1;
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

/* ---------------------------------------------------------------- diagnostics ----
   Backtraces the shim records itself (source maps, debug mode) and the `debugger;` statement:
   the two hooks of patch 8. */

/* The position of the instruction a frame runs (or called from); 0 when unknown. */
static int frame_position(JSContext *ctx, JSStackFrame *sf, JSFunctionBytecode **pb, int *col)
{
    JSObject *p = JS_VALUE_GET_OBJ(sf->cur_func);
    JSFunctionBytecode *b;
    *pb = NULL;
    *col = 0;
    if (!js_class_has_bytecode(p->class_id))
        return 0;
    b = p->u.func.function_bytecode;
    *pb = b;
    if (!b->has_debug || !sf->cur_pc)
        return 0;
    return find_line_num(ctx, b, (uint32_t)(sf->cur_pc - b->byte_code_buf - 1), col);
}

const void *qjsi_current_frame(JSRuntime *rt)
{
    return rt->current_stack_frame;
}

/* The line that stands for Java code between two frames: Java called into JavaScript there. */
#define JAVA_FRAME_LINE "    at <java> (native)\n"

/* Appends the frames from sf outwards as QuickJS's own backtrace writes them ("    at f
   (file:line:col)"), with a JAVA_FRAME_LINE above the frame that was running when Java entered
   JavaScript again (a host call that called back), and, when defs is not NULL, one line per
   line written to defs: the definition position of the frame's function ("line:col"), empty for
   a native frame. */
static void write_frames(JSContext *ctx, JSStackFrame *sf, int skip_first, DynBuf *out, DynBuf *defs)
{
    const void *const *entries;
    int n_entries = trace_entry_frames(ctx, &entries), k;
    for (; sf != NULL; sf = sf->prev_frame) {
        const char *name, *file;
        JSFunctionBytecode *b;
        int line, col, def_line, def_col = 0;
        if (sf->js_mode & JS_MODE_BACKTRACE_BARRIER)
            break;
        for (k = n_entries - 1; k >= 1; k--) {
            if (entries[k] == sf) {
                dbuf_putstr(out, JAVA_FRAME_LINE);
                if (defs)
                    dbuf_putc(defs, '\n');
            }
        }
        if (skip_first) {
            skip_first = 0;
            continue;
        }
        name = get_func_name(ctx, sf->cur_func);
        dbuf_printf(out, "    at %s", name && name[0] ? name : "<anonymous>");
        JS_FreeCString(ctx, name);
        line = frame_position(ctx, sf, &b, &col);
        if (!b) {
            dbuf_printf(out, " (native)\n");
            if (defs)
                dbuf_putc(defs, '\n');
            continue;
        }
        if (b->has_debug) {
            file = JS_AtomToCString(ctx, b->debug.filename);
            dbuf_printf(out, " (%s", file ? file : "<null>");
            JS_FreeCString(ctx, file);
            if (line != 0)
                dbuf_printf(out, ":%d:%d", line, col);
            dbuf_putc(out, ')');
        }
        dbuf_putc(out, '\n');
        if (defs) {
            def_line = b->has_debug ? find_line_num(ctx, b, (uint32_t)-1, &def_col) : 0;
            dbuf_printf(defs, "%d:%d\n", def_line, def_col);
        }
    }
}

#define RENDER_DEPTH 2      /* nesting shown inside a rendered value */
#define RENDER_ITEMS 8      /* elements or properties shown per object */
#define RENDER_STRING 80    /* characters of a string shown */
#define RENDER_VALUE 400    /* bytes one variable's text may take */
#define RENDER_VARIABLES 64 /* variables shown per frame */

static void render_value(JSContext *ctx, DynBuf *out, JSValueConst v, int depth);

static void render_atom(JSContext *ctx, DynBuf *out, JSAtom atom)
{
    char buf[ATOM_GET_STR_BUF_SIZE];
    dbuf_putstr(out, JS_AtomGetStr(ctx, buf, sizeof buf, atom));
}

static void put_code_point(DynBuf *out, uint32_t c)
{
    uint8_t utf8[UTF8_CHAR_LEN_MAX];
    dbuf_put(out, utf8, (size_t)unicode_to_utf8(utf8, c));
}

static void render_string(DynBuf *out, JSValueConst v)
{
    JSString *s = JS_VALUE_GET_STRING(v);
    uint32_t i, n = s->len < RENDER_STRING ? s->len : RENDER_STRING;
    dbuf_putc(out, '"');
    for (i = 0; i < n; i++) {
        uint32_t c = s->is_wide_char ? s->u.str16[i] : s->u.str8[i];
        int paired = c >= 0xd800 && c < 0xdc00 && s->is_wide_char && i + 1 < n &&
                     s->u.str16[i + 1] >= 0xdc00 && s->u.str16[i + 1] < 0xe000;
        if (c == '"' || c == '\\') {
            dbuf_printf(out, "\\%c", (int)c);
        } else if (c == '\n') {
            dbuf_putstr(out, "\\n");
        } else if (paired) {
            put_code_point(out, 0x10000 + ((c - 0xd800) << 10) + (s->u.str16[i + 1] - 0xdc00));
            i++;
        } else if (c < 0x20 || (c >= 0xd800 && c < 0xe000)) {
            dbuf_printf(out, "\\u%04x", c); /* a control character or a lone surrogate */
        } else {
            put_code_point(out, c);
        }
    }
    dbuf_putstr(out, s->len > n ? "…\"" : "\"");
}

/* Own data properties of an ordinary object, read from its shape: no getter, no proxy trap and
   no toString runs. */
static void render_properties(JSContext *ctx, DynBuf *out, JSObject *p, int depth)
{
    JSShape *sh = p->shape;
    JSShapeProperty *prs = get_shape_prop(sh);
    int i, shown = 0;
    dbuf_putc(out, '{');
    for (i = 0; i < sh->prop_count; i++, prs++) {
        if (prs->atom == JS_ATOM_NULL || !(prs->flags & JS_PROP_ENUMERABLE))
            continue;
        if (!__JS_AtomIsTaggedInt(prs->atom) && JS_AtomGetKind(ctx, prs->atom) != JS_ATOM_KIND_STRING)
            continue; /* symbols and private names */
        if (shown == RENDER_ITEMS) {
            dbuf_putstr(out, ", …");
            break;
        }
        dbuf_putstr(out, shown++ ? ", " : " ");
        render_atom(ctx, out, prs->atom);
        dbuf_putstr(out, ": ");
        if ((prs->flags & JS_PROP_TMASK) == JS_PROP_NORMAL)
            render_value(ctx, out, p->prop[i].u.value, depth + 1);
        else
            dbuf_putstr(out, "[accessor]");
    }
    dbuf_putstr(out, shown ? " }" : "}");
}

static void render_object(JSContext *ctx, DynBuf *out, JSValueConst v, int depth)
{
    JSObject *p = JS_VALUE_GET_OBJ(v);
    int32_t host = host_id_of(v);
    uint32_t i, n;
    if (host >= 0) { /* Java replaces the marker with the object's class name */
        dbuf_printf(out, "\x01%d\x02", host);
        return;
    }
    if (p->class_id == JS_CLASS_PROXY) {
        dbuf_putstr(out, "[Proxy]");
        return;
    }
    if (JS_IsFunction(ctx, v)) {
        const char *name = get_func_name(ctx, v);
        dbuf_printf(out, "[Function %s]", name && name[0] ? name : "(anonymous)");
        JS_FreeCString(ctx, name);
        return;
    }
    if (depth >= RENDER_DEPTH) {
        dbuf_putstr(out, p->class_id == JS_CLASS_ARRAY ? "[…]" : "{…}");
        return;
    }
    if (p->class_id == JS_CLASS_ARRAY && p->fast_array) {
        n = p->u.array.count;
        dbuf_putc(out, '[');
        for (i = 0; i < n && i < RENDER_ITEMS; i++) {
            if (i)
                dbuf_putstr(out, ", ");
            render_value(ctx, out, p->u.array.u.values[i], depth + 1);
        }
        if (n > RENDER_ITEMS)
            dbuf_printf(out, ", … %u more", n - RENDER_ITEMS);
        dbuf_putc(out, ']');
        return;
    }
    if (p->class_id != JS_CLASS_OBJECT) {
        dbuf_putc(out, '[');
        render_atom(ctx, out, ctx->rt->class_array[p->class_id].class_name);
        dbuf_putstr(out, "] ");
    }
    render_properties(ctx, out, p, depth);
}

/* A value as a short, safe text: bounded in depth, items and length; runs no JavaScript. */
static void render_value(JSContext *ctx, DynBuf *out, JSValueConst v, int depth)
{
    switch (JS_VALUE_GET_NORM_TAG(v)) {
    case JS_TAG_STRING:
        render_string(out, v);
        break;
    case JS_TAG_OBJECT:
        render_object(ctx, out, v, depth);
        break;
    case JS_TAG_UNINITIALIZED:
        dbuf_putstr(out, "<uninitialized>");
        break;
    case JS_TAG_SHORT_BIG_INT:
        dbuf_printf(out, "%lldn", (long long)JS_VALUE_GET_SHORT_BIG_INT(v));
        break;
    case JS_TAG_BIG_INT:
        dbuf_putstr(out, "[BigInt]"); /* a long one: its digits would take a division loop */
        break;
    case JS_TAG_INT:
        dbuf_printf(out, "%d", JS_VALUE_GET_INT(v));
        break;
    case JS_TAG_FLOAT64: {
        double d = JS_VALUE_GET_FLOAT64(v);
        if (isnan(d))
            dbuf_putstr(out, "NaN");
        else if (isinf(d))
            dbuf_putstr(out, d > 0 ? "Infinity" : "-Infinity");
        else
            dbuf_printf(out, "%.15g", d); /* shortest for most values; full precision is no aim here */
        break;
    }
    case JS_TAG_BOOL:
        dbuf_putstr(out, JS_VALUE_GET_BOOL(v) ? "true" : "false");
        break;
    case JS_TAG_NULL:
        dbuf_putstr(out, "null");
        break;
    case JS_TAG_UNDEFINED:
        dbuf_putstr(out, "undefined");
        break;
    case JS_TAG_SYMBOL: {
        JSValue sym = qjsi_symbol_to_string(ctx, v);
        const char *c = JS_IsException(sym) ? NULL : JS_ToCString(ctx, sym);
        dbuf_putstr(out, c ? c : "Symbol()"); /* (only out of memory fails here) */
        JS_FreeCString(ctx, c);
        JS_FreeValue(ctx, sym);
        break;
    }
    default:
        dbuf_putstr(out, "?");
        break;
    }
}

static void render_variable(JSContext *ctx, DynBuf *out, const char *kind, JSAtom name, JSValueConst v)
{
    char buf[ATOM_GET_STR_BUF_SIZE];
    const char *n = JS_AtomGetStr(ctx, buf, sizeof buf, name);
    size_t start;
    if (name == JS_ATOM_NULL || n[0] == '<' || strchr(n, '\t') || strchr(n, '\n'))
        return; /* QuickJS's own hidden variables (<ret>, <this_active_func> …) */
    dbuf_printf(out, "%s\t%s\t", kind, n);
    start = out->size;
    render_value(ctx, out, v, 0);
    if (out->size - start > RENDER_VALUE) { /* cut at a character boundary */
        size_t end = start + RENDER_VALUE;
        while (end > start && (out->buf[end] & 0xc0) == 0x80)
            end--;
        out->size = end;
        dbuf_putstr(out, "…");
    }
    dbuf_putc(out, '\n');
}

/* The arguments, local variables and closure variables of a bytecode frame, one per line:
   "arg|var|closure <TAB> name <TAB> rendered value". */
static void write_variables(JSContext *ctx, JSStackFrame *sf, DynBuf *out)
{
    JSObject *p = JS_VALUE_GET_OBJ(sf->cur_func);
    JSFunctionBytecode *b = p->u.func.function_bytecode;
    int i, n = 0;
    for (i = 0; i < b->arg_count && n < RENDER_VARIABLES; i++, n++)
        render_variable(ctx, out, "arg", b->vardefs[i].var_name, sf->arg_buf[i]);
    for (i = 0; i < b->var_count && n < RENDER_VARIABLES; i++, n++)
        render_variable(ctx, out, "var", b->vardefs[b->arg_count + i].var_name, sf->var_buf[i]);
    for (i = 0; i < b->closure_var_count && n < RENDER_VARIABLES; i++, n++) {
        JSVarRef *ref = p->u.func.var_refs ? p->u.func.var_refs[i] : NULL;
        if (ref && ref->pvalue)
            render_variable(ctx, out, "closure", b->closure_var[i].var_name, *ref->pvalue);
    }
}

/* The innermost bytecode frame from sf outwards (skipping native ones such as the Error
   constructor's), or NULL. */
static JSStackFrame *script_frame(JSStackFrame *sf, int skip_first)
{
    for (; sf != NULL; sf = sf->prev_frame) {
        if (sf->js_mode & JS_MODE_BACKTRACE_BARRIER)
            return NULL;
        if (skip_first) {
            skip_first = 0;
            continue;
        }
        if (js_class_has_bytecode(JS_VALUE_GET_OBJ(sf->cur_func)->class_id))
            return sf;
    }
    return NULL;
}

/* The getter of `stack` on an error whose backtrace the shim recorded. data: [0] the stack as
   QuickJS writes it, [1] the frames' definition positions, [2] the failing frame's variables
   (debug mode) or undefined, [3] the stack as read (source-mapped), once it was read. */
static JSValue recorded_stack_get(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                                  int magic, JSValue *data)
{
    (void)this_val;
    (void)argc;
    (void)argv;
    (void)magic;
    if (JS_IsUndefined(data[3])) {
        JSValue mapped = trace_map_stack(ctx, data[0], data[1]);
        if (JS_IsException(mapped)) { /* the text as QuickJS wrote it, then */
            JS_FreeValue(ctx, JS_GetException(ctx));
            mapped = JS_DupValue(ctx, data[0]);
        }
        data[3] = mapped;
    }
    return JS_DupValue(ctx, data[3]);
}

static JSValue recorded_stack_set(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (JS_IsObject(this_val) &&
        JS_DefinePropertyValue(ctx, this_val, JS_ATOM_stack, JS_DupValue(ctx, argc > 0 ? argv[0] : JS_UNDEFINED),
                               JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE) < 0)
        return JS_EXCEPTION;
    return JS_UNDEFINED;
}

static JSValue dbuf_to_string(JSContext *ctx, DynBuf *b)
{
    JSValue s = dbuf_error(b) ? JS_ThrowOutOfMemory(ctx) : JS_NewStringLen(ctx, (const char *)b->buf, b->size);
    dbuf_free(b);
    return s;
}

int qjsi_backtrace(JSContext *ctx, JSValueConst error_obj, const char *filename, int line_num,
                   int col_num, int backtrace_flags)
{
    int want;
    int skip = (backtrace_flags & JS_BACKTRACE_FLAG_SKIP_FIRST_LEVEL) != 0;
    JSStackFrame *failing;
    JSValue data[4], getter, setter;
    DynBuf text, defs, vars;
    if (!JS_IsObject(error_obj)) {
        /* out of memory making the error: JS_ThrowError2 passes null. There is nothing to give a
           stack to, and QuickJS's own path would define `stack` on null, throw a TypeError whose
           error cannot be made either, and so recurse until the native stack overflows */
        return 1;
    }
    want = trace_flags(ctx);
    js_dbuf_init(ctx, &text);
    js_dbuf_init(ctx, &defs);
    js_dbuf_init(ctx, &vars);
    if (filename) {
        dbuf_printf(&text, "    at %s", filename);
        if (line_num != -1)
            dbuf_printf(&text, ":%d:%d", line_num, col_num);
        dbuf_putc(&text, '\n');
        dbuf_putc(&defs, '\n');
        JS_DefinePropertyValue(ctx, error_obj, JS_ATOM_fileName, JS_NewString(ctx, filename),
                               JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
        JS_DefinePropertyValue(ctx, error_obj, JS_ATOM_lineNumber, JS_NewInt32(ctx, line_num),
                               JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
        JS_DefinePropertyValue(ctx, error_obj, JS_ATOM_columnNumber, JS_NewInt32(ctx, col_num),
                               JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    }
    if (!want) { /* QuickJS's own text: a data property */
        dbuf_free(&defs);
        dbuf_free(&vars);
        write_frames(ctx, ctx->rt->current_stack_frame, skip, &text, NULL);
        dbuf_putc(&text, '\0');
        data[0] = dbuf_error(&text) ? JS_NULL : JS_NewString(ctx, (const char *)text.buf);
        dbuf_free(&text);
        JS_DefinePropertyValue(ctx, error_obj, JS_ATOM_stack, data[0], JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
        return 1;
    }
    write_frames(ctx, ctx->rt->current_stack_frame, skip, &text, &defs);
    failing = (want & QJS_TRACE_VARIABLES) && !filename ? script_frame(ctx->rt->current_stack_frame, skip) : NULL;
    if (failing)
        write_variables(ctx, failing, &vars);
    data[0] = dbuf_to_string(ctx, &text);
    data[1] = dbuf_to_string(ctx, &defs);
    data[2] = failing ? dbuf_to_string(ctx, &vars) : (dbuf_free(&vars), JS_UNDEFINED);
    data[3] = JS_UNDEFINED;
    if (JS_IsException(data[0]) || JS_IsException(data[1]) || JS_IsException(data[2])) {
        getter = JS_EXCEPTION;
    } else {
        if (!(want & QJS_TRACE_MAPPED))
            data[3] = JS_DupValue(ctx, data[0]); /* nothing to map: read as written */
        getter = JS_NewCFunctionData(ctx, recorded_stack_get, 0, 0, 4, data);
    }
    JS_FreeValue(ctx, data[0]);
    JS_FreeValue(ctx, data[1]);
    JS_FreeValue(ctx, data[2]);
    JS_FreeValue(ctx, data[3]);
    if (JS_IsException(getter)) { /* out of memory: a stack of null, as QuickJS does */
        JS_DefinePropertyValue(ctx, error_obj, JS_ATOM_stack, JS_NULL, JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
        return 1;
    }
    setter = JS_NewCFunction(ctx, recorded_stack_set, "stack", 1);
    JS_DefineProperty(ctx, error_obj, JS_ATOM_stack, JS_UNDEFINED, getter,
                      JS_IsException(setter) ? JS_UNDEFINED : setter,
                      JS_PROP_HAS_GET | JS_PROP_HAS_SET | JS_PROP_HAS_CONFIGURABLE | JS_PROP_CONFIGURABLE);
    JS_FreeValue(ctx, getter);
    JS_FreeValue(ctx, setter);
    return 1; /* like QuickJS's own: never clears the exception being thrown */
}

JSValue qjsi_error_variables(JSContext *ctx, JSValueConst error_obj)
{
    JSProperty *pr;
    JSShapeProperty *prs;
    JSObject *g;
    JSCFunctionDataRecord *rec;
    if (JS_VALUE_GET_TAG(error_obj) != JS_TAG_OBJECT)
        return JS_UNDEFINED;
    prs = find_own_property(&pr, JS_VALUE_GET_OBJ(error_obj), JS_ATOM_stack);
    if (!prs || (prs->flags & JS_PROP_TMASK) != JS_PROP_GETSET || !pr->u.getset.getter)
        return JS_UNDEFINED;
    g = pr->u.getset.getter;
    if (g->class_id != JS_CLASS_C_FUNCTION_DATA)
        return JS_UNDEFINED;
    rec = g->u.c_function_data_record;
    if (rec->func != recorded_stack_get || rec->data_len != 4)
        return JS_UNDEFINED;
    return JS_DupValue(ctx, rec->data[2]);
}

static int debugger_stop(JSContext *ctx, JSStackFrame *sf);

int qjsi_debugger_statement(JSContext *ctx)
{
    JSStackFrame *sf = ctx->rt->current_stack_frame;
    DynBuf text, defs, vars;
    JSValue t, d, v;
    int r = debugger_stop(ctx, sf); /* 1 when no debugger is attached */
    if (r <= 0)
        return r;
    if (!(trace_flags(ctx) & QJS_TRACE_DEBUGGER))
        return 0;
    js_dbuf_init(ctx, &text);
    js_dbuf_init(ctx, &defs);
    js_dbuf_init(ctx, &vars);
    write_frames(ctx, sf, 0, &text, &defs);
    write_variables(ctx, sf, &vars);
    t = dbuf_to_string(ctx, &text);
    d = dbuf_to_string(ctx, &defs);
    v = dbuf_to_string(ctx, &vars);
    r = JS_IsException(t) || JS_IsException(d) || JS_IsException(v) ? -1 : trace_debugger(ctx, t, d, v);
    JS_FreeValue(ctx, t);
    JS_FreeValue(ctx, d);
    JS_FreeValue(ctx, v);
    return r;
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

/* ------ the debugger: the statement hook of patch 11 (policy in qjs_debug.c) ------ */
#include "qjs_internal_debug.inc"
