package dev.qjs.internal.diagnostics;

import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * The lines around a failing position with a caret under its column, as a compiler shows them:
 *
 * <pre>
 *   3 | function total(o) {
 * > 4 |   return o.items.length;
 *     |                  ^
 *   5 | }
 * </pre>
 */
public final class CodeFrame {
  /** Lines shown before and after the failing one. */
  static final int CONTEXT = 2;
  /** Characters shown of a line; a longer one is cut around the column. */
  static final int WIDTH = 160;

  private CodeFrame() {}

  /**
   * The frame of a whole source text, or null when it has no such line.
   *
   * @param source the whole source text
   * @param line 1-based
   * @param column 1-based, or -1 for no caret
   */
  public static @Nullable String render(String source, int line, int column) {
    String[] lines = source.split("\r\n|\r|\n", -1);
    return render(n -> n >= 1 && n <= lines.length ? lines[n - 1] : null, line, column);
  }

  /**
   * The frame of a source read line by line, or null when it has no such line.
   *
   * @param lineAt a 1-based line's text, or null past the end
   * @param line 1-based
   * @param column 1-based, or -1 for no caret
   */
  public static @Nullable String render(IntFunction<@Nullable String> lineAt, int line, int column) {
    if (line < 1 || lineAt.apply(line) == null) {
      return null;
    }
    int first = Math.max(1, line - CONTEXT);
    int last = line;
    while (last < line + CONTEXT && lineAt.apply(last + 1) != null) {
      last++;
    }
    int width = String.valueOf(last).length();
    StringBuilder out = new StringBuilder();
    for (int n = first; n <= last; n++) {
      String text = lineAt.apply(n);
      if (text == null) {
        continue;
      }
      int shift = 0;
      if (text.length() > WIDTH) {
        shift = n == line && column > WIDTH / 2 ? Math.min(column - WIDTH / 2, text.length() - WIDTH) : 0;
        text = (shift > 0 ? "…" : "") + text.substring(shift, shift + WIDTH) + "…";
        shift = shift > 0 ? shift - 1 : 0;
      }
      out.append(n == line ? "> " : "  ")
          .append(" ".repeat(width - String.valueOf(n).length())).append(n).append(" | ").append(text)
          .append('\n');
      if (n == line && column > 0) {
        out.append("  ").append(" ".repeat(width)).append(" | ");
        for (int i = 0; i < column - 1 - shift && i < text.length(); i++) {
          out.append(text.charAt(i) == '\t' ? '\t' : ' ');
        }
        out.append("^\n");
      }
    }
    return out.toString();
  }
}
