package dev.qjs;

import dev.qjs.internal.profile.CpuProfileJson;
import dev.qjs.internal.profile.FoldedStacks;
import dev.qjs.internal.profile.FunctionTimes;
import dev.qjs.internal.profile.ProfileData;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A CPU profile of one engine, from {@link QuickJsScriptEngine#stopCpuProfiling()}: samples of
 * the JavaScript stack taken while scripts ran, with the time each stands for. It writes Chrome's
 * {@code .cpuprofile} JSON (opened by Chrome DevTools, VS Code and speedscope) and folded stacks
 * (for flame graph tools), and tells the functions that took the most time.
 *
 * <pre>{@code
 * engine.startCpuProfiling();
 * engine.eval(script);
 * CpuProfile profile = engine.stopCpuProfiling();
 * profile.writeCpuProfile(Path.of("run.cpuprofile"));
 * for (CpuProfile.FunctionTime f : profile.topFunctions(5)) {
 *   System.out.println(f); // e.g. "fib (app.js:3) self 812.0 ms, total 812.0 ms"
 * }
 * }</pre>
 *
 * <p>Frames are JavaScript functions (name, file, line and column of their definition), native
 * functions of QuickJS ({@code (native)} when nameless), and Java methods that scripts called,
 * named {@code (host) class.method}: the time a Java call took is measured around it. A profile
 * keeps at most 1,000,000 samples (over 16 minutes of running JavaScript at the default 1 ms);
 * later samples are counted in {@link #droppedSamples()}. Time while no script runs is not
 * sampled.
 */
public final class CpuProfile {
  private final ProfileData data;

  CpuProfile(ProfileData data) {
    this.data = data;
  }

  /**
   * The time of one function in a profile: self (while it was the innermost frame) and total
   * (while it was anywhere on the stack).
   *
   * <pre>{@code
   * CpuProfile.FunctionTime top = profile.topFunctions(1).get(0);
   * System.out.println(top.name() + " at " + top.file() + ":" + top.line() + " " + top.selfTime());
   * }</pre>
   *
   * @param name the function's name; {@code (anonymous)}, {@code (native)} or {@code (host) ...}
   * @param file the script or module it is defined in; empty for native and host frames
   * @param line the 1-based line of its definition; 0 when unknown
   * @param column the 1-based column of its definition; 0 when unknown
   * @param selfTime time it was the innermost frame
   * @param totalTime time it was on the stack
   * @param selfSamples samples it was the innermost frame of
   */
  public record FunctionTime(String name, String file, int line, int column, Duration selfTime,
      Duration totalTime, long selfSamples) {
    @Override
    public String toString() {
      String where = file.isEmpty() ? "" : " (" + file + (line > 0 ? ":" + line : "") + ")";
      return name + where + " self " + millis(selfTime) + " ms, total " + millis(totalTime) + " ms";
    }

    private static String millis(Duration d) {
      return String.format(java.util.Locale.ROOT, "%.1f", d.toNanos() / 1e6);
    }
  }

  /**
   * Samples taken (not counting dropped ones).
   *
   * @return the number of samples the profile holds
   */
  public int sampleCount() {
    return data.sampleCount();
  }

  /**
   * Samples not kept because the profile reached its cap of 1,000,000.
   *
   * @return the number of samples left out; 0 when the cap was not reached
   */
  public long droppedSamples() {
    return data.dropped();
  }

  /**
   * The time between samples the profile was started with.
   *
   * @return the sampling interval
   */
  public Duration interval() {
    return Duration.ofNanos(data.intervalNanos());
  }

  /**
   * The time all samples stand for: how long scripts ran while the profile recorded.
   *
   * @return the sampled time
   */
  public Duration sampledTime() {
    return Duration.ofNanos(data.totalMicros() * 1000);
  }

  /**
   * The functions with the most self time, largest first.
   *
   * @param limit how many at most
   * @return up to {@code limit} functions
   */
  public List<FunctionTime> topFunctions(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
    List<FunctionTime> out = new ArrayList<>();
    for (FunctionTimes.Entry e : FunctionTimes.of(data)) {
      if (out.size() == limit) {
        break;
      }
      ProfileData.Frame f = e.frame();
      out.add(new FunctionTime(f.name(), f.file(), f.line(), f.column(),
          Duration.ofNanos(e.selfMicros() * 1000), Duration.ofNanos(e.totalMicros() * 1000),
          e.selfSamples()));
    }
    return out;
  }

  /**
   * Writes the profile as Chrome's {@code .cpuprofile} JSON.
   *
   * @param out where to write; flushed, not closed
   * @throws IOException when writing fails
   */
  public void writeCpuProfile(Writer out) throws IOException {
    CpuProfileJson.write(data, Objects.requireNonNull(out, "out"));
  }

  /**
   * Writes the profile as Chrome's {@code .cpuprofile} JSON into a file (UTF-8), replacing it.
   *
   * @param file the file, conventionally named {@code *.cpuprofile}
   * @throws IOException when writing fails
   */
  public void writeCpuProfile(Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(Objects.requireNonNull(file, "file"), StandardCharsets.UTF_8)) {
      CpuProfileJson.write(data, w);
    }
  }

  /**
   * Writes folded stacks: one line per distinct stack, {@code outer;inner;innermost count}, the
   * input of {@code flamegraph.pl}, inferno and speedscope. A frame reads {@code name file:line}
   * when its position is known.
   *
   * @param out where to write; flushed, not closed
   * @throws IOException when writing fails
   */
  public void writeFoldedStacks(Writer out) throws IOException {
    FoldedStacks.write(data, Objects.requireNonNull(out, "out"));
  }

  /**
   * The folded stacks of {@link #writeFoldedStacks(Writer)}, as a string.
   *
   * @return one {@code frame;frame;frame count} line per distinct stack
   */
  public String foldedStacks() {
    StringWriter w = new StringWriter();
    try {
      FoldedStacks.write(data, w);
    } catch (IOException cannot) {
      throw new IllegalStateException(cannot); // a StringWriter does not fail
    }
    return w.toString();
  }

  /** The ten functions with the most self time, one a line. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("CpuProfile: ").append(sampleCount()).append(" samples");
    for (FunctionTime f : topFunctions(10)) {
      sb.append(System.lineSeparator()).append("  ").append(f);
    }
    return sb.toString();
  }
}
