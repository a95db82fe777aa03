/*
 * qjs_internal.h - the few QuickJS internals the shim needs and the public API
 * does not offer: exact UTF-16 string access and an absolute stack limit.
 * Implemented in qjs_internal.c, which compiles QuickJS itself (the debugger's
 * qjsi_debug_* in its included part qjs_internal_debug.inc).
 */
#ifndef QJS_INTERNAL_H
#define QJS_INTERNAL_H

#include <stdint.h>
#include <stddef.h>
#include "quickjs.h"
#include "cutils.h"
#include "qjs_alloc.h"

/* Returns a flat string for a string value (a new reference); data points at
   Latin-1 bytes (*wide == 0) or UTF-16 units (*wide == 1), *len characters. */
JSValue qjsi_flat_string(JSContext *ctx, JSValueConst str, const void **data,
                         uint32_t *len, int *wide);
JSValue qjsi_new_string8(JSContext *ctx, const uint8_t *buf, uint32_t len);
JSValue qjsi_new_string16(JSContext *ctx, const uint16_t *buf, uint32_t len);
/* Sets the stack top and an absolute lower limit (0 disables the check). */
/* Whether ctx is still one of rt's contexts (not freed). Compares addresses only: ctx may be
   a freed context's, never read. */
int qjsi_context_alive(JSRuntime *rt, const JSContext *ctx);
void qjsi_set_stack(JSRuntime *rt, uintptr_t top, uintptr_t limit);
/* The stack top and limit last set (to be set again with qjsi_set_stack). */
void qjsi_get_stack(JSRuntime *rt, uintptr_t *top, uintptr_t *limit);
/* Parses a decimal BigInt without running any JavaScript. */
JSValue qjsi_new_bigint(JSContext *ctx, const char *decimal, size_t len);
/* String(symbol): "Symbol(description)"; runs no JavaScript. */
JSValue qjsi_symbol_to_string(JSContext *ctx, JSValueConst sym);
/* 1 and the time value when v is a Date (NaN for an invalid one), else 0. */
int qjsi_date_value(JSValueConst v, double *ms);
/* The bytes of a Uint8Array (NULL when v is not one or is out of bounds). */
const uint8_t *qjsi_uint8_array(JSContext *ctx, JSValueConst v, uint32_t *len);
/* 1 with the bytes, length, free function and opaque of an ArrayBuffer (not a shared
   one), else 0. */
int qjsi_array_buffer(JSValueConst v, const uint8_t **data, uint32_t *len,
                      JSFreeArrayBufferDataFunc **free_func, void **opaque);
/* -1 with a pending RangeError when the C stack is nearly exhausted, else 0. */
int qjsi_check_stack(JSContext *ctx);
/* Discards every queued promise job (after a time limit or interrupt stopped the call that
   queued them: an endless job chain would otherwise stop every later call too). */
void qjsi_drop_jobs(JSRuntime *rt);
/* What the runtime's allocator (qjs_alloc.c) keeps and records: its blocks; oom is set to 1
   whenever it refuses an allocation (or a compilation ends past the limit); compiling counts the
   compilations under way (patch 10), during which the runtime's memory limit is lifted and kept
   in limit. */
typedef struct qjsi_heap {
    qjsa_heap blocks;
    int oom;
    int compiling;
    size_t limit; /* the memory limit, set aside while compiling > 0 */
} qjsi_heap;
/* A runtime whose allocator keeps *heap; after JS_FreeRuntime, qjsa_heap_release(&heap->blocks)
   frees what it holds. */
JSRuntime *qjsi_new_runtime(qjsi_heap *heap);
/* Patch 10: QuickJS's parser does not survive running out of memory halfway (it indexes a label
   it could not make, frees atoms of an instruction cut short), so a compilation is never
   refused memory: qjsi_compile_begin lifts the limit, and qjsi_compile_end, when the compiled
   function exists (failed 0), refuses it if the runtime is now past its limit: it throws out of
   memory, sets oom and returns -1 (QuickJS frees the function). What a compilation can take
   past the limit is bounded by its source's size. */
void qjsi_compile_begin(JSContext *ctx);
int qjsi_compile_end(JSContext *ctx, int failed);
/* Adds reactions to a promise with the intrinsic then (a script's own Promise.prototype.then
   never runs) and no derived promise; marks it handled. -1 when it is not a promise. */
int qjsi_promise_then(JSContext *ctx, JSValueConst promise, JSValueConst on_fulfilled,
                      JSValueConst on_rejected);
/* require() of an ES module: loads (through the runtime's module loader), links and evaluates
   module `id` synchronously; its namespace, or an exception (also when it awaits at its top
   level, which a synchronous require cannot wait for). */
