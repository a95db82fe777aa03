package dev.qjs.internal.profile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The time of each frame of a profile: self (the samples it was the innermost frame of) and total
 * (the samples it was anywhere on the stack of, counted once per sample even when recursive).
 */
public final class FunctionTimes {
  /** One frame's times, in microseconds, and its samples as innermost frame. */
  public record Entry(ProfileData.Frame frame, long selfMicros, long totalMicros, long selfSamples) {}

  private FunctionTimes() {}

  /** Every frame that has time, by self time then total time, largest first. */
  public static List<Entry> of(ProfileData p) {
    int frames = p.frames().size();
    long[] self = new long[frames];
    long[] total = new long[frames];
    long[] hits = new long[frames];
    int[] seenAt = new int[frames];
    java.util.Arrays.fill(seenAt, -1);
    for (int i = 0; i < p.sampleCount(); i++) {
      int node = p.sampleNode(i);
      long us = p.sampleMicros(i);
      if (node > 0) {
        int leaf = p.frameOf(node);
        self[leaf] += us;
        hits[leaf]++;
      }
      for (int n = node; n > 0; n = p.parent(n)) {
        int f = p.frameOf(n);
        if (seenAt[f] != i) {
          seenAt[f] = i;
          total[f] += us;
        }
      }
    }
    List<Entry> out = new ArrayList<>();
    for (int f = 0; f < frames; f++) {
      if (total[f] > 0 || hits[f] > 0) {
        out.add(new Entry(p.frames().get(f), self[f], total[f], hits[f]));
      }
    }
    out.sort(Comparator.comparingLong(Entry::selfMicros).thenComparingLong(Entry::totalMicros).reversed());
    return out;
  }
}
