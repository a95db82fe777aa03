/*
 * qjs_codec.c - the byte encoding shared with Java (the QJS_T_* tags of qjs_shim.h): values
 * written without running JavaScript (enc_value), values read from Java's bytes with every
 * read bounds-checked (dec_value, dec_key, dec_target), the input of the exported calls
 * (call_in_*), and deep copies to plain Java lists and maps (qjs_to_java).
 *
 * Over 600 lines and still one thing: the encoder and the decoder are the two halves of one
 * format and change together whenever a tag is added.
 */
#include <math.h>

#include "qjs_private.h"

/* ---------- encoding ---------- */

/* One reservation for the tag, the length and the chars: a map's keys are written here one
   after another, and three checked appends per key cost more than the copy of a short name. */
static void enc_string_data(qjs_buf *b, const void *data, uint32_t len, int wide)
{
    size_t bytes = wide ? (size_t)len * 2 : len;
    int32_t n = (int32_t)len;
    uint8_t *p;
    if (buf_reserve(b, 5 + bytes) < 0)
        return;
    p = b->data + b->len;
    p[0] = wide ? QJS_T_STRING16 : QJS_T_STRING8;
    memcpy(p + 1, &n, 4);
    if (bytes)
        memcpy(p + 5, data, bytes);
    b->len += 5 + bytes;
}

/* Encodes a string-like value (string, rope). Never runs JavaScript. */
void enc_string(JSContext *ctx, qjs_buf *b, JSValueConst v)
{
    const void *data;
    uint32_t len;
    int wide;
    JSValue flat = qjsi_flat_string(ctx, v, &data, &len, &wide);
    if (JS_IsException(flat)) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        b->failed = 1;
        return;
    }
    enc_string_data(b, data, len, wide);
    JS_FreeValue(ctx, flat);
}

static int object_kind(JSContext *ctx, JSValueConst v)
{
    if (JS_IsFunction(ctx, v))
        return QJS_KIND_FUNCTION;
    if (JS_IsArray(ctx, v) == 1)
        return QJS_KIND_ARRAY;
    if (JS_IsError(ctx, v))
        return QJS_KIND_ERROR;
    if ((int)JS_PromiseState(ctx, (JSValue)v) >= 0)
        return QJS_KIND_PROMISE;
    return QJS_KIND_OBJECT;
}

/* Encodes v (borrowed). Objects become new handles owned by the receiver. */
void enc_value(JSContext *ctx, qjs_rt *st, qjs_buf *b, JSValueConst v)
{
    int tag = JS_VALUE_GET_NORM_TAG(v);
    switch (tag) {
    case JS_TAG_INT:
        buf_u8(b, QJS_T_INT);
        buf_i32(b, JS_VALUE_GET_INT(v));
        return;
    case JS_TAG_BOOL:
        buf_u8(b, JS_VALUE_GET_BOOL(v) ? QJS_T_TRUE : QJS_T_FALSE);
        return;
    case JS_TAG_NULL:
        buf_u8(b, QJS_T_NULL);
        return;
    case JS_TAG_FLOAT64:
        buf_u8(b, QJS_T_DOUBLE);
        buf_f64(b, JS_VALUE_GET_FLOAT64(v));
        return;
    case JS_TAG_STRING:
    case JS_TAG_STRING_ROPE:
        enc_string(ctx, b, v);
        return;
    case JS_TAG_SHORT_BIG_INT:
    case JS_TAG_BIG_INT: {
        JSValue s = JS_ToString(ctx, v); /* no user code runs for a BigInt */
        const void *data;
        uint32_t len;
        int wide;
        JSValue flat;
        if (JS_IsException(s)) {
            JS_FreeValue(ctx, JS_GetException(ctx));
            b->failed = 1;
            return;
        }
        flat = qjsi_flat_string(ctx, s, &data, &len, &wide);
        JS_FreeValue(ctx, s);
        if (JS_IsException(flat) || wide) {
            b->failed = 1;
            return;
        }
        buf_u8(b, QJS_T_BIGINT);
        buf_i32(b, (int32_t)len);
        buf_put(b, data, len);
        JS_FreeValue(ctx, flat);
        return;
    }
    case JS_TAG_OBJECT:
        if (host_variant(v) >= 0) {
            buf_u8(b, QJS_T_HOST);
            buf_i32(b, host_id_of(v));
            return;
        }
        {
            double ms;
            uint32_t n;
            const uint8_t *bytes;
            if (qjsi_date_value(v, &ms) && !isnan(ms)) {
                buf_u8(b, QJS_T_DATE);
                buf_f64(b, ms);
                return;
            }
            if ((bytes = qjsi_uint8_array(ctx, v, &n)) != NULL) {
                buf_u8(b, QJS_T_BYTES);
                buf_i32(b, (int32_t)n);
                buf_put(b, bytes, n);
                return;
            }
            {
                JSFreeArrayBufferDataFunc *free_func;
                void *opaque;
                if (qjsi_array_buffer(v, &bytes, &n, &free_func, &opaque)) {
                    if (free_func == host_buffer_free) {
                        /* over a Java ByteBuffer: that same buffer */
                        buf_u8(b, QJS_T_HOST);
                        buf_i32(b, (int32_t)(intptr_t)opaque);
                    } else {
                        buf_u8(b, QJS_T_ARRAYBUF);
                        buf_i32(b, (int32_t)n);
                        buf_put(b, bytes, n);
                    }
                    return;
                }
            }
        }
        /* fall through */
    case JS_TAG_SYMBOL:
    case JS_TAG_FUNCTION_BYTECODE: {
        int kind = tag == JS_TAG_SYMBOL ? QJS_KIND_SYMBOL
                 : tag == JS_TAG_FUNCTION_BYTECODE ? QJS_KIND_BYTECODE
                 : object_kind(ctx, v);
        int64_t h = box_new(st, JS_DupValue(ctx, v));
        if (!h) {
            JS_FreeValue(ctx, (JSValue)v);
            b->failed = 1;
            return;
        }
        buf_u8(b, QJS_T_OBJECT);
        buf_i64(b, h);
        buf_u8(b, (uint8_t)kind);
        buf_i64(b, (int64_t)(uintptr_t)JS_VALUE_GET_PTR(v));
        return;
    }
    default:
        buf_u8(b, QJS_T_UNDEFINED);
        return;
    }
}

