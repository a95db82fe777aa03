/*
 * qjs_known.c - what JavaScript already knows of immutable Java objects: per realm and host id,
 * the results of the calls that always give the same result for the same arguments (a record's
 * component accessors; size, get, containsKey... of List.of, Map.of, Set.of), so a script
 * reading them again makes no host call. The host says which results are such (the
 * QJS_INVOKE_STABLE flag of a QJS_OP_HOST_INVOKE_METHOD reply) and may send them ahead with the
 * object (QJS_T_HOST_KNOWN): a rules function over an immutable model then reads it without
 * crossing at all.
 *
 * A table lives as long as the realm's wrapper of its host id (host_finalizer forgets it), so a
 * host id given to another Java object never finds the old object's values. A table keeps its
 * values alive; the host sends only values whose objects cannot lead back to the table's
 * object, and a value that is the object itself is never kept, so no cycle is hidden from
 * QuickJS's collector. Bounded: QJS_KNOWN_PER_OBJECT results per object and
 * QJS_KNOWN_PER_REALM in all; past that, calls cross as before.
 */
#include "qjs_private.h"

#define QJS_KNOWN_PER_OBJECT 256
#define QJS_KNOWN_PER_REALM 65536
/* The host nests at most its per-message budget (128); deeper input is malformed, and reading it
   would only use up the C stack. */
#define QJS_KNOWN_MAX_DEPTH 200

/* A call's arguments are keyed by QJS_KNOWN_* (a string as an atom); KNOWN_EMPTY marks a free
   slot. */
#define KNOWN_EMPTY 0

typedef struct {
    int32_t method; /* the method id (QJS_GOT_METHOD) */
    uint32_t arg;   /* the int32 bits or the atom (a counted reference) */
    uint8_t kind;   /* KNOWN_*; KNOWN_EMPTY marks a free slot */
    JSValue v;
} known_entry;

/* The method entry a property read stands for (-1: none) is what QJS_KNOWN_INDEX, _LENGTH and
   _KEYS set; a QJS_KNOWN_PROPERTY name becomes an entry of its own, of method KNOWN_READ. */
#define KNOWN_READ (-1)

/* An open-addressed table; mask + 1 slots (a power of two), at most 3/4 full. */
struct qjs_known {
    uint32_t count, mask;
    int32_t index_method, length_method, keys_method;
    known_entry e[];
};

static uint32_t known_hash(int32_t method, uint8_t kind, uint32_t arg)
{
    uint32_t h = (uint32_t)method * 0x9E3779B1u ^ arg * 0x85EBCA6Bu ^ kind;
    return h ^ (h >> 15);
}

/* The key of a call's arguments: 1 with *kind and *arg set (an atom then is a new reference),
   0 when the arguments are not a key (two or more, or one that is neither an integer nor a
   string), -1 on exception. */
static int known_key(JSContext *ctx, int argc, JSValueConst *argv, uint8_t *kind, uint32_t *arg)
{
    JSAtom atom;
    if (argc == 0) {
        *kind = QJS_KNOWN_NO_ARG;
        *arg = 0;
        return 1;
    }
    if (argc != 1)
        return 0;
    if (JS_VALUE_GET_TAG(argv[0]) == JS_TAG_INT) {
        *kind = QJS_KNOWN_INT;
        *arg = (uint32_t)JS_VALUE_GET_INT(argv[0]);
        return 1;
    }
    if (!JS_IsString(argv[0]))
        return 0;
    atom = JS_ValueToAtom(ctx, argv[0]);
    if (atom == JS_ATOM_NULL)
        return -1;
    *kind = QJS_KNOWN_STRING;
    *arg = atom;
    return 1;
}

static void known_key_free(JSContext *ctx, uint8_t kind, uint32_t arg)
{
    if (kind == QJS_KNOWN_STRING)
        JS_FreeAtom(ctx, arg);
}

