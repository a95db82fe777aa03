package dev.qjs.internal.sourcemap;

import java.util.Arrays;

/**
 * Turns the columns QuickJS reports into the ones source maps use. QuickJS counts a line's
 * characters in code points, from 1 ({@code get_line_col} in quickjs.c counts the UTF-8 bytes
 * that start a character); maps count UTF-16 units from 0. The two differ only after an astral
 * character (a surrogate pair: one code point, two units), so the index records, for the few
 * lines that have one, the code-point columns where astral characters sit; every other line
 * converts by subtracting 1. Lines are split at {@code \n} only, as QuickJS splits them.
 *
 * <pre>{@code
 * GeneratedColumns columns = GeneratedColumns.of(source);
 * int utf16 = columns.utf16Column(3, 17); // line 3 (1-based), QuickJS column 17 (1-based)
 * }</pre>
 */
final class GeneratedColumns {
  private static final GeneratedColumns ALL_BMP = new GeneratedColumns(new int[0], new int[0][]);

  /** The 0-based lines that hold an astral character, ascending. */
  private final int[] astralLines;

  /** For each of them, the 0-based code-point columns of its astral characters, ascending. */
  private final int[][] astralColumns;

  private GeneratedColumns(int[] astralLines, int[][] astralColumns) {
    this.astralLines = astralLines;
    this.astralColumns = astralColumns;
  }

  /** The index of a generated source: one pass over its chars, nothing kept of the text. */
  static GeneratedColumns of(String source) {
    int first = firstSurrogatePair(source);
    if (first < 0) {
      return ALL_BMP;
    }
    int[] lines = new int[4];
    int[][] columns = new int[4][];
    int count = 0;
    int line = 0;
    int column = 0;
    int[] current = new int[4];
    int currentCount = 0;
    int n = source.length();
    for (int i = 0; i < n; i++) {
      char c = source.charAt(i);
      if (c == '\n') {
        if (currentCount > 0) {
          if (count == lines.length) {
            lines = Arrays.copyOf(lines, count * 2);
            columns = Arrays.copyOf(columns, count * 2);
          }
          lines[count] = line;
          columns[count++] = Arrays.copyOf(current, currentCount);
          currentCount = 0;
        }
        line++;
        column = 0;
        continue;
      }
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(source.charAt(i + 1))) {
        if (currentCount == current.length) {
          current = Arrays.copyOf(current, currentCount * 2);
        }
        current[currentCount++] = column;
        i++;
      }
      column++;
    }
    if (currentCount > 0) {
      if (count == lines.length) {
        lines = Arrays.copyOf(lines, count + 1);
        columns = Arrays.copyOf(columns, count + 1);
      }
      lines[count] = line;
      columns[count++] = Arrays.copyOf(current, currentCount);
    }
    return new GeneratedColumns(Arrays.copyOf(lines, count), Arrays.copyOf(columns, count));
  }

  private static int firstSurrogatePair(String s) {
    for (int i = 0, n = s.length() - 1; i < n; i++) {
      if (Character.isHighSurrogate(s.charAt(i)) && Character.isLowSurrogate(s.charAt(i + 1))) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The 0-based UTF-16 column of a QuickJS column.
   *
   * @param line 1-based line
   * @param codePointColumn 1-based column in code points, as QuickJS reports it (values below 1,
   *     meaning unknown, give column 0)
   */
  int utf16Column(int line, int codePointColumn) {
    int column = Math.max(0, codePointColumn - 1);
    int at = Arrays.binarySearch(astralLines, line - 1);
    if (at < 0) {
      return column;
    }
    int[] astral = astralColumns[at];
    // each astral character before the column adds one unit
    int before = Arrays.binarySearch(astral, column);
    int count = before >= 0 ? before : -before - 1;
    return (int) Math.min(Integer.MAX_VALUE, (long) column + count);
  }

  /** Lines that differ between the two counts (for tests: the common case keeps none). */
  int astralLineCount() {
    return astralLines.length;
  }
}
