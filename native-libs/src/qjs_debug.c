/*
 * qjs_debug.c - the debugger's shim side (issue 19): the one entry point qjs_debug and the one
 * upcall QJS_OP_DEBUG_STOP. The statement hook itself (patch 11) and every read of QuickJS's
 * frames are in qjs_internal_debug.inc (a part of qjs_internal.c); here is what the host sees
 * of them.
 *
 * A stop is a host call that waits: the engine thread sits in QJS_OP_DEBUG_STOP while the host
 * runs the inspection other threads ask for, each a qjs_debug call made from inside that upcall
 * (frames, scopes, variables, evaluate, set). A value that gets a variables reference is held
 * in the stop's table and freed when the stop ends, so nothing a client asked for outlives it.
 * Strings cross as [i32 length][UTF-8 bytes].
 *
 * Known imprecision, by design of a line-level hook over QuickJS's line table:
 *  - stop points are the pc2line entries that begin a line; QuickJS's optimizer may move a
 *    line's first store into the line before (`let total = 0;` at the top level has none), so
 *    a breakpoint moves on to the next line, and a stop may land before that store;
 *  - a step out stops right after the call, mid-line: the call's value is on the stack, and an
 *    evaluation that changes a variable the rest of the line already read is not seen by it;
 *  - a pause stops at the next line start or jump (a loop's back edge), never mid-expression;
 *  - the column of a stop is that of the line's first entry (an operator's, sometimes);
 *  - an exception stop "uncaught" predicts an async function's rejection from the promise's
 *    reactions as they are when it throws (an await in a try, a catch, a combinator: handled);
 *    a throw in a promise job's own callback (a then handler) counts as uncaught, and a frame
 *    that ran no instruction since the attach as catching nothing;
 *  - breakpoint lines of a source are learned from the code that ran while attached (a whole
 *    script's functions at once), and a source evaluated again under the same name adds to them;
 *  - a Java object's children are read through the host (its bean getters run). A JavaScript
 *    getter runs only when asked: an accessor property's reference (LAZY_REF) reads it.
 */
#include "qjs_private.h"

#define FRAMES_MAX 64   /* frames a stop shows */
#define LOCALS_MAX 512  /* variables of a scope shown */
#define HELD_MAX 100000 /* values one stop gives a reference */
#define SCOPE_REF ((int64_t)1 << 32)
#define LAZY_REF ((int64_t)1 << 40) /* | held index of [object, key]: the property, getter run */
#define SCOPE_LOCALS 1
#define SCOPE_CLOSURE 2
#define SCOPE_THIS 3
#define SCOPE_GLOBAL 4

void debug_init(qjs_rt *st)
{
    qjsi_debug_install(st->rt, &st->dbg, &st->mb[QJS_MB_DEBUG]);
}

void debug_free(qjs_rt *st)
{
    if (st->dbg_hooked) {
        st->dbg_hooked = 0;
        qjsi_debug_hook(-1);
    }
}

int qjsi_debug_entry_depth(JSContext *ctx)
{
    return rt_of(ctx)->depth;
}

static void put_text(qjs_buf *b, const char *s, size_t n)
{
    buf_i32(b, (int32_t)n);
    buf_put(b, s, n);
}

static void put_cstr(qjs_buf *b, const char *s)
{
    put_text(b, s, strlen(s));
}

static void put_atom(JSContext *ctx, qjs_buf *b, JSAtom atom, const char *fallback)
{
    const char *s = atom == JS_ATOM_NULL ? NULL : JS_AtomToCString(ctx, atom);
    put_cstr(b, s && s[0] ? s : fallback);
    JS_FreeCString(ctx, s);
}

static int rd_text(reader *r, const char **s, int32_t *n)
{
    if (rd_i32(r, n) < 0 || *n < 0 || r->end - r->p < *n)
        return -1;
    *s = (const char *)r->p;
    r->p += *n;
    return 0;
}

