/*
 * qjs_runtime.c - runtimes and realms: creating and freeing them, limits, garbage collection
 * and memory figures, value handles, and what every entry into a runtime does first: point
 * QuickJS's stack check at the calling thread's stack (enter/leave), start the call's CPU
 * clock and count its poll points, and check the caller's interrupt flag, deadline,
 * instruction budget and CPU-time limit (interrupt_handler, no upcall). A new realm gets its
 * globals from the installers of qjs_console.c, qjs_async.c, qjs_modules.c and qjs_host.c.
 */
#include <time.h>
#include <pthread.h>
#if defined(_WIN32)
#include <windows.h>
#else
#include <unistd.h>
#endif

#include "qjs_private.h"

/* ---------- stack guard ---------- */

#if defined(_MSC_VER)
static __declspec(thread) uintptr_t t_stack_low;
#else
static __thread uintptr_t t_stack_low;
#endif

static uintptr_t thread_stack_low(void)
{
    if (t_stack_low == 0) {
        uintptr_t low = 1;
#if defined(_WIN32)
        ULONG_PTR lo, hi;
        GetCurrentThreadStackLimits(&lo, &hi);
        low = (uintptr_t)lo;
#elif defined(__APPLE__)
        pthread_t self = pthread_self();
        low = (uintptr_t)pthread_get_stackaddr_np(self) - pthread_get_stacksize_np(self);
#else
        pthread_attr_t attr;
        void *addr;
        size_t size;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            if (pthread_attr_getstack(&attr, &addr, &size) == 0)
                low = (uintptr_t)addr;
            pthread_attr_destroy(&attr);
        }
#endif
        t_stack_low = low;
    }
    return t_stack_low;
}

/* Room left below the limit: the JVM's guard and shadow zones (about 24 pages
   on 64-bit HotSpot) plus headroom for host callbacks that run Java code. */
static uintptr_t stack_reserve(void)
{
    /* asked on every outermost entry: the page size once (threads that race store the same) */
    static uintptr_t reserve;
    uintptr_t r = __atomic_load_n(&reserve, __ATOMIC_RELAXED);
    if (r == 0) {
#if defined(_WIN32)
        uintptr_t page = 4096;
#else
        long p = sysconf(_SC_PAGESIZE);
        uintptr_t page = p > 0 ? (uintptr_t)p : 4096;
#endif
        r = 26 * page + (uintptr_t)96 * 1024;
        __atomic_store_n(&reserve, r, __ATOMIC_RELAXED);
    }
    return r;
}

/* This thread's identity: the address of one of its thread-local variables. */
static uintptr_t this_thread(void)
{
    return (uintptr_t)&t_stack_low;
}

/* Points QuickJS's stack check at the calling thread's stack, from here down. A thread that
   calls again from the same depth with the same limit finds the bounds already set: the last
   outermost entry's, which every nested entry restored on leaving (see leave). */
static void measure_this_stack(qjs_rt *st)
{
    uintptr_t top = (uintptr_t)__builtin_frame_address(0);
    uintptr_t thread = this_thread();
    uintptr_t low, limit = 0;
    if (thread == st->stack_thread && top == st->measured_top && st->max_stack == st->measured_max)
        return;
    low = thread_stack_low();
    if (low > 1) {
        limit = low + stack_reserve();
        if (limit >= top)
            limit = top; /* no room at all: every JS call is a RangeError */
    }
    if (st->max_stack > 0 && top > (uintptr_t)st->max_stack &&
        top - (uintptr_t)st->max_stack > limit)
        limit = top - (uintptr_t)st->max_stack;
    qjsi_set_stack(st->rt, top, limit);
    st->stack_thread = thread;
    st->measured_top = top;
    st->measured_max = st->max_stack;
}

static void limits_enter(qjs_rt *st);
static void limits_leave(qjs_rt *st);

