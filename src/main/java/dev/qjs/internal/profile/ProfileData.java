package dev.qjs.internal.profile;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A recorded CPU profile as the shim wrote it at {@code qjs_profile_stop} (layout in {@code
 * qjs_shim.h}), decoded: the distinct frames, the call tree (node 0 is the root; each other node
 * is a frame called from its parent), and the samples, each a node, the line its innermost
 * JavaScript frame was at, and the time it stands for. Positions are mapped when decoded.
 */
public final class ProfileData {
  /** Frame kinds, as the shim writes them. */
  public static final int JS = 0;
  public static final int NATIVE = 1;
  public static final int HOST = 2;
  public static final int OTHER = 3;

  /** A function as the profile shows it: 1-based line and column of its definition, 0 unknown. */
  public record Frame(String name, String file, int line, int column, int kind) {}

  private final List<Frame> frames;
  private final int[] parent;
  private final int[] frameOf;
  private final int[] sampleNode;
  private final int[] sampleLine;
  private final int[] sampleMicros;
  private final long startMicros;
  private final long intervalNanos;
  private final long dropped;
  private final long totalMicros;

  private ProfileData(List<Frame> frames, int[] parent, int[] frameOf, int[] sampleNode,
      int[] sampleLine, int[] sampleMicros, long startMicros, long intervalNanos, long dropped) {
    this.frames = frames;
    this.parent = parent;
    this.frameOf = frameOf;
    this.sampleNode = sampleNode;
    this.sampleLine = sampleLine;
    this.sampleMicros = sampleMicros;
    this.startMicros = startMicros;
    this.intervalNanos = intervalNanos;
    this.dropped = dropped;
    long total = 0;
    for (int us : sampleMicros) {
      total += us;
    }
    this.totalMicros = total;
  }

  /** Decodes the output of {@code qjs_profile_stop}. */
  public static ProfileData read(ByteBuffer in, HostFrameNames hostNames, FramePositions positions) {
    long start = in.getLong();
    in.getLong(); // the stop time: the samples' durations say how long the profile ran
    long interval = in.getLong();
    long dropped = in.getLong();
    int n = in.getInt();
    List<Frame> frames = new ArrayList<>(n);
    List<String> rawFiles = new ArrayList<>(n);
    List<String> rawNames = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int kind = in.get();
      int hostId = in.getInt();
      int line = in.getInt();
      int column = in.getInt();
      String name = text(in);
      String file = text(in);
      rawFiles.add(file);
      rawNames.add(name);
      frames.add(switch (kind) {
        case JS -> {
          FramePositions.Position p = positions.map(new FramePositions.Position(file, line, column, name));
          yield new Frame(p.functionName().isEmpty() ? "(anonymous)" : p.functionName(), p.file(), p.line(), p.column(), JS);
        }
        case NATIVE -> new Frame(name.isEmpty() ? "(native)" : name, "", 0, 0, NATIVE);
        case HOST -> new Frame(hostNames.nameOf(hostId), "", 0, 0, HOST);
        default -> new Frame(name, "", 0, 0, OTHER);
      });
    }
    int nodes = in.getInt();
    int[] parent = new int[nodes];
    int[] frameOf = new int[nodes];
    for (int i = 0; i < nodes; i++) {
      parent[i] = in.getInt();
      frameOf[i] = in.getInt();
    }
    int samples = in.getInt();
    int[] node = new int[samples];
    int[] line = new int[samples];
    int[] micros = new int[samples];
    for (int i = 0; i < samples; i++) {
      node[i] = in.getInt();
      line[i] = in.getInt();
      micros[i] = in.getInt();
      line[i] = mappedLine(frames, parent, frameOf, rawFiles, rawNames, node[i], line[i], positions);
    }
    return new ProfileData(List.copyOf(frames), parent, frameOf, node, line, micros,
        start / 1000, interval, dropped);
  }

  /** A sample's line in the original source: its innermost JavaScript frame's mapping. */
  private static int mappedLine(List<Frame> frames, int[] parent, int[] frameOf, List<String> rawFiles,
      List<String> rawNames, int node, int line, FramePositions positions) {
    if (line <= 0 || positions == FramePositions.IDENTITY) {
      return line;
    }
    for (int n = node; n > 0; n = parent[n]) {
      int f = frameOf[n];
      if (f >= 0 && frames.get(f).kind() == JS) {
        return positions.map(new FramePositions.Position(rawFiles.get(f), line, 1, rawNames.get(f))).line();
      }
    }
    return line;
  }

  private static String text(ByteBuffer in) {
    int len = in.getInt();
    byte[] b = new byte[len];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  public List<Frame> frames() {
    return List.copyOf(frames); // the same immutable list
  }

  /** Call tree nodes, the root included. */
  public int nodeCount() {
    return parent.length;
  }

  /** A node's parent; -1 for the root. */
  public int parent(int node) {
    return parent[node];
  }

  /** A node's frame index; -1 for the root. */
  public int frameOf(int node) {
    return frameOf[node];
  }

  public int sampleCount() {
    return sampleNode.length;
  }

  public int sampleNode(int i) {
    return sampleNode[i];
  }

  /** The 1-based line of the sample's innermost JavaScript frame; 0 unknown. */
  public int sampleLine(int i) {
    return sampleLine[i];
  }

  /** The time the sample stands for, in microseconds. */
  public int sampleMicros(int i) {
    return sampleMicros[i];
  }

  /** When recording began, in microseconds of the monotonic clock. */
  public long startMicros() {
    return startMicros;
  }

  /** The time all samples stand for, in microseconds. */
  public long totalMicros() {
    return totalMicros;
  }

  public long intervalNanos() {
    return intervalNanos;
  }

  /** Samples not kept: the profile reached its cap. */
  public long dropped() {
    return dropped;
  }
}
