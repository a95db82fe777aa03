package dev.qjs.internal.sourcemap;

import org.jspecify.annotations.Nullable;

/**
 * Where a generated position came from, as a source map says.
 *
 * <pre>{@code
 * OriginalPosition p = sourceMaps.map("dist/app.js", 1, 1042);
 * if (p != null) frame = p.source() + ":" + p.line() + ":" + p.column(); // src/cart.ts:17:5
 * }</pre>
 *
 * @param source the original file, resolved against the map's {@code sourceRoot} and location
 * @param line 1-based line in {@code source}
 * @param column 1-based column in UTF-16 units, so it reads like the engine's generated columns
 * @param name the original name at that position (for a function: its name before minifying),
 *     or null when the map gives none
 * @param ignored whether the map's {@code ignoreList} marks {@code source} as third-party code
 *     that debuggers and profilers may hide
 */
public record OriginalPosition(
    String source, int line, int column, @Nullable String name, boolean ignored) {}
