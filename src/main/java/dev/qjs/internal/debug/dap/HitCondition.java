package dev.qjs.internal.debug.dap;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A breakpoint's hit condition: {@code N} or {@code >=N} (stop from the Nth hit on), {@code >N},
 * {@code ==N} or {@code =N} (only the Nth), {@code <N}, {@code <=N}, {@code %N} (every Nth).
 */
record HitCondition(String op, long n) {
  private static final Pattern FORM = Pattern.compile("\\s*(>=|<=|==|=|>|<|%)?\\s*(\\d{1,15})\\s*");

  /**
   * Parses a hit condition.
   *
   * @throws RequestFailedException when the text is none of the forms
   */
  static HitCondition parse(String text) throws RequestFailedException {
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      throw new RequestFailedException(
          "hit condition \"" + text + "\" is none of N, >=N, >N, ==N, <N, <=N, %N");
    }
    String op = m.group(1) == null ? ">=" : m.group(1);
    long n = Long.parseLong(m.group(2));
    if (op.equals("%") && n == 0) {
      throw new RequestFailedException("hit condition %0 divides by zero");
    }
    return new HitCondition(op.equals("=") ? "==" : op, n);
  }

  /** Whether the breakpoint stops at its {@code hits}th hit (1 for the first). */
  boolean stopsAt(long hits) {
    return switch (op) {
      case ">=" -> hits >= n;
      case ">" -> hits > n;
      case "<" -> hits < n;
      case "<=" -> hits <= n;
      case "%" -> hits % n == 0;
      default -> hits == n;
    };
  }
}