int debug_lines(JSContext *ctx, JSAtom source, const int32_t *lines, int n, int32_t **bp)
{
    qjs_rt *st = rt_of(ctx);
    reader reply;
    int32_t count, i;
    *bp = NULL;
    buf_reset(&st->up);
    put_atom(ctx, &st->up, source, "");
    buf_i32(&st->up, n);
    buf_put(&st->up, lines, sizeof(int32_t) * (size_t)n);
    if (call_host(ctx, st, QJS_OP_DEBUG_STOP, QJS_STOP_AT_LINES, &reply)) {
        JS_FreeValue(ctx, JS_GetException(ctx)); /* an interrupt is seen at the next poll */
        return -1;
    }
    if (!reply.p || rd_i32(&reply, &count) < 0 || count < 0 || count > 1 << 20 ||
        reply.end - reply.p < (ptrdiff_t)count * 4)
        return -1;
    *bp = js_malloc(ctx, sizeof(int32_t) * (size_t)(count + 1));
    if (!*bp) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        return -1;
    }
    for (i = 0; i < count; i++)
        rd_i32(&reply, &(*bp)[i]);
    return count;
}

static void held_free(qjs_rt *st, JSContext *ctx)
{
    int32_t i;
    for (i = 0; i < st->dbg_held_n; i++)
        JS_FreeValue(ctx, st->dbg_held[i]);
    free(st->dbg_held);
    st->dbg_held = NULL;
    st->dbg_held_n = st->dbg_held_cap = 0;
}

/* A variables reference for v (held until the stop ends), 0 when it has no children. */
static int64_t held_ref(qjs_rt *st, JSValueConst v)
{
    if (!qjsi_debug_expandable(v) || st->dbg_held_n >= HELD_MAX)
        return 0;
    if (st->dbg_held_n == st->dbg_held_cap) {
        int32_t cap = st->dbg_held_cap ? st->dbg_held_cap * 2 : 64;
        JSValue *h = realloc(st->dbg_held, sizeof(JSValue) * (size_t)cap);
        if (!h)
            return 0;
        st->dbg_held = h;
        st->dbg_held_cap = cap;
    }
    st->dbg_held[st->dbg_held_n++] = JS_DupValue(st->dbg_ctx, v);
    return st->dbg_held_n;
}

int debug_stop(JSContext *ctx, int reason, JSValueConst thrown)
{
    qjs_rt *st = rt_of(ctx);
    qjsi_debug_frame frames[FRAMES_MAX];
    JSContext *saved_ctx = st->dbg_ctx;
    qjsi_debug_frame *saved_frames = st->dbg_frames;
    int32_t saved_n = st->dbg_frames_n, resume = QJS_RESUME_CONTINUE;
    reader reply;
    int failed;
    st->dbg_ctx = ctx;
    st->dbg_frames = frames;
    st->dbg_frames_n = qjsi_debug_frames(ctx, frames, FRAMES_MAX);
    buf_reset(&st->up);
    if (reason == QJS_STOP_AT_EXCEPTION) {
        DynBuf text;
        dbuf_init(&text);
        qjsi_debug_render(ctx, &text, thrown);
        buf_u8(&st->up, dbuf_error(&text) ? 0 : 1);
        if (!dbuf_error(&text))
            put_text(&st->up, (const char *)text.buf, text.size);
        dbuf_free(&text);
    } else {
        buf_u8(&st->up, 0);
    }
    failed = call_host(ctx, st, QJS_OP_DEBUG_STOP, reason, &reply);
    held_free(st, ctx);
    st->dbg_ctx = saved_ctx;
    st->dbg_frames = saved_frames;
    st->dbg_frames_n = saved_n;
    if (failed)
        return -1;
    if (reply.p)
        rd_i32(&reply, &resume);
    if (resume == QJS_RESUME_STOPPED) {
        if (!JS_HasException(ctx))
            qjsi_throw_interrupted(ctx);
        limits_reached(st); /* records why (interrupted, closed) */
        return -1;
    }
    return resume;
}

