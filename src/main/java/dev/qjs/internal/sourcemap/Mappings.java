package dev.qjs.internal.sourcemap;

import java.util.Arrays;

/**
 * A decoded {@code mappings} string: every segment as five ints in one array (a bundle can have
 * millions of segments, so no object per segment), and where each generated line's segments
 * start. Within a line, segments are sorted by generated column so that a lookup is a binary
 * search. Immutable once decoded.
 *
 * <p>Encoding (ECMA-426, "Mappings structure"): lines separated by {@code ;}, segments by
 * {@code ,}; a segment is 1, 4 or 5 Base64 VLQ values: generated column (relative to the
 * previous segment on the same line), then source index, original line, original column (each
 * relative to the previous segment that had one, across lines), then name index (relative to
 * the previous name). Every running value must stay within 0 .. 2^31-1 and every index within
 * its array; anything else is refused with what was wrong and at which character.
 */
final class Mappings {
  /** No source (a one-field segment: generated code that maps to nothing) or no name. */
  static final int NONE = -1;

  private static final int GEN_COL = 0;
  private static final int SOURCE = 1;
  private static final int ORIG_LINE = 2;
  private static final int ORIG_COL = 3;
  private static final int NAME = 4;
  private static final int STRIDE = 5;

  private static final int[] BASE64 = new int[128];

