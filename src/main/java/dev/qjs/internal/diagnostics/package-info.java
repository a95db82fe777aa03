/**
 * What a failure or a pause tells about the script: the JavaScript stack as frames
 * ({@link dev.qjs.internal.diagnostics.StackText}), placed among the Java frames that called the
 * script ({@link dev.qjs.internal.diagnostics.StackInterleaving}), mapped to original sources,
 * and in debug mode the code frame and the failing frame's variables
 * ({@link dev.qjs.internal.diagnostics.ScriptDiagnostics}, one per engine).
 */
@NullMarked
package dev.qjs.internal.diagnostics;

import org.jspecify.annotations.NullMarked;