/* ---------------------------------------------------------------- qjs_debug ---- */

typedef struct child_out {
    qjs_rt *st;
    JSContext *ctx;
    qjs_buf *b;
    int n;
    JSValueConst parent; /* the object whose properties these are, or undefined */
} child_out;

/* A reference that runs an accessor property's getter when its children are asked for: the
   object and the key are held as a pair until the stop ends; 0 when none can be made. */
static int64_t lazy_ref(qjs_rt *st, JSValueConst obj, JSAtom key)
{
    JSContext *ctx = st->dbg_ctx;
    JSValue pair;
    int64_t ref;
    if (JS_VALUE_GET_TAG(obj) != JS_TAG_OBJECT || key == JS_ATOM_NULL)
        return 0;
    pair = JS_NewArray(ctx);
    if (JS_IsException(pair) || JS_SetPropertyUint32(ctx, pair, 0, JS_DupValue(ctx, obj)) < 0 ||
        JS_SetPropertyUint32(ctx, pair, 1, JS_AtomToValue(ctx, key)) < 0) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        JS_FreeValue(ctx, pair);
        return 0;
    }
    ref = held_ref(st, pair);
    JS_FreeValue(ctx, pair);
    return ref ? LAZY_REF | ref : 0;
}

static void put_child(void *opaque, JSAtom name, const char *name_text, JSValueConst value, int accessor);

/* The one child of a lazy reference: the property's value, its getter run (a throw shows as the
   thrown value). */
static void lazy_children(child_out *o, JSValueConst pair)
{
    JSContext *ctx = o->ctx;
    JSValue obj = JS_GetPropertyUint32(ctx, pair, 0), key = JS_GetPropertyUint32(ctx, pair, 1), v;
    JSAtom atom = JS_ValueToAtom(ctx, key);
    if (atom == JS_ATOM_NULL) {
        JS_FreeValue(ctx, JS_GetException(ctx));
    } else {
        v = JS_GetProperty(ctx, obj, atom);
        if (JS_IsException(v))
            v = JS_GetException(ctx);
        put_child(o, atom, NULL, v, 0);
        JS_FreeValue(ctx, v);
        JS_FreeAtom(ctx, atom);
    }
    JS_FreeValue(ctx, key);
    JS_FreeValue(ctx, obj);
}

static void put_value(child_out *o, JSValueConst v)
{
    DynBuf text;
    dbuf_init(&text);
    qjsi_debug_render(o->ctx, &text, v);
    put_text(o->b, dbuf_error(&text) ? "?" : (const char *)text.buf, dbuf_error(&text) ? 1 : text.size);
    dbuf_free(&text);
    put_cstr(o->b, qjsi_debug_type(o->ctx, v));
    buf_i64(o->b, held_ref(o->st, v));
}

static void put_child(void *opaque, JSAtom name, const char *name_text, JSValueConst value, int accessor)
{
    child_out *o = opaque;
    if (name_text)
        put_cstr(o->b, name_text);
    else
        put_atom(o->ctx, o->b, name, "?");
    if (accessor) {
        put_cstr(o->b, "[accessor]");
        put_cstr(o->b, "accessor");
        buf_i64(o->b, lazy_ref(o->st, o->parent, name));
    } else {
        put_value(o, value);
    }
    o->n++;
}

/* QuickJS's own hidden variables (<ret>, <this_active_func> …) and this, which has a scope. */
static int hidden_name(JSContext *ctx, JSAtom name)
{
    const char *s = JS_AtomToCString(ctx, name);
    int hidden = !s || !s[0] || s[0] == '<' || strcmp(s, "this") == 0 || strcmp(s, "new.target") == 0;
    JS_FreeCString(ctx, s);
    return hidden;
}

static int frame_index(qjs_rt *st, int32_t frame)
{
    return frame >= 0 && frame < st->dbg_frames_n ? 0 : -1;
}

