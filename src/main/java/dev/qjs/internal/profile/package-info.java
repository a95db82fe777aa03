/**
 * The CPU profiler and heap summary of one runtime: starting and stopping the native sampler
 * ({@code native-libs/src/qjs_profile.c}), the names of Java methods shown as host frames, the
 * decoding of a recorded profile into a call tree, its positions mapped through a {@link
 * dev.qjs.internal.profile.FramePositions}, and its output as Chrome's {@code .cpuprofile} JSON,
 * folded stacks and per-function times; the decoding of a heap summary
 * ({@code native-libs/src/qjs_heap.c}). Not an API.
 */
@NullMarked
package dev.qjs.internal.profile;

import org.jspecify.annotations.NullMarked;
