/**
 * Finding, caching and loading the native library: the platform this JVM runs on, the library
 * files in the jar and their cache on disk, the executable headers that explain a library that
 * does not load, and the registration of the JNA mapping. Not an API.
 */
@NullMarked
package dev.qjs.internal.nativelib;

import org.jspecify.annotations.NullMarked;