void enter(qjs_rt *st)
{
    if (st->depth > 0 && st->depth < QJS_MAX_ENTRY_FRAMES)
        st->entry_frames[st->depth] = qjsi_current_frame(st->rt);
    if (st->depth++ == 0) {
        measure_this_stack(st);
        __atomic_store_n(&st->mb[QJS_MB_STOP_REASON], QJS_STOP_NONE, __ATOMIC_RELAXED);
        st->heap.oom = 0;
        if (st->profile)
            profile_enter(st);
    } else if (st->stack_thread != this_thread() && st->stack_saves_n < QJS_MAX_STACK_SAVES) {
        /* an entry from another thread while the one below waits in a host call */
        qjs_stack_save *s = &st->stack_saves[st->stack_saves_n++];
        s->depth = st->depth;
        s->thread = st->stack_thread;
        qjsi_get_stack(st->rt, &s->top, &s->limit);
        measure_this_stack(st);
    }
    limits_enter(st);
}

void leave(qjs_rt *st)
{
    if (st->stack_saves_n > 0 && st->stack_saves[st->stack_saves_n - 1].depth == st->depth) {
        qjs_stack_save *s = &st->stack_saves[--st->stack_saves_n];
        qjsi_set_stack(st->rt, s->top, s->limit);
        st->stack_thread = s->thread;
        st->measured_top = 0; /* the bounds restored are no measurement of this frame */
    }
    st->depth--;
    qjsi_debug_left(&st->dbg, st->depth);
    limits_leave(st);
    st->mb[QJS_MB_MALLOC_SIZE] = qjsi_malloc_size(st->rt);
}

/* ---------- interrupts ---------- */

int64_t monotonic_ns(void)
{
#if defined(_WIN32)
    LARGE_INTEGER f, c;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c);
    return (int64_t)((double)c.QuadPart * 1e9 / (double)f.QuadPart);
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
#endif
}

/* The calling thread's CPU time (user and system) in ns; 0 when the system cannot tell. */
static int64_t thread_cpu_ns(void)
{
#if defined(_WIN32)
    FILETIME created, exited, kernel, user;
    if (!GetThreadTimes(GetCurrentThread(), &created, &exited, &kernel, &user))
        return 0;
    return (int64_t)((((uint64_t)kernel.dwHighDateTime << 32 | kernel.dwLowDateTime) +
                      ((uint64_t)user.dwHighDateTime << 32 | user.dwLowDateTime)) * 100);
#else
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
#endif
}

/* ---------- instruction budget ----------
   One unit is one poll point: every time QuickJS decrements a context's interrupt counter (a
   function or constructor call, a jump of the bytecode: each loop iteration, each conditional,
   and a few steps of prototype walks and for-in), plus REGEXP_POLL_STEPS for each time a
   regular expression match asks the handler. While a call with a budget runs, the counters of
   the runtime's realms are armed: the realm that ran last (the primary) reaches the handler at
   the poll that exhausts the budget or after BUDGET_ARM_MAX polls, every other realm at its
   first poll; so the count is exact whichever realm runs, and the same on every run. */

/* Below QuickJS's own start value of a counter (10,000): a counter it set back reads apart. */
#define BUDGET_ARM_MAX 9999
/* Steps a regular expression match makes between two calls of the handler (libregexp.c's
   INTERRUPT_COUNTER_INIT; its own counter, not a context's): such a call counts that many. */
#define REGEXP_POLL_STEPS 10000

/* Adds the polls every realm made since it was armed to QJS_MB_INSTRUCTIONS; the realm whose
   counter reached the handler becomes the primary. */
static int budget_account(qjs_rt *st)
{
    struct list_head *el;
    int64_t made = 0, used;
    int reached_any = 0;
    list_for_each(el, &st->realms) {
        qjs_realm *r = list_entry(el, qjs_realm, link);
        int reached = 0;
        if (r->armed_polls > 0) {
            made += qjsi_polls_made(r->ctx, r->armed_polls, &reached);
            if (reached) {
                st->budget_primary = r;
                reached_any = 1;
            }
        }
    }
    used = __atomic_load_n(&st->mb[QJS_MB_INSTRUCTIONS], __ATOMIC_RELAXED);
    used = used > INT64_MAX - made ? INT64_MAX : used + made;
    __atomic_store_n(&st->mb[QJS_MB_INSTRUCTIONS], used, __ATOMIC_RELAXED);
    return reached_any;
}

