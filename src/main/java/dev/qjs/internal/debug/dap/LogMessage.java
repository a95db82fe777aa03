package dev.qjs.internal.debug.dap;

import dev.qjs.internal.debug.DebugEvaluationException;
import dev.qjs.internal.debug.PausedEngine;
import java.util.ArrayList;
import java.util.List;

/**
 * A logpoint's message: text with {@code {expression}} parts evaluated in the paused top frame;
 * {@code {{} and {@code }}} are literal braces. An expression that fails shows its error.
 */
final class LogMessage {
  private final List<String> parts; // even indices: text, odd: expressions

  private LogMessage(List<String> parts) {
    this.parts = parts;
  }

  static LogMessage parse(String template) {
    List<String> parts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if ((c == '{' || c == '}') && i + 1 < template.length() && template.charAt(i + 1) == c) {
        text.append(c);
        i += 2;
      } else if (c == '{') {
        int depth = 1;
        int j = i + 1;
        while (j < template.length() && depth > 0) {
          char d = template.charAt(j);
          depth += d == '{' ? 1 : d == '}' ? -1 : 0;
          j++;
        }
        if (depth > 0) { // unbalanced: the rest is text
          text.append(template, i, template.length());
          break;
        }
        parts.add(text.toString());
        text.setLength(0);
        parts.add(template.substring(i + 1, j - 1));
        i = j;
      } else {
        text.append(c);
        i++;
      }
    }
    parts.add(text.toString());
    return new LogMessage(parts);
  }

  /** The message with its expressions evaluated in {@code paused}'s top frame. */
  String format(PausedEngine paused) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < parts.size(); i++) {
      if (i % 2 == 0) {
        s.append(parts.get(i));
        continue;
      }
      try {
        s.append(paused.evaluate(0, parts.get(i)).value());
      } catch (DebugEvaluationException e) {
        s.append('<').append(e.getMessage()).append('>');
      }
    }
    return s.toString();
  }
}