/* The children of a Java object: its members as the host reads them. */
static void host_children(child_out *o, JSValueConst v, int32_t start, int32_t count)
{
    JSPropertyEnum *props = NULL;
    uint32_t n = 0, i;
    if (JS_GetOwnPropertyNames(o->ctx, &props, &n, v, JS_GPN_STRING_MASK) < 0) {
        JS_FreeValue(o->ctx, JS_GetException(o->ctx));
        return;
    }
    for (i = (uint32_t)start; i < n && o->n < count; i++) {
        JSValue x = JS_GetProperty(o->ctx, v, props[i].atom);
        if (JS_IsException(x)) {
            JS_FreeValue(o->ctx, JS_GetException(o->ctx));
            x = JS_UNDEFINED;
        }
        put_child(o, props[i].atom, NULL, x, 0);
        JS_FreeValue(o->ctx, x);
    }
    for (i = 0; i < n; i++)
        JS_FreeAtom(o->ctx, props[i].atom);
    js_free(o->ctx, props);
}

static void scope_children(child_out *o, int32_t frame, int kind, int32_t start, int32_t count)
{
    JSAtom names[LOCALS_MAX];
    JSValue values[LOCALS_MAX];
    uint8_t consts[LOCALS_MAX];
    int i, n, index = 0;
    void *sf = o->st->dbg_frames[frame].sf;
    if (kind == SCOPE_THIS) {
        JSValue t = qjsi_debug_frame_this(o->ctx, sf);
        if (start == 0)
            put_child(o, JS_ATOM_NULL, "this", t, 0);
        JS_FreeValue(o->ctx, t);
        return;
    }
    if (kind == SCOPE_GLOBAL) {
        JSValue g = JS_GetGlobalObject(o->ctx);
        qjsi_debug_children(o->ctx, g, start, count, put_child, o);
        JS_FreeValue(o->ctx, g);
        return;
    }
    n = qjsi_debug_frame_vars(o->ctx, sf, kind == SCOPE_LOCALS ? 0 : 1, names, values, consts, LOCALS_MAX);
    for (i = 0; i < n && o->n < count; i++) {
        if (hidden_name(o->ctx, names[i]) || JS_VALUE_GET_TAG(values[i]) == JS_TAG_UNINITIALIZED)
            continue;
        if (index++ < start)
            continue;
        put_child(o, names[i], NULL, values[i], 0);
    }
}

static JSValue const_get(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic,
                         JSValue *data)
{
    (void)this_val;
    (void)argc;
    (void)argv;
    (void)magic;
    return JS_DupValue(ctx, data[0]);
}

static JSValue const_set(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic,
                         JSValue *data)
{
    const char *name = JS_ToCString(ctx, data[0]);
    (void)this_val;
    (void)argc;
    (void)argv;
    (void)magic;
    if (!name)
        return JS_EXCEPTION;
    JS_ThrowTypeError(ctx, "'%s' is read-only", name); /* QuickJS's words for it */
    JS_FreeCString(ctx, name);
    return JS_EXCEPTION;
}

/* A const on the scope object: a getter of its value and a setter that throws as an
   assignment to the const itself would. */
static int define_const(JSContext *ctx, JSValueConst scope, JSAtom name, JSValueConst value)
{
    JSValue getter, setter, text = JS_AtomToString(ctx, name);
    if (JS_IsException(text))
        return -1;
    getter = JS_NewCFunctionData(ctx, const_get, 0, 0, 1, (JSValue *)&value);
    setter = JS_NewCFunctionData(ctx, const_set, 1, 0, 1, &text);
    JS_FreeValue(ctx, text);
    if (JS_IsException(getter) || JS_IsException(setter)) {
        JS_FreeValue(ctx, getter);
        JS_FreeValue(ctx, setter);
        return -1;
    }
    return JS_DefinePropertyGetSet(ctx, scope, name, getter, setter, JS_PROP_CONFIGURABLE | JS_PROP_ENUMERABLE);
}

