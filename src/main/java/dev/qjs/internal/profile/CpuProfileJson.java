package dev.qjs.internal.profile;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a profile as Chrome's {@code .cpuprofile} JSON (the DevTools protocol's {@code
 * Profiler.Profile}): {@code nodes} (id, callFrame with 0-based lineNumber and columnNumber,
 * hitCount, children, positionTicks with 1-based lines), {@code startTime} and {@code endTime}
 * in microseconds, {@code samples} (node ids) and {@code timeDeltas} (microseconds since the
 * previous sample: the time the sample stands for).
 */
public final class CpuProfileJson {
  private CpuProfileJson() {}

  public static void write(ProfileData p, Writer w) throws IOException {
    int nodes = p.nodeCount();
    List<List<Integer>> children = new ArrayList<>(nodes);
    int[] hits = new int[nodes];
    List<Map<Integer, Integer>> ticks = new ArrayList<>(nodes);
    for (int i = 0; i < nodes; i++) {
      children.add(new ArrayList<>());
      ticks.add(null);
    }
    for (int i = 1; i < nodes; i++) {
      children.get(p.parent(i)).add(i);
    }
    for (int i = 0; i < p.sampleCount(); i++) {
      int n = p.sampleNode(i);
      hits[n]++;
      int line = p.sampleLine(i);
      if (line > 0 && p.frameOf(n) >= 0 && p.frames().get(p.frameOf(n)).kind() == ProfileData.JS) {
        Map<Integer, Integer> t = ticks.get(n);
        if (t == null) {
          t = new HashMap<>();
          ticks.set(n, t);
        }
        t.merge(line, 1, Integer::sum);
      }
    }
    Map<String, Integer> scriptIds = new HashMap<>();
    for (ProfileData.Frame f : p.frames()) {
      if (!f.file().isEmpty()) {
        scriptIds.putIfAbsent(f.file(), scriptIds.size() + 1);
      }
    }
    w.write("{\"nodes\":[");
    for (int i = 0; i < nodes; i++) {
      if (i > 0) {
        w.write(',');
      }
      int f = p.frameOf(i);
      ProfileData.Frame frame = f < 0 ? null : p.frames().get(f);
      w.write("{\"id\":" + (i + 1) + ",\"callFrame\":{\"functionName\":");
      string(w, frame == null ? "(root)" : frame.name());
      w.write(",\"scriptId\":\"" + (frame == null || frame.file().isEmpty() ? 0 : scriptIds.getOrDefault(frame.file(), 0)) + "\",\"url\":");
      string(w, frame == null ? "" : frame.file());
      int line = frame == null || frame.line() <= 0 ? -1 : frame.line() - 1;
      int column = frame == null || frame.column() <= 0 ? -1 : frame.column() - 1;
      w.write(",\"lineNumber\":" + line + ",\"columnNumber\":" + column + "},\"hitCount\":" + hits[i]);
      if (!children.get(i).isEmpty()) {
        w.write(",\"children\":[");
        List<Integer> c = children.get(i);
        for (int k = 0; k < c.size(); k++) {
          w.write((k > 0 ? "," : "") + (c.get(k) + 1));
        }
        w.write(']');
      }
      Map<Integer, Integer> t = ticks.get(i);
      if (t != null) {
        w.write(",\"positionTicks\":[");
        boolean first = true;
        for (Map.Entry<Integer, Integer> e : t.entrySet()) {
          w.write((first ? "" : ",") + "{\"line\":" + e.getKey() + ",\"ticks\":" + e.getValue() + "}");
          first = false;
        }
        w.write(']');
      }
      w.write('}');
    }
    long start = p.startMicros();
    w.write("],\"startTime\":" + start + ",\"endTime\":" + (start + p.totalMicros()) + ",\"samples\":[");
    for (int i = 0; i < p.sampleCount(); i++) {
      w.write((i > 0 ? "," : "") + (p.sampleNode(i) + 1));
    }
    w.write("],\"timeDeltas\":[");
    for (int i = 0; i < p.sampleCount(); i++) {
      w.write((i > 0 ? "," : "") + p.sampleMicros(i));
    }
    w.write("]}");
    w.flush();
  }

  /** A JSON string. */
  static void string(Writer w, String s) throws IOException {
    w.write('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> w.write("\\\"");
        case '\\' -> w.write("\\\\");
        case '\n' -> w.write("\\n");
        case '\r' -> w.write("\\r");
        case '\t' -> w.write("\\t");
        default -> {
          if (c < 0x20 || Character.isSurrogate(c) && !validPair(s, i)) {
            w.write(String.format("\\u%04x", (int) c));
          } else {
            w.write(c);
          }
        }
      }
    }
    w.write('"');
  }

  private static boolean validPair(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
