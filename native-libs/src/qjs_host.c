/*
 * qjs_host.c - Java objects seen from JavaScript: the host callback (call_host) and the errors
 * it brings back, the host classes (one per QJS_VARIANT_*, DynamicObject's two included) with
 * their wrappers, finalizers and members read, written, deleted and listed through the host,
 * the Java objects' prototypes,
 * Array.isArray for Java lists, and the scope object that falls back to the host's
 * GLOBAL_SCOPE for names the global object lacks.
 *
 * Over 800 lines and still one thing: every function here is a QuickJS class hook or a step
 * of one host call (encode the request, call_host, decode the reply), including the memory of the
 * last member read, which lives and dies with those calls. The functions that call a Java method
 * by id are qjs_methods.c's; what is known of immutable objects, qjs_known.c's.
 */
#include <pthread.h>

#include "qjs_private.h"

static JSClassID host_class_ids[HOST_VARIANTS], scope_class_id;
static pthread_once_t class_ids_once = PTHREAD_ONCE_INIT;

static void init_class_ids(void)
{
    int i;
    for (i = 0; i < HOST_VARIANTS; i++)
        JS_NewClassID(&host_class_ids[i]);
    JS_NewClassID(&scope_class_id);
}

void host_classes_init(void)
{
    pthread_once(&class_ids_once, init_class_ids);
}

/* ---------- host callbacks ---------- */

/* An Error for a Java throwable: message from the reader (when given and not empty), and
   javaException = the host object `id` (when id >= 0). */
JSValue host_error(JSContext *ctx, qjs_rt *st, int32_t id, reader *r)
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

/* Calls the host; on success *reply points at the host's reply bytes. Returns
   0 on success, 1 when the host threw (the JS exception is already set). */
/* Forgets the last member read (any host call may change what Java objects hold). */
void host_forget_read(qjs_rt *st)
{
    if (st->read_atom != JS_ATOM_NULL) {
        JS_FreeAtomRT(st->rt, st->read_atom);
        st->read_atom = JS_ATOM_NULL;
    }
}

int call_host(JSContext *ctx, qjs_rt *st, int32_t op, int64_t a, reader *reply)
{
    int32_t rc;
    host_forget_read(st);
    st->mb[QJS_MB_REPLY_PTR] = 0;
    st->mb[QJS_MB_REPLY_LEN] = 0;
    st->mb[QJS_MB_REALM] = ctx ? (int64_t)(uintptr_t)JS_GetContextOpaque(ctx) : 0;
    if (st->up.failed && ctx) {
        JS_ThrowOutOfMemory(ctx);
        return 1;
    }
    budget_sync(st); /* the host sees the poll points counted so far (an entry on top may
                        count on from them) */
    if (st->profile)
        st->mb[QJS_MB_PROFILE_HOST] = 0;
    rc = st->host(st->token, op, a, st->up.data, (int32_t)st->up.len);
    if (st->profile)
        profile_host_returned(st, op);
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
    if (rc == QJS_REPLY_FATAL) {
        /* the host could not even start (its error goes to Java when the call returns): stop */
        __atomic_store_n(&st->mb[QJS_MB_INTERRUPT], 1, __ATOMIC_RELAXED);
        if (ctx)
            JS_ThrowInternalError(ctx, "the Java host failed to run");
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

/* A DynamicObject's wrapper: nothing of it is remembered between host calls. */
static int host_is_dynamic(JSValueConst v)
{
    int variant = host_variant(v);
    return variant == QJS_VARIANT_DYNAMIC || variant == QJS_VARIANT_DYNAMIC_FUNCTION;
}

int host_variant(JSValueConst v)
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

/* A wrapper's opaque holds its host id in the low 32 bits and its class id in the high ones
   (every platform the jar carries has 64-bit pointers; elsewhere the class id is dropped and
   method calls take two host calls). */
static void *host_opaque(int32_t id, int32_t class_id)
{
#if UINTPTR_MAX > 0xFFFFFFFFu
    return (void *)(uintptr_t)(((uint64_t)(uint32_t)class_id << 32) | (uint32_t)id);
#else
    (void)class_id;
    return (void *)(uintptr_t)(uint32_t)id;
#endif
}

static uintptr_t host_opaque_of(JSValueConst v)
{
    int variant = host_variant(v);
    if (variant < 0)
        return UINTPTR_MAX;
    return (uintptr_t)JS_GetOpaque((JSValue)v, host_class_ids[variant]);
}

int32_t host_id_of(JSValueConst v)
{
    uintptr_t opaque = host_opaque_of(v);
    return opaque == UINTPTR_MAX ? -1 : (int32_t)(uint32_t)opaque;
}

/* The class id of a Java object (0: none, or not a Java object). */
static int32_t host_class_of(JSValueConst v)
{
#if UINTPTR_MAX > 0xFFFFFFFFu
    uintptr_t opaque = host_opaque_of(v);
    return opaque == UINTPTR_MAX ? 0 : (int32_t)(uint32_t)((uint64_t)opaque >> 32);
#else
    (void)v;
    return 0;
#endif
}

/* Records that the host must give back one count of id; published in the mailbox and
   consumed (count reset to 0) by the host after its outermost call. */
void host_release(qjs_rt *st, int32_t id)
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
            if (id < r->wrappers_cap && r->wrappers[id] == ptr) {
                r->wrappers[id] = NULL;
                known_forget(rt, r, id);
            }
        }
    }
    host_release(st, id);
}