/* ---------- decoding ---------- */

/* The end of decoding one value that had to be made: 0, or -2 (a JS exception is
   pending) with *out left undefined. */
static int made(JSValue *out)
{
    if (JS_IsException(*out)) {
        *out = JS_UNDEFINED;
        return -2;
    }
    return 0;
}


int dec_value(JSContext *ctx, qjs_rt *st, reader *r, JSValue *out)
{
    uint8_t tag;
    int32_t i, len;
    int64_t h;
    double d;
    *out = JS_UNDEFINED;
    if (rd_u8(r, &tag) < 0)
        return -1;
    switch (tag) {
    case QJS_T_UNDEFINED: return 0;
    case QJS_T_NULL: *out = JS_NULL; return 0;
    case QJS_T_FALSE: *out = JS_FALSE; return 0;
    case QJS_T_TRUE: *out = JS_TRUE; return 0;
    case QJS_T_INT:
        if (rd_i32(r, &i) < 0) return -1;
        *out = JS_NewInt32(ctx, i);
        return 0;
    case QJS_T_DOUBLE:
        if (r->end - r->p < 8) return -1;
        memcpy(&d, r->p, 8);
        r->p += 8;
        *out = JS_NewFloat64(ctx, d);
        return 0;
    case QJS_T_STRING8:
    case QJS_T_STRING16: {
        size_t bytes;
        if (rd_i32(r, &len) < 0 || len < 0) return -1;
        bytes = tag == QJS_T_STRING16 ? (size_t)len * 2 : (size_t)len;
        if ((size_t)(r->end - r->p) < bytes) return -1;
        if (tag == QJS_T_STRING8) {
            *out = qjsi_new_string8(ctx, r->p, (uint32_t)len);
        } else {
            /* copy to an aligned buffer only when needed */
            if (((uintptr_t)r->p & 1) == 0) {
                *out = qjsi_new_string16(ctx, (const uint16_t *)r->p, (uint32_t)len);
            } else {
                uint16_t *tmp = malloc(bytes ? bytes : 1);
                if (!tmp) {
                    *out = JS_ThrowOutOfMemory(ctx);
                } else {
                    memcpy(tmp, r->p, bytes);
                    *out = qjsi_new_string16(ctx, tmp, (uint32_t)len);
                    free(tmp);
                }
            }
        }
        r->p += bytes;
        return made(out);
    }
    case QJS_T_BIGINT:
        if (rd_i32(r, &len) < 0 || len < 0 || r->end - r->p < len) return -1;
        *out = qjsi_new_bigint(ctx, (const char *)r->p, (size_t)len);
        r->p += len;
        return made(out);
    case QJS_T_DATE:
        if (r->end - r->p < 8) return -1;
        memcpy(&d, r->p, 8);
        r->p += 8;
        *out = JS_NewDate(ctx, d);
        return made(out);
    case QJS_T_BYTES: {
        JSValue ab;
        if (rd_i32(r, &len) < 0 || len < 0 || r->end - r->p < len) return -1;
        ab = JS_NewArrayBufferCopy(ctx, r->p, (size_t)len);
        r->p += len;
        if (JS_IsException(ab)) return -2;
        {
            /* QuickJS reads argv[1] and argv[2] (offset, length) whatever argc says */
            JSValue argv3[3] = { ab, JS_UNDEFINED, JS_UNDEFINED };
            *out = JS_NewTypedArray(ctx, 3, (JSValueConst *)argv3, JS_TYPED_ARRAY_UINT8);
        }
        JS_FreeValue(ctx, ab);
        return made(out);
    }
    case QJS_T_JSON:
        /* JSON text (UTF-8, NUL-terminated after len bytes): a Jackson JsonNode, say */
        if (rd_i32(r, &len) < 0 || len < 0 || r->end - r->p < (ptrdiff_t)len + 1 || r->p[len] != 0)
            return -1;
        *out = JS_ParseJSON(ctx, (const char *)r->p, (size_t)len, "<json>");
        r->p += len + 1;
        return made(out);
    case QJS_T_ARRAYBUF:
        if (rd_i32(r, &len) < 0 || len < 0 || r->end - r->p < len) return -1;
        *out = JS_NewArrayBufferCopy(ctx, r->p, (size_t)len);
        r->p += len;
        return made(out);
    case QJS_T_EXTBUF: {
        /* [host id i32][address i64][length i64]: a direct ByteBuffer, shared, not copied */
        int64_t addr, n64;
        if (rd_i32(r, &i) < 0 || i < 0 || rd_i64(r, &addr) < 0 || rd_i64(r, &n64) < 0 ||
            n64 < 0 || n64 > INT32_MAX || (addr == 0 && n64 > 0))
            return -1;
        *out = JS_NewArrayBuffer(ctx, (uint8_t *)(uintptr_t)addr, (size_t)n64, host_buffer_free,
                                 (void *)(intptr_t)i, 0);
        if (JS_IsException(*out)) {
            host_release(st, i);
            *out = JS_UNDEFINED;
            return -2;
        }
        return 0;
    }
    case QJS_T_HANDLE: {
        qjs_box *b;
        if (rd_i64(r, &h) < 0) return -1;
        b = box_get(h);
        if (!b) return -1;
        *out = JS_DupValue(ctx, b->v);
        return 0;
    }
    case QJS_T_FUTURE: {
        /* a Java CompletionStage: its promise in this realm (one per pending future), settled
           later by qjs_promise_settle */
        JSValue funcs[2], pair, known;
        JSAtom key;
        qjs_realm *rl = JS_GetContextOpaque(ctx);
        int64_t fid, ph;
        if (rd_i64(r, &fid) < 0) return -1;
        if (JS_IsUndefined(rl->futures)) {
            rl->futures = JS_NewObjectProto(ctx, JS_NULL);
            if (JS_IsException(rl->futures)) {
                rl->futures = JS_UNDEFINED;
                return -2;
            }
        }
        key = timer_atom(ctx, fid);
        if (key == JS_ATOM_NULL)
            return -2;
        known = JS_GetProperty(ctx, rl->futures, key);
        if (JS_IsObject(known)) {
            JS_FreeAtom(ctx, key);
            *out = known;
            return 0;
        }
        JS_FreeValue(ctx, known);
        *out = JS_NewPromiseCapability(ctx, funcs);
        if (!JS_IsException(*out) &&
            JS_DefinePropertyValue(ctx, rl->futures, key, JS_DupValue(ctx, *out), JS_PROP_C_W_E) < 0) {
            JS_FreeValue(ctx, funcs[0]);
            JS_FreeValue(ctx, funcs[1]);
            JS_FreeValue(ctx, *out);
            *out = JS_EXCEPTION;
        }
        JS_FreeAtom(ctx, key);
        if (JS_IsException(*out)) {
            *out = JS_UNDEFINED;
            return -2;
        }
        pair = JS_NewArray(ctx);
        if (JS_IsException(pair)) {
            JS_FreeValue(ctx, funcs[0]);
            JS_FreeValue(ctx, funcs[1]);
            JS_FreeValue(ctx, *out);
            *out = JS_UNDEFINED;
            forget_future(ctx, rl, fid);
            return -2;
        }
        JS_SetPropertyUint32(ctx, pair, 0, funcs[0]);
        JS_SetPropertyUint32(ctx, pair, 1, funcs[1]);
        JS_SetPropertyUint32(ctx, pair, 2, JS_NewInt64(ctx, fid));
        /* a failed Java future is Java's to report: its promise never counts as unhandled
           (what a script derives from it, an awaiting async function, still does) */
        promise_mark_handled(ctx, *out);
        ph = box_new(st, pair);
        if (!ph || bound_append(st, fid, ph, (int64_t)(uintptr_t)JS_GetContextOpaque(ctx)) < 0) {
            if (ph)
                box_free(st, box_get(ph));
            else
                JS_FreeValue(ctx, pair);
            JS_FreeValue(ctx, *out);
            forget_future(ctx, rl, fid);
            *out = JS_ThrowOutOfMemory(ctx);
            return made(out);
        }
        return 0;
    }
    case QJS_T_HOST: {
        uint8_t variant;
        int32_t class_id;
        if (rd_i32(r, &i) < 0 || i < 0 || rd_u8(r, &variant) < 0 || rd_i32(r, &class_id) < 0)
            return -1;
        *out = host_object_new_variant(ctx, i, variant, class_id);
        return made(out);
    }
    case QJS_T_HOST_KNOWN: {
        uint8_t variant;
        int32_t class_id;
        if (rd_i32(r, &i) < 0 || i < 0 || rd_u8(r, &variant) < 0 || rd_i32(r, &class_id) < 0)
            return -1;
        *out = host_object_new_variant(ctx, i, variant, class_id);
        if (made(out) < 0)
            return -2;
        if (known_read(ctx, st, r, *out, i) < 0) {
            JS_FreeValue(ctx, *out);
            *out = JS_UNDEFINED;
            return JS_HasException(ctx) ? -2 : -1;
        }
        return 0;
    }
    default:
        return -1;
    }
}