static known_entry *known_slot(struct qjs_known *t, int32_t method, uint8_t kind, uint32_t arg)
{
    uint32_t i = known_hash(method, kind, arg) & t->mask;
    for (;;) {
        known_entry *e = &t->e[i];
        if (e->kind == KNOWN_EMPTY || (e->method == method && e->kind == kind && e->arg == arg))
            return e;
        i = (i + 1) & t->mask;
    }
}

/* The table of host id in realm r, with room made for `extra` more entries (grown, or made
   when there is none); NULL when there is none (extra 0), it is full, or no memory. */
static struct qjs_known *known_table(qjs_realm *r, int32_t id, uint32_t extra)
{
    struct qjs_known *t = id < r->known_cap ? r->known[id] : NULL, *g;
    uint32_t cap, need, i;
    if (extra == 0)
        return t;
    if (t && t->count >= QJS_KNOWN_PER_OBJECT)
        return NULL;
    need = (t ? t->count : 0) + extra;
    if (need > QJS_KNOWN_PER_OBJECT)
        need = QJS_KNOWN_PER_OBJECT;
    if (t && need * 4 <= (t->mask + 1) * 3)
        return t;
    if (id >= r->known_cap) {
        int32_t n = r->known_cap ? r->known_cap : 64;
        struct qjs_known **a;
        while (n <= id)
            n *= 2;
        a = realloc(r->known, sizeof(struct qjs_known *) * (size_t)n);
        if (!a)
            return NULL;
        memset(a + r->known_cap, 0, sizeof(struct qjs_known *) * (size_t)(n - r->known_cap));
        r->known = a;
        r->known_cap = n;
    }
    for (cap = 8; cap * 3 < need * 4; cap *= 2)
        ;
    g = calloc(1, sizeof(*g) + sizeof(known_entry) * cap);
    if (!g)
        return NULL;
    g->mask = cap - 1;
    g->index_method = g->length_method = g->keys_method = -1;
    if (t) {
        g->index_method = t->index_method;
        g->length_method = t->length_method;
        g->keys_method = t->keys_method;
        for (i = 0; i <= t->mask; i++) {
            if (t->e[i].kind != KNOWN_EMPTY)
                *known_slot(g, t->e[i].method, t->e[i].kind, t->e[i].arg) = t->e[i];
        }
        g->count = t->count;
        free(t);
    }
    r->known[id] = g;
    return g;
}

/* Keeps v as the result of (method, key) on host id; takes the key's atom reference. */
static void known_put(JSContext *ctx, qjs_realm *r, int32_t id, int32_t method, uint8_t kind,
                      uint32_t arg, JSValueConst v)
{
    struct qjs_known *t;
    known_entry *e;
    if (r->known_total >= QJS_KNOWN_PER_REALM || !(t = known_table(r, id, 1))) {
        known_key_free(ctx, kind, arg);
        return;
    }
    e = known_slot(t, method, kind, arg);
    if (e->kind != KNOWN_EMPTY) {
        known_key_free(ctx, kind, arg); /* known already (sent twice): the same value */
        return;
    }
    e->method = method;
    e->kind = kind;
    e->arg = arg;
    e->v = JS_DupValue(ctx, v);
    t->count++;
    r->known_total++;
}

/* Whether JavaScript may keep v as a result of the object `self`: any value but an object
   other than a Java object's wrapper (a copy, which the script may change), or self. */
static int known_keepable(JSValueConst v, JSValueConst self)
{
    if (!JS_IsObject(v))
        return 1;
    return host_variant(v) >= 0 && JS_VALUE_GET_PTR(v) != JS_VALUE_GET_PTR(self);
}

int known_call(JSContext *ctx, int32_t id, int32_t method, int argc, JSValueConst *argv,
               JSValue *out)
{
    qjs_realm *r = JS_GetContextOpaque(ctx);
    struct qjs_known *t = known_table(r, id, 0);
    known_entry *e;
    uint8_t kind;
    uint32_t arg;
    int rc;
    if (!t)
        return 0;
    rc = known_key(ctx, argc, argv, &kind, &arg);
    if (rc <= 0)
        return rc;
    e = known_slot(t, method, kind, arg);
    known_key_free(ctx, kind, arg);
    if (e->kind == KNOWN_EMPTY)
        return 0;
    *out = JS_DupValue(ctx, e->v);
    return 1;
}

