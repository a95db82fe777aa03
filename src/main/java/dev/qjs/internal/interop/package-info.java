/**
 * Host interop: how Java and JavaScript meet at the level of types. Here live the rules that
 * turn one side's callables into the other's: which method of an interface a JavaScript
 * function stands for, and the Java proxies that implement an interface by calling into a
 * script. Not an API.
 */
@NullMarked
package dev.qjs.internal.interop;

import org.jspecify.annotations.NullMarked;
