/**
 * The crossing into the shim: the JNA direct mapping and the protocol constants of
 * {@code qjs_shim.h} ({@link dev.qjs.internal.bridge.QuickJsNative}, checked against the header by
 * a test), and the mailbox of slots each runtime shares with native code. Not an API.
 */
@NullMarked
package dev.qjs.internal.bridge;

import org.jspecify.annotations.NullMarked;
