/*
 * qjs_jni.c - the JNI binding: the same qjs_* entry points as the JNA mapping, registered on
 * dev.qjs.internal.bridge.JniBinding with RegisterNatives, and the host callback as a JNI upcall
 * to JniBinding.host. A JNI downcall costs a few nanoseconds where JNA's generic dispatch costs
 * tens, and an upcall through a cached method id a fraction of a JNA callback; JNA stays the
 * loader and the fallback (-Dquickjs.binding=jna).
 *
 * Rules (see docs/architecture.md): only primitives cross (pointers as jlong), no JSValue and
 * no JNIEnv is kept across calls (the env of the thread's current downcall is the one its
 * upcalls use), and a Java exception never stays pending in native code: JniBinding.host
 * catches everything itself, and an error thrown before its first bytecode runs (a
 * StackOverflowError or OutOfMemoryError at the upcall's entry) is cleared, stops the call like
 * an interrupt (QJS_REPLY_FATAL) and is thrown to Java when the downcall returns.
 *
 * The class loader that bound the library is never pinned by it: the binding remembers its
 * class weakly, and holds it strongly only while one of its runtimes lives (the upcalls need
 * it). A web application that is undeployed after closing its engines can be collected, and the
 * next one to load the library binds it again.
 */
#include <jni.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "qjs_shim.h"

/* the JNI version we ask for: 1.6 has everything used here and every JDK 17+ has it */
#define QJS_JNI_VERSION JNI_VERSION_1_6

static JavaVM *java_vm;
static pthread_mutex_t binding_lock = PTHREAD_MUTEX_INITIALIZER; /* guards the three below */
static jweak binding_owner;     /* the class register bound, weakly (it does not pin its loader) */
static jclass binding_class;    /* the same class, a global reference while runtimes live */
static int64_t binding_users;   /* runtimes made through this binding and not yet freed */
static jmethodID host_method;   /* JniBinding.host(IIJJI)I */

#if defined(_MSC_VER)
#define QJS_THREAD_LOCAL __declspec(thread)
#else
#define QJS_THREAD_LOCAL __thread
#endif

/* the env of this thread's innermost downcall (upcalls happen only inside downcalls) */
static QJS_THREAD_LOCAL JNIEnv *t_env;
/* an error the upcall's entry threw, thrown to Java when the outermost downcall returns */
static QJS_THREAD_LOCAL jobject t_pending;

static int32_t jni_host(int32_t token, int32_t op, int64_t a, const uint8_t *data, int32_t len)
{
    JNIEnv *env = t_env;
    jint rc;
    if (!env && (*java_vm)->GetEnv(java_vm, (void **)&env, QJS_JNI_VERSION) != JNI_OK)
        return QJS_REPLY_FATAL;
    /* JniBinding.host returns the status + 1: 0 only when it threw (asking ExceptionCheck on
       every upcall would cost a transition into the VM each time) */
    rc = (*env)->CallStaticIntMethod(env, binding_class, host_method, (jint)token, (jint)op,
                                     (jlong)a, (jlong)(uintptr_t)data, (jint)len);
    if (rc == 0 && (*env)->ExceptionCheck(env)) {
        jthrowable thrown = (*env)->ExceptionOccurred(env);
        (*env)->ExceptionClear(env);
        if (!t_pending && thrown)
            t_pending = (*env)->NewGlobalRef(env, thrown);
        if (thrown)
            (*env)->DeleteLocalRef(env, thrown);
        return QJS_REPLY_FATAL;
    }
    return (int32_t)rc - 1;
}

/* Every downcall runs between these two: the thread's env for its upcalls, restored on the way
   out (a downcall may nest inside an upcall), and an upcall's error thrown to the Java code that
   made the downcall, where it goes on as if JNA's callback had thrown it. */
#define ENTER(env) JNIEnv *saved_env = t_env; t_env = (env)
static void leave(JNIEnv *env, JNIEnv *saved_env)
{
    t_env = saved_env;
    if (t_pending) {
        jobject pending = t_pending;
        jobject local = (*env)->NewLocalRef(env, pending);
        t_pending = NULL;
        (*env)->DeleteGlobalRef(env, pending);
        if (local)
            (*env)->Throw(env, (jthrowable)local);
    }
}

static qjs_rt *rt_of(jlong rt)
{
    return (qjs_rt *)(uintptr_t)rt;
}

static const uint8_t *bytes_at(jlong address)
{
    return (const uint8_t *)(uintptr_t)address;
}