static void budget_disarm(qjs_rt *st)
{
    struct list_head *el;
    list_for_each(el, &st->realms) {
        list_entry(el, qjs_realm, link)->armed_polls = 0;
    }
    st->budget_armed = 0;
    st->budget_primary = NULL;
}

/* Arms every realm's counter from the budget left (see above); disarms without a budget. */
static void budget_arm(qjs_rt *st)
{
    struct list_head *el;
    int64_t limit = __atomic_load_n(&st->mb[QJS_MB_INSTRUCTION_LIMIT], __ATOMIC_RELAXED);
    int64_t used = __atomic_load_n(&st->mb[QJS_MB_INSTRUCTIONS], __ATOMIC_RELAXED);
    int n;
    if (limit == 0) {
        budget_disarm(st);
        return;
    }
    if (limit < 0 || used >= limit)
        n = 1; /* paused: every poll looks again; spent: the next poll stops */
    else
        n = limit - used >= BUDGET_ARM_MAX - 1 ? BUDGET_ARM_MAX : (int)(limit - used) + 1;
    list_for_each(el, &st->realms) {
        qjs_realm *r = list_entry(el, qjs_realm, link);
        r->armed_polls = r == st->budget_primary ? n : 1;
        qjsi_arm_polls(r->ctx, r->armed_polls);
    }
    st->budget_armed = 1;
}

void budget_sync(qjs_rt *st)
{
    if (st->budget_armed) {
        budget_account(st);
        budget_arm(st);
    }
}

/* Every entry: starts the CPU clock of a call that has a CPU limit and none yet (the caller
   clears QJS_MB_CPU_DEADLINE when a call begins), and counts with the budget as it is now
   (an entry on top of a lender's call may have changed it). */
static void limits_enter(qjs_rt *st)
{
    int64_t cpu_limit = __atomic_load_n(&st->mb[QJS_MB_CPU_LIMIT], __ATOMIC_RELAXED);
    if (cpu_limit > 0 && __atomic_load_n(&st->mb[QJS_MB_CPU_DEADLINE], __ATOMIC_RELAXED) == 0) {
        __atomic_store_n(&st->mb[QJS_MB_CPU_THREAD], (int64_t)this_thread(), __ATOMIC_RELAXED);
        __atomic_store_n(&st->mb[QJS_MB_CPU_DEADLINE], thread_cpu_ns() + cpu_limit,
                         __ATOMIC_RELAXED);
    }
    if (st->budget_armed) {
        budget_account(st);
        budget_arm(st);
    } else if (__atomic_load_n(&st->mb[QJS_MB_INSTRUCTION_LIMIT], __ATOMIC_RELAXED) != 0) {
        budget_arm(st);
    }
}

/* Every leave: the polls counted into the mailbox; the counters disarmed when the outermost
   entry leaves (the next call arms them afresh, so every call counts from the same start). */
static void limits_leave(qjs_rt *st)
{
    if (!st->budget_armed)
        return;
    budget_account(st);
    if (st->depth == 0)
        budget_disarm(st);
    else
        budget_arm(st);
}

/* Whether the budget and CPU limit stop the call now. from_quickjs: QuickJS asked (a poll that
   reached no realm's counter is then a regular expression's). */
