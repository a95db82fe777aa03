/*
 * qjs_api.c - the exported calls that run JavaScript on a realm: eval of scripts and modules,
 * compiled scripts (bytecode), invoke, reading, writing, deleting and listing properties, and
 * String() and JSON of a value. Each decodes its input (qjs_codec.c), runs, and ends with
 * finish_* (qjs_result.c) inside BEGIN/END.
 *
 * Over 700 lines and still one thing: each function is one exported entry point of that shape
 * (or a step shared by several, such as run_module and write_bytecode); what the calls share
 * beyond it lives elsewhere: encoding in qjs_codec.c, results in qjs_result.c, host objects in
 * qjs_host.c.
 */
#include "qjs_private.h"

/* Evaluates an ES module: its namespace, its error, or (QJS_PENDING) [promise][namespace]
   while a top-level await waits. */
static int32_t run_module(JSContext *ctx, qjs_rt *st, JSValue fn, const char *name);

/* Output = v's bytecode (a compiled script or module, borrowed) as JS_WriteObject writes it. */
static int32_t write_bytecode(JSContext *ctx, qjs_rt *st, JSValueConst v)
{
    size_t size;
    uint8_t *bytes = JS_WriteObject(ctx, &size, v, JS_WRITE_OBJ_BYTECODE);
    if (!bytes)
        return finish_exception(ctx, st);
    buf_reset(&st->out);
    buf_put(&st->out, bytes, size);
    js_free(ctx, bytes);
    publish_out(st);
    return st->out.failed ? QJS_OUT_OF_MEMORY : QJS_OK;
}

