package dev.qjs.internal.profile;

import dev.qjs.internal.bridge.QuickJsNative;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The CPU profile of one runtime: started and stopped through the API, or by the ENGINE_SCOPE
 * setting {@value #KEY} (a file path: the calls made while it is set are recorded, and the file
 * is written when the setting is gone at a call's start, when it is removed, or when the engine
 * closes). One profile records at a time. Every method but {@link #recording} runs under the
 * runtime's lock.
 */
public final class CpuProfiler {
  /** The ENGINE_SCOPE setting that records a profile into a file. */
  public static final String KEY = "quickjs.cpuProfile";
  /**
   * Samples one profile keeps (at 1 ms, over 16 minutes of running JavaScript); later ones are
   * counted as dropped. The system property {@code quickjs.cpuProfileMaxSamples} sets another cap
   * (read when a profile starts).
   */
  public static final int MAX_SAMPLES = 1_000_000;
  static final String MAX_SAMPLES_PROPERTY = "quickjs.cpuProfileMaxSamples";
  /** The default sampling interval. */
  public static final long DEFAULT_INTERVAL_NANOS = 1_000_000;

  private final Supplier<ByteBuffer> output;
  /** Non-null while a profile records: read by every host call, without the lock. */
  private volatile @Nullable HostFrameNames names;
  /** The file of the profile the setting started; null when none records or the API started it. */
  private @Nullable Path keyFile;
  private FramePositions positions = FramePositions.IDENTITY;

  /** output: the shim's output buffer after a call. */
  public CpuProfiler(Supplier<ByteBuffer> output) {
    this.output = output;
  }

  /** The frame names of the profile recording now; null when none records. */
  public @Nullable HostFrameNames recording() {
    return names;
  }

  /** How positions are mapped when a profile is decoded (source maps); identity by default. */
  public void mapPositionsWith(FramePositions p) {
    positions = p;
  }

  /** The path a value of the setting names: a String or a Path. */
  public static Path path(Object value) {
    if (value instanceof Path p) {
      return p;
    }
    if (value instanceof CharSequence s && !s.toString().isBlank()) {
      try {
        return Path.of(s.toString());
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException(KEY + " must be a file path: " + e.getMessage(), e);
      }
    }
    throw new IllegalArgumentException(KEY + " must be a file path (a String or a java.nio.file.Path), not "
        + (value instanceof CharSequence ? "a blank string" : value.getClass().getName()));
  }

  public void start(long rt, long intervalNanos) {
    if (intervalNanos <= 0) {
      throw new IllegalArgumentException("the sampling interval must be positive");
    }
    long cap = Long.getLong(MAX_SAMPLES_PROPERTY, MAX_SAMPLES);
    int rc = QuickJsNative.qjs_profile_start(rt, intervalNanos,
        (int) Math.max(1, Math.min(cap, Integer.MAX_VALUE)));
    if (rc == QuickJsNative.PROFILE_RUNNING) {
      throw new IllegalStateException(keyFile != null
          ? "a CPU profile is already recording: the one " + KEY + " started (into " + keyFile + ")"
          : "a CPU profile is already recording: stopCpuProfiling() it first");
    }
    if (rc != QuickJsNative.OK) {
      throw new OutOfMemoryError("QuickJS could not start a CPU profile");
    }
    names = new HostFrameNames();
  }

  public ProfileData stop(long rt) {
    if (keyFile != null) {
      throw new IllegalStateException("the CPU profile recording is the one " + KEY
          + " started: remove that setting to stop it (its file is written then)");
    }
    return stopRecording(rt);
  }

  private ProfileData stopRecording(long rt) {
    HostFrameNames n = names;
    int rc = QuickJsNative.qjs_profile_stop(rt);
    names = null;
    if (rc == QuickJsNative.PROFILE_NOT_RUNNING || n == null) {
      throw new IllegalStateException("no CPU profile is recording: startCpuProfiling() first");
    }
    if (rc != QuickJsNative.OK) {
      throw new OutOfMemoryError("QuickJS could not write the CPU profile out");
    }
    return ProfileData.read(output.get(), n, positions);
  }

  /** Whether the setting's value (null: absent) asks for a change of what records. */
  public boolean settingChanges(@Nullable Object value) {
    return value != null || keyFile != null;
  }

  /**
   * At a call's start: the setting's value (null: not set) starts a profile into its file, or
   * ends the one it started, writing the file.
   */
  public void setting(long rt, @Nullable Object value) {
    Path file = value == null ? null : path(value);
    if (file != null && file.equals(keyFile)) {
      return;
    }
    if (keyFile != null) {
      finishSetting(rt);
    }
    if (file != null) {
      start(rt, DEFAULT_INTERVAL_NANOS);
      keyFile = file;
    }
  }

  /** Ends the profile the setting started, if any, writing its file. */
  public void finishSetting(long rt) {
    Path file = keyFile;
    if (file == null) {
      return;
    }
    keyFile = null;
    ProfileData data = stopRecording(rt);
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        CpuProfileJson.write(data, w);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the CPU profile " + KEY + " asked for to " + file, e);
    }
  }
}