static int32_t stop_reason_of_limits(qjs_rt *st, int from_quickjs)
{
    int32_t reason = QJS_STOP_NONE;
    int64_t cpu_deadline;
    if (st->budget_armed) {
        int64_t limit;
        if (!budget_account(st) && from_quickjs) {
            int64_t used = __atomic_load_n(&st->mb[QJS_MB_INSTRUCTIONS], __ATOMIC_RELAXED);
            used = used > INT64_MAX - REGEXP_POLL_STEPS ? INT64_MAX : used + REGEXP_POLL_STEPS;
            __atomic_store_n(&st->mb[QJS_MB_INSTRUCTIONS], used, __ATOMIC_RELAXED);
        }
        limit = __atomic_load_n(&st->mb[QJS_MB_INSTRUCTION_LIMIT], __ATOMIC_RELAXED);
        if (limit > 0 && __atomic_load_n(&st->mb[QJS_MB_INSTRUCTIONS], __ATOMIC_RELAXED) > limit)
            reason = QJS_STOP_INSTRUCTIONS;
        budget_arm(st);
    }
    cpu_deadline = __atomic_load_n(&st->mb[QJS_MB_CPU_DEADLINE], __ATOMIC_RELAXED);
    if (reason == QJS_STOP_NONE && cpu_deadline != 0 &&
        __atomic_load_n(&st->mb[QJS_MB_CPU_THREAD], __ATOMIC_RELAXED) == (int64_t)this_thread() &&
        thread_cpu_ns() >= cpu_deadline)
        reason = QJS_STOP_CPU_TIME;
    return reason;
}

static int check_limits(qjs_rt *st, int from_quickjs)
{
    int64_t deadline;
    int32_t reason = QJS_STOP_NONE;
    /* the budget's count first, whatever stops the call: a counter that reached the handler
       must be armed again before the next count reads it */
    if (st->budget_armed ||
        __atomic_load_n(&st->mb[QJS_MB_CPU_DEADLINE], __ATOMIC_RELAXED) != 0)
        reason = stop_reason_of_limits(st, from_quickjs);
    if (__atomic_load_n(&st->mb[QJS_MB_INTERRUPT], __ATOMIC_RELAXED)) {
        reason = QJS_STOP_INTERRUPTED;
    } else if (reason == QJS_STOP_NONE) {
        deadline = __atomic_load_n(&st->mb[QJS_MB_DEADLINE], __ATOMIC_RELAXED);
        if (deadline != 0 && monotonic_ns() >= deadline)
            reason = QJS_STOP_DEADLINE;
    }
    if (reason == QJS_STOP_NONE)
        return 0;
    __atomic_store_n(&st->mb[QJS_MB_STOP_REASON], reason, __ATOMIC_RELAXED);
    return 1;
}

int interrupt_handler(JSRuntime *rt, void *opaque)
{
    (void)rt;
    if (((qjs_rt *)opaque)->profile)
        profile_tick(opaque);
    return check_limits(opaque, 1);
}

int limits_reached(qjs_rt *st)
{
    return check_limits(st, 0);
}

/* ---------- handles ---------- */

int64_t box_new(qjs_rt *st, JSValue v)
{
    qjs_box *b = malloc(sizeof(*b));
    if (!b)
        return 0;
    b->magic = BOX_MAGIC;
    b->v = v;
    list_add_tail(&b->link, &st->boxes);
    if (st->track_depth && st->depth == st->track_depth) {
        if (st->track_n == st->track_cap) {
            uint32_t cap = st->track_cap ? st->track_cap * 2 : 16;
            int64_t *t = realloc(st->track, sizeof(int64_t) * cap);
            if (t) {
                st->track = t;
                st->track_cap = cap;
            }
        }
        if (st->track_n < st->track_cap)
            st->track[st->track_n++] = (int64_t)(uintptr_t)b;
    }
    return (int64_t)(uintptr_t)b;
}

void box_free(qjs_rt *st, qjs_box *b)
{
    list_del(&b->link);
    b->magic = 0;
    JS_FreeValueRT(st->rt, b->v);
    free(b);
}

/* Frees what the realm holds for the shim (before its context goes). */
static void realm_release_values(qjs_realm *r)
{
    unhandled_drop(r->st, r->ctx);
    class_methods_free(r);
    known_free_all(r);
    JS_FreeAtom(r->ctx, r->length_atom);
    r->length_atom = JS_ATOM_NULL;
    JS_FreeValue(r->ctx, r->timers);
    JS_FreeValue(r->ctx, r->cjs_cache);
    JS_FreeValue(r->ctx, r->futures);
    r->timers = JS_UNDEFINED;
    r->cjs_cache = JS_UNDEFINED;
    r->futures = JS_UNDEFINED;
}