/* The frame's variables copied into a scope object for an evaluation (a const as an accessor
   whose setter throws). */
static JSValue scope_object(JSContext *ctx, void *sf)
{
    JSAtom names[LOCALS_MAX];
    JSValue values[LOCALS_MAX];
    uint8_t consts[LOCALS_MAX];
    JSValue scope = JS_NewObject(ctx);
    int kind, i, n, r;
    if (JS_IsException(scope))
        return scope;
    for (kind = 1; kind >= 0; kind--) { /* locals shadow closure variables */
        n = qjsi_debug_frame_vars(ctx, sf, kind, names, values, consts, LOCALS_MAX);
        for (i = 0; i < n; i++) {
            if (hidden_name(ctx, names[i]) || JS_VALUE_GET_TAG(values[i]) == JS_TAG_UNINITIALIZED)
                continue;
            r = consts[i] ? define_const(ctx, scope, names[i], values[i])
                          : JS_DefinePropertyValue(ctx, scope, names[i], JS_DupValue(ctx, values[i]), JS_PROP_C_W_E);
            if (r < 0) {
                JS_FreeValue(ctx, scope);
                return JS_EXCEPTION;
            }
        }
    }
    return scope;
}

/* Writes the scope object's values that the evaluation changed back into the frame. */
static void scope_write_back(JSContext *ctx, void *sf, JSValueConst scope)
{
    JSAtom names[LOCALS_MAX];
    JSValue values[LOCALS_MAX];
    uint8_t consts[LOCALS_MAX];
    int kind, i, n;
    for (kind = 0; kind <= 1; kind++) {
        n = qjsi_debug_frame_vars(ctx, sf, kind, names, values, consts, LOCALS_MAX);
        for (i = 0; i < n; i++) {
            JSValue now;
            if (consts[i] || hidden_name(ctx, names[i]) || JS_VALUE_GET_TAG(values[i]) == JS_TAG_UNINITIALIZED)
                continue;
            now = JS_GetProperty(ctx, scope, names[i]);
            if (JS_IsException(now)) {
                JS_FreeValue(ctx, JS_GetException(ctx));
                continue;
            }
            if (!JS_SameValue(ctx, now, values[i]))
                (void)qjsi_debug_frame_set(ctx, sf, names[i], now);
            JS_FreeValue(ctx, now);
        }
    }
}

#define EVAL_WRAPPER "(function (s, e) { with (s) { return eval(e); } })"

/* The expression's value in frame `frame`, or JS_EXCEPTION. */
static JSValue evaluate_in(qjs_rt *st, int32_t frame, const char *expr, int32_t n)
{
    JSContext *ctx = st->dbg_ctx;
    void *sf = st->dbg_frames[frame].sf;
    JSValue fn, scope, args[2], this_val, result;
    fn = JS_Eval(ctx, EVAL_WRAPPER, strlen(EVAL_WRAPPER), "<debugger>", JS_EVAL_TYPE_GLOBAL);
    if (JS_IsException(fn))
        return fn;
    scope = scope_object(ctx, sf);
    if (JS_IsException(scope)) {
        JS_FreeValue(ctx, fn);
        return scope;
    }
    args[0] = scope;
    args[1] = JS_NewStringLen(ctx, expr, (size_t)n);
    if (JS_IsException(args[1])) {
        JS_FreeValue(ctx, fn);
        JS_FreeValue(ctx, scope);
        return JS_EXCEPTION;
    }
    this_val = qjsi_debug_frame_this(ctx, sf);
    result = JS_Call(ctx, fn, this_val, 2, args);
    if (!JS_IsException(result))
        scope_write_back(ctx, sf, scope);
    JS_FreeValue(ctx, this_val);
    JS_FreeValue(ctx, args[1]);
    JS_FreeValue(ctx, scope);
    JS_FreeValue(ctx, fn);
    return result;
}