void known_keep_call(JSContext *ctx, JSValueConst self, int32_t id, int32_t method, int argc,
                     JSValueConst *argv, JSValueConst v)
{
    qjs_realm *r = JS_GetContextOpaque(ctx);
    uint8_t kind;
    uint32_t arg;
    /* only for the realm's one wrapper of id: its finalizer is what forgets the table */
    if (id >= r->wrappers_cap || r->wrappers[id] != JS_VALUE_GET_PTR(self) || !known_keepable(v, self))
        return;
    if (known_key(ctx, argc, argv, &kind, &arg) != 1) {
        if (JS_HasException(ctx))
            JS_FreeValue(ctx, JS_GetException(ctx)); /* out of memory for the atom: not kept */
        return;
    }
    known_put(ctx, r, id, method, kind, arg, v);
}

int known_property(JSContext *ctx, int32_t id, JSAtom prop, JSValue *out)
{
    qjs_realm *r = JS_GetContextOpaque(ctx);
    struct qjs_known *t = known_table(r, id, 0);
    known_entry *e;
    JSValue key;
    if (!t)
        return 0;
    e = known_slot(t, KNOWN_READ, QJS_KNOWN_STRING, prop);
    if (e->kind == KNOWN_EMPTY && (t->index_method >= 0 || t->length_method >= 0 || t->keys_method >= 0)) {
        key = JS_AtomToValue(ctx, prop);
        if (JS_IsException(key))
            return -1;
        if (JS_VALUE_GET_TAG(key) == JS_TAG_INT && t->index_method >= 0)
            e = known_slot(t, t->index_method, QJS_KNOWN_INT, (uint32_t)JS_VALUE_GET_INT(key));
        else if (t->length_method >= 0 && prop == r->length_atom)
            e = known_slot(t, t->length_method, QJS_KNOWN_NO_ARG, 0);
        else if (t->keys_method >= 0 && JS_IsString(key))
            e = known_slot(t, t->keys_method, QJS_KNOWN_STRING, prop);
        JS_FreeValue(ctx, key);
        if (e->kind != KNOWN_EMPTY && t->keys_method >= 0 && e->method == t->keys_method
            && (JS_IsNull(e->v) || JS_IsUndefined(e->v)))
            return 0; /* no such entry: the property may be something else (a method) */
    }
    if (e->kind == KNOWN_EMPTY)
        return 0;
    *out = JS_DupValue(ctx, e->v);
    return 1;
}

void known_keep_property(JSContext *ctx, JSValueConst self, int32_t id, JSAtom prop, JSValueConst v)
{
    qjs_realm *r = JS_GetContextOpaque(ctx);
    if (id >= r->wrappers_cap || r->wrappers[id] != JS_VALUE_GET_PTR(self) || !known_keepable(v, self))
        return;
    known_put(ctx, r, id, KNOWN_READ, QJS_KNOWN_STRING, JS_DupAtom(ctx, prop), v);
}

int known_wanted(JSContext *ctx, JSValueConst self, int32_t id)
{
    qjs_realm *r = JS_GetContextOpaque(ctx);
    return id < r->wrappers_cap && r->wrappers[id] == JS_VALUE_GET_PTR(self)
        && known_table(r, id, 0) == NULL && r->known_total < QJS_KNOWN_PER_REALM;
}

/* Reads an entry that says how properties read (QJS_KNOWN_PROPERTY ... _KEYS) into host id's
   table in r (r NULL: read and dropped). */