/* One more runtime needs the upcalls' class (cls, the bound one): 0, or -1 without memory. */
static int binding_use(JNIEnv *env, jclass cls)
{
    int rc = 0;
    pthread_mutex_lock(&binding_lock);
    if (binding_users == 0) {
        binding_class = (*env)->NewGlobalRef(env, cls);
        rc = binding_class ? 0 : -1;
    }
    if (rc == 0)
        binding_users++;
    pthread_mutex_unlock(&binding_lock);
    return rc;
}

/* A runtime is gone: the last one lets go of the class, so its loader can be collected. */
static void binding_unuse(JNIEnv *env)
{
    pthread_mutex_lock(&binding_lock);
    if (binding_users > 0 && --binding_users == 0) {
        (*env)->DeleteGlobalRef(env, binding_class);
        binding_class = NULL;
    }
    pthread_mutex_unlock(&binding_lock);
}

static jlong jni_runtime_new(JNIEnv *env, jclass cls, jobject mailbox, jint token)
{
    int64_t *mb;
    qjs_rt *st;
    mb = mailbox ? (*env)->GetDirectBufferAddress(env, mailbox) : NULL;
    if (!mb || (*env)->GetDirectBufferCapacity(env, mailbox) < (jlong)QJS_MB_SLOTS * 8)
        return 0;
    if (binding_use(env, cls) < 0)
        return 0;
    st = qjs_runtime_new(mb, jni_host, (int32_t)token);
    if (!st)
        binding_unuse(env);
    return (jlong)(uintptr_t)st;
}

static void jni_runtime_free(JNIEnv *env, jclass cls, jlong rt)
{
    ENTER(env);
    (void)cls;
    if (rt) {
        qjs_runtime_free(rt_of(rt)); /* may still call up (a finalizer's release) */
        binding_unuse(env);
    }
    leave(env, saved_env);
}

static void jni_runtime_set_limits(JNIEnv *env, jclass cls, jlong rt, jlong memory_limit,
                                   jlong max_stack, jlong gc_threshold)
{
    (void)env; (void)cls;
    qjs_runtime_set_limits(rt_of(rt), memory_limit, max_stack, gc_threshold);
}

static void jni_runtime_gc(JNIEnv *env, jclass cls, jlong rt)
{
    ENTER(env);
    (void)cls;
    qjs_runtime_gc(rt_of(rt));
    leave(env, saved_env);
}

static void jni_runtime_memory(JNIEnv *env, jclass cls, jlong rt, jlongArray out)
{
    int64_t values[QJS_MEMORY_FIELDS];
    jlong copy[QJS_MEMORY_FIELDS];
    int i;
    (void)cls;
    if (!out || (*env)->GetArrayLength(env, out) < QJS_MEMORY_FIELDS)
        return;
    qjs_runtime_memory(rt_of(rt), values);
    for (i = 0; i < QJS_MEMORY_FIELDS; i++)
        copy[i] = values[i];
    (*env)->SetLongArrayRegion(env, out, 0, QJS_MEMORY_FIELDS, copy);
}

static jlong jni_realm_new(JNIEnv *env, jclass cls, jlong rt)
{
    jlong realm;
    ENTER(env);
    (void)cls;
    realm = qjs_realm_new(rt_of(rt));
    leave(env, saved_env);
    return realm;
}

static void jni_realm_free(JNIEnv *env, jclass cls, jlong rt, jlong realm)
{
    ENTER(env);
    (void)cls;
    qjs_realm_free(rt_of(rt), realm);
    leave(env, saved_env);
}

static void jni_handles_free(JNIEnv *env, jclass cls, jlong rt, jlongArray handles, jint n)
{
    jlong *elements;
    int64_t *copy;
    jint i;
    ENTER(env);
    (void)cls;
    if (!handles || n <= 0 || (*env)->GetArrayLength(env, handles) < n) {
        leave(env, saved_env);
        return;
    }
    elements = (*env)->GetLongArrayElements(env, handles, NULL);
    copy = elements ? malloc(sizeof(int64_t) * (size_t)n) : NULL;
    if (copy) {
        for (i = 0; i < n; i++)
            copy[i] = elements[i];
    }
    if (elements)
        (*env)->ReleaseLongArrayElements(env, handles, elements, JNI_ABORT);
    if (copy) {
        qjs_handles_free(rt_of(rt), copy, (int32_t)n);
        free(copy);
    }
    leave(env, saved_env);
}

