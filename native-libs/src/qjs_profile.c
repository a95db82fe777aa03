/*
 * qjs_profile.c - the sampling CPU profiler of a runtime. While a profile records, QuickJS's
 * interrupt handler (every poll point it reaches: about every 10,000 calls and jumps) reads the
 * monotonic clock and, once an interval has passed, walks the JavaScript stack and records a
 * sample; a host call that took an interval or more records the JavaScript stack under a frame
 * that the host names. Frames are copied into a table when first seen (no pointer into QuickJS
 * is kept past the sample), stacks are kept as a call tree, samples as (node, line, duration):
 * memory is bounded by the caps below, and samples past QJS_PROFILE_MAX_SAMPLES are counted as
 * dropped. qjs_profile_stop writes it all to the output buffer in one crossing.
 */
#include "qjs_private.h"

#define PROFILE_MAX_DEPTH 256      /* frames of a stack kept, innermost first */
#define PROFILE_MAX_FRAMES 65536   /* distinct frames; further ones share one "(more functions)" */
#define PROFILE_MAX_NODES (1 << 20) /* call tree nodes; deeper stacks end at the last node made */
/* Polls between two calls of the interrupt handler while a profile records (QuickJS's own pace is
   10,000, about 0.5 ms of a tight loop): ten times as many clock reads, still a few per ms */
#define PROFILE_POLLS 1000
#define FRAME_JS 0
#define FRAME_NATIVE 1
#define FRAME_HOST 2
#define FRAME_OTHER 3

typedef struct prof_frame {
    int kind;
    const void *key; /* FRAME_JS: the bytecode it was seen with (compared, never read) */
    JSAtom name_atom, file_atom;
    int def_line, def_col;
    int32_t host_id; /* FRAME_HOST: the host's name id (0: unnamed) */
    uint32_t hash;
    char *name, *file;
} prof_frame;

typedef struct prof_sample {
    int32_t node, line, duration_us;
} prof_sample;

struct qjs_profile {
    int64_t interval_ns, start_ns, last_ns;
    int32_t max_samples;
    int64_t dropped;
    prof_frame *frames;
    int32_t frames_n, frames_cap;
    uint32_t *frame_index; /* open addressing: frame id + 1, 0 = empty */
    uint32_t frame_index_mask;
    int32_t *node_parent, *node_frame; /* node 0 is the root */
    int32_t nodes_n, nodes_cap;
    uint32_t *node_index; /* open addressing: node id + 1 */
    uint32_t node_index_mask;
    prof_sample *samples;
    int32_t samples_n, samples_cap;
    qjsi_frame stack[PROFILE_MAX_DEPTH];
};

static uint32_t mix(uint32_t h, uint32_t v)
{
    h ^= v;
    h *= 0x9e3779b1u;
    return h ^ (h >> 15);
}

static uint32_t text_hash(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s)
        h = (h ^ (uint8_t)*s++) * 16777619u;
    return h;
}

static char *text_copy(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c)
        memcpy(c, s, n);
    return c;
}

/* Makes room in an open-addressing index of ids + 1 (entries hash with hash_of) for one more
   than its `count` entries, doubling it when it would be over half full. */
static int index_grow(uint32_t **index, uint32_t *mask, int32_t count,
                      uint32_t (*hash_of)(const qjs_profile *, uint32_t), const qjs_profile *p)
{
    uint32_t cap = *mask ? (*mask + 1) * 2 : 1024, i;
    uint32_t *t;
    int32_t id;
    if (((uint32_t)count + 1) * 2 <= (*mask ? *mask + 1 : 0))
        return 0;
    t = calloc(cap, sizeof(uint32_t));
    if (!t)
        return -1;
    for (id = 0; id < count; id++) {
        i = hash_of(p, (uint32_t)id) & (cap - 1);
        while (t[i])
            i = (i + 1) & (cap - 1);
        t[i] = (uint32_t)id + 1;
    }
    free(*index);
    *index = t;
    *mask = cap - 1;
    return 0;
}

static uint32_t frame_hash_of(const qjs_profile *p, uint32_t id)
{
    return p->frames[id].hash;
}

static uint32_t node_hash(int32_t parent, int32_t frame)
{
    return mix(mix(0x1234567u, (uint32_t)parent), (uint32_t)frame);
}

