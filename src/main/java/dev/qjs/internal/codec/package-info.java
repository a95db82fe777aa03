/**
 * The value encoding between Java and the shim, both directions side by side: {@link
 * dev.qjs.internal.codec.ValueWriter} and {@link dev.qjs.internal.codec.ValueReader}, the
 * references they ask the runtime for, and JSON text. Not an API.
 */
@NullMarked
package dev.qjs.internal.codec;

import org.jspecify.annotations.NullMarked;