/* Reads [object or undefined (the global object)] from the input. */
int dec_target(JSContext *ctx, qjs_rt *st, reader *r, JSValue *out)
{
    int rc = dec_value(ctx, st, r, out);
    if (rc == 0 && JS_IsUndefined(*out))
        *out = JS_GetGlobalObject(ctx);
    return rc;
}

int dec_key(JSContext *ctx, qjs_rt *st, reader *r, JSAtom *atom)
{
    JSValue k;
    int rc;
    if (r->end - r->p >= 5 && r->p[0] == QJS_T_STRING8) {
        /* the usual key, a short ASCII name: straight to an atom, no string made first */
        int32_t n, i;
        const uint8_t *q = r->p + 5;
        memcpy(&n, r->p + 1, 4);
        if (n >= 0 && n <= 256 && r->end - q >= n) {
            for (i = 0; i < n && q[i] < 0x80; i++)
                ;
            if (i == n) {
                *atom = JS_NewAtomLen(ctx, (const char *)q, (size_t)n);
                r->p = q + n;
                return *atom == JS_ATOM_NULL ? -2 : 0;
            }
        }
    }
    rc = dec_value(ctx, st, r, &k);
    if (rc < 0)
        return rc;
    *atom = JS_ValueToAtom(ctx, k);
    JS_FreeValue(ctx, k);
    return *atom == JS_ATOM_NULL ? -2 : 0;
}