static uint32_t node_hash_of(const qjs_profile *p, uint32_t id)
{
    return node_hash(p->node_parent[id], p->node_frame[id]);
}

static int frame_equal(const prof_frame *f, const prof_frame *k)
{
    if (f->kind != k->kind || f->hash != k->hash)
        return 0;
    switch (k->kind) {
    case FRAME_JS:
        return f->key == k->key && f->name_atom == k->name_atom && f->file_atom == k->file_atom &&
               f->def_line == k->def_line && f->def_col == k->def_col;
    case FRAME_HOST:
        return f->host_id == k->host_id;
    default:
        return strcmp(f->name, k->name) == 0;
    }
}

/* The id of frame k (k->name: a borrowed text for FRAME_NATIVE and FRAME_OTHER); a new entry
   copies the texts. -1 when memory ran out. */
static int32_t frame_id(qjs_rt *st, qjs_profile *p, prof_frame *k)
{
    uint32_t i;
    prof_frame *f;
    char text[256];
    if (p->frame_index_mask) {
        for (i = k->hash & p->frame_index_mask; p->frame_index[i]; i = (i + 1) & p->frame_index_mask) {
            if (frame_equal(&p->frames[p->frame_index[i] - 1], k))
                return (int32_t)p->frame_index[i] - 1;
        }
    }
    if (p->frames_n >= PROFILE_MAX_FRAMES && k->kind != FRAME_OTHER) {
        prof_frame more;
        memset(&more, 0, sizeof(more));
        more.kind = FRAME_OTHER;
        more.name = (char *)"(more functions)";
        more.hash = mix(FRAME_OTHER, text_hash(more.name));
        return frame_id(st, p, &more);
    }
    if (p->frames_n >= PROFILE_MAX_FRAMES + 8)
        return -1;
    if (index_grow(&p->frame_index, &p->frame_index_mask, p->frames_n, frame_hash_of, p) < 0)
        return -1;
    if (p->frames_n == p->frames_cap) {
        int32_t cap = p->frames_cap ? p->frames_cap * 2 : 64;
        prof_frame *t = realloc(p->frames, sizeof(prof_frame) * (size_t)cap);
        if (!t)
            return -1;
        p->frames = t;
        p->frames_cap = cap;
    }
    f = &p->frames[p->frames_n];
    *f = *k;
    if (k->kind == FRAME_JS) {
        qjsi_atom_text(st->rt, k->name_atom, text, (int)sizeof(text));
        f->name = text_copy(text);
        qjsi_atom_text(st->rt, k->file_atom, text, (int)sizeof(text));
        f->file = text_copy(text);
    } else {
        f->name = text_copy(k->name ? k->name : "");
        f->file = text_copy("");
    }
    if (!f->name || !f->file) {
        free(f->name);
        free(f->file);
        return -1;
    }
    p->frames_n++;
    for (i = f->hash & p->frame_index_mask; p->frame_index[i]; i = (i + 1) & p->frame_index_mask)
        ;
    p->frame_index[i] = (uint32_t)p->frames_n;
    return p->frames_n - 1;
}

/* The call tree's child of parent for frame; parent itself when the tree is full. */
static int32_t node_child(qjs_profile *p, int32_t parent, int32_t frame)
{
    uint32_t h = node_hash(parent, frame), i;
    if (p->node_index_mask) {
        for (i = h & p->node_index_mask; p->node_index[i]; i = (i + 1) & p->node_index_mask) {
            uint32_t id = p->node_index[i] - 1;
            if (p->node_parent[id] == parent && p->node_frame[id] == frame)
                return (int32_t)id;
        }
    }
    if (p->nodes_n >= PROFILE_MAX_NODES ||
        index_grow(&p->node_index, &p->node_index_mask, p->nodes_n, node_hash_of, p) < 0)
        return parent;
    if (p->nodes_n == p->nodes_cap) {
        int32_t cap = p->nodes_cap * 2;
        int32_t *a = realloc(p->node_parent, sizeof(int32_t) * (size_t)cap);
        int32_t *b;
        if (!a)
            return parent;
        p->node_parent = a;
        b = realloc(p->node_frame, sizeof(int32_t) * (size_t)cap);
        if (!b)
            return parent;
        p->node_frame = b;
        p->nodes_cap = cap;
    }
    p->node_parent[p->nodes_n] = parent;
    p->node_frame[p->nodes_n] = frame;
    for (i = h & p->node_index_mask; p->node_index[i]; i = (i + 1) & p->node_index_mask)
        ;
    p->node_index[i] = (uint32_t)p->nodes_n + 1;
    return p->nodes_n++;
}

