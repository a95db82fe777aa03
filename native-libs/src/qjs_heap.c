/*
 * qjs_heap.c - a runtime's heap summary: QuickJS's list of garbage-collected cells walked once
 * (qjsi_heap_walk, no JavaScript runs, no JS value is made), cells counted and sized by kind
 * (an object's class; bytecode, shapes, closure variables, async states, realms) and, for
 * plain objects, by constructor. Written to the output buffer for the host.
 */
#include "qjs_private.h"

#define HEAP_MAX_GROUPS 100000 /* constructors past this count fold into one group per kind */

typedef struct heap_group {
    int kind;
    const void *ctor;
    int64_t count, bytes;
} heap_group;

typedef struct heap_table {
    heap_group *groups;
    uint32_t n, cap; /* cap: a power of two; open addressing */
    int failed;
} heap_table;

static uint32_t group_hash(int kind, const void *ctor)
{
    uint64_t h = ((uint64_t)(uintptr_t)ctor >> 4) * 0x9e3779b97f4a7c15ull ^ (uint32_t)kind;
    return (uint32_t)(h ^ (h >> 29));
}

static heap_group *group_slot(heap_group *groups, uint32_t cap, int kind, const void *ctor)
{
    uint32_t i = group_hash(kind, ctor) & (cap - 1);
    while (groups[i].count && (groups[i].kind != kind || groups[i].ctor != ctor))
        i = (i + 1) & (cap - 1);
    return &groups[i];
}

static int table_grow(heap_table *t)
{
    uint32_t cap = t->cap ? t->cap * 2 : 256, i;
    heap_group *g = calloc(cap, sizeof(heap_group));
    if (!g)
        return -1;
    for (i = 0; i < t->cap; i++) {
        if (t->groups[i].count)
            *group_slot(g, cap, t->groups[i].kind, t->groups[i].ctor) = t->groups[i];
    }
    free(t->groups);
    t->groups = g;
    t->cap = cap;
    return 0;
}

static void heap_count(void *opaque, int kind, const void *ctor, size_t bytes)
{
    heap_table *t = opaque;
    heap_group *g;
    if (t->failed)
        return;
    if (t->n >= HEAP_MAX_GROUPS)
        ctor = NULL;
    if ((t->n + 1) * 2 > t->cap && table_grow(t) < 0) {
        t->failed = 1;
        return;
    }
    g = group_slot(t->groups, t->cap, kind, ctor);
    if (!g->count) {
        g->kind = kind;
        g->ctor = ctor;
        t->n++;
    }
    g->count++;
    g->bytes += (int64_t)bytes;
}

static const char *kind_name(qjs_rt *st, int kind, char *buf, int size)
{
    switch (kind) {
    case QJSI_HEAP_BYTECODE: return "(function bytecode)";
    case QJSI_HEAP_SHAPE: return "(shape)";
    case QJSI_HEAP_VAR_REF: return "(closure variable)";
    case QJSI_HEAP_ASYNC_STATE: return "(async function state)";
    case QJSI_HEAP_REALM: return "(realm)";
    case QJSI_HEAP_OTHER: return "(other)";
    default:
        qjsi_class_name(st->rt, kind, buf, size);
        return buf;
    }
}

static void put_text(qjs_buf *b, const char *s)
{
    size_t n = strlen(s);
    buf_i32(b, (int32_t)n);
    buf_put(b, s, n);
}

int32_t qjs_heap_summary(qjs_rt *st)
{
    heap_table t;
    qjs_buf *b;
    uint32_t i;
    char kind_buf[128], name_buf[128];
    if (!st)
        return QJS_BAD_INPUT;
    memset(&t, 0, sizeof(t));
    qjsi_heap_walk(st->rt, heap_count, &t);
    b = &st->out;
    buf_reset(b);
    buf_i32(b, (int32_t)t.n);
    for (i = 0; i < t.cap; i++) {
        const heap_group *g = &t.groups[i];
        const char *kind;
        if (!g->count)
            continue;
        kind = kind_name(st, g->kind, kind_buf, (int)sizeof(kind_buf));
        put_text(b, kind);
        if (g->ctor && qjsi_function_name(g->ctor, name_buf, (int)sizeof(name_buf)) && name_buf[0])
            put_text(b, name_buf);
        else
            put_text(b, kind);
        buf_i64(b, g->count);
        buf_i64(b, g->bytes);
    }
    free(t.groups);
    st->mb[QJS_MB_OUT_PTR] = (int64_t)(uintptr_t)b->data;
    st->mb[QJS_MB_OUT_LEN] = (int64_t)b->len;
    return t.failed || b->failed ? QJS_OUT_OF_MEMORY : QJS_OK;
}
