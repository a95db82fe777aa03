/*
 * quickjs-jsr223 smoke test: loads one built library the way the JVM does (dlopen or
 * LoadLibrary of the file itself, nothing linked in at build time) and runs real JavaScript
 * through the exported qjs_* API: the language and built-ins, the stack guard, the interrupt
 * check, the memory limit and a host callback. It is built for each
 * target with the same toolchain as the library and run where this machine can run that
 * platform (natively, under qemu-user or under wine).
 *
 * Usage: qjs_smoke <library file>     exit status 0 when every check passed
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(_WIN32)
#include <windows.h>
#else
#include <dlfcn.h>
#include <pthread.h>
#endif

#include "qjs_shim.h"

typedef qjs_rt *(*runtime_new_fn)(int64_t *, qjs_host_fn, int32_t);
typedef void (*runtime_free_fn)(qjs_rt *);
typedef void (*runtime_set_limits_fn)(qjs_rt *, int64_t, int64_t, int64_t);
typedef int64_t (*realm_new_fn)(qjs_rt *);
typedef void (*realm_free_fn)(qjs_rt *, int64_t);
typedef int32_t (*eval_fn)(qjs_rt *, int64_t, const uint8_t *, int32_t, const char *, int32_t);

static runtime_new_fn p_runtime_new;
static runtime_free_fn p_runtime_free;
static runtime_set_limits_fn p_runtime_set_limits;
static realm_new_fn p_realm_new;
static realm_free_fn p_realm_free;
static eval_fn p_eval;

static int64_t mailbox[QJS_MB_SLOTS];
static int failures;
static char printed[256];

static void *symbol(void *lib, const char *name)
{
#if defined(_WIN32)
    void *p = (void *)GetProcAddress((HMODULE)lib, name);
#else
    void *p = dlsym(lib, name);
#endif
    if (!p) {
        fprintf(stderr, "FAIL: the library does not export %s\n", name);
        exit(2);
    }
    return p;
}

/* The host callback: keeps what print() wrote, answers nothing else. */
static int32_t host(int32_t token, int32_t op, int64_t a, const uint8_t *data, int32_t len)
{
    (void)token;
    (void)a;
    /* print's data: [argument count i32] then each argument as a string */
    if (op == QJS_OP_PRINT && data && len >= 9 && data[4] == QJS_T_STRING8) {
        uint32_t n;
        memcpy(&n, data + 5, 4);
        if (n > (uint32_t)len - 9)
            n = (uint32_t)len - 9;
        if (n > sizeof(printed) - 1)
            n = sizeof(printed) - 1;
        memcpy(printed, data + 9, n);
        printed[n] = 0;
    }
    mailbox[QJS_MB_REPLY_PTR] = 0;
    mailbox[QJS_MB_REPLY_LEN] = 0;
    return QJS_REPLY_OK;
}

/* The output of the last call as text: every Latin-1 string in its encoding, joined by " | "
   (a string result is one; an exception gives its name, message and stack). */
static const char *output_text(char *buf, size_t size)
{
    const uint8_t *out = (const uint8_t *)(intptr_t)mailbox[QJS_MB_OUT_PTR];
    int64_t len = mailbox[QJS_MB_OUT_LEN];
    int64_t i = 0;
    size_t used = 0;
    buf[0] = 0;
    while (out && i + 5 <= len) {
        uint32_t n;
        memcpy(&n, out + i + 1, 4);
        if (out[i] == QJS_T_STRING8 && i + 5 + (int64_t)n <= len && used + n + 4 < size) {
            if (used > 0) {
                memcpy(buf + used, " | ", 3);
                used += 3;
            }
            memcpy(buf + used, out + i + 5, n);
            used += n;
            buf[used] = 0;
            i += 5 + n;
        } else {
            i++;
        }
    }
    return buf;
}

/* Why an exception's call stopped, a QJS_STOP_* reason: the i32 after the error's own parts,
   followed by the i32 count of its causes and the causes. The errors here have no cause, so it
   is the last i32 but one, and the last is 0; -1 otherwise. */
static int32_t stop_reason(void)
{
    const uint8_t *out = (const uint8_t *)(intptr_t)mailbox[QJS_MB_OUT_PTR];
    int32_t reason, causes;
    if (!out || mailbox[QJS_MB_OUT_LEN] < 8)
        return -1;
    memcpy(&reason, out + mailbox[QJS_MB_OUT_LEN] - 8, 4);
    memcpy(&causes, out + mailbox[QJS_MB_OUT_LEN] - 4, 4);
    return causes == 0 ? reason : -1;
}

static void expect(qjs_rt *rt, int64_t realm, const char *what, const char *src,
                   int32_t want_rc, int32_t want_reason, const char *want_text)
{
    char text[512];
    int32_t rc = p_eval(rt, realm, (const uint8_t *)src, (int32_t)strlen(src), "<smoke>", 0);
    int32_t reason = rc == QJS_EXCEPTION ? stop_reason() : QJS_STOP_NONE;
    output_text(text, sizeof(text));
    if (rc != want_rc || reason != want_reason || strstr(text, want_text) == NULL) {
        fprintf(stderr,
                "FAIL: %s: result %d (stop reason %d) \"%s\", expected %d (stop reason %d) "
                "containing \"%s\"\n",
                what, rc, reason, text, want_rc, want_reason, want_text);
        failures++;
    } else {
        printf("ok: %s: %s\n", what, text);
    }
}

static void *library;

/* Every check, on a thread of its own with a known stack, as the JVM's threads are (a process's
   first thread may report only the stack it has touched so far, on musl for one). */
