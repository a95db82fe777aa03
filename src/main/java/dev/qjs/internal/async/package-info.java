/**
 * The asynchronous side of a runtime: timers, Java futures awaited by scripts, promises awaited
 * by Java, and the bridge that runs them under the runtime's lock at the end of each call and
 * on the event loop's workers. Not an API.
 */
@NullMarked
package dev.qjs.internal.async;

import org.jspecify.annotations.NullMarked;
