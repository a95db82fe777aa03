/*
 * qjs_alloc.h - the allocator of a runtime (qjs_alloc.c): QuickJS's small blocks from slabs of
 * its own, larger ones from the C library, within the runtime's memory limit.
 */
#ifndef QJS_ALLOC_H
#define QJS_ALLOC_H

#include <stddef.h>
#include <stdint.h>
#include "quickjs.h"

/* Blocks of up to this many bytes come from slabs; larger ones from the C library. */
#define QJSA_SMALL_MAX 512
/* The size classes of small blocks. */
#define QJSA_CLASSES 20

typedef struct qjsa_slab qjsa_slab;

/* One runtime's allocator: the slabs of each size class that have room, one empty slab kept for
   the next that is needed, and the set of every slab's address (to tell a slab's block from the C
   library's). Used by one thread at a time, as its runtime is. Zeroed is empty. */
typedef struct qjsa_heap {
    qjsa_slab *room[QJSA_CLASSES];
    qjsa_slab *spare;
    uintptr_t *slabs; /* open addressing; 0 is a free place */
    size_t slabs_cap; /* a power of two, or 0 */
    size_t slabs_n;
} qjsa_heap;

/* The allocation functions for JS_NewRuntime2; the JSMallocState's opaque is a qjsi_heap
   (qjs_internal.h) whose member `blocks` is the qjsa_heap, or NULL for the C library's only. */
extern const JSMallocFunctions qjsa_malloc_funcs;

/* The usable size of a block of the runtime whose allocation state is s (patch 12: QuickJS's
   js_malloc_usable_size_rt calls it). */
size_t qjsa_usable_size(JSMallocState *s, const void *p);

/* Frees every slab (after JS_FreeRuntime: blocks still in them, leaked by QuickJS, go too). */
void qjsa_heap_release(qjsa_heap *a);

#endif