/* [u8 0][value] for a value, [u8 1][message] for the pending exception. */
static void put_result(qjs_rt *st, JSValue v)
{
    child_out o = { st, st->dbg_ctx, &st->out, 0, JS_UNDEFINED };
    if (JS_IsException(v)) {
        JSValue e = JS_GetException(st->dbg_ctx);
        DynBuf text;
        dbuf_init(&text);
        qjsi_debug_render(st->dbg_ctx, &text, e);
        buf_u8(&st->out, 1);
        put_text(&st->out, dbuf_error(&text) ? "?" : (const char *)text.buf, dbuf_error(&text) ? 1 : text.size);
        dbuf_free(&text);
        JS_FreeValue(st->dbg_ctx, e);
        return;
    }
    buf_u8(&st->out, 0);
    put_value(&o, v);
    JS_FreeValue(st->dbg_ctx, v);
}

static int32_t debug_hook(qjs_rt *st, const uint8_t *in, int32_t len)
{
    int on;
    if (!in || len < 1)
        return QJS_BAD_INPUT;
    on = in[0] != 0;
    if (on && !st->dbg_hooked) {
        st->dbg_hooked = 1;
        qjsi_debug_hook(1);
    } else if (!on && st->dbg_hooked) {
        st->dbg_hooked = 0;
        qjsi_debug_hook(-1);
    }
    return QJS_OK;
}