/* The globals of a new realm; 0 when something failed. */
static int install_realm(JSContext *ctx)
{
    JSValue global = JS_GetGlobalObject(ctx);
    int ok = 1;

    console_install(ctx, global);
    /* timers and microtasks, as in browsers and Node; require() through the host's loaders */
    if (!async_install(ctx, global))
        ok = 0;
    modules_install(ctx, global);
    if (!host_install(ctx, global))
        ok = 0;
    JS_FreeValue(ctx, global);
    if (JS_HasException(ctx)) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        ok = 0;
    }
    return ok;
}

/* ---------- runtime ---------- */

qjs_rt *qjs_runtime_new(int64_t *mailbox, qjs_host_fn host, int32_t token)
{
    qjs_rt *st;

    if (!mailbox || !host)
        return NULL;
    host_classes_init();
    st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    st->rt = qjsi_new_runtime(&st->heap);
    if (!st->rt) {
        qjsa_heap_release(&st->heap.blocks);
        free(st);
        return NULL;
    }
    st->mb = mailbox;
    st->host = host;
    st->token = token;
    init_list_head(&st->boxes);
    init_list_head(&st->realms);
    init_list_head(&st->retired);
    JS_SetRuntimeOpaque(st->rt, st);
    debug_init(st);
    JS_SetMaxStackSize(st->rt, 0);
    JS_SetInterruptHandler(st->rt, interrupt_handler, st);
    JS_SetHostPromiseRejectionTracker(st->rt, rejection_tracker, st);
    JS_SetModuleLoaderFunc(st->rt, module_normalize, module_loader, st);
    if (host_classes_register(st->rt) < 0) {
        JS_FreeRuntime(st->rt);
        qjsa_heap_release(&st->heap.blocks);
        free(st);
        return NULL;
    }
    st->mb[QJS_MB_MALLOC_SIZE] = qjsi_malloc_size(st->rt);
    return st;
}

void qjs_runtime_free(qjs_rt *st)
{
    struct list_head *el, *el1;
    if (!st)
        return;
    debug_free(st);
    enter(st);
    list_for_each_safe(el, el1, &st->boxes) {
        box_free(st, list_entry(el, qjs_box, link));
    }
    unhandled_drop(st, NULL);
    list_for_each_safe(el, el1, &st->realms) {
        qjs_realm *r = list_entry(el, qjs_realm, link);
        list_del(&r->link);
        realm_release_values(r);
        JS_FreeContext(r->ctx);
        free(r->wrappers);
        free(r);
    }
    list_for_each_safe(el, el1, &st->retired) {
        qjs_realm *r = list_entry(el, qjs_realm, link);
        list_del(&r->link);
        if (qjsi_context_alive(st->rt, r->ctx))
            realm_release_values(r); /* what its functions stored after it was retired */
        free(r);
    }
    host_forget_read(st);
    while (st->names_n > 0)
        JS_FreeAtomRT(st->rt, st->names[--st->names_n]);
    free(st->names);
    profile_free(st->profile);
    st->profile = NULL;
    JS_FreeRuntime(st->rt);
    qjsa_heap_release(&st->heap.blocks);
    free(st->out.data);
    free(st->up.data);
    free(st->track);
    free(st->released);
    free(st->bound);
    free(st->unhandled);
    free(st);
}

void qjs_runtime_set_limits(qjs_rt *st, int64_t memory_limit, int64_t max_stack, int64_t gc_threshold)
{
    if (!st)
        return;
    JS_SetMemoryLimit(st->rt, memory_limit > 0 ? (size_t)memory_limit : (size_t)-1); /* -1: none */
    st->max_stack = max_stack > 0 ? max_stack : 0;
    if (gc_threshold > 0)
        JS_SetGCThreshold(st->rt, (size_t)gc_threshold);
}