/* ---------- the input of a call ---------- */

static void call_in_open(call_in *c, const uint8_t *in, int32_t len)
{
    c->r.p = in;
    c->r.end = in ? in + len : NULL;
    c->v = JS_UNDEFINED;
    c->atom = JS_ATOM_NULL;
}

int call_in_value(JSContext *ctx, qjs_rt *st, call_in *c, const uint8_t *in, int32_t len)
{
    call_in_open(c, in, len);
    if (!in)
        return -1;
    return dec_value(ctx, st, &c->r, &c->v);
}

int call_in_target(JSContext *ctx, qjs_rt *st, call_in *c, const uint8_t *in, int32_t len)
{
    call_in_open(c, in, len);
    if (!in)
        return -1;
    return dec_target(ctx, st, &c->r, &c->v);
}

int call_in_property(JSContext *ctx, qjs_rt *st, call_in *c, const uint8_t *in, int32_t len)
{
    int drc = call_in_target(ctx, st, c, in, len);
    if (drc == 0)
        drc = dec_key(ctx, st, &c->r, &c->atom);
    return drc;
}

void call_in_free(JSContext *ctx, call_in *c)
{
    if (c->atom != JS_ATOM_NULL)
        JS_FreeAtom(ctx, c->atom);
    JS_FreeValue(ctx, c->v);
}