JSValue qjsi_require_module(JSContext *ctx, const char *id);
/* A context's interrupt counter: QuickJS decrements it at every poll point (a call, a jump)
   and calls the runtime's interrupt handler when it reaches 0, after setting it back to its
   own start value (10,000). qjsi_arm_polls sets it so that the n-th poll from now reaches the
   handler (1 <= n < 10,000); qjsi_polls_made gives the polls made since, all n of them (and
   *reached = 1) when the last one reached the handler. */
void qjsi_arm_polls(JSContext *ctx, int n);
int qjsi_polls_made(JSContext *ctx, int armed, int *reached);
/* Bytes currently allocated by the runtime. */
int64_t qjsi_malloc_size(JSRuntime *rt);

/* Diagnostics (patch 8). QuickJS asks qjsi_backtrace for every Error's `stack` and
   qjsi_debugger_statement at every `debugger;`; both ask the shim's trace_flags which of these
   the runtime wants, and do nothing more when it wants none. */
/* trace_flags returns QJS_TRACE_* flags (qjs_shim.h). */
int qjsi_backtrace(JSContext *ctx, JSValueConst error_obj, const char *filename, int line_num,
                   int col_num, int backtrace_flags);
int qjsi_debugger_statement(JSContext *ctx);
/* The variables an error recorded in debug mode ("arg|var|closure TAB name TAB value" lines), or
   undefined. Reads the error's own `stack` accessor without calling it. */
JSValue qjsi_error_variables(JSContext *ctx, JSValueConst error_obj);

/* The JavaScript frame running now (an opaque pointer, compared only). */
const void *qjsi_current_frame(JSRuntime *rt);

/* Implemented by the shim (qjs_trace.c). */
int trace_flags(JSContext *ctx);
/* The frames running when Java entered JavaScript again: entries 1 to the returned count - 1
   (entry 0, the outermost, has none). */
int trace_entry_frames(JSContext *ctx, const void *const **frames);
/* `stack` as the host maps it: raw as QuickJS writes it, defs the frames' function definition
   positions ("line:col" lines, empty for native frames). A new string, or an exception. */
JSValue trace_map_stack(JSContext *ctx, JSValueConst raw, JSValueConst defs);
/* The host's debugger hook: 0, or -1 with a pending exception (the hook threw). */
int trace_debugger(JSContext *ctx, JSValueConst stack, JSValueConst defs, JSValueConst variables);
/* The Java object id of a host object, or -1 (qjs_host.c). */
int32_t host_id_of(JSValueConst v);

/* ---------- CPU profiler (qjs_profile.c) and heap summary (qjs_heap.c) ---------- */

/* One frame of the running JavaScript stack. */
typedef struct qjsi_frame {
    const void *key;        /* the function's bytecode; NULL for a native function */
    JSAtom name, file;      /* bytecode: its name and file (borrowed atoms; JS_ATOM_NULL unknown) */
    int def_line, def_col;  /* bytecode: where the function is defined, 1-based (0 unknown) */
    int line, col;          /* the innermost bytecode frame: where it is now (the last call or
                               throwing op); other frames: their definition's line */
    char native_name[96];   /* native: its own `name` data property, UTF-8 ("" when none) */
} qjsi_frame;
/* Fills out with the frames of the running stack, innermost first, at most max; *more = 1 when
   deeper frames were left out. Runs no JavaScript and allocates nothing. */
int qjsi_stack_frames(JSRuntime *rt, qjsi_frame *out, int max, int *more);
/* An atom's text (UTF-8, cut at size); "" for JS_ATOM_NULL. Allocates nothing. */
void qjsi_atom_text(JSRuntime *rt, JSAtom atom, char *buf, int size);

/* Kinds of heap cells that are no JS object (a JS object's kind is its class id). */
#define QJSI_HEAP_BYTECODE (-1)
#define QJSI_HEAP_SHAPE (-2)
#define QJSI_HEAP_VAR_REF (-3)
#define QJSI_HEAP_ASYNC_STATE (-4)
#define QJSI_HEAP_REALM (-5)
#define QJSI_HEAP_OTHER (-6)
/* Called for each cell of the heap: its kind, for a plain object its constructor (a function
   object, valid until the heap changes; NULL when none), and its estimated size in bytes. */
typedef void qjsi_heap_fn(void *opaque, int kind, const void *ctor, size_t bytes);
/* Walks QuickJS's list of garbage-collected cells. Runs no JavaScript and allocates nothing. */
void qjsi_heap_walk(JSRuntime *rt, qjsi_heap_fn *fn, void *opaque);
/* The name of class class_id (UTF-8, cut at size). */
void qjsi_class_name(JSRuntime *rt, int class_id, char *buf, int size);
/* A function object's own data property `name` when it is a string: 1, else 0 and "". */
int qjsi_function_name(const void *func, char *buf, int size);