static jint jni_eval(JNIEnv *env, jclass cls, jlong rt, jlong realm, jlong src, jint src_len,
                     jbyteArray filename, jint flags)
{
    jbyte *name = NULL;
    jint rc;
    ENTER(env);
    (void)cls;
    if (filename) {
        name = (*env)->GetByteArrayElements(env, filename, NULL);
        if (!name) {
            leave(env, saved_env);
            return QJS_OUT_OF_MEMORY;
        }
    }
    rc = qjs_eval(rt_of(rt), realm, bytes_at(src), (int32_t)src_len, (const char *)name,
                  (int32_t)flags);
    if (name)
        (*env)->ReleaseByteArrayElements(env, filename, name, JNI_ABORT);
    leave(env, saved_env);
    return rc;
}

/* The calls of shape (rt, realm, int64) and (rt, realm, input, length). */
#define JNI_CALL_I64(name)                                                                \
    static jint jni_##name(JNIEnv *env, jclass cls, jlong rt, jlong realm, jlong x)      \
    {                                                                                      \
        jint rc;                                                                           \
        ENTER(env);                                                                        \
        (void)cls;                                                                         \
        rc = qjs_##name(rt_of(rt), realm, x);                                              \
        leave(env, saved_env);                                                             \
        return rc;                                                                         \
    }
#define JNI_CALL_INPUT(name)                                                               \
    static jint jni_##name(JNIEnv *env, jclass cls, jlong rt, jlong realm, jlong in,      \
                           jint len)                                                       \
    {                                                                                      \
        jint rc;                                                                           \
        ENTER(env);                                                                        \
        (void)cls;                                                                         \
        rc = qjs_##name(rt_of(rt), realm, bytes_at(in), (int32_t)len);                     \
        leave(env, saved_env);                                                             \
        return rc;                                                                         \
    }

JNI_CALL_I64(eval_bytecode)
JNI_CALL_I64(bytecode_write)
JNI_CALL_I64(timer_fire)
JNI_CALL_INPUT(bytecode_read)
JNI_CALL_INPUT(invoke)
JNI_CALL_INPUT(name_intern)
JNI_CALL_INPUT(get)
JNI_CALL_INPUT(set)
JNI_CALL_INPUT(set_many)
JNI_CALL_INPUT(delete)
JNI_CALL_INPUT(has)
JNI_CALL_INPUT(entries)
JNI_CALL_INPUT(to_string)
JNI_CALL_INPUT(to_java)
JNI_CALL_INPUT(to_json)
JNI_CALL_INPUT(echo)

static jint jni_promise_watch(JNIEnv *env, jclass cls, jlong rt, jlong realm, jlong promise,
                              jlong id)
{
    jint rc;
    ENTER(env);
    (void)cls;
    rc = qjs_promise_watch(rt_of(rt), realm, promise, id);
    leave(env, saved_env);
    return rc;
}

static jint jni_promise_settle(JNIEnv *env, jclass cls, jlong rt, jlong realm, jlong resolvers,
                               jlong in, jint len)
{
    jint rc;
    ENTER(env);
    (void)cls;
    rc = qjs_promise_settle(rt_of(rt), realm, resolvers, bytes_at(in), (int32_t)len);
    leave(env, saved_env);
    return rc;
}

static jint jni_unhandled_take(JNIEnv *env, jclass cls, jlong rt)
{
    jint rc;
    ENTER(env);
    (void)cls;
    rc = qjs_unhandled_take(rt_of(rt));
    leave(env, saved_env);
    return rc;
}

/* ---- CPU profiler and heap summary (s26-profiler) ---- */

static jint jni_profile_start(JNIEnv *env, jclass cls, jlong rt, jlong interval_ns,
                              jint max_samples)
{
    jint rc;
    ENTER(env);
    (void)cls;
    rc = qjs_profile_start(rt_of(rt), interval_ns, max_samples);
    leave(env, saved_env);
    return rc;
}

static jint jni_profile_stop(JNIEnv *env, jclass cls, jlong rt)
{
    jint rc;
    ENTER(env);
    (void)cls;
    rc = qjs_profile_stop(rt_of(rt));
    leave(env, saved_env);
    return rc;
}

static jint jni_heap_summary(JNIEnv *env, jclass cls, jlong rt)
{
    jint rc;
    ENTER(env);
    (void)cls;
    rc = qjs_heap_summary(rt_of(rt));
    leave(env, saved_env);
    return rc;
}

/* the debugger (issue 19): its inspection calls run inside the QJS_OP_DEBUG_STOP upcall */
static jint jni_debug(JNIEnv *env, jclass cls, jlong rt, jint op_frame, jlong in, jint len)
{
    jint rc;
    ENTER(env);
    (void)cls;
    rc = qjs_debug(rt_of(rt), op_frame, bytes_at(in), len);
    leave(env, saved_env);
    return rc;
}

