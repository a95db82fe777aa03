package dev.qjs.internal.debug;

/**
 * One JavaScript frame of a paused engine.
 *
 * @param index 0 for the innermost frame
 * @param function the function's name, {@code <anonymous>} or {@code <eval>} for top-level code
 * @param source the script's {@code FILENAME} or module id
 * @param line 1-based line
 * @param column 1-based column
 */
public record DebugFrame(int index, String function, String source, int line, int column) {}