  static {
    Arrays.fill(BASE64, -1);
    String digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < digits.length(); i++) {
      BASE64[digits.charAt(i)] = i;
    }
  }

  /** Segment k's fields at {@code segments[k * STRIDE + field]}. */
  private final int[] segments;

  /** Line l's segments are {@code lineStarts[l] .. lineStarts[l + 1] - 1}. */
  private final int[] lineStarts;

  private Mappings(int[] segments, int[] lineStarts) {
    this.segments = segments;
    this.lineStarts = lineStarts;
  }

  /** Generated lines the mappings describe (the last one may be empty). */
  int lineCount() {
    return lineStarts.length - 1;
  }

  /** Segments in all. */
  int segmentCount() {
    return lineStarts[lineStarts.length - 1];
  }

  /**
   * The segment covering a generated position: the last one on {@code line} whose column is at
   * most {@code column}. None when the line has no such segment (earlier lines are not
   * consulted: a segment covers the rest of its line only).
   *
   * @param line 0-based generated line
   * @param column 0-based generated column in UTF-16 units
   * @return the segment's index, or {@link #NONE}
   */
  int segmentAt(int line, int column) {
    if (line < 0 || line >= lineCount() || column < 0) {
      return NONE;
    }
    int lo = lineStarts[line];
    int hi = lineStarts[line + 1] - 1;
    int found = NONE;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (segments[mid * STRIDE + GEN_COL] <= column) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /**
   * The first segment of {@code line} (0-based) at or after {@code column} that maps to a
   * source, or {@link #NONE}: where the code that begins at that point of the line came from.
   */
  int firstMappedFrom(int line, int column) {
    if (line < 0 || line >= lineCount()) {
      return NONE;
    }
    for (int k = lineStarts[line]; k < lineStarts[line + 1]; k++) {
      if (segments[k * STRIDE + GEN_COL] >= column && segments[k * STRIDE + SOURCE] != NONE) {
        return k;
      }
    }
    return NONE;
  }

  /** The last segment of {@code line} (0-based), or {@link #NONE} when it has none. */
  int lastSegmentOf(int line) {
    if (line < 0 || line >= lineCount() || lineStarts[line + 1] == lineStarts[line]) {
      return NONE;
    }
    return lineStarts[line + 1] - 1;
  }

  int generatedColumn(int segment) {
    return segments[segment * STRIDE + GEN_COL];
  }

  /** The source index, or {@link #NONE} for a segment that maps to nothing. */
  int source(int segment) {
    return segments[segment * STRIDE + SOURCE];
  }

  /** 0-based original line (meaningless when {@link #source} is {@link #NONE}). */
  int originalLine(int segment) {
    return segments[segment * STRIDE + ORIG_LINE];
  }

  /** 0-based original column in UTF-16 units. */
  int originalColumn(int segment) {
    return segments[segment * STRIDE + ORIG_COL];
  }

  /** The name index, or {@link #NONE}. */
  int name(int segment) {
    return segments[segment * STRIDE + NAME];
  }

  /**
   * Decodes a {@code mappings} string.
   *
   * @param sourceCount how many {@code sources} the map has (source indices must be below it)
   * @param nameCount how many {@code names} it has
   */
  static Mappings decode(String mappings, int sourceCount, int nameCount)
      throws InvalidSourceMapException {
    return new Decoder(mappings, sourceCount, nameCount).run();
  }

  /** One decoding pass; its state is the running values of the relative encoding. */
  private static final class Decoder {
    private final String text;
    private final int sourceCount;
    private final int nameCount;
    private int pos;
    private int[] segments;
    private int[] lineStarts;
    private int segmentCount;
    private int lineCount;
    private long source;
    private long originalLine;
    private long originalColumn;
    private long name;

    Decoder(String text, int sourceCount, int nameCount) {
      this.text = text;
      this.sourceCount = sourceCount;
      this.nameCount = nameCount;
      // sized for typical maps (a segment takes 4 to 10 characters); grown as needed, and
      // never beyond what the text can hold, so a short hostile string cannot ask for much
      this.segments = new int[Math.max(STRIDE, Math.min(text.length() / 4, 1 << 20) * STRIDE)];
      this.lineStarts = new int[Math.max(2, Math.min(text.length() / 16, 1 << 16))];
    }

    Mappings run() throws InvalidSourceMapException {
      int n = text.length();
      int lineStart = 0;
      boolean sorted = true;
      startLine(0);
      long column = 0;
      while (pos < n) {
        char c = text.charAt(pos);
        if (c == ';') {
          if (!sorted) {
            sortLine(lineStart, segmentCount);
          }
          pos++;
          lineStart = segmentCount;
          sorted = true;
          column = 0;
          startLine(segmentCount);
          continue;
        }
        if (c == ',') {
          pos++; // an empty segment carries nothing; tolerated, as the reference decoders do
          continue;
        }
        int segmentStart = pos;
        column = running(column, vlq(), "generated column", segmentStart);
        int src = NONE;
        int line = 0;
        int col = 0;
        int nm = NONE;
        if (more()) {
          source = running(source, vlq(), "source index", segmentStart);
          if (source >= sourceCount) {
            throw at(segmentStart, "source index " + source + " is out of range: the map has "
                + sourceCount + " sources");
          }
          if (!more()) {
            throw at(segmentStart, "a segment has 2 fields; it must have 1, 4 or 5");
          }
          originalLine = running(originalLine, vlq(), "original line", segmentStart);
          if (!more()) {
            throw at(segmentStart, "a segment has 3 fields; it must have 1, 4 or 5");
          }
          originalColumn = running(originalColumn, vlq(), "original column", segmentStart);
          src = (int) source;
          line = (int) originalLine;
          col = (int) originalColumn;
          if (more()) {
            name = running(name, vlq(), "name index", segmentStart);
            if (name >= nameCount) {
              throw at(segmentStart, "name index " + name + " is out of range: the map has "
                  + nameCount + " names");
            }
            nm = (int) name;
            if (more()) {
              throw at(segmentStart, "a segment has more than 5 fields");
            }
          }
        }
        if (segmentCount > lineStart && segments[(segmentCount - 1) * STRIDE] > column) {
          sorted = false;
        }
        add((int) column, src, line, col, nm);
        if (pos < n && text.charAt(pos) == ',') {
          pos++;
        }
      }
      if (!sorted) {
        sortLine(lineStart, segmentCount);
      }
      startLine(segmentCount); // the end of the last line
      return new Mappings(
          Arrays.copyOf(segments, segmentCount * STRIDE), Arrays.copyOf(lineStarts, lineCount));
    }

    /** Whether another field follows in the current segment. */
    private boolean more() {
      if (pos >= text.length()) {
        return false;
      }
      char c = text.charAt(pos);
      return c != ',' && c != ';';
    }

    /** One Base64 VLQ value; ECMA-426 limits values to 32-bit signed integers. */
    private long vlq() throws InvalidSourceMapException {
      int start = pos;
      long value = 0;
      int shift = 0;
      int digit;
      do {
        if (pos >= text.length()) {
          throw at(start, "a Base64 VLQ value is cut off at the end of the mappings");
        }
        char c = text.charAt(pos);
        digit = c < 128 ? BASE64[c] : -1;
        if (digit < 0) {
          throw at(pos, "'" + printable(c) + "' is not a Base64 digit");
        }
        if (shift > 31) {
          throw at(start, "a Base64 VLQ value is longer than 32 bits");
        }
        value |= (long) (digit & 31) << shift;
        shift += 5;
        pos++;
      } while ((digit & 32) != 0);
      boolean negative = (value & 1) != 0;
      value >>>= 1;
      if (value > Integer.MAX_VALUE) {
        throw at(start, "a Base64 VLQ value exceeds 2^31-1");
      }
      if (negative) {
        // ECMA-426: "-0" stands for -2^31, the one value the sign bit cannot otherwise reach
        return value == 0 ? Integer.MIN_VALUE : -value;
      }
      return value;
    }

    private long running(long previous, long delta, String what, int segmentStart)
        throws InvalidSourceMapException {
      long value = previous + delta;
      if (value < 0) {
        throw at(segmentStart, "the " + what + " becomes negative (" + value + ")");
      }
      if (value > Integer.MAX_VALUE) {
        throw at(segmentStart, "the " + what + " exceeds 2^31-1");
      }
      return value;
    }

    private void startLine(int firstSegment) {
      if (lineCount == lineStarts.length) {
        lineStarts = Arrays.copyOf(lineStarts, grown(lineStarts.length));
      }
      lineStarts[lineCount++] = firstSegment;
    }

    private void add(int column, int src, int line, int col, int nm) {
      int at = segmentCount * STRIDE;
      if (at + STRIDE > segments.length) {
        segments = Arrays.copyOf(segments, grown(segments.length / STRIDE) * STRIDE);
      }
      segments[at + GEN_COL] = column;
      segments[at + SOURCE] = src;
      segments[at + ORIG_LINE] = line;
      segments[at + ORIG_COL] = col;
      segments[at + NAME] = nm;
      segmentCount++;
    }

    /** Spec allows a line's segments in any order; lookups need them by column (stable). */
    private void sortLine(int from, int to) {
      Integer[] order = new Integer[to - from];
      for (int i = 0; i < order.length; i++) {
        order[i] = from + i;
      }
      Arrays.sort(order, (a, b) -> Integer.compare(segments[a * STRIDE], segments[b * STRIDE]));
      int[] copy = Arrays.copyOfRange(segments, from * STRIDE, to * STRIDE);
      for (int i = 0; i < order.length; i++) {
        System.arraycopy(copy, (order[i] - from) * STRIDE, segments, (from + i) * STRIDE, STRIDE);
      }
    }

    private static int grown(int length) {
      long next = (long) length + (length >> 1) + 16;
      if (next > Integer.MAX_VALUE / STRIDE) {
        next = Integer.MAX_VALUE / STRIDE;
      }
      return (int) next;
    }

    private InvalidSourceMapException at(int index, String what) {
      return new InvalidSourceMapException(
          "invalid mappings at character " + index + " (generated line " + lineCount + "): "
              + what);
    }

    private static String printable(char c) {
      return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }
  }
}
