/*
 * qjs_internal.h - the few QuickJS internals the shim needs and the public API
 * does not offer: exact UTF-16 string access and an absolute stack limit.
 * Implemented in qjs_internal.c, which compiles QuickJS itself.
 */
#ifndef QJS_INTERNAL_H
#define QJS_INTERNAL_H

#include <stdint.h>
#include <stddef.h>
#include "quickjs.h"

/* Returns a flat string for a string value (a new reference); data points at
   Latin-1 bytes (*wide == 0) or UTF-16 units (*wide == 1), *len characters. */
JSValue qjsi_flat_string(JSContext *ctx, JSValueConst str, const void **data,
                         uint32_t *len, int *wide);
JSValue qjsi_new_string8(JSContext *ctx, const uint8_t *buf, uint32_t len);
JSValue qjsi_new_string16(JSContext *ctx, const uint16_t *buf, uint32_t len);
/* Sets the stack top and an absolute lower limit (0 disables the check). */
void qjsi_set_stack(JSRuntime *rt, uintptr_t top, uintptr_t limit);
/* Parses a decimal BigInt without running any JavaScript. */
JSValue qjsi_new_bigint(JSContext *ctx, const char *decimal, size_t len);
/* String(symbol): "Symbol(description)"; runs no JavaScript. */
JSValue qjsi_symbol_to_string(JSContext *ctx, JSValueConst sym);
/* Bytes currently allocated by the runtime. */
int64_t qjsi_malloc_size(JSRuntime *rt);

#endif
