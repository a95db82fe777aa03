package dev.qjs.internal.debug;

/**
 * A line breakpoint as the engine resolved it.
 *
 * @param id stable for the breakpoint's life, unique in the process
 * @param requestedLine the line the client asked for
 * @param line the line it stops at (the next line with code), or the requested line when not
 *     verified
 * @param verified true when code at {@code line} is loaded
 */
public record LineBreakpoint(int id, int requestedLine, int line, boolean verified) {}