int32_t qjs_debug(qjs_rt *st, int32_t op_frame, const uint8_t *in, int32_t len)
{
    int32_t op = op_frame & 0xff, frame = op_frame >> 8, i, start, count, n;
    JSContext *ctx;
    qjs_buf *b;
    reader r;
    int32_t rc = QJS_OK;
    if (!st)
        return QJS_BAD_INPUT;
    if (op == QJS_DEBUGOP_HOOK)
        return debug_hook(st, in, len);
    ctx = st->dbg_ctx;
    if (!ctx || len < 0 || (len > 0 && !in))
        return QJS_BAD_INPUT; /* no stop */
    r.p = in;
    r.end = in ? in + len : NULL;
    b = &st->out;
    enter(st);
    buf_reset(b);
    switch (op) {
    case QJS_DEBUGOP_FRAMES:
        buf_i32(b, st->dbg_frames_n);
        for (i = 0; i < st->dbg_frames_n; i++) {
            const qjsi_debug_frame *f = &st->dbg_frames[i];
            put_atom(ctx, b, f->function, "<anonymous>");
            put_atom(ctx, b, f->source, "<unknown>");
            buf_i32(b, f->line);
            buf_i32(b, f->col);
        }
        break;
    case QJS_DEBUGOP_SCOPES:
        if (frame_index(st, frame) < 0) {
            rc = QJS_BAD_INPUT;
            break;
        }
        buf_i32(b, 4);
        put_cstr(b, "Locals");
        buf_i64(b, SCOPE_REF | (int64_t)frame << 8 | SCOPE_LOCALS);
        put_cstr(b, "Closure");
        buf_i64(b, SCOPE_REF | (int64_t)frame << 8 | SCOPE_CLOSURE);
        put_cstr(b, "this");
        buf_i64(b, SCOPE_REF | (int64_t)frame << 8 | SCOPE_THIS);
        put_cstr(b, "Global");
        buf_i64(b, SCOPE_REF | (int64_t)frame << 8 | SCOPE_GLOBAL);
        break;
    case QJS_DEBUGOP_VARIABLES: {
        int64_t ref;
        child_out o = { st, ctx, b, 0, JS_UNDEFINED };
        size_t count_at;
        if (rd_i64(&r, &ref) < 0 || rd_i32(&r, &start) < 0 || rd_i32(&r, &count) < 0 || start < 0 || ref <= 0) {
            rc = QJS_BAD_INPUT;
            break;
        }
        if (count <= 0 || count > QJS_DEBUG_CHILDREN_MAX)
            count = QJS_DEBUG_CHILDREN_MAX;
        count_at = b->len;
        buf_i32(b, 0);
        if ((ref & ~(LAZY_REF - 1)) == LAZY_REF) {
            int64_t held = ref & (LAZY_REF - 1);
            if (held < 1 || held > st->dbg_held_n) {
                rc = QJS_BAD_INPUT;
                break;
            }
            lazy_children(&o, st->dbg_held[held - 1]);
        } else if (ref >= SCOPE_REF) {
            int32_t f = (int32_t)((ref >> 8) & 0xffffff);
            int kind = (int)(ref & 0xff);
            if (frame_index(st, f) < 0 || kind < SCOPE_LOCALS || kind > SCOPE_GLOBAL || (ref >> 32) != 1) {
                rc = QJS_BAD_INPUT;
                break;
            }
            scope_children(&o, f, kind, start, count);
        } else if (ref <= st->dbg_held_n) {
            JSValue v = JS_DupValue(ctx, st->dbg_held[ref - 1]);
            o.parent = v;
            if (host_id_of(v) >= 0)
                host_children(&o, v, start, count);
            else
                qjsi_debug_children(ctx, v, start, count, put_child, &o);
            JS_FreeValue(ctx, v);
        } else {
            rc = QJS_BAD_INPUT;
            break;
        }
        if (!b->failed)
            memcpy(b->data + count_at, &o.n, 4);
        break;
    }
    case QJS_DEBUGOP_EVALUATE: {
        const char *expr;
        if (frame_index(st, frame) < 0 || rd_text(&r, &expr, &n) < 0) {
            rc = QJS_BAD_INPUT;
            break;
        }
        put_result(st, evaluate_in(st, frame, expr, n));
        break;
    }
    case QJS_DEBUGOP_SET: {
        int64_t ref;
        const char *name, *expr;
        int32_t name_n;
        JSValue v;
        JSAtom atom;
        if (rd_i64(&r, &ref) < 0 || rd_text(&r, &name, &name_n) < 0 || rd_text(&r, &expr, &n) < 0 ||
            ref <= 0 || (ref < SCOPE_REF && ref > st->dbg_held_n) || (ref >> 32) > 1 ||
            st->dbg_frames_n == 0) {
            rc = QJS_BAD_INPUT;
            break;
        }
        v = evaluate_in(st, 0, expr, n);
        if (JS_IsException(v)) {
            put_result(st, v);
            break;
        }
        atom = JS_NewAtomLen(ctx, name, (size_t)name_n);
        if (atom == JS_ATOM_NULL) {
            JS_FreeValue(ctx, v);
            put_result(st, JS_EXCEPTION);
            break;
        }
        if (ref >= SCOPE_REF) {
            int32_t f = (int32_t)((ref >> 8) & 0xffffff);
            int kind = (int)(ref & 0xff);
            int set = frame_index(st, f) < 0 || (kind != SCOPE_LOCALS && kind != SCOPE_CLOSURE)
                          ? 0 : qjsi_debug_frame_set(ctx, st->dbg_frames[f].sf, atom, v);
            if (set <= 0) {
                if (set < 0) {
                    const char *text = JS_AtomToCString(ctx, atom);
                    if (text)
                        JS_ThrowTypeError(ctx, "'%s' is read-only", text); /* as in const_set */
                    JS_FreeCString(ctx, text);
                } else {
                    JS_ThrowReferenceError(ctx, "no variable of that name in this scope");
                }
                JS_FreeValue(ctx, v);
                v = JS_EXCEPTION;
            }
        } else if (JS_SetProperty(ctx, st->dbg_held[ref - 1], atom, JS_DupValue(ctx, v)) < 0) {
            JS_FreeValue(ctx, v);
            v = JS_EXCEPTION;
        }
        JS_FreeAtom(ctx, atom);
        put_result(st, v);
        break;
    }
    default:
        rc = QJS_BAD_INPUT;
        break;
    }
    if (rc == QJS_OK && b->failed)
        rc = QJS_OUT_OF_MEMORY;
    publish_out(st);
    leave(st);
    return rc;
}
