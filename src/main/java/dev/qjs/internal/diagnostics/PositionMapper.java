package dev.qjs.internal.diagnostics;

import org.jspecify.annotations.Nullable;

/** Where a generated position came from: the engine's source maps. */
public interface PositionMapper {
  /**
   * The original of a position QuickJS reports.
   *
   * @param file the generated file, as QuickJS names it
   * @param line 1-based
   * @param column 1-based, in code points (QuickJS's unit)
   * @return the original position, or null when no map covers it
   */
  @Nullable Original original(String file, int line, int column);

  /**
   * Where the code of a generated line came from: the original of the line's first mapped
   * position (a debugger stops at lines).
   *
   * @param file the generated file, as QuickJS names it
   * @param line 1-based
   * @return the original position, or null when nothing on the line maps
   */
  @Nullable Original lineOrigin(String file, int line);

  /**
   * Whether a generated file has a map that can be read: its positions without an original are
   * generated code of its own (a compiler's helpers), not code the map does not know.
   */
  boolean maps(String file);

  /**
   * The original name of the function defined at a generated position (a minifier renames
   * functions; the map's names say what they were called).
   *
   * @return the name, or null when the map gives none
   */
  @Nullable String functionName(String file, int line, int column);

  /**
   * A line of an original source, when its map carries the source ({@code sourcesContent}).
   *
   * @return the line's text; null when not known or past the end
   */
  @Nullable String originalLine(String originalFile, int line);

  /**
   * The whole text of an original source, when its map carries it ({@code sourcesContent}): a
   * debugger shows it for a source that is no file.
   *
   * @return the text; null when not known
   */
  @Nullable String originalText(String originalFile);

  /** An original position: its file, 1-based line and UTF-16 column, and the name there, if any. */
  record Original(String file, int line, int column, @Nullable String name) {}
}
