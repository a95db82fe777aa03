/**
 * Host interop: everything about how Java objects and JavaScript functions stand in for each
 * other. The package owns the rules at that boundary: calls from scripts into Java objects and
 * their members, and the Java objects that call into scripts, such as the single functional
 * method an interface offers a JavaScript function and the proxy that implements interfaces
 * with script functions ({@code new Runnable(fn)}, {@code Java.extend}), and the member view of
 * a {@code DynamicObject}. Not an API.
 */
@NullMarked
package dev.qjs.internal.interop;

import org.jspecify.annotations.NullMarked;
