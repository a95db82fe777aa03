/*
 * quickjs-jsr223: the few POSIX thread calls QuickJS and our shim make, on Win32 primitives.
 *
 * Windows has no <pthread.h>. MinGW toolchains usually bring winpthreads, but linking it means
 * either a second DLL next to ours or its static copy with its own TLS callbacks; zig's MinGW
 * has none at all. What the library needs is small: a statically initialised mutex (QuickJS's
 * class-id and Atomics locks), a condition variable with an absolute deadline (Atomics.wait)
 * and a once-only initialiser (our class ids). Slim reader/writer locks, condition variables
 * and one-time initialisation have done exactly that since Windows Vista, with static
 * initialisers and nothing to free. Only this header sees the mapping; it is on the include
 * path of Windows builds alone.
 */
#ifndef QJS_COMPAT_WIN32_PTHREAD_H
#define QJS_COMPAT_WIN32_PTHREAD_H

#include <windows.h>
#include <errno.h>
#include <stdint.h>
#include <time.h>

#ifndef ETIMEDOUT
#define ETIMEDOUT 138
#endif

typedef SRWLOCK pthread_mutex_t;
typedef int pthread_mutexattr_t;
typedef CONDITION_VARIABLE pthread_cond_t;
typedef int pthread_condattr_t;
typedef INIT_ONCE pthread_once_t;

#define PTHREAD_MUTEX_INITIALIZER SRWLOCK_INIT
#define PTHREAD_ONCE_INIT INIT_ONCE_STATIC_INIT

static inline int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
    (void)a;
    InitializeSRWLock(m);
    return 0;
}

static inline int pthread_mutex_destroy(pthread_mutex_t *m)
{
    (void)m;
    return 0;
}

static inline int pthread_mutex_lock(pthread_mutex_t *m)
{
    AcquireSRWLockExclusive(m);
    return 0;
}

static inline int pthread_mutex_unlock(pthread_mutex_t *m)
{
    ReleaseSRWLockExclusive(m);
    return 0;
}

static inline int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a)
{
    (void)a;
    InitializeConditionVariable(c);
    return 0;
}

static inline int pthread_cond_destroy(pthread_cond_t *c)
{
    (void)c;
    return 0;
}

static inline int pthread_cond_signal(pthread_cond_t *c)
{
    WakeConditionVariable(c);
    return 0;
}

static inline int pthread_cond_broadcast(pthread_cond_t *c)
{
    WakeAllConditionVariable(c);
    return 0;
}

static inline int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
    return SleepConditionVariableSRW(c, m, INFINITE, 0) ? 0 : EINVAL;
}

#ifndef CLOCK_REALTIME
#define CLOCK_REALTIME 0
#endif

/* CLOCK_REALTIME as POSIX counts it: the system time since 1970, in 100 ns steps. Under its own
   name, so that a clock_gettime some MinGW headers declare does not clash with it. */
static inline int qjs_compat_clock_gettime(int clock, struct timespec *ts)
{
    FILETIME ft;
    ULARGE_INTEGER t;
    (void)clock;
    GetSystemTimeAsFileTime(&ft);
    t.LowPart = ft.dwLowDateTime;
    t.HighPart = ft.dwHighDateTime;
    t.QuadPart -= 116444736000000000ULL; /* 1601-01-01 to 1970-01-01 */
    ts->tv_sec = (time_t)(t.QuadPart / 10000000ULL);
    ts->tv_nsec = (long)(t.QuadPart % 10000000ULL) * 100;
    return 0;
}
#undef clock_gettime
#define clock_gettime qjs_compat_clock_gettime

/* Waits until the absolute CLOCK_REALTIME deadline; ETIMEDOUT once it has passed. */
static inline int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
                                         const struct timespec *deadline)
{
    struct timespec now;
    int64_t ms;
    qjs_compat_clock_gettime(CLOCK_REALTIME, &now);
    ms = ((int64_t)deadline->tv_sec - (int64_t)now.tv_sec) * 1000 +
         ((int64_t)deadline->tv_nsec - (int64_t)now.tv_nsec) / 1000000;
    if (ms <= 0)
        return ETIMEDOUT;
    if (ms >= (int64_t)INFINITE)
        ms = (int64_t)INFINITE - 1;
    if (SleepConditionVariableSRW(c, m, (DWORD)ms, 0))
        return 0;
    return GetLastError() == ERROR_TIMEOUT ? ETIMEDOUT : EINVAL;
}

static BOOL CALLBACK qjs_compat_once_call(PINIT_ONCE once, PVOID fn, PVOID *context)
{
    (void)once;
    (void)context;
    ((void (*)(void))fn)();
    return TRUE;
}

static inline int pthread_once(pthread_once_t *once, void (*fn)(void))
{
    return InitOnceExecuteOnce(once, qjs_compat_once_call, (PVOID)fn, NULL) ? 0 : EINVAL;
}

#endif /* QJS_COMPAT_WIN32_PTHREAD_H */