/* An ArrayBuffer over a direct ByteBuffer's memory: the Java buffer stays referenced by its
   host id until the ArrayBuffer is freed or detached, so the memory outlives every view. */
void host_buffer_free(JSRuntime *rt, void *opaque, void *ptr)
{
    qjs_rt *st = JS_GetRuntimeOpaque(rt);
    (void)ptr;
    if (st)
        host_release(st, (int32_t)(intptr_t)opaque);
}

/* The wrapper of host id (the host gave one count for it). Reuses the live wrapper. */
JSValue host_object_new_variant(JSContext *ctx, int32_t id, int variant, int32_t class_id)
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
    obj = JS_NewObjectClass(ctx, (int)host_class_ids[variant]); /* the ids are small */
    if (JS_IsException(obj)) {
        host_release(st, id);
        return obj;
    }
    JS_SetOpaque(obj, host_opaque(id, class_id));
    if (variant == QJS_VARIANT_CLASS || variant == QJS_VARIANT_DYNAMIC_FUNCTION)
        JS_SetConstructorBit(ctx, obj, 1);
    if (realm->retired)
        return obj; /* correct, only not deduplicated: no finalizer clears a retired realm's table */
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

JSValue host_object_new(JSContext *ctx, int32_t id)
{
    return host_object_new_variant(ctx, id, QJS_VARIANT_OBJECT, 0);
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
    if (!JS_IsString(k)) {
        /* an integer index: its string form, as for any other name */
        JS_FreeValue(ctx, k);
        k = JS_AtomToString(ctx, prop);
        if (JS_IsException(k))
            return -1;
    }
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
    int construct = (flags & JS_CALL_FLAG_CONSTRUCTOR) != 0;
    int with_this = !construct && host_variant(func_obj) == QJS_VARIANT_DYNAMIC_FUNCTION;
    buf_reset(&st->up);
    buf_u8(&st->up, (uint8_t)((construct ? QJS_CALL_CONSTRUCT : 0)
                              | (with_this ? QJS_CALL_WITH_THIS : 0)));
    if (with_this)
        enc_value(ctx, st, &st->up, this_val); /* a dynamic object's call sees its this */
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
    int k, wants;
    int32_t id = host_id_of(obj);
    if (mode == QJS_GET_VALUE) {
        k = known_property(ctx, id, prop, out); /* an immutable object's, read before */
        if (k != 0) {
            *kind = QJS_GOT_VALUE;
            return k;
        }
    }
    buf_reset(&st->up);
    k = host_key(ctx, st, prop);
    if (k <= 0)
        return k;
    buf_u8(&st->up, (uint8_t)mode);
    wants = mode == QJS_GET_VALUE && known_wanted(ctx, obj, id);
    buf_u8(&st->up, (uint8_t)wants);
    if (call_host(ctx, st, QJS_OP_HOST_GET, id, &reply))
        return -1;
    if (!reply.p || rd_u8(&reply, &k8) < 0 || k8 == QJS_GOT_NONE)
        return 0;
    if (k8 == QJS_GOT_NO_METHOD) {
        if (missing && dec_value(ctx, st, &reply, missing) < 0)
            return JS_HasException(ctx) ? -1 : (JS_ThrowInternalError(ctx, "bad host reply"), -1);
        return 0;
    }
    *kind = k8;
    if (k8 == QJS_GOT_METHOD && mode == QJS_GET_CALL) {
        int32_t method = -1, class_id = host_class_of(obj);
        if (rd_i32(&reply, &method) == 0 && method >= 0 && class_id != 0) {
            *out = class_method_new(ctx, class_id, prop, method);
            return JS_IsException(*out) ? -1 : 1;
        }
    }
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
    if (k8 == QJS_GOT_STABLE_VALUE) {
        known_keep_property(ctx, obj, id, prop, *out);
        *kind = QJS_GOT_VALUE;
        if (wants && known_read(ctx, st, &reply, obj, id) < 0) {
            JS_FreeValue(ctx, *out);
            *out = JS_UNDEFINED;
            return JS_HasException(ctx) ? -1 : (JS_ThrowInternalError(ctx, "bad host reply"), -1);
        }
    }
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

JSValue host_get_property_mode(JSContext *ctx, JSValueConst obj, JSAtom prop,
                                      JSValueConst receiver, int mode)
{
    JSValue v, proto, missing = JS_UNDEFINED;
    int kind = 0;
    int r = host_get(ctx, obj, prop, mode, &v, &kind, &missing);
    if (r < 0)
        return JS_EXCEPTION;
    if (mode == QJS_GET_VALUE && !host_is_dynamic(obj)) {
        /* remembered until the next host call, for a hasOwnProperty that follows (never for a
           dynamic object: its own methods answer every question) */
        qjs_rt *st = rt_of(ctx);
        host_forget_read(st);
        st->read_id = host_id_of(obj);
        st->read_atom = JS_DupAtom(ctx, prop);
        st->read_found = r > 0;
    }
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

/* The read of `obj.prop` for a method call `obj.prop(...)`
   (native-libs/patches/07-get-method-field-opcode.patch): for a Java object, its Java method of that name before a property (a record's
   `p.x()` is its accessor, `p.x` the value), and a TypeError naming the member and the class
   when neither the object nor its prototype has it. Called for objects of classes made
   outside QuickJS; others read as before. Not static: quickjs.c calls it. */
JSValue qjs_get_method_field(JSContext *ctx, JSValueConst obj, JSAtom atom)
{
    int32_t class_id;
    if (host_variant(obj) < 0)
        return JS_GetProperty(ctx, obj, atom);
    class_id = host_class_of(obj);
    if (class_id != 0) {
        /* a method of the object's class met before: no host call until the call itself */
        JSValue f = class_method_find(ctx, class_id, atom);
        if (!JS_IsUndefined(f))
            return f;
    }
    return host_get_property_mode(ctx, obj, atom, obj, QJS_GET_CALL);
}

static int host_get_own_property(JSContext *ctx, JSPropertyDescriptor *desc,
                                 JSValueConst obj, JSAtom prop)
{
    JSValue v;
    int kind = 0;
    int r;
    qjs_rt *st = rt_of(ctx);
    if (!desc && st->read_atom == prop && st->read_atom != JS_ATOM_NULL && st->read_id == host_id_of(obj))
        return st->read_found; /* hasOwnProperty right after a read of the member: no host call */
    /* describing never runs a getter: Object.keys, for-in and hasOwnProperty list and test
       a bean's properties without reading them */
    r = host_get(ctx, obj, prop, QJS_GET_DESCRIBE, &v, &kind, NULL);
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

/* ---------- classes and prototypes ---------- */

int host_classes_register(JSRuntime *rt)
{
    JSClassDef host_defs[HOST_VARIANTS] = {
        { .class_name = "JavaObject", .finalizer = host_finalizer, .exotic = &host_exotic },
        { .class_name = "JavaMap", .finalizer = host_finalizer, .exotic = &host_exotic },
        { .class_name = "JavaList", .finalizer = host_finalizer, .exotic = &host_exotic },
        { .class_name = "JavaFunction", .finalizer = host_finalizer, .exotic = &host_exotic,
          .call = host_call },
        { .class_name = "JavaClass", .finalizer = host_finalizer, .exotic = &host_exotic,
          .call = host_call },
        { .class_name = "JavaDynamicObject", .finalizer = host_finalizer, .exotic = &host_exotic },
        { .class_name = "JavaDynamicFunction", .finalizer = host_finalizer, .exotic = &host_exotic,
          .call = host_call },
    };
    JSClassDef scope_def = { .class_name = "HostScope", .exotic = &scope_exotic };
    int v;
    for (v = 0; v < HOST_VARIANTS; v++) {
        if (JS_NewClass(rt, host_class_ids[v], &host_defs[v]) < 0)
            return -1;
    }
    if (JS_NewClass(rt, scope_class_id, &scope_def) < 0)
        return -1;
    return 0;
}

int host_install(JSContext *ctx, JSValueConst global)
{
    JSValue proto, scope, objproto;
    int ok = 1;

    /* prototypes of Java objects: Object.prototype for beans and maps, Array.prototype for
       lists and arrays (so map, filter, join … work on them), Function.prototype for
       functional interfaces; each with toString() = the Java toString() */
    {
        static const char *const bases[HOST_VARIANTS] = { "Object", "Object", "Array", "Function",
                                                          "Function", "Object", "Function" };
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
    return ok;
}