/* Frees the retired realms whose context QuickJS has freed since. */
static void retired_sweep(qjs_rt *st)
{
    struct list_head *el, *el1;
    list_for_each_safe(el, el1, &st->retired) {
        qjs_realm *r = list_entry(el, qjs_realm, link);
        if (!qjsi_context_alive(st->rt, r->ctx)) {
            list_del(&r->link);
            free(r);
        }
    }
}

void qjs_runtime_gc(qjs_rt *st)
{
    if (!st)
        return;
    enter(st);
    JS_RunGC(st->rt);
    retired_sweep(st);
    leave(st);
}

void qjs_runtime_memory(qjs_rt *st, int64_t *out)
{
    JSMemoryUsage u;
    if (!st || !out)
        return;
    JS_ComputeMemoryUsage(st->rt, &u);
    out[0] = u.malloc_size; out[1] = u.malloc_limit; out[2] = u.memory_used_size;
    out[3] = u.malloc_count; out[4] = u.memory_used_count; out[5] = u.atom_count;
    out[6] = u.atom_size; out[7] = u.str_count; out[8] = u.str_size;
    out[9] = u.obj_count; out[10] = u.obj_size; out[11] = u.prop_count;
    out[12] = u.prop_size; out[13] = u.shape_count; out[14] = u.shape_size;
    out[15] = u.js_func_count; out[16] = u.js_func_size; out[17] = u.js_func_code_size;
    out[18] = u.js_func_pc2line_count; out[19] = u.js_func_pc2line_size;
    out[20] = u.c_func_count; out[21] = u.array_count; out[22] = u.fast_array_count;
    out[23] = u.fast_array_elements; out[24] = u.binary_object_count;
    out[25] = u.binary_object_size;
}

int64_t qjs_realm_new(qjs_rt *st)
{
    qjs_realm *r;
    if (!st)
        return 0;
    r = calloc(1, sizeof(*r));
    if (!r)
        return 0;
    enter(st);
    r->timers = JS_UNDEFINED;
    r->cjs_cache = JS_UNDEFINED;
    r->futures = JS_UNDEFINED;
    r->ctx = JS_NewContext(st->rt);
    if (r->ctx) {
        r->st = st;
        r->length_atom = JS_NewAtom(r->ctx, "length");
        JS_SetContextOpaque(r->ctx, r);
        if (!install_realm(r->ctx)) {
            realm_release_values(r);
            JS_FreeContext(r->ctx);
            r->ctx = NULL;
        }
    }
    leave(st);
    if (!r->ctx) {
        free(r);
        return 0;
    }
    list_add_tail(&r->link, &st->realms);
    if (st->budget_armed) { /* made inside a counting call: its first poll is counted too */
        r->armed_polls = 1;
        qjsi_arm_polls(r->ctx, 1);
    }
    return (int64_t)(uintptr_t)r;
}

JSContext *realm_ctx(int64_t realm)
{
    qjs_realm *r = (qjs_realm *)(uintptr_t)realm;
    return r ? r->ctx : NULL;
}

/* Java is done with the realm. Its context lives on while QuickJS holds it (a function of the
   realm kept in another realm's global): the struct, which its functions reach through the
   context's opaque, goes to the retired list until the context is freed too. */
void qjs_realm_free(qjs_rt *st, int64_t realm)
{
    qjs_realm *r = (qjs_realm *)(uintptr_t)realm;
    if (!st || !r)
        return;
    enter(st); /* counts the realm's polls so far */
    list_del(&r->link);
    if (st->budget_primary == r)
        st->budget_primary = NULL;
    realm_release_values(r);
    free(r->wrappers);
    r->wrappers = NULL;
    r->wrappers_cap = 0;
    r->retired = 1;
    list_add_tail(&r->link, &st->retired);
    JS_FreeContext(r->ctx);
    retired_sweep(st);
    leave(st);
}

void qjs_handles_free(qjs_rt *st, const int64_t *handles, int32_t n)
{
    int32_t i;
    if (!st || !handles)
        return;
    enter(st);
    for (i = 0; i < n; i++) {
        qjs_box *b = box_get(handles[i]);
        if (b)
            box_free(st, b);
    }
    leave(st);
}

