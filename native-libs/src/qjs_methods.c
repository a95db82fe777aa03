/*
 * qjs_methods.c - Java methods called in one host call: per realm, one JavaScript function for
 * each (Java class id, method name) a script has called (QJS_METHOD_SLOTS slots, a newer method
 * taking an older one's slot), which calls QJS_OP_HOST_INVOKE_METHOD with the method id the host
 * gave for it. `obj.name(...)` on another object of the class then finds the function without a
 * host call (qjs_get_method_field), and the call itself is the only crossing, or none when the
 * object is immutable and its result is known (qjs_known.c).
 */
#include "qjs_private.h"

/* The function `obj.name(...)` calls for a Java method of obj's class: one per realm, class and
   name, kept in the realm's method cache; `this` is the Java object. data = [name, method id]. */
static JSValue class_method_call(JSContext *ctx, JSValueConst this_val, int argc,
                                      JSValueConst *argv, int magic, JSValue *data)
{
    qjs_rt *st = rt_of(ctx);
    reader reply;
    JSValue v;
    int32_t id = host_id_of(this_val), method;
    uint8_t flags = 0;
    int i;
    (void)magic;
    if (id < 0 || JS_ToInt32(ctx, &method, data[1]) < 0)
        return JS_ThrowTypeError(ctx, "a Java method called on something that is not a Java object");
    switch (known_call(ctx, id, method, argc, argv, &v)) {
    case 1:
        return v; /* an immutable object's result, known already: no host call */
    case -1:
        return JS_EXCEPTION;
    default:
        break;
    }
    buf_reset(&st->up);
    buf_i32(&st->up, method);
    buf_u8(&st->up, (uint8_t)known_wanted(ctx, this_val, id));
    buf_i32(&st->up, argc);
    for (i = 0; i < argc; i++)
        enc_value(ctx, st, &st->up, argv[i]);
    if (call_host(ctx, st, QJS_OP_HOST_INVOKE_METHOD, id, &reply))
        return JS_EXCEPTION;
    if (!reply.p || rd_u8(&reply, &flags) < 0)
        return JS_ThrowInternalError(ctx, "bad host reply");
    if (flags & QJS_INVOKE_SHADOWED) {
        /* a Map's entry has the method's name: the entry is what `obj.name(...)` calls */
        JSValue f;
        JSAtom atom = JS_ValueToAtom(ctx, data[0]);
        if (atom == JS_ATOM_NULL)
            return JS_EXCEPTION;
        f = host_get_property_mode(ctx, this_val, atom, this_val, QJS_GET_CALL);
        JS_FreeAtom(ctx, atom);
        if (JS_IsException(f))
            return f;
        v = JS_Call(ctx, f, this_val, argc, argv);
        JS_FreeValue(ctx, f);
        return v;
    }
    if (dec_value(ctx, st, &reply, &v) < 0)
        return JS_HasException(ctx) ? JS_EXCEPTION : JS_ThrowInternalError(ctx, "bad host reply");
    if (flags & QJS_INVOKE_STABLE)
        known_keep_call(ctx, this_val, id, method, argc, argv, v);
    if ((flags & QJS_INVOKE_KNOWN) && known_read(ctx, st, &reply, this_val, id) < 0) {
        JS_FreeValue(ctx, v);
        return JS_HasException(ctx) ? JS_EXCEPTION : JS_ThrowInternalError(ctx, "bad host reply");
    }
    return v;
}

static qjs_method_slot *method_slot(qjs_realm *r, int32_t class_id, JSAtom atom)
{
    uint32_t h = (uint32_t)class_id * 0x9E3779B1u ^ (uint32_t)atom * 0x85EBCA6Bu;
    if (!r->methods)
        return NULL;
    return &r->methods[(h ^ (h >> 15)) & (QJS_METHOD_SLOTS - 1)];
}

/* Keeps func as the method `name` of class_id's objects in ctx's realm (replacing whatever
   held the slot). */
static void method_keep(JSContext *ctx, int32_t class_id, JSAtom atom, JSValueConst func)
{
    qjs_realm *r = JS_GetContextOpaque(ctx);
    qjs_method_slot *slot;
    if (r->retired)
        return; /* it keeps nothing: what it kept would hold its context alive */
    if (!r->methods) {
        r->methods = calloc(QJS_METHOD_SLOTS, sizeof(qjs_method_slot));
        if (!r->methods)
            return; /* still correct: method calls then take two host calls */
    }
    slot = method_slot(r, class_id, atom);
    if (slot->class_id != 0) {
        JS_FreeAtom(ctx, slot->atom);
        JS_FreeValue(ctx, slot->func);
    }
    slot->class_id = class_id;
    slot->atom = JS_DupAtom(ctx, atom);
    slot->func = JS_DupValue(ctx, func);
}

void class_methods_free(qjs_realm *r)
{
    int i;
    if (!r->methods)
        return;
    for (i = 0; i < QJS_METHOD_SLOTS; i++) {
        if (r->methods[i].class_id != 0) {
            JS_FreeAtom(r->ctx, r->methods[i].atom);
            JS_FreeValue(r->ctx, r->methods[i].func);
        }
    }
    free(r->methods);
    r->methods = NULL;
}


JSValue class_method_new(JSContext *ctx, int32_t class_id, JSAtom atom, int32_t method)
{
    JSValue data[2], f;
    data[0] = JS_AtomToString(ctx, atom);
    if (JS_IsException(data[0]))
        return data[0];
    data[1] = JS_NewInt32(ctx, method);
    f = JS_NewCFunctionData(ctx, class_method_call, 0, 0, 2, data);
    JS_FreeValue(ctx, data[0]);
    if (!JS_IsException(f))
        method_keep(ctx, class_id, atom, f);
    return f;
}

JSValue class_method_find(JSContext *ctx, int32_t class_id, JSAtom atom)
{
    qjs_method_slot *slot = method_slot(JS_GetContextOpaque(ctx), class_id, atom);
    if (slot && slot->class_id == class_id && slot->atom == atom)
        return JS_DupValue(ctx, slot->func);
    return JS_UNDEFINED;
}
