/**
 * One QuickJS runtime and what it owns: the operations on one call template, the lock and the
 * native state, handles and mirrors, realms and the Bindings over them, compiled programs, limits,
 * and the reading of script failures. Not an API.
 */
@NullMarked
package dev.qjs.internal.runtime;

import org.jspecify.annotations.NullMarked;
