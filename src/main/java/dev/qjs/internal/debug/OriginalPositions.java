package dev.qjs.internal.debug;

import dev.qjs.internal.diagnostics.PositionMapper;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Where the debugger's generated positions came from, by the runtime's source maps: the
 * original position a frame shows, and which original lines a function's stop lines begin (so a
 * breakpoint set in a TypeScript file stops in the JavaScript compiled from it). A generated
 * line stands for the original of its first mapped position: the debugger stops at lines, and
 * that is the statement that begins the line.
 */
final class OriginalPositions {
  private OriginalPositions() {}

  /**
   * A frame, moved to its original position when a map covers it.
   *
   * @param atLineStart the frame is stopped at the start of its line (a breakpoint or a step):
   *     the line's origin is what its breakpoints resolved to; else the position's own
   */
  static DebugFrame frame(@Nullable PositionMapper m, int index, String function, String source,
      int line, int column, boolean atLineStart) {
    if (m == null) {
      return new DebugFrame(index, function, source, line, column);
    }
    PositionMapper.Original at = atLineStart ? null : m.original(source, line, Math.max(column, 1));
    PositionMapper.Original o = at != null ? at : m.lineOrigin(source, line);
    if (o == null && atLineStart) {
      o = m.original(source, line, Math.max(column, 1));
    }
    return o == null
        ? new DebugFrame(index, function, source, line, column)
        : new DebugFrame(index, function, o.file(), o.line(), Math.max(o.column(), 1), source, line);
  }

  /**
   * The original code lines of a function's generated ones, by original source, each with the
   * first generated line that begins it (a statement split over generated lines stops once).
   *
   * @param generated the script's name as QuickJS gives it
   * @param lines the generated lines where the function's statements begin
   * @return original source (canonical, see {@link SourceNames}) → original line → generated
   *     line; empty when the script has no map
   */
  static Map<String, NavigableMap<Integer, Integer>> codeLines(@Nullable PositionMapper m,
      String generated, int[] lines) {
    if (m == null || lines.length == 0 || !m.maps(generated)) {
      return Map.of();
    }
    Map<String, String> canonical = new HashMap<>();
    Map<String, NavigableMap<Integer, Integer>> out = new HashMap<>();
    for (int line : lines) {
      PositionMapper.Original o = m.lineOrigin(generated, line);
      if (o == null) {
        continue; // the compiler's own code (a helper): no original line to stop at
      }
      String source = canonical.computeIfAbsent(o.file(), SourceNames::canonical);
      out.computeIfAbsent(source, s -> new TreeMap<>()).merge(o.line(), line, Math::min);
    }
    return out;
  }
}
