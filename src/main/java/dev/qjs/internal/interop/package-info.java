/**
 * Java objects seen from JavaScript: the host-call dispatcher, the members a script sees of a
 * Java object, overload choice and argument conversion, the {@code Java} global, the table of
 * Java objects JavaScript holds, and script failures coming back out of Java. Not an API.
 */
@NullMarked
package dev.qjs.internal.interop;

import org.jspecify.annotations.NullMarked;