/* ---------- deep copies to plain Java values ---------- */

/* Objects met so far in one deep copy, by address, with their visit index: a value met
   again (shared or cyclic) is written as a reference to that index. */
typedef struct seen_set {
    void **keys;
    int32_t *index;
    uint32_t cap, count;
    /* a reference to every object met: a getter's fresh object must not be freed (and its
       address reused by the next one) while the copy is being made */
    JSValue *held;
    uint32_t held_cap;
    int depth;
} seen_set;

#define DEEP_COPY_MAX_DEPTH 1000

static int seen_find(seen_set *s, void *p, int32_t *index)
{
    uint32_t h;
    if (!s->cap)
        return 0;
    h = (uint32_t)(((uintptr_t)p >> 4) * 2654435761u) & (s->cap - 1);
    while (s->keys[h]) {
        if (s->keys[h] == p) {
            *index = s->index[h];
            return 1;
        }
        h = (h + 1) & (s->cap - 1);
    }
    return 0;
}

static int seen_hold(JSContext *ctx, seen_set *s, JSValueConst v)
{
    if (s->count >= s->held_cap) {
        uint32_t cap = s->held_cap ? s->held_cap * 2 : 64;
        JSValue *held = realloc(s->held, sizeof(JSValue) * cap);
        if (!held)
            return -1;
        s->held = held;
        s->held_cap = cap;
    }
    s->held[s->count] = JS_DupValue(ctx, v); /* index count: seen_add increments it */
    return 0;
}

static void seen_free(JSContext *ctx, seen_set *s)
{
    uint32_t i;
    for (i = 0; i < s->count && i < s->held_cap; i++)
        JS_FreeValue(ctx, s->held[i]);
    free(s->held);
    free(s->keys);
    free(s->index);
}

static int seen_add(seen_set *s, void *p)
{
    uint32_t h, i;
    if (s->count * 2 >= s->cap) {
        uint32_t cap = s->cap ? s->cap * 2 : 64;
        void **keys = calloc(cap, sizeof(void *));
        int32_t *index = calloc(cap, sizeof(int32_t));
        if (!keys || !index) {
            free(keys);
            free(index);
            return -1;
        }
        for (i = 0; i < s->cap; i++) {
            if (s->keys[i]) {
                h = (uint32_t)(((uintptr_t)s->keys[i] >> 4) * 2654435761u) & (cap - 1);
                while (keys[h])
                    h = (h + 1) & (cap - 1);
                keys[h] = s->keys[i];
                index[h] = s->index[i];
            }
        }
        free(s->keys);
        free(s->index);
        s->keys = keys;
        s->index = index;
        s->cap = cap;
    }
    h = (uint32_t)(((uintptr_t)p >> 4) * 2654435761u) & (s->cap - 1);
    while (s->keys[h])
        h = (h + 1) & (s->cap - 1);
    s->keys[h] = p;
    s->index[h] = (int32_t)s->count++;
    return 0;
}

/* Writes v as plain data: arrays as [T_LIST count values], other objects (not functions,
   Java objects, dates or byte arrays) as [T_MAP count (key value)*] of their own enumerable
   string keys, a container met before as [T_REF index]. Getters run, so JavaScript may run:
   this writes into a private buffer, never into st->out. Returns -1 with an exception. */
