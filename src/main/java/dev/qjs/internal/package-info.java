/** The runtime behind the public API: native binding, value encoding, realms. Not an API. */
@NullMarked
package dev.qjs.internal;

import org.jspecify.annotations.NullMarked;
