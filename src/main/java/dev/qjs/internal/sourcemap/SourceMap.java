package dev.qjs.internal.sourcemap;

import org.jspecify.annotations.Nullable;

/**
 * One source map, regular or index map: a regular map is one section at offset 0:0, an index
 * map ({@code sections}) several, each with its own sources, names and mappings, sorted by
 * offset. A section's {@code mappings} are decoded on its first lookup (and the text is dropped
 * then), so registering a map costs only its JSON parse. Thread-safe.
 *
 * <pre>{@code
 * SourceMap map = SourceMapJson.read(json, "dist/app.js.map");
 * OriginalPosition p = map.lookup(0, 42); // generated line 1, UTF-16 column 42 (both 0-based)
 * }</pre>
 */
final class SourceMap {
  private final @Nullable String file;
  private final int[] offsetLines;
  private final int[] offsetColumns;
  private final Section[] sections;

  SourceMap(@Nullable String file, int[] offsetLines, int[] offsetColumns, Section[] sections) {
    this.file = file;
    this.offsetLines = offsetLines;
    this.offsetColumns = offsetColumns;
    this.sections = sections;
  }

  /** The map's {@code file} field (the generated file's name as the compiler saw it). */
  @Nullable String file() {
    return file;
  }

  int sectionCount() {
    return sections.length;
  }

  /**
   * The original position of a generated one, or null when no segment covers it (no segment on
   * that line at or before the column, a one-field segment, or a null source).
   *
   * @param line 0-based generated line
   * @param column 0-based generated column, UTF-16 units
   * @throws InvalidSourceMapException when the mappings this lookup needs are malformed
   */
  @Nullable OriginalPosition lookup(int line, int column) throws InvalidSourceMapException {
    if (line < 0 || column < 0) {
      return null;
    }
    int s = sectionAt(line, column);
    // a section starting mid-line: the line's start belongs to the sections before it
    for (; s >= 0; s--) {
      int relativeLine = line - offsetLines[s];
      int relativeColumn = relativeLine == 0 ? column - offsetColumns[s] : column;
      Section section = sections[s];
      Mappings mappings = section.mappings();
      int segment = mappings.segmentAt(relativeLine, relativeColumn);
      if (segment != Mappings.NONE) {
        return section.position(mappings, segment);
      }
      if (relativeLine != 0 || offsetColumns[s] == 0) {
        return null;
      }
    }
    return null;
  }

  /**
   * Where a generated line's code came from: the first segment of the line that maps to a
   * source (a debugger stops at whole lines, and a line's first mapped segment is the statement
   * that begins it), or null when nothing on the line maps.
   *
   * @param line 0-based generated line
   * @throws InvalidSourceMapException when the mappings this lookup needs are malformed
   */
  @Nullable OriginalPosition lineOrigin(int line) throws InvalidSourceMapException {
    if (line < 0) {
      return null;
    }
    // the sections that cover part of the line: the one covering its start, then any that
    // start further along it
    int first = Math.max(sectionAt(line, 0), 0);
    for (int s = first; s < sections.length && offsetLines[s] <= line; s++) {
      int relativeLine = line - offsetLines[s];
      if (relativeLine < 0) {
        continue;
      }
      Section section = sections[s];
      Mappings mappings = section.mappings();
      int segment = mappings.firstMappedFrom(relativeLine, 0);
      while (segment != Mappings.NONE) {
        OriginalPosition p = section.position(mappings, segment);
        if (p != null) {
          return p;
        }
        segment = mappings.firstMappedFrom(relativeLine, mappings.generatedColumn(segment) + 1);
      }
    }
    return null;
  }

  /** The text of {@code source} (a resolved name as lookups return it), if the map has it. */
  @Nullable String sourceContent(String source) {
    for (Section section : sections) {
      String content = section.content(source);
      if (content != null) {
        return content;
      }
    }
    return null;
  }

  /** The last section whose offset is at or before the position, or -1. */
  private int sectionAt(int line, int column) {
    int lo = 0;
    int hi = sections.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      boolean atOrBefore =
          offsetLines[mid] < line || (offsetLines[mid] == line && offsetColumns[mid] <= column);
      if (atOrBefore) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** A regular map's data: its resolved sources, their contents and ignore flags, names. */
  static final class Section {
    private final @Nullable String[] sources;
    private final @Nullable String[] contents;
    private final boolean[] ignored;
    private final String[] names;
    private @Nullable String encoded;
    private @Nullable Mappings decoded;

    Section(
        @Nullable String[] sources,
        @Nullable String[] contents,
        boolean[] ignored,
        String[] names,
        String mappings) {
      this.sources = sources;
      this.contents = contents;
      this.ignored = ignored;
      this.names = names;
      this.encoded = mappings;
    }

    /** The decoded mappings, decoding them the first time (once, even under races). */
    synchronized Mappings mappings() throws InvalidSourceMapException {
      Mappings m = decoded;
      if (m == null) {
        String text = encoded;
        if (text == null) {
          throw new IllegalStateException("mappings neither encoded nor decoded");
        }
        m = Mappings.decode(text, sources.length, names.length);
        decoded = m;
        encoded = null;
      }
      return m;
    }

    @Nullable OriginalPosition position(Mappings mappings, int segment) {
      int src = mappings.source(segment);
      if (src == Mappings.NONE) {
        return null;
      }
      String source = sources[src];
      if (source == null) {
        return null; // the spec's null source: the origin is unknown
      }
      int name = mappings.name(segment);
      return new OriginalPosition(
          source,
          oneBased(mappings.originalLine(segment)),
          oneBased(mappings.originalColumn(segment)),
          name == Mappings.NONE ? null : names[name],
          ignored[src]);
    }

    private static int oneBased(int zeroBased) {
      return zeroBased == Integer.MAX_VALUE ? zeroBased : zeroBased + 1;
    }

    @Nullable String content(String source) {
      for (int i = 0; i < sources.length; i++) {
        if (source.equals(sources[i]) && contents[i] != null) {
          return contents[i];
        }
      }
      return null;
    }
  }
}
