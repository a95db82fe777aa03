package dev.qjs.internal.diagnostics;

import dev.qjs.JsStackFrame;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The JavaScript stack as QuickJS writes it ({@code error.stack}): one {@code "    at f
 * (file:line:col)"} line per frame, {@code "    at f (native)"} for a native function,
 * {@code "    at <java> (native)"} where Java called into JavaScript again, and for a
 * syntax error first a line with the position alone ({@code "    at file:line:col"}). Read into
 * frames and written back in the same form.
 */
public final class StackText {
  /** The function name of the position-only line a syntax error starts with. */
  public static final String PARSE_FUNCTION = "<parse>";

  private StackText() {}

  /** The frames of a stack text, innermost first; lines that are no frame are skipped. */
  public static List<JsStackFrame> parse(@Nullable String stack) {
    List<JsStackFrame> frames = new ArrayList<>();
    if (stack == null) {
      return frames;
    }
    int at = 0;
    while (at < stack.length()) {
      int nl = stack.indexOf('\n', at);
      int end = nl < 0 ? stack.length() : nl;
      JsStackFrame f = parseLine(stack.substring(at, end));
      if (f != null) {
        frames.add(f);
      }
      at = end + 1;
    }
    return frames;
  }

  /** One line's frame, or null when the line is none ("... 3 more", text a script wrote). */
  public static @Nullable JsStackFrame parseLine(String line) {
    String s = line.strip();
    if (!s.startsWith("at ")) {
      return null;
    }
    s = s.substring(3);
    if (s.endsWith(")")) {
      int open = s.lastIndexOf(" (");
      if (open >= 0) {
        String name = s.substring(0, open);
        String where = s.substring(open + 2, s.length() - 1);
        if ("native".equals(where)) {
          return new JsStackFrame(name, null, -1, -1,
              JsStackFrame.JAVA_FUNCTION_NAME.equals(name) ? JsStackFrame.Kind.JAVA : JsStackFrame.Kind.NATIVE);
        }
        return located(name, where);
      }
    }
    return located(PARSE_FUNCTION, s);
  }

  /** A frame at "file:line:col", "file:line" or "file". */
  private static JsStackFrame located(String name, String where) {
    int line = -1;
    int column = -1;
    String file = where;
    int c2 = where.lastIndexOf(':');
    if (c2 > 0 && isNumber(where, c2 + 1, where.length())) {
      int c1 = where.lastIndexOf(':', c2 - 1);
      if (c1 > 0 && isNumber(where, c1 + 1, c2)) {
        file = where.substring(0, c1);
        line = Integer.parseInt(where.substring(c1 + 1, c2));
        column = Integer.parseInt(where.substring(c2 + 1));
      } else {
        file = where.substring(0, c2);
        line = Integer.parseInt(where.substring(c2 + 1));
      }
    }
    return new JsStackFrame(name, file, line, column, JsStackFrame.Kind.SCRIPT);
  }

  private static boolean isNumber(String s, int from, int to) {
    if (from >= to || to - from > 9) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** One frame as a stack line, with its newline. */
  public static void append(StringBuilder out, JsStackFrame f) {
    if (PARSE_FUNCTION.equals(f.getFunctionName()) && !f.isNative()) {
      out.append("    at ").append(f.getFileName());
      if (f.getLineNumber() > 0) {
        out.append(':').append(f.getLineNumber()).append(':').append(Math.max(f.getColumnNumber(), 0));
      }
      out.append('\n');
      return;
    }
    out.append("    ").append(f).append('\n');
  }
}
