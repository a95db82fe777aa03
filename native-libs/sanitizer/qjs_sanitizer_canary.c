/*
 * qjs_sanitizer_canary.c - deliberate bugs, compiled ONLY into the sanitizer
 * build made by native-libs/sanitize.sh (it copies this file next to the shim
 * sources in a staging copy; the normal build never sees it).
 *
 * sanitize.sh calls qjs_sanitizer_canary() once in a JVM of its own, started
 * exactly like the test JVM, and requires a sanitizer report: that proves the
 * sanitizers are compiled in and their runtime is active in that kind of JVM.
 *
 *   kind 0: a heap-buffer-overflow (one byte past a malloc'd block): AddressSanitizer
 *   kind 1: a shift exponent too large for int:                    UndefinedBehaviorSanitizer
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qjs_shim.h"

/* volatile: the compiler must neither fold nor drop the bad accesses */
static volatile int32_t canary_sink;

QJS_EXPORT int32_t qjs_sanitizer_canary(int32_t kind)
{
    if (kind == 0) {
        volatile int32_t n = 16;
        char *p = malloc((size_t)n);
        if (p == NULL)
            return -1;
        memset(p, 'x', (size_t)n);
        canary_sink = p[n]; /* reads one byte past the block */
        free(p);
        return 0;
    }
    if (kind == 1) {
        volatile int32_t one = 1, shift = 40;
        canary_sink = one << shift; /* undefined: shift >= width of int */
        return 0;
    }
    return -2;
}
