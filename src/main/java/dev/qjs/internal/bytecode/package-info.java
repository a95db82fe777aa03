/**
 * Bytecode compiled once and saved: {@link dev.qjs.internal.bytecode.BytecodeCompiler} compiles
 * scripts and modules in a runtime of its own, {@link dev.qjs.internal.bytecode.BytecodeFormat}
 * writes and verifies the authenticated saved form (HMAC-SHA256, versions) before any byte of it
 * reaches QuickJS. Behind {@code dev.qjs.Bytecode}; not an API.
 */
@NullMarked
package dev.qjs.internal.bytecode;

import org.jspecify.annotations.NullMarked;
