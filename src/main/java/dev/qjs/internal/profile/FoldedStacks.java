package dev.qjs.internal.profile;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a profile as folded stacks, the input of flame graph tools ({@code flamegraph.pl},
 * speedscope, inferno): one line per distinct stack, outermost frame first, frames separated by
 * {@code ;}, then a space and the stack's samples. A frame is its function name, with {@code
 * file:line} of its definition when known; {@code ;} and line breaks in names become spaces.
 */
public final class FoldedStacks {
  private FoldedStacks() {}

  public static void write(ProfileData p, Writer w) throws IOException {
    Map<Integer, Long> counts = new LinkedHashMap<>();
    for (int i = 0; i < p.sampleCount(); i++) {
      counts.merge(p.sampleNode(i), 1L, Long::sum);
    }
    StringBuilder line = new StringBuilder();
    for (Map.Entry<Integer, Long> e : counts.entrySet()) {
      line.setLength(0);
      stack(p, e.getKey(), line);
      if (line.length() == 0) {
        line.append("(root)");
      }
      line.append(' ').append(e.getValue()).append('\n');
      w.write(line.toString());
    }
    w.flush();
  }

  private static void stack(ProfileData p, int node, StringBuilder out) {
    if (node <= 0) {
      return;
    }
    stack(p, p.parent(node), out);
    if (out.length() > 0) {
      out.append(';');
    }
    out.append(label(p.frames().get(p.frameOf(node))));
  }

  /** A frame as one folded-stack element. */
  public static String label(ProfileData.Frame f) {
    String s = f.file().isEmpty() || f.line() <= 0
        ? f.name()
        : f.name() + " " + f.file() + ":" + f.line();
    return s.replace(';', ' ').replace('\n', ' ').replace('\r', ' ');
  }
}