/* The call tree node of the running stack (with a host frame on top when host_id >= 0), and the
   line the innermost JavaScript frame is at. */
static int32_t stack_node(qjs_rt *st, qjs_profile *p, int32_t host_id, int32_t *line)
{
    int more = 0, n, i;
    int32_t node = 0, fid;
    prof_frame k;
    n = qjsi_stack_frames(st->rt, p->stack, PROFILE_MAX_DEPTH, &more);
    *line = 0;
    if (more) {
        memset(&k, 0, sizeof(k));
        k.kind = FRAME_OTHER;
        k.name = (char *)"(deeper frames)";
        k.hash = mix(FRAME_OTHER, text_hash(k.name));
        fid = frame_id(st, p, &k);
        if (fid >= 0)
            node = node_child(p, node, fid);
    }
    for (i = n - 1; i >= 0; i--) {
        const qjsi_frame *sf = &p->stack[i];
        memset(&k, 0, sizeof(k));
        if (sf->key) {
            k.kind = FRAME_JS;
            k.key = sf->key;
            k.name_atom = sf->name;
            k.file_atom = sf->file;
            k.def_line = sf->def_line;
            k.def_col = sf->def_col;
            k.hash = mix(mix(mix(mix((uint32_t)(uintptr_t)sf->key, sf->name), sf->file),
                             (uint32_t)sf->def_line), (uint32_t)sf->def_col);
            *line = sf->line; /* outermost first: the innermost JavaScript frame's is kept */
        } else {
            k.kind = FRAME_NATIVE;
            k.name = (char *)sf->native_name;
            k.hash = mix(FRAME_NATIVE, text_hash(sf->native_name));
        }
        fid = frame_id(st, p, &k);
        if (fid >= 0)
            node = node_child(p, node, fid);
    }
    if (host_id >= 0) {
        memset(&k, 0, sizeof(k));
        k.kind = FRAME_HOST;
        k.host_id = host_id;
        k.hash = mix(FRAME_HOST, (uint32_t)host_id);
        fid = frame_id(st, p, &k);
        if (fid >= 0)
            node = node_child(p, node, fid);
    }
    return node;
}

static void add_samples(qjs_profile *p, int32_t node, int32_t line, int64_t duration_ns,
                        int64_t count)
{
    int64_t i;
    for (i = 0; i < count; i++) {
        int64_t d = i == count - 1 ? duration_ns - (count - 1) * p->interval_ns : p->interval_ns;
        int64_t us = d / 1000;
        if (p->samples_n >= p->max_samples) {
            p->dropped += count - i;
            return;
        }
        if (p->samples_n == p->samples_cap) {
            int32_t cap = p->samples_cap ? p->samples_cap * 2 : 1024;
            prof_sample *t;
            if (cap > p->max_samples)
                cap = p->max_samples;
            t = realloc(p->samples, sizeof(prof_sample) * (size_t)cap);
            if (!t) {
                p->dropped += count - i;
                return;
            }
            p->samples = t;
            p->samples_cap = cap;
        }
        p->samples[p->samples_n].node = node;
        p->samples[p->samples_n].line = line;
        p->samples[p->samples_n].duration_us = us > INT32_MAX ? INT32_MAX : (int32_t)us;
        p->samples_n++;
    }
}

/* Sets every realm's interrupt counter to PROFILE_POLLS, unless an instruction budget counts
   with them (its count must stay exact: the handler then comes at the budget's pace). */
static void arm_polls(qjs_rt *st)
{
    struct list_head *el;
    if (st->budget_armed)
        return;
    list_for_each(el, &st->realms) {
        qjsi_arm_polls(list_entry(el, qjs_realm, link)->ctx, PROFILE_POLLS);
    }
}

void profile_tick(qjs_rt *st)
{
    qjs_profile *p = st->profile;
    int64_t now = monotonic_ns();
    int32_t node, line;
    arm_polls(st);
    if (now - p->last_ns < p->interval_ns)
        return;
    node = stack_node(st, p, -1, &line);
    add_samples(p, node, line, now - p->last_ns, 1);
    p->last_ns = now;
}