/* ---------- debugger (patch 11; the policy is the shim's, qjs_debug.c) ---------- */

/* A runtime's debugger state, kept in its qjs_rt; QuickJS's JSRuntime points at it. The host
   writes *control (QJS_DEBUG_* bits and the breakpoint generation) from any thread; the rest is
   the engine thread's. */
typedef struct qjsi_debug {
    int64_t *control;
    int stopping;        /* inside a stop: nothing stops again (evaluations run JavaScript) */
    int thrown_seen;     /* the exception being thrown was considered already */
    int step;            /* the QJS_RESUME_* step in progress; 0 none, -1 the next line anywhere */
    int step_depth;      /* the frame depth and frame where the step began */
    const void *step_frame, *step_func;
    const void *step_caller, *step_caller_func; /* a step out's JavaScript caller, or NULL */
    int step_line;
    int step_entry;      /* the shim's entry depth where it began (see debug_left) */
} qjsi_debug;
/* Makes rt's debugger state d (control: the host's control word). */
void qjsi_debug_install(JSRuntime *rt, qjsi_debug *d, int64_t *control);
/* One more (+1) or one fewer (-1) runtime with a debugger attached: the interpreter's dispatch
   goes through the statement hook while any is. Any thread. */
void qjsi_debug_hook(int delta);
/* The JavaScript frames of a stop, innermost first: up to max; each with its function, source,
   line, column (1-based), written as the shim's output (see qjs_debug.c). */
typedef struct qjsi_debug_frame {
    JSAtom function, source; /* borrowed */
    int line, col;
    void *sf;                /* the frame, valid during the stop */
} qjsi_debug_frame;
int qjsi_debug_frames(JSContext *ctx, qjsi_debug_frame *out, int max);
/* The frame's variables: arguments and locals (kind 0) or closure variables (kind 1: those its
   code uses, which in a module's own frame are all its top-level variables; in a function of a
   module, the module's other top-level variables after them), as (name, value, const) triples
   into names/values/consts (borrowed values; consts[i] 1 for a const); returns how many, at
   most max. */
int qjsi_debug_frame_vars(JSContext *ctx, void *sf, int kind, JSAtom *names, JSValue *values,
                          uint8_t *consts, int max);
/* A frame's this (a new reference): as the hook saw it, else its `this` variable, else
   undefined. */
JSValue qjsi_debug_frame_this(JSContext *ctx, void *sf);
/* Sets variable `name` of the frame (arguments, locals, closure variables, then a module's
   top-level ones; the innermost of that name): 1 when set, 0 when there is none (or it is a let
   or const not yet initialized), -1 when it is a const. */
int qjsi_debug_frame_set(JSContext *ctx, void *sf, JSAtom name, JSValueConst value);
/* The shim's side, called by the hook (qjs_debug.c): reports a function's stop lines and gets
   the breakpoint lines back (n lines into *bp, from js_malloc; -1 when none could be had); and
   stops with a QJS_STOP_AT_* reason: 0, or -1 with a pending exception (interrupted, closed). */
int debug_lines(JSContext *ctx, JSAtom source, const int32_t *lines, int n, int32_t **bp);
int debug_stop(JSContext *ctx, int reason, JSValueConst thrown);
/* A value's bounded rendering (debug mode's renderer; an Error as "Name: message"); runs no
   JavaScript. */
void qjsi_debug_render(JSContext *ctx, DynBuf *out, JSValueConst v);
/* typeof, without running anything. */
const char *qjsi_debug_type(JSContext *ctx, JSValueConst v);
/* Whether v has children to show (an object other than a proxy). */
int qjsi_debug_expandable(JSValueConst v);
/* Calls fn for the children start .. start + count - 1 of an object: array elements, Map or Set
   entries (named by their rendered key), then own string-keyed properties (an accessor is not
   run: accessor = 1, value undefined). Runs no JavaScript; returns how many. */
typedef void qjsi_child_fn(void *opaque, JSAtom name, const char *name_text, JSValueConst value, int accessor);
int qjsi_debug_children(JSContext *ctx, JSValueConst v, int start, int count, qjsi_child_fn *fn, void *opaque);
/* The shim's entry depth (nested calls from Java into JavaScript), for steps. */
int qjsi_debug_entry_depth(JSContext *ctx);
/* A call from Java into JavaScript ended at entry depth `depth`: a step that began deeper goes
   on at the next line that runs. */
void qjsi_debug_left(qjsi_debug *d, int depth);
/* The uncatchable "interrupted" error QuickJS throws when its interrupt handler says stop. */
void qjsi_throw_interrupted(JSContext *ctx);

#endif
