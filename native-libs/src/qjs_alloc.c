/*
 * qjs_alloc.c - the allocator of a runtime.
 *
 * Most of what QuickJS allocates is small and short-lived: objects, shapes, strings, atoms,
 * closures, property arrays. The C library's malloc spends a good part of a script's time on
 * them (in glibc: its per-thread cache holds 7 blocks per size, past that every free goes to the
 * locked bins, and QuickJS asks malloc_usable_size on every malloc and free for its accounting).
 *
 * Here, a block of up to QJSA_SMALL_MAX bytes comes from a slab: 64 KiB, aligned to its size,
 * holding blocks of one size class, with a list of its free blocks (linked through their first
 * word) and the part it never handed out. Each class keeps a list of its slabs that have room; a
 * slab that becomes empty is kept as the runtime's one spare or given back, so a runtime's memory
 * shrinks again after a peak. A freed block's slab is its address rounded down to 64 KiB, and
 * the runtime's set of slab addresses (open addressing, Fibonacci hashing) tells a slab's block
 * from a larger block of the C library's. Slabs are mapped from the system; the ones given back
 * wait in a small pool of the process's for the next runtime (see "slab memory" below).
 *
 * Measured on bench's workloads (native-libs/pgo/README.md): the compute mix 1.10x and the
 * Handlebars page 1.2x faster than with the C library's malloc (glibc, gcc -O2).
 *
 * The runtime's memory limit and QuickJS's counters (malloc_count, malloc_size) apply as with
 * QuickJS's own allocator: a small block counts its class's size. Every allocation the allocator
 * refuses sets the runtime's oom flag (qjs_internal.h): an out-of-memory error may fail to be made
 * itself (the script then sees a bare `null` thrown), so the host asks the flag, not the thrown
 * value, whether a call ran out of memory.
 *
 * A runtime is used by one thread at a time, and so is its allocator: the only lock is the
 * process pool's, taken when a slab comes from it or goes back to it. Built with
 * AddressSanitizer, every block comes from the C library, so that the sanitizer sees each one.
 */
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#if defined(__APPLE__)
#include <malloc/malloc.h>
#include <sys/mman.h>
#elif defined(_WIN32)
#include <malloc.h>
#include <windows.h>
#else
#include <malloc.h>
#include <sys/mman.h>
#endif
#include "qjs_alloc.h"
#include "qjs_internal.h"

#if defined(__SANITIZE_ADDRESS__)
#define QJSA_SLABS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define QJSA_SLABS 0
#endif
#endif
#ifndef QJSA_SLABS
#define QJSA_SLABS 1
#endif

#define SLAB_SHIFT 16
#define SLAB_BYTES ((size_t)1 << SLAB_SHIFT)
/* the slab's header, before its first block (keeps blocks aligned to 16) */
#define SLAB_HEADER 64
/* what QuickJS's allocator adds to a C library block's usable size in its accounting */
#define LIBC_OVERHEAD 8

struct qjsa_slab {
    qjsa_slab *next, *prev; /* in its class's list of slabs with room */
    void *free;             /* freed blocks */
    char *fresh;            /* the first block never handed out */
    uint32_t used;          /* blocks handed out */
    uint32_t capacity;
    uint32_t cls;
    uint32_t has_room;      /* in the list */
};

_Static_assert(sizeof(qjsa_slab) <= SLAB_HEADER, "the slab header outgrew its place");

/* 16-byte steps up to 256, then 64-byte steps up to 512 */
static const uint16_t class_bytes[QJSA_CLASSES] = {
    16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
    320, 384, 448, 512,
};

static inline unsigned class_of(size_t size)
{
    if (size <= 256)
        return size == 0 ? 0 : (unsigned)((size - 1) >> 4);
    return 16 + (unsigned)((size - 257) >> 6);
}