void profile_enter(qjs_rt *st)
{
    st->profile->last_ns = monotonic_ns();
    arm_polls(st);
}

void profile_host_returned(qjs_rt *st, int32_t op)
{
    qjs_profile *p = st->profile;
    int64_t now = monotonic_ns(), elapsed = now - p->last_ns;
    int64_t id = __atomic_load_n(&st->mb[QJS_MB_PROFILE_HOST], __ATOMIC_RELAXED);
    int32_t node, line;
    if (elapsed < p->interval_ns)
        return;
    if (id <= 0 || id > INT32_MAX)
        id = -(int64_t)op; /* not named by the host: the operation's number */
    node = stack_node(st, p, (int32_t)id, &line);
    /* one sample per interval, so that consumers that count samples see the time too */
    add_samples(p, node, line, elapsed, elapsed / p->interval_ns);
    p->last_ns = now;
}

void profile_free(qjs_profile *p)
{
    int32_t i;
    if (!p)
        return;
    for (i = 0; i < p->frames_n; i++) {
        free(p->frames[i].name);
        free(p->frames[i].file);
    }
    free(p->frames);
    free(p->frame_index);
    free(p->node_parent);
    free(p->node_frame);
    free(p->node_index);
    free(p->samples);
    free(p);
}

int32_t qjs_profile_start(qjs_rt *st, int64_t interval_ns, int32_t max_samples)
{
    qjs_profile *p;
    if (!st || interval_ns <= 0 || max_samples <= 0)
        return QJS_BAD_INPUT;
    if (st->profile)
        return QJS_PROFILE_RUNNING;
    p = calloc(1, sizeof(*p));
    if (!p)
        return QJS_OUT_OF_MEMORY;
    p->nodes_cap = 256;
    p->node_parent = malloc(sizeof(int32_t) * (size_t)p->nodes_cap);
    p->node_frame = malloc(sizeof(int32_t) * (size_t)p->nodes_cap);
    if (!p->node_parent || !p->node_frame) {
        profile_free(p);
        return QJS_OUT_OF_MEMORY;
    }
    p->node_parent[0] = -1;
    p->node_frame[0] = -1;
    p->nodes_n = 1;
    p->interval_ns = interval_ns;
    p->max_samples = max_samples;
    p->start_ns = p->last_ns = monotonic_ns();
    __atomic_store_n(&st->mb[QJS_MB_PROFILE_HOST], 0, __ATOMIC_RELAXED);
    st->profile = p;
    return QJS_OK;
}

static void put_text(qjs_buf *b, const char *s)
{
    size_t n = strlen(s);
    buf_i32(b, (int32_t)n);
    buf_put(b, s, n);
}

int32_t qjs_profile_stop(qjs_rt *st)
{
    qjs_profile *p;
    qjs_buf *b;
    int32_t i;
    if (!st)
        return QJS_BAD_INPUT;
    p = st->profile;
    if (!p)
        return QJS_PROFILE_NOT_RUNNING;
    st->profile = NULL;
    b = &st->out;
    buf_reset(b);
    buf_i64(b, p->start_ns);
    buf_i64(b, monotonic_ns());
    buf_i64(b, p->interval_ns);
    buf_i64(b, p->dropped);
    buf_i32(b, p->frames_n);
    for (i = 0; i < p->frames_n; i++) {
        const prof_frame *f = &p->frames[i];
        buf_u8(b, (uint8_t)f->kind);
        buf_i32(b, f->host_id);
        buf_i32(b, f->def_line);
        buf_i32(b, f->def_col);
        put_text(b, f->name);
        put_text(b, f->file);
    }
    buf_i32(b, p->nodes_n);
    for (i = 0; i < p->nodes_n; i++) {
        buf_i32(b, p->node_parent[i]);
        buf_i32(b, p->node_frame[i]);
    }
    buf_i32(b, p->samples_n);
    buf_put(b, p->samples, sizeof(prof_sample) * (size_t)p->samples_n);
    profile_free(p);
    st->mb[QJS_MB_OUT_PTR] = (int64_t)(uintptr_t)b->data;
    st->mb[QJS_MB_OUT_LEN] = (int64_t)b->len;
    return b->failed ? QJS_OUT_OF_MEMORY : QJS_OK;
}