static int run_checks(void)
{
    qjs_rt *rt;
    int64_t realm;
    void *lib = library;
    p_runtime_new = (runtime_new_fn)symbol(lib, "qjs_runtime_new");
    p_runtime_free = (runtime_free_fn)symbol(lib, "qjs_runtime_free");
    p_runtime_set_limits = (runtime_set_limits_fn)symbol(lib, "qjs_runtime_set_limits");
    p_realm_new = (realm_new_fn)symbol(lib, "qjs_realm_new");
    p_realm_free = (realm_free_fn)symbol(lib, "qjs_realm_free");
    p_eval = (eval_fn)symbol(lib, "qjs_eval");

    rt = p_runtime_new(mailbox, host, 1);
    if (!rt) {
        fprintf(stderr, "FAIL: qjs_runtime_new returned NULL\n");
        return 1;
    }
    realm = p_realm_new(rt);
    if (!realm) {
        fprintf(stderr, "FAIL: qjs_realm_new returned 0\n");
        return 1;
    }

    expect(rt, realm, "language and built-ins",
           "JSON.stringify({ sum: [1, 2, 3].reduce((a, b) => a + b),"
           " groups: /(?<y>\\d{4})-(?<m>\\d\\d)/.exec('2025-04').groups,"
           " big: String(2n ** 64n), date: new Date(Date.UTC(2020, 1, 29)).toISOString(),"
           " sorted: ['b', 'a', 'c'].toSorted(), text: 'caf\\u00e9'.normalize('NFD').length,"
           " fixed: (0.1 + 0.2).toFixed(20), exp: (123.456).toExponential(2),"
           " fib: (function f(n) { return n < 2 ? n : f(n - 1) + f(n - 2); })(20) })",
           QJS_OK, QJS_STOP_NONE,
           "{\"sum\":6,\"groups\":{\"y\":\"2025\",\"m\":\"04\"},\"big\":\"18446744073709551616\","
           "\"date\":\"2020-02-29T00:00:00.000Z\",\"sorted\":[\"a\",\"b\",\"c\"],\"text\":5,"
           "\"fixed\":\"0.30000000000000004441\",\"exp\":\"1.23e+2\",\"fib\":6765}");
    expect(rt, realm, "promise jobs run at the end of the call",
           "var seen = []; Promise.resolve(7).then(v => seen.push(v)); 'queued'", QJS_OK, QJS_STOP_NONE,
           "queued");
    expect(rt, realm, "the jobs ran", "String(seen)", QJS_OK, QJS_STOP_NONE, "7");
    expect(rt, realm, "host callback (print)", "print('from the host'); 'printed'", QJS_OK, QJS_STOP_NONE,
           "printed");
    if (strcmp(printed, "from the host") != 0) {
        fprintf(stderr, "FAIL: print reached the host as \"%s\"\n", printed);
        failures++;
    }
    expect(rt, realm, "stack guard turns deep recursion into an error",
           "function down(n) { return down(n + 1) + 1; } down(0)", QJS_EXCEPTION, QJS_STOP_NONE,
           "stack overflow");

    mailbox[QJS_MB_INTERRUPT] = 1;
    expect(rt, realm, "interrupt stops an endless loop", "for (;;) {}", QJS_EXCEPTION, QJS_STOP_INTERRUPTED,
           "interrupted");
    mailbox[QJS_MB_INTERRUPT] = 0;

    p_runtime_set_limits(rt, 16 << 20, 0, -1);
    expect(rt, realm, "memory limit refuses a huge allocation",
           "(() => { const a = []; for (let i = 0; i < 1e7; i++) a.push({ i }); return a.length; })()", QJS_EXCEPTION, QJS_STOP_MEMORY,
           "");
    expect(rt, realm, "the engine still answers after the limit", "'still ' + (6 * 7)", QJS_OK, QJS_STOP_NONE,
           "still 42");

    p_realm_free(rt, realm);
    p_runtime_free(rt);
    return failures;
}

#if defined(_WIN32)
static DWORD WINAPI checks_thread(LPVOID arg)
{
    (void)arg;
    return (DWORD)run_checks();
}
#else
static void *checks_thread(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)run_checks();
}
#endif

int main(int argc, char **argv)
{
    size_t stack = 4u << 20;
    int result = -1;
    if (argc != 2) {
        fprintf(stderr, "usage: qjs_smoke <library file>\n");
        return 2;
    }
#if defined(_WIN32)
    library = (void *)LoadLibraryA(argv[1]);
    if (!library) {
        fprintf(stderr, "FAIL: LoadLibrary(%s): error %lu\n", argv[1], (unsigned long)GetLastError());
        return 2;
    }
    {
        DWORD code = 1;
        HANDLE t = CreateThread(NULL, stack, checks_thread, NULL, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
        if (t && WaitForSingleObject(t, INFINITE) == WAIT_OBJECT_0 && GetExitCodeThread(t, &code))
            result = (int)code;
    }
#else
    library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        fprintf(stderr, "FAIL: dlopen: %s\n", dlerror());
        return 2;
    }
    {
        pthread_t t;
        pthread_attr_t attr;
        void *code = NULL;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, stack);
        if (pthread_create(&t, &attr, checks_thread, NULL) == 0 && pthread_join(t, &code) == 0)
            result = (int)(intptr_t)code;
        pthread_attr_destroy(&attr);
    }
#endif
    if (result < 0) {
        fprintf(stderr, "FAIL: could not run the checks on a thread of their own\n");
        return 2;
    }
    if (result > 0) {
        fprintf(stderr, "%d check(s) failed\n", result);
        return 1;
    }
    printf("all checks passed\n");
    return 0;
}

