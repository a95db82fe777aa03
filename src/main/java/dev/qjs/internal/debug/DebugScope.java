package dev.qjs.internal.debug;

/**
 * A scope of a paused frame.
 *
 * @param name "Locals", "Closure", "this" or "Global"
 * @param reference its variables reference, for {@link PausedEngine#variables}
 * @param expensive true when expanding it may be slow (the global scope)
 */
public record DebugScope(String name, long reference, boolean expensive) {}