static int enc_deep(JSContext *ctx, qjs_rt *st, qjs_buf *b, JSValueConst v, seen_set *seen)
{
    void *ptr;
    int32_t index;
    int is_array;
    double ms;
    uint32_t n8;
    if (!JS_IsObject(v) || JS_IsFunction(ctx, v) || host_variant(v) >= 0 ||
        (qjsi_date_value(v, &ms) && !isnan(ms)) || qjsi_uint8_array(ctx, v, &n8)) {
        enc_value(ctx, st, b, v);
        return b->failed ? (JS_ThrowOutOfMemory(ctx), -1) : 0;
    }
    if (qjsi_check_stack(ctx) < 0)
        return -1;
    ptr = JS_VALUE_GET_PTR(v);
    if (seen_find(seen, ptr, &index)) {
        buf_u8(b, QJS_T_REF);
        buf_i32(b, index);
        return 0;
    }
    if (seen->depth >= DEEP_COPY_MAX_DEPTH) {
        JS_ThrowRangeError(ctx, "too deeply nested to copy (more than %d levels)", DEEP_COPY_MAX_DEPTH);
        return -1;
    }
    if (seen_hold(ctx, seen, v) < 0 || seen_add(seen, ptr) < 0) {
        JS_ThrowOutOfMemory(ctx);
        return -1;
    }
    seen->depth++;
    is_array = JS_IsArray(ctx, v);
    if (is_array < 0)
        return -1;
    if (is_array) {
        JSValue lenv = JS_GetPropertyStr(ctx, v, "length");
        int64_t len, i;
        if (JS_IsException(lenv) || JS_ToInt64(ctx, &len, lenv) < 0) {
            JS_FreeValue(ctx, lenv);
            return -1;
        }
        JS_FreeValue(ctx, lenv);
        if (len < 0 || len > INT32_MAX) {
            JS_ThrowRangeError(ctx, "array too long to copy");
            return -1;
        }
        buf_u8(b, QJS_T_LIST);
        buf_i32(b, (int32_t)len);
        for (i = 0; i < len; i++) {
            JSValue e = JS_GetPropertyUint32(ctx, v, (uint32_t)i);
            int rc;
            if (JS_IsException(e))
                return -1;
            rc = enc_deep(ctx, st, b, e, seen);
            JS_FreeValue(ctx, e);
            if (rc < 0)
                return -1;
        }
    } else {
        JSPropertyEnum *tab;
        uint32_t count, i;
        int rc = 0;
        if (JS_GetOwnPropertyNames(ctx, &tab, &count, v, JS_GPN_STRING_MASK | JS_GPN_ENUM_ONLY) < 0)
            return -1;
        buf_u8(b, QJS_T_MAP);
        buf_i32(b, (int32_t)count);
        for (i = 0; i < count && rc == 0; i++) {
            JSValue k = JS_AtomToString(ctx, tab[i].atom);
            JSValue e;
            if (JS_IsException(k)) {
                rc = -1;
                break;
            }
            enc_string(ctx, b, k);
            JS_FreeValue(ctx, k);
            e = JS_GetProperty(ctx, v, tab[i].atom);
            if (JS_IsException(e)) {
                rc = -1;
                break;
            }
            rc = enc_deep(ctx, st, b, e, seen);
            JS_FreeValue(ctx, e);
        }
        for (i = 0; i < count; i++)
            JS_FreeAtom(ctx, tab[i].atom);
        js_free(ctx, tab);
        if (rc < 0)
            return -1;
    }
    seen->depth--;
    if (b->failed) {
        JS_ThrowOutOfMemory(ctx);
        return -1;
    }
    return 0;
}

int32_t qjs_to_java(qjs_rt *st, int64_t realm, const uint8_t *in, int32_t len)
{
    call_in c;
    qjs_buf deep = { 0 };
    seen_set seen = { 0 };
    int drc;
    BEGIN(realm);
    if ((drc = call_in_value(ctx, st, &c, in, len)) < 0) {
        rc = finish_decode_error(ctx, st, drc);
    } else if ((st->track_depth = st->depth, st->track_n = 0,
                enc_deep(ctx, st, &deep, c.v, &seen)) < 0) {
        /* handles written into the partial copy will never reach the host: free them */
        uint32_t i;
        st->track_depth = 0;
        for (i = 0; i < st->track_n; i++) {
            qjs_box *b = box_get(st->track[i]);
            if (b)
                box_free(st, b);
        }
        rc = finish_exception(ctx, st);
    } else {
        run_jobs_outermost(ctx, st);
        buf_reset(&st->out);
        buf_put(&st->out, deep.data, deep.len);
        st->mb[QJS_MB_OUT_PTR] = (int64_t)(uintptr_t)st->out.data;
        st->mb[QJS_MB_OUT_LEN] = (int64_t)st->out.len;
        rc = st->out.failed ? QJS_OUT_OF_MEMORY : QJS_OK;
    }
    st->track_depth = 0;
    st->track_n = 0;
    free(deep.data);
    seen_free(ctx, &seen);
    call_in_free(ctx, &c);
    END();
}