static int32_t eval_module(JSContext *ctx, qjs_rt *st, const char *src, size_t len,
                           const char *name)
{
    JSValue fn = JS_Eval(ctx, src, len, name, JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
    if (JS_IsException(fn))
        return finish_exception(ctx, st);
    return run_module(ctx, st, fn, name);
}

/* Evaluates a compiled module (fn, owned) whose imports are resolved: import.meta.url is name;
   the output is as eval_module's. */
static int32_t run_module(JSContext *ctx, qjs_rt *st, JSValue fn, const char *name)
{
    JSValue promise, ns, meta;
    JSModuleDef *m;
    int state;
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

static int32_t eval_text(qjs_rt *st, int64_t realm, const uint8_t *src, int32_t src_len,
                         const char *filename, int32_t flags);

int32_t qjs_eval(qjs_rt *st, int64_t realm, const uint8_t *src, int32_t src_len,
                 const char *filename, int32_t flags)
{
    int32_t rc;
    int strip;
    if (!(flags & (QJS_EVAL_STRIP_SOURCE | QJS_EVAL_STRIP_DEBUG)) || !st)
        return eval_text(st, realm, src, src_len, filename, flags);
    /* QuickJS reads the runtime's strip flags as it compiles each function: set for this call */
    strip = JS_GetStripInfo(st->rt);
    JS_SetStripInfo(st->rt, strip | ((flags & QJS_EVAL_STRIP_SOURCE) ? JS_STRIP_SOURCE : 0)
                                  | ((flags & QJS_EVAL_STRIP_DEBUG) ? JS_STRIP_DEBUG : 0));
    rc = eval_text(st, realm, src, src_len, filename, flags);
    JS_SetStripInfo(st->rt, strip);
    return rc;
}

static int32_t eval_text(qjs_rt *st, int64_t realm, const uint8_t *src, int32_t src_len,
                         const char *filename, int32_t flags)
{
    int eval_flags = JS_EVAL_TYPE_GLOBAL;
    JSValue fn, v;
    BEGIN(realm);
    if (!src || src_len < 0 || src[src_len] != 0) {
        rc = QJS_BAD_INPUT;
        END();
    }
    if ((flags & QJS_EVAL_MODULE) && (flags & QJS_EVAL_COMPILE_ONLY)) {
        /* a syntax and import check: the module stays unevaluated in this realm's list (the
           caller uses a realm of its own for it, freed with the module) */
        fn = JS_Eval(ctx, (const char *)src, (size_t)src_len, filename ? filename : "<module>",
                     JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
        if (JS_IsException(fn)) {
            rc = finish_exception(ctx, st);
            END();
        }
        if (flags & QJS_EVAL_KEEP_BYTECODE) {
            /* compiled for saving: output = the module's bytecode (its imports are resolved by
               whoever reads it) */
            rc = write_bytecode(ctx, st, fn);
            JS_FreeValue(ctx, fn);
            END();
        }
        JS_FreeValue(ctx, fn); /* the realm's module list keeps its own reference */
        rc = finish(ctx, st, JS_UNDEFINED);
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
    BEGIN(realm);
    if (!b || JS_VALUE_GET_TAG(b->v) != JS_TAG_FUNCTION_BYTECODE) {
        rc = QJS_BAD_INPUT;
        END();
    }
    rc = write_bytecode(ctx, st, b->v);
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
    if (!JS_IsException(v) && JS_VALUE_GET_TAG(v) == JS_TAG_MODULE) {
        /* a module runs as it is read: its imports resolved through the realm's loader */
        const char *name;
        JSAtom atom;
        if (JS_ResolveModule(ctx, v) < 0) {
            /* the module was marked resolved before it failed: it stays in the realm's list,
               which keeps its own reference */
            JS_FreeValue(ctx, v);
            rc = finish_exception(ctx, st);
            END();
        }
        atom = JS_GetModuleName(ctx, JS_VALUE_GET_PTR(v));
        name = JS_AtomToCString(ctx, atom);
        JS_FreeAtom(ctx, atom);
        if (!name) {
            JS_FreeValue(ctx, v);
            rc = finish_exception(ctx, st);
            END();
        }
        rc = run_module(ctx, st, v, name);
        JS_FreeCString(ctx, name);
        END();
    }
    if (!JS_IsException(v) && JS_VALUE_GET_TAG(v) != JS_TAG_FUNCTION_BYTECODE) {
        JS_FreeValue(ctx, v);
        v = JS_ThrowTypeError(ctx, "not a compiled script");
    }
    rc = finish(ctx, st, v);
    END();
}

/* [u8 QJS_INVOKE_NAME_INDEX][i32 index]: the atom qjs_name_intern kept at that index, borrowed
   (the table holds it until the runtime is freed, which no running call allows); -1 for an
   index this runtime never returned. */
static int interned_name(qjs_rt *st, reader *r, JSAtom *atom)
{
    int32_t index;
    r->p++;
    if (rd_i32(r, &index) < 0 || index < 0 || index >= st->names_n)
        return -1;
    *atom = st->names[index];
    return 0;
}

/* A value of the call: undefined (an invokeFunction's target and this) and a 32-bit integer
   (the commonest argument) are read here without the general decoder's dispatch (the same bytes
   dec_value reads for QJS_T_UNDEFINED and QJS_T_INT); anything else by dec_value. */
static int dec_argument(JSContext *ctx, qjs_rt *st, reader *r, JSValue *out)
{
    int32_t i;
    if (r->p < r->end && r->p[0] == QJS_T_UNDEFINED) {
        r->p++;
        *out = JS_UNDEFINED;
        return 0;
    }
    if (r->end - r->p >= 5 && r->p[0] == QJS_T_INT) {
        memcpy(&i, r->p + 1, 4);
        r->p += 5;
        *out = JS_NewInt32(ctx, i);
        return 0;
    }
    return dec_value(ctx, st, r, out);
}

int32_t qjs_name_intern(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    reader r = { in, in ? in + len : NULL };
    JSAtom atom = JS_ATOM_NULL;
    BEGIN(realm);
    rc = -1;
    if (!in || len < 0 || st->names_n >= QJS_MAX_NAMES) {
        END();
    }
    if (st->names_n == st->names_cap) {
        int32_t cap = st->names_cap ? st->names_cap * 2 : 16;
        JSAtom *grown = realloc(st->names, sizeof(JSAtom) * (size_t)cap);
        if (!grown) {
            END();
        }
        st->names = grown;
        st->names_cap = cap;
    }
    if (dec_key(ctx, st, &r, &atom) < 0) {
        if (JS_HasException(ctx)) /* out of memory: the caller passes the name itself */
            JS_FreeValue(ctx, JS_GetException(ctx));
        END();
    }
    st->names[st->names_n] = atom; /* the counted reference dec_key made is the table's */
    rc = st->names_n++;
    END();
}

int32_t qjs_invoke(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    reader r = { in, in ? in + len : NULL };
    JSValue target = JS_UNDEFINED, this_val = JS_UNDEFINED, fn;
    JSValue *args = NULL, small_args[8];
    JSAtom atom = JS_ATOM_NULL;
    int32_t argc = 0, i, n = 0;
    int drc, has_name = 0, atom_borrowed = 0;
    BEGIN(realm);
    if (!in || len < 0) {
        rc = QJS_BAD_INPUT;
        END();
    }
    if ((drc = dec_argument(ctx, st, &r, &target)) < 0 ||
        (drc = dec_argument(ctx, st, &r, &this_val)) < 0) {
        rc = finish_decode_error(ctx, st, drc < 0 ? drc : -1);
        goto done;
    }
    if (r.p < r.end && r.p[0] == QJS_T_UNDEFINED) {
        r.p++; /* no name: call the target itself */
    } else if (r.p < r.end && r.p[0] == QJS_INVOKE_NAME_INDEX) {
        if ((drc = interned_name(st, &r, &atom)) < 0) {
            rc = finish_decode_error(ctx, st, drc);
            goto done;
        }
        has_name = 1;
        atom_borrowed = 1;
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
        if ((drc = dec_argument(ctx, st, &r, &args[n])) < 0) {
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
        rc = finish_small(ctx, st, JS_Call(ctx, fn, target, argc, (JSValueConst *)args));
        JS_FreeValue(ctx, fn);
    } else {
        if (!JS_IsFunction(ctx, target)) {
            rc = QJS_NOT_FUNCTION;
            goto done;
        }
        rc = finish_small(ctx, st, JS_Call(ctx, target, this_val, argc, (JSValueConst *)args));
    }
done:
    for (i = 0; i < n; i++)
        JS_FreeValue(ctx, args[i]);
    if (args && args != small_args)
        js_free(ctx, args);
    JS_FreeValue(ctx, target);
    JS_FreeValue(ctx, this_val);
    if (atom != JS_ATOM_NULL && !atom_borrowed)
        JS_FreeAtom(ctx, atom);
    END();
}

int32_t qjs_get(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    call_in c;
    uint8_t own = 0;
    int drc;
    BEGIN(realm);
    if ((drc = call_in_property(ctx, st, &c, in, len)) < 0 || (drc = rd_u8(&c.r, &own)) < 0) {
        rc = finish_decode_error(ctx, st, drc);
    } else if (own && JS_IsObject(c.v)) {
        /* an own property only: what a Bindings view of the global object holds */
        JSPropertyDescriptor desc;
        int found = JS_GetOwnProperty(ctx, &desc, c.v, c.atom);
        if (found < 0) {
            rc = finish_exception(ctx, st);
        } else if (!found) {
            rc = finish_value(ctx, st, JS_UNDEFINED);
        } else {
            JSValue v;
            if (desc.flags & JS_PROP_GETSET) {
                JS_FreeValue(ctx, desc.value);
                v = JS_GetProperty(ctx, c.v, c.atom); /* run the getter */
            } else {
                v = desc.value;
            }
            JS_FreeValue(ctx, desc.getter);
            JS_FreeValue(ctx, desc.setter);
            rc = finish(ctx, st, v);
        }
    } else {
        rc = finish(ctx, st, JS_GetProperty(ctx, c.v, c.atom));
    }
    call_in_free(ctx, &c);
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
    call_in c;
    JSValue v = JS_UNDEFINED, old = JS_UNDEFINED;
    uint8_t want_old = 0;
    int drc;
    BEGIN(realm);
    if ((drc = call_in_property(ctx, st, &c, in, len)) < 0 ||
        (drc = dec_value(ctx, st, &c.r, &v)) < 0 || (drc = rd_u8(&c.r, &want_old)) < 0) {
        rc = finish_decode_error(ctx, st, drc);
    } else if (!JS_IsObject(c.v)) {
        rc = QJS_BAD_INPUT;
    } else {
        int ok = 1;
        if (want_old) {
            old = JS_GetProperty(ctx, c.v, c.atom);
            if (JS_IsException(old)) {
                old = JS_UNDEFINED;
                ok = -1;
            }
        }
        if (ok >= 0) {
            ok = set_property(ctx, c.v, c.atom, v); /* takes v */
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
    JS_FreeValue(ctx, old);
    JS_FreeValue(ctx, v);
    call_in_free(ctx, &c);
    END();
}

int32_t qjs_set_many(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    call_in c;
    JSAtom *atoms = NULL;
    JSValue *vals = NULL;
    int32_t count = 0, i, n = 0;
    int drc;
    BEGIN(realm);
    if ((drc = call_in_target(ctx, st, &c, in, len)) < 0 || (drc = rd_i32(&c.r, &count)) < 0 ||
        count < 0 || count > (c.r.end - c.r.p) / 2) {
        rc = finish_decode_error(ctx, st, drc);
        goto done;
    }
    if (!JS_IsObject(c.v)) {
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
        if ((drc = dec_key(ctx, st, &c.r, &atoms[n])) < 0) {
            rc = finish_decode_error(ctx, st, drc);
            goto done;
        }
        if ((drc = dec_value(ctx, st, &c.r, &vals[n])) < 0) {
            JS_FreeAtom(ctx, atoms[n]);
            rc = finish_decode_error(ctx, st, drc);
            goto done;
        }
    }
    rc = -100;
    for (i = 0; i < count; i++) {
        JSValue v = vals[i];
        vals[i] = JS_UNDEFINED;
        if (set_property(ctx, c.v, atoms[i], v) < 0) { /* takes v */
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
    call_in_free(ctx, &c);
    END();
}

int32_t qjs_delete(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    call_in c;
    int drc;
    BEGIN(realm);
    if ((drc = call_in_property(ctx, st, &c, in, len)) < 0) {
        rc = finish_decode_error(ctx, st, drc);
    } else if (!JS_IsObject(c.v)) {
        rc = QJS_BAD_INPUT;
    } else {
        int ok = JS_DeleteProperty(ctx, c.v, c.atom, 0);
        if (ok == 0) {
            /* a `var` binding of the global object cannot be deleted: make it undefined */
            ok = JS_SetProperty(ctx, c.v, c.atom, JS_UNDEFINED);
        }
        rc = ok < 0 ? finish_exception(ctx, st) : finish_value(ctx, st, JS_NewBool(ctx, ok));
    }
    call_in_free(ctx, &c);
    END();
}

int32_t qjs_has(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    call_in c;
    uint8_t own = 0;
    int drc;
    BEGIN(realm);
    if ((drc = call_in_property(ctx, st, &c, in, len)) < 0 || (drc = rd_u8(&c.r, &own)) < 0) {
        rc = finish_decode_error(ctx, st, drc);
    } else if (!JS_IsObject(c.v)) {
        rc = QJS_BAD_INPUT;
    } else {
        int ok = own ? JS_GetOwnProperty(ctx, NULL, c.v, c.atom) : JS_HasProperty(ctx, c.v, c.atom);
        rc = ok < 0 ? finish_exception(ctx, st) : finish_value(ctx, st, JS_NewBool(ctx, ok));
    }
    call_in_free(ctx, &c);
    END();
}

int32_t qjs_entries(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    call_in c;
    JSPropertyEnum *tab = NULL;
    JSValue *vals = NULL;
    uint32_t count = 0, i, nvals = 0;
    uint8_t with_values = 0;
    int drc;
    BEGIN(realm);
    if ((drc = call_in_target(ctx, st, &c, in, len)) < 0 || (drc = rd_u8(&c.r, &with_values)) < 0) {
        rc = finish_decode_error(ctx, st, drc);
        goto done;
    }
    if (!JS_IsObject(c.v)) {
        rc = QJS_BAD_INPUT;
        goto done;
    }
    if (JS_GetOwnPropertyNames(ctx, &tab, &count, c.v, JS_GPN_STRING_MASK | JS_GPN_ENUM_ONLY) < 0) {
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
            vals[nvals] = JS_GetProperty(ctx, c.v, tab[nvals].atom);
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
    call_in_free(ctx, &c);
    END();
}

int32_t qjs_to_string(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    call_in c;
    int drc;
    BEGIN(realm);
    if ((drc = call_in_value(ctx, st, &c, in, len)) < 0) {
        rc = finish_decode_error(ctx, st, drc);
    } else if (JS_IsSymbol(c.v)) {
        rc = finish_value(ctx, st, to_string_quiet(ctx, c.v));
    } else {
        JSValue text = JS_ToString(ctx, c.v);
        if (JS_IsException(text) && JS_IsObject(c.v) && st->mb[QJS_MB_STOP_REASON] == QJS_STOP_NONE) {
            /* no usable toString (a module namespace, an Object.create(null)): what
               Object.prototype.toString says, as a console would show it */
            JSValue saved = JS_GetException(ctx);
            JSValue global = JS_GetGlobalObject(ctx);
            JSValue object = JS_GetPropertyStr(ctx, global, "Object");
            JSValue proto = JS_GetPropertyStr(ctx, object, "prototype");
            JSValue fn = JS_GetPropertyStr(ctx, proto, "toString");
            text = JS_IsFunction(ctx, fn) ? JS_Call(ctx, fn, c.v, 0, NULL) : JS_EXCEPTION;
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
    call_in_free(ctx, &c);
    END();
}

int32_t qjs_to_json(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    call_in c;
    JSValue space = JS_UNDEFINED;
    int drc;
    BEGIN(realm);
    if ((drc = call_in_value(ctx, st, &c, in, len)) < 0 || (drc = dec_value(ctx, st, &c.r, &space)) < 0) {
        rc = finish_decode_error(ctx, st, drc);
    } else {
        rc = finish(ctx, st, JS_JSONStringify(ctx, c.v, JS_UNDEFINED, space));
    }
    call_in_free(ctx, &c);
    JS_FreeValue(ctx, space);
    END();
}

int32_t qjs_echo(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    call_in c;
    int drc;
    BEGIN(realm);
    if ((drc = call_in_value(ctx, st, &c, in, len)) < 0) {
        rc = finish_decode_error(ctx, st, drc);
    } else {
        rc = finish_value(ctx, st, c.v);
        c.v = JS_UNDEFINED;
    }
    call_in_free(ctx, &c);
    END();
}