static int known_read_alias(JSContext *ctx, qjs_rt *st, reader *rd, qjs_realm *r, int32_t id,
                            int32_t method, uint8_t kind)
{
    struct qjs_known *t;
    JSAtom atom;
    known_entry *e;
    if (kind > QJS_KNOWN_KEYS)
        return -1;
    if (kind != QJS_KNOWN_PROPERTY) {
        t = r ? known_table(r, id, 0) : NULL;
        if (t && kind == QJS_KNOWN_INDEX)
            t->index_method = method;
        else if (t && kind == QJS_KNOWN_LENGTH)
            t->length_method = method;
        else if (t)
            t->keys_method = method;
        return 0;
    }
    if (dec_key(ctx, st, rd, &atom) < 0)
        return -1;
    t = r ? known_table(r, id, 0) : NULL;
    e = t ? known_slot(t, method, QJS_KNOWN_NO_ARG, 0) : NULL;
    if (e && e->kind != KNOWN_EMPTY)
        known_put(ctx, r, id, KNOWN_READ, QJS_KNOWN_STRING, atom, e->v); /* takes the atom */
    else
        JS_FreeAtom(ctx, atom);
    return 0;
}

static int known_read_entries(JSContext *ctx, qjs_rt *st, reader *rd, JSValueConst self, int32_t id)
{
    qjs_realm *r = JS_GetContextOpaque(ctx);
    int keep = id < r->wrappers_cap && r->wrappers[id] == JS_VALUE_GET_PTR(self);
    int32_t n, i, method, iarg;
    if (rd_i32(rd, &n) < 0 || n < 0)
        return -1;
    if (keep && n > 0 && r->known_total < QJS_KNOWN_PER_REALM)
        (void)known_table(r, id, (uint32_t)n); /* room for them all at once */
    for (i = 0; i < n; i++) {
        uint8_t kind;
        uint32_t arg = 0;
        JSValue v;
        if (rd_i32(rd, &method) < 0 || rd_u8(rd, &kind) < 0)
            return -1;
        if (kind >= QJS_KNOWN_PROPERTY) {
            if (known_read_alias(ctx, st, rd, keep ? r : NULL, id, method, kind) < 0)
                return -1;
            continue;
        }
        if (kind == QJS_KNOWN_INT) {
            if (rd_i32(rd, &iarg) < 0)
                return -1;
            arg = (uint32_t)iarg;
        } else if (kind == QJS_KNOWN_STRING) {
            JSAtom atom;
            if (dec_key(ctx, st, rd, &atom) < 0)
                return -1; /* an ASCII name goes straight to an atom (the usual map key) */
            arg = atom;
        } else if (kind != QJS_KNOWN_NO_ARG) {
            return -1;
        }
        if (dec_value(ctx, st, rd, &v) < 0) {
            known_key_free(ctx, kind, arg);
            return -1;
        }
        if (keep && known_keepable(v, self))
            known_put(ctx, r, id, method, kind, arg, v);
        else
            known_key_free(ctx, kind, arg);
        JS_FreeValue(ctx, v);
    }
    return 0;
}

int known_read(JSContext *ctx, qjs_rt *st, reader *rd, JSValueConst self, int32_t id)
{
    int rc;
    if (st->known_depth >= QJS_KNOWN_MAX_DEPTH)
        return -1;
    st->known_depth++;
    rc = known_read_entries(ctx, st, rd, self, id);
    st->known_depth--;
    return rc;
}

static void known_table_free(JSRuntime *rt, qjs_realm *r, struct qjs_known *t)
{
    uint32_t i;
    for (i = 0; i <= t->mask; i++) {
        known_entry *e = &t->e[i];
        if (e->kind == KNOWN_EMPTY)
            continue;
        if (e->kind == QJS_KNOWN_STRING)
            JS_FreeAtomRT(rt, e->arg);
        JS_FreeValueRT(rt, e->v);
    }
    r->known_total -= (int32_t)t->count; /* at most QJS_KNOWN_PER_OBJECT */
    free(t);
}

void known_forget(JSRuntime *rt, qjs_realm *r, int32_t id)
{
    struct qjs_known *t = id < r->known_cap ? r->known[id] : NULL;
    if (!t)
        return;
    r->known[id] = NULL; /* first: freeing the values may finalize other wrappers */
    known_table_free(rt, r, t);
}

void known_free_all(qjs_realm *r)
{
    int32_t id;
    for (id = 0; id < r->known_cap; id++)
        known_forget(JS_GetRuntime(r->ctx), r, id);
    free(r->known);
    r->known = NULL;
    r->known_cap = 0;
}
