/*
 * jni_md.h - the machine-dependent part of the JNI header for every platform the jar carries,
 * written for this project: the JDK that builds the library provides jni.h (platform-neutral),
 * and jni.h includes this file for the calling convention, the export attribute and the widths
 * of jint and jlong. One file for all targets, so a cross build for another operating system
 * needs no JDK of that system.
 */
#ifndef QJS_JNI_MD_H
#define QJS_JNI_MD_H

#if defined(_WIN32)
#define JNIEXPORT __declspec(dllexport)
#define JNIIMPORT __declspec(dllimport)
#define JNICALL __stdcall /* ignored on 64-bit Windows, which is all the jar carries */
typedef long jint;        /* 32 bits on Windows (LLP64) */
typedef long long jlong;
#else
#define JNIEXPORT __attribute__((visibility("default")))
#define JNIIMPORT __attribute__((visibility("default")))
#define JNICALL
typedef int jint;
#if defined(_LP64)
typedef long jlong;
#else
typedef long long jlong;
#endif
#endif

typedef signed char jbyte;

#endif
