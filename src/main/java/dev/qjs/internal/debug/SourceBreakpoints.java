package dev.qjs.internal.debug;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The breakpoints of one source and the lines where its loaded code begins statements: a
 * breakpoint stops at the first such line at or after the line asked for. Guarded by the
 * debugger's lock.
 */
final class SourceBreakpoints {
  private static final AtomicInteger IDS = new AtomicInteger();

  /** The lines asked for, in the client's order, with their ids. */
  private final List<int[]> wanted = new ArrayList<>();
  /** Lines of loaded code that begin a statement. */
  private final NavigableSet<Integer> codeLines = new TreeSet<>();

  /** Replaces the breakpoints. */
  List<LineBreakpoint> set(List<Integer> lines) {
    wanted.clear();
    for (int line : lines) {
      wanted.add(new int[] {IDS.incrementAndGet(), line});
    }
    return resolved();
  }

  /**
   * Adds lines of code that loaded.
   *
   * @return true when a breakpoint now resolves differently
   */
  boolean addCodeLines(int[] lines) {
    List<LineBreakpoint> before = resolved();
    for (int line : lines) {
      codeLines.add(line);
    }
    return !wanted.isEmpty() && !before.equals(resolved());
  }

  /** The breakpoints as they resolve now. */
  List<LineBreakpoint> resolved() {
    List<LineBreakpoint> out = new ArrayList<>(wanted.size());
    for (int[] w : wanted) {
      Integer at = codeLines.ceiling(w[1]);
      out.add(at == null
          ? new LineBreakpoint(w[0], w[1], w[1], false)
          : new LineBreakpoint(w[0], w[1], at, true));
    }
    return out;
  }

  /** The lines where a verified breakpoint stops. */
  int[] stopLines() {
    return resolved().stream().filter(LineBreakpoint::verified).mapToInt(LineBreakpoint::line)
        .distinct().toArray();
  }

  boolean isEmpty() {
    return wanted.isEmpty();
  }
}