#define M(name, sig, fn) { (char *)(name), (char *)(sig), (void *)(fn) }
static const JNINativeMethod methods[] = {
    M("qjs_runtime_new", "(Ljava/nio/ByteBuffer;I)J", jni_runtime_new),
    M("qjs_runtime_free", "(J)V", jni_runtime_free),
    M("qjs_runtime_set_limits", "(JJJJ)V", jni_runtime_set_limits),
    M("qjs_runtime_gc", "(J)V", jni_runtime_gc),
    M("qjs_runtime_memory", "(J[J)V", jni_runtime_memory),
    M("qjs_realm_new", "(J)J", jni_realm_new),
    M("qjs_realm_free", "(JJ)V", jni_realm_free),
    M("qjs_handles_free", "(J[JI)V", jni_handles_free),
    M("qjs_eval", "(JJJI[BI)I", jni_eval),
    M("qjs_eval_bytecode", "(JJJ)I", jni_eval_bytecode),
    M("qjs_bytecode_write", "(JJJ)I", jni_bytecode_write),
    M("qjs_bytecode_read", "(JJJI)I", jni_bytecode_read),
    M("qjs_invoke", "(JJJI)I", jni_invoke),
    M("qjs_name_intern", "(JJJI)I", jni_name_intern),
    M("qjs_get", "(JJJI)I", jni_get),
    M("qjs_set", "(JJJI)I", jni_set),
    M("qjs_set_many", "(JJJI)I", jni_set_many),
    M("qjs_delete", "(JJJI)I", jni_delete),
    M("qjs_has", "(JJJI)I", jni_has),
    M("qjs_entries", "(JJJI)I", jni_entries),
    M("qjs_to_string", "(JJJI)I", jni_to_string),
    M("qjs_to_java", "(JJJI)I", jni_to_java),
    M("qjs_to_json", "(JJJI)I", jni_to_json),
    M("qjs_echo", "(JJJI)I", jni_echo),
    M("qjs_promise_watch", "(JJJJ)I", jni_promise_watch),
    M("qjs_promise_settle", "(JJJJI)I", jni_promise_settle),
    M("qjs_timer_fire", "(JJJ)I", jni_timer_fire),
    M("qjs_unhandled_take", "(J)I", jni_unhandled_take),
    /* CPU profiler and heap summary (s26-profiler) */
    M("qjs_profile_start", "(JJI)I", jni_profile_start),
    M("qjs_profile_stop", "(J)I", jni_profile_stop),
    M("qjs_heap_summary", "(J)I", jni_heap_summary),
    /* the debugger (issue 19) */
    M("qjs_debug", "(JIJI)I", jni_debug),
};
#undef M

/* JniBinding.register(): binds the natives above and the upcall to the calling class. Returns
   0, or -1 with a Java exception pending (a method missing or of another signature). Called
   once per class loader that loads the binding; the first registration's class receives the
   upcalls (a second loader's classes fall back to JNA: see JniBinding). */
JNIEXPORT jint JNICALL Java_dev_qjs_internal_bridge_JniBinding_register(JNIEnv *env, jclass cls);
JNIEXPORT jint JNICALL Java_dev_qjs_internal_bridge_JniBinding_register(JNIEnv *env, jclass cls)
{
    jmethodID host;
    jint rc = -1;
    pthread_mutex_lock(&binding_lock);
    if (binding_owner && !(*env)->IsSameObject(env, binding_owner, NULL)) {
        rc = (*env)->IsSameObject(env, binding_owner, cls) ? 0 : 1;
        goto done;
    }
    if (binding_owner) {
        /* the loader that bound the library before was collected: this one binds it now */
        (*env)->DeleteWeakGlobalRef(env, binding_owner);
        binding_owner = NULL;
    }
    if ((*env)->GetJavaVM(env, &java_vm) != JNI_OK)
        goto done;
    host = (*env)->GetStaticMethodID(env, cls, "host", "(IIJJI)I");
    if (!host)
        goto done;
    if ((*env)->RegisterNatives(env, cls, methods, (jint)(sizeof(methods) / sizeof(methods[0]))) != 0)
        goto done;
    binding_owner = (*env)->NewWeakGlobalRef(env, cls);
    if (!binding_owner)
        goto done;
    host_method = host;
    rc = 0;
done:
    pthread_mutex_unlock(&binding_lock);
    return rc;
}