static size_t libc_usable(const void *p)
{
#if defined(__APPLE__)
    return malloc_size(p);
#elif defined(_WIN32)
    return _msize((void *)p);
#else
    return malloc_usable_size((void *)p);
#endif
}

static inline qjsi_heap *heap_of(JSMallocState *s)
{
    return (qjsi_heap *)s->opaque;
}

/* ---------- the set of slab addresses ---------- */

static inline size_t slot_of(uintptr_t base, size_t cap)
{
    /* Fibonacci hashing of the slab's number */
    return (size_t)(((uint64_t)(base >> SLAB_SHIFT) * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & (cap - 1);
}

static inline int is_slab(const qjsa_heap *a, uintptr_t base)
{
    size_t i, mask;
    if (a->slabs_cap == 0)
        return 0;
    mask = a->slabs_cap - 1;
    for (i = slot_of(base, a->slabs_cap);; i = (i + 1) & mask) {
        uintptr_t k = a->slabs[i];
        if (k == base)
            return 1;
        if (k == 0)
            return 0;
    }
}

static void set_put(uintptr_t *slabs, size_t cap, uintptr_t base)
{
    size_t i = slot_of(base, cap);
    while (slabs[i] != 0)
        i = (i + 1) & (cap - 1);
    slabs[i] = base;
}

static int set_add(qjsa_heap *a, uintptr_t base)
{
    if ((a->slabs_n + 1) * 2 > a->slabs_cap) {
        size_t cap = a->slabs_cap ? a->slabs_cap * 2 : 64, i;
        uintptr_t *grown = calloc(cap, sizeof(uintptr_t));
        if (!grown)
            return -1;
        for (i = 0; i < a->slabs_cap; i++) {
            if (a->slabs[i])
                set_put(grown, cap, a->slabs[i]);
        }
        free(a->slabs);
        a->slabs = grown;
        a->slabs_cap = cap;
    }
    set_put(a->slabs, a->slabs_cap, base);
    a->slabs_n++;
    return 0;
}

/* removes base (present), moving later members of its run back so that no search stops early */
static void set_remove(qjsa_heap *a, uintptr_t base)
{
    size_t mask = a->slabs_cap - 1, i = slot_of(base, a->slabs_cap), j;
    while (a->slabs[i] != base)
        i = (i + 1) & mask;
    for (j = (i + 1) & mask; a->slabs[j] != 0; j = (j + 1) & mask) {
        size_t home = slot_of(a->slabs[j], a->slabs_cap);
        /* the member at j may move to i when i lies cyclically in [home, j) */
        if (((j - home) & mask) >= ((j - i) & mask)) {
            a->slabs[i] = a->slabs[j];
            i = j;
        }
    }
    a->slabs[i] = 0;
    a->slabs_n--;
}

/* ---------- slabs ---------- */

/* ---------- slab memory: mapped from the system, shared by the process's runtimes ---------- */

/* Slabs are mapped SLAB_BATCH at a time (one 64 KiB-aligned mapping, cut out of a larger one);
   a runtime gives back the slabs it empties and all of its slabs when it is freed. Up to
   POOL_MAX of them (4 MiB) wait in a process-wide pool for the next runtime, so that making
   and closing engines maps nothing; past that they are unmapped at once. */
#define SLAB_BATCH 8
#define POOL_MAX 64

typedef struct pooled { struct pooled *next; } pooled;
static void slab_memory_free(void *m);
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pooled *pool;
static int pool_n;

#if defined(_WIN32)
static void unmap(void *m, size_t bytes)
{
    (void)bytes;
    VirtualFree(m, 0, MEM_RELEASE);
}

/* one slab: Windows maps at 64 KiB boundaries */
static char *map_slabs(size_t *n)
{
    *n = 1;
    return VirtualAlloc(NULL, SLAB_BYTES, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
}
#else
static void unmap(void *m, size_t bytes)
{
    munmap(m, bytes);
}

static char *map_slabs(size_t *n)
{
    size_t want = SLAB_BATCH * SLAB_BYTES, got = want + SLAB_BYTES;
    char *m = mmap(NULL, got, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *first;
    if (m == MAP_FAILED)
        return NULL;
    first = (char *)(((uintptr_t)m + SLAB_BYTES - 1) & ~(uintptr_t)(SLAB_BYTES - 1));
    if (first > m)
        munmap(m, (size_t)(first - m));
    if (m + got > first + want)
        munmap(first + want, (size_t)(m + got - (first + want)));
    *n = SLAB_BATCH;
    return first;
}
#endif

static void *slab_memory(void)
{
    char *m;
    size_t n, i;
    pthread_mutex_lock(&pool_lock);
    if (pool) {
        pooled *p = pool;
        pool = p->next;
        pool_n--;
        pthread_mutex_unlock(&pool_lock);
        return p;
    }
    pthread_mutex_unlock(&pool_lock);
    m = map_slabs(&n);
    if (!m)
        return NULL;
    /* Windows: each slab is a mapping of its own, to be released whole (n is 1) */
    for (i = 1; i < n; i++)
        slab_memory_free(m + i * SLAB_BYTES);
    return m;
}

static void slab_memory_free(void *m)
{
    pthread_mutex_lock(&pool_lock);
    if (pool_n < POOL_MAX) {
        pooled *p = m;
        p->next = pool;
        pool = p;
        pool_n++;
        m = NULL;
    }
    pthread_mutex_unlock(&pool_lock);
    if (m)
        unmap(m, SLAB_BYTES);
}

static void room_add(qjsa_heap *a, qjsa_slab *s)
{
    qjsa_slab *head = a->room[s->cls];
    s->prev = NULL;
    s->next = head;
    if (head)
        head->prev = s;
    a->room[s->cls] = s;
    s->has_room = 1;
}

static void room_remove(qjsa_heap *a, qjsa_slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        a->room[s->cls] = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = s->prev = NULL;
    s->has_room = 0;
}

static qjsa_slab *slab_new(qjsa_heap *a, unsigned cls)
{
    qjsa_slab *s = a->spare;
    if (s) {
        a->spare = NULL;
    } else {
        s = slab_memory();
        if (!s)
            return NULL;
        if (set_add(a, (uintptr_t)s) < 0) {
            slab_memory_free(s);
            return NULL;
        }
    }
    s->free = NULL;
    s->fresh = (char *)s + SLAB_HEADER;
    s->used = 0;
    s->cls = cls;
    s->capacity = (uint32_t)((SLAB_BYTES - SLAB_HEADER) / class_bytes[cls]);
    room_add(a, s);
    return s;
}

/* s has no block handed out: it stays when it is its class's only slab with room, else it
   becomes the spare or goes back to the C library */
static void slab_empty(qjsa_heap *a, qjsa_slab *s)
{
    if (a->room[s->cls] == s && s->next == NULL)
        return;
    room_remove(a, s);
    if (!a->spare) {
        a->spare = s;
        return;
    }
    set_remove(a, (uintptr_t)s);
    slab_memory_free(s);
}

static inline void *small_alloc(qjsa_heap *a, unsigned cls)
{
    qjsa_slab *s = a->room[cls];
    void *p;
    if (unlikely(!s)) {
        s = slab_new(a, cls);
        if (!s)
            return NULL;
    }
    p = s->free;
    if (p) {
        s->free = *(void **)p;
    } else {
        p = s->fresh;
        s->fresh += class_bytes[cls];
    }
    if (++s->used == s->capacity)
        room_remove(a, s);
    return p;
}

static inline void small_free(qjsa_heap *a, qjsa_slab *s, void *p)
{
    *(void **)p = s->free;
    s->free = p;
    if (!s->has_room)
        room_add(a, s);
    if (--s->used == 0)
        slab_empty(a, s);
}

/* the slab of p, or NULL when p is the C library's */
static inline qjsa_slab *slab_of(const qjsa_heap *a, const void *p)
{
    uintptr_t base = (uintptr_t)p & ~(uintptr_t)(SLAB_BYTES - 1);
    return is_slab(a, base) ? (qjsa_slab *)base : NULL;
}

/* ---------- the runtime's allocation functions ---------- */

static inline qjsa_heap *blocks_of(JSMallocState *s)
{
    qjsi_heap *h = heap_of(s);
    return QJSA_SLABS && h ? &h->blocks : NULL;
}

static inline void refused(JSMallocState *s)
{
    if (s->opaque)
        heap_of(s)->oom = 1;
}

static void *qjsa_malloc(JSMallocState *s, size_t size)
{
    qjsa_heap *a = blocks_of(s);
    void *p;
    if (a && size <= QJSA_SMALL_MAX) {
        unsigned cls = class_of(size);
        size_t bytes = class_bytes[cls];
        if (unlikely(s->malloc_size + bytes > s->malloc_limit) || !(p = small_alloc(a, cls))) {
            refused(s);
            return NULL;
        }
        s->malloc_count++;
        s->malloc_size += bytes;
        return p;
    }
    if (unlikely(s->malloc_size + size > s->malloc_limit) || !(p = malloc(size))) {
        refused(s);
        return NULL;
    }
    s->malloc_count++;
    s->malloc_size += libc_usable(p) + LIBC_OVERHEAD;
    return p;
}

static void qjsa_free(JSMallocState *s, void *p)
{
    qjsa_heap *a;
    qjsa_slab *slab;
    if (!p)
        return;
    a = blocks_of(s);
    s->malloc_count--;
    if (a && (slab = slab_of(a, p)) != NULL) {
        s->malloc_size -= class_bytes[slab->cls];
        small_free(a, slab, p);
        return;
    }
    s->malloc_size -= libc_usable(p) + LIBC_OVERHEAD;
    free(p);
}

size_t qjsa_usable_size(JSMallocState *s, const void *p)
{
    qjsa_heap *a = blocks_of(s);
    qjsa_slab *slab = a ? slab_of(a, p) : NULL;
    return slab ? class_bytes[slab->cls] : libc_usable(p);
}

static void *qjsa_realloc(JSMallocState *s, void *p, size_t size)
{
    qjsa_heap *a;
    qjsa_slab *slab;
    size_t old;
    void *q;
    if (!p) {
        return size == 0 ? NULL : qjsa_malloc(s, size);
    }
    if (size == 0) {
        qjsa_free(s, p);
        return NULL;
    }
    a = blocks_of(s);
    slab = a ? slab_of(a, p) : NULL;
    if (slab) {
        old = class_bytes[slab->cls];
        /* a block shrunk by less than half stays (QuickJS trims its buffers to the final size) */
        if (size <= old && size > old / 2)
            return p;
        q = qjsa_malloc(s, size);
        if (!q)
            return NULL;
        memcpy(q, p, size < old ? size : old);
        qjsa_free(s, p);
        return q;
    }
    old = libc_usable(p);
    if (s->malloc_size + size - old > s->malloc_limit) {
        refused(s);
        return NULL;
    }
    q = realloc(p, size);
    if (!q) {
        refused(s);
        return NULL;
    }
    s->malloc_size += libc_usable(q) - old;
    return q;
}

const JSMallocFunctions qjsa_malloc_funcs = {
    qjsa_malloc,
    qjsa_free,
    qjsa_realloc,
    /* QuickJS asks qjsa_usable_size instead (patch 12), with the runtime's state */
    libc_usable,
};

void qjsa_heap_release(qjsa_heap *a)
{
    size_t i;
    for (i = 0; i < a->slabs_cap; i++) {
        if (a->slabs[i])
            slab_memory_free((void *)a->slabs[i]);
    }
    free(a->slabs);
    memset(a, 0, sizeof(*a));
}
